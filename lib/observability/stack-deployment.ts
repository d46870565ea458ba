import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { makeClusterScoped } from '../core/escape-hatches';
import { IpEgress } from '../core/ip-egress';
import { namespacePeer, tcpPort } from '../core/network';

/**
 * The skeleton of the stateless stack components (Grafana, Jaeger, kube-state-metrics,
 * metrics-server, the operator): their Deployment, a ClusterRole bound to one ServiceAccount, the
 * metrics-only ingress policy, and their egress by address.
 */

/** Props of {@link stackDeployment}. */
export interface StackDeploymentProps {
  /** `metadata.name`. */
  readonly name: string;
  /** Labels of the Deployment and its pods. */
  readonly labels: Record<string, string>;
  /** The stable selector (a subset of `labels`). */
  readonly selectorLabels: Record<string, string>;
  readonly replicas: number;
  /**
   * `surge` (default): RollingUpdate with `maxSurge: 1, maxUnavailable: 0` (never fewer ready
   * pods). `recreate`: the old pod stops before the new one starts (one controller at a time).
   */
  readonly strategy?: 'surge' | 'recreate';
  /** @default 10 */
  readonly revisionHistoryLimit?: number;
  /** Pod template annotations. @default - none */
  readonly podAnnotations?: Record<string, string>;
  /**
   * The pod spec; `enableServiceLinks: false` and the Linux node selector are added (no component
   * reads Service environment variables; every image is Linux-only).
   */
  readonly pod: k8s.PodSpec & { readonly serviceAccountName: string; readonly automountServiceAccountToken: boolean };
}

/** The Deployment of one stateless stack component (see {@link StackDeploymentProps}), construct id `Resource`. */
export function stackDeployment(scope: Construct, props: StackDeploymentProps): k8s.KubeDeployment {
  const strategy: k8s.DeploymentStrategy = props.strategy === 'recreate'
    ? { type: 'Recreate' }
    : { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } };
  return new k8s.KubeDeployment(scope, 'Resource', {
    metadata: { name: props.name, labels: props.labels },
    spec: {
      replicas: props.replicas,
      revisionHistoryLimit: props.revisionHistoryLimit ?? 10,
      strategy,
      selector: { matchLabels: props.selectorLabels },
      template: {
        metadata: { labels: props.labels, annotations: props.podAnnotations },
        spec: { enableServiceLinks: false, nodeSelector: { 'kubernetes.io/os': 'linux' }, ...props.pod },
      },
    },
  });
}

/** Props of {@link bindClusterRole}. */
export interface BoundClusterRoleProps {
  /** Name of the ClusterRole and of its ClusterRoleBinding. */
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly rules: k8s.PolicyRule[];
  /** The ServiceAccount granted the role. */
  readonly serviceAccount: { readonly name: string; readonly namespace: string };
}

/** A ClusterRole and the ClusterRoleBinding that grants it to one ServiceAccount (construct ids `ClusterRole`, `ClusterRoleBinding`). */
export function bindClusterRole(scope: Construct, props: BoundClusterRoleProps): { clusterRole: k8s.KubeClusterRole; binding: k8s.KubeClusterRoleBinding } {
  const clusterRole = new k8s.KubeClusterRole(scope, 'ClusterRole', { metadata: { name: props.name, labels: props.labels }, rules: props.rules });
  makeClusterScoped(clusterRole);
  const binding = new k8s.KubeClusterRoleBinding(scope, 'ClusterRoleBinding', {
    metadata: { name: props.name, labels: props.labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole.name },
    subjects: [{ kind: 'ServiceAccount', name: props.serviceAccount.name, namespace: props.serviceAccount.namespace }],
  });
  makeClusterScoped(binding);
  return { clusterRole, binding };
}

/** Props of {@link metricsIngressPolicy}. */
export interface MetricsIngressPolicyProps {
  /** `metadata.name` of the NetworkPolicy. */
  readonly name: string;
  readonly labels: Record<string, string>;
  /** The pods it selects. */
  readonly selectorLabels: Record<string, string>;
  /** Namespace of Prometheus. */
  readonly monitoringNamespace: string;
  /** Metrics ports. */
  readonly ports: number[];
}

/** An ingress NetworkPolicy that admits only the monitoring namespace, on the metrics ports (construct id `NetworkPolicy`). */
export function metricsIngressPolicy(scope: Construct, props: MetricsIngressPolicyProps): k8s.KubeNetworkPolicy {
  return new k8s.KubeNetworkPolicy(scope, 'NetworkPolicy', {
    metadata: { name: props.name, labels: props.labels },
    spec: {
      podSelector: { matchLabels: props.selectorLabels },
      policyTypes: ['Ingress'],
      ingress: [{ from: [namespacePeer(props.monitoringNamespace)], ports: props.ports.map(tcpPort) }],
    },
  });
}

export { apiServerEgress } from '../core/ip-egress';
export type { ApiClientPods } from '../core/ip-egress';

/** Copies of `egress` (callers may not change a construct's declarations). */
export function copyIpEgress(egress: readonly IpEgress[]): IpEgress[] {
  return egress.map((e) => ({ ...e, podLabels: { ...e.podLabels }, ports: [...e.ports] }));
}
