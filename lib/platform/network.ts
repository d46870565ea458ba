import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import type { Flow } from '../checks/network-flows';
import { MANAGED_BY } from '../core/labels';
import { NAMESPACE_NAME_LABEL } from '../core/network';
import { intOrString } from '../core/probes';
import { check, checkDnsLabel } from '../core/validation';

/** Cluster DNS: CoreDNS keeps the `k8s-app: kube-dns` label in `kube-system`. */
const KUBE_DNS_PEER: k8s.NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};

/** Egress to something that is not a pod (the Kubernetes API server, an external service). */
export interface ExternalEgress {
  /** Stable policy name suffix, e.g. `fluentd-apiserver`. */
  readonly name: string;
  readonly namespace: string;
  /** Labels of the source pods. */
  readonly podLabels: Record<string, string>;
  /** Destination CIDR. */
  readonly cidr: string;
  readonly ports: number[];
}

/** Props of {@link NetworkChart}. */
export interface NetworkChartProps extends Omit<ChartProps, 'namespace'> {
  /** Namespaces that get default-deny (ingress and egress) and DNS egress. */
  readonly defaultDenyNamespaces: string[];
  /** Pod-to-pod connections to allow out of their source namespaces (egress side; each target admits them itself). */
  readonly flows: Flow[];
  /** Connections to non-pod destinations. @default [] */
  readonly externalEgress?: ExternalEgress[];
}

/**
 * The platform's network baseline, applied right after the namespaces: every platform namespace
 * denies all ingress and egress by default, then allows DNS and exactly the declared flows. The
 * ingress half of each flow lives with the target workload (e.g. `ZookeeperEnsemble.allowClient`);
 * this chart opens the egress half from the source, one policy per flow with a stable name.
 *
 * The monitoring namespace is left alone: Prometheus runs there, installed by the Prometheus
 * Operator stack, and needs egress to every scrape target.
 */
export class NetworkChart extends Chart {
  constructor(scope: Construct, id: string, props: NetworkChartProps) {
    super(scope, id, props);
    for (const namespace of props.defaultDenyNamespaces) this.addBaseline(checkDnsLabel(this, 'defaultDenyNamespaces[]', namespace));
    const names = new Set<string>();
    for (const flow of props.flows) {
      const name = `egress-${slug(flow.name)}`;
      check(!names.has(`${flow.from.namespace}/${name}`), this, 'flows[].name', flow.name, 'must be unique per source namespace');
      names.add(`${flow.from.namespace}/${name}`);
      this.policy(flow.from.namespace, name, flow.from.labels, [{
        to: [{
          namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: flow.to.namespace } },
          podSelector: { matchLabels: { ...flow.to.labels } },
        }],
        ports: [{ protocol: flow.protocol ?? 'TCP', port: intOrString(flow.port) }],
      }]);
    }
    for (const external of props.externalEgress ?? []) {
      this.policy(external.namespace, `egress-${checkDnsLabel(this, 'externalEgress[].name', external.name)}`, external.podLabels, [{
        to: [{ ipBlock: { cidr: external.cidr } }],
        ports: external.ports.map((port) => ({ protocol: 'TCP', port: intOrString(port) })),
      }]);
    }
  }

  private addBaseline(namespace: string): void {
    this.object(namespace, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    this.policy(namespace, 'allow-dns', {}, [{
      to: [KUBE_DNS_PEER],
      ports: [{ protocol: 'UDP', port: intOrString(53) }, { protocol: 'TCP', port: intOrString(53) }],
    }]);
  }

  private policy(namespace: string, name: string, podLabels: Record<string, string>, egress: k8s.NetworkPolicyEgressRule[]): void {
    this.object(namespace, name, { podSelector: { matchLabels: { ...podLabels } }, policyTypes: ['Egress'], egress });
  }

  private object(namespace: string, name: string, spec: k8s.NetworkPolicySpec): void {
    new k8s.KubeNetworkPolicy(this, `${namespace}-${name}`, {
      metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': MANAGED_BY } },
      spec,
    });
  }
}

/** `kafka -> zookeeper client port` -> `kafka-zookeeper-client-port`. */
function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50).replace(/-+$/, '');
}
