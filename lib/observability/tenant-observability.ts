import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { DeclaredFlow, declaresFlows, FlowDeclarations, IDeclaresFlows, OpenPort } from '../core/flows';
import { MANAGED_BY } from '../core/labels';
import { derivedDnsLabels } from '../core/names';
import { namespacePeer, tcpPort } from '../core/network';
import { check, checkDnsLabel } from '../core/validation';
import { Jaeger } from './jaeger';
import { JAEGER_PORTS } from './jaeger-config';
import { Prometheus } from './prometheus';

/** Props of {@link TenantObservability}. */
export interface TenantObservabilityProps {
  /** The cluster's Prometheus (none with an existing operator: then nothing is scraped here). */
  readonly prometheus?: Prometheus;
  /** The tenant's workloads whose metrics Prometheus scrapes (they declare the scrape from its namespace). */
  readonly scraped: IDeclaresFlows[];
  /** The cluster's Jaeger. */
  readonly jaeger: Jaeger;
  /** Namespace whose pods may send traces (the tenant's apps namespace). */
  readonly tracesFrom: string;
}

/**
 * What the cluster's observability stack grants one tenant, as new objects only, so adding a tenant
 * changes nothing the cluster already runs (SPEC §13, day 2):
 *
 * - `prometheus -> <target>` for every scrape the tenant's workloads declare (as {@link
 *   Prometheus.scrapeTargetsOf}, but declared here rather than on the Prometheus resource);
 * - `<tracesFrom> -> jaeger otlp` on 4317 and 4318, and the NetworkPolicy in Jaeger's namespace that
 *   admits that namespace (NetworkPolicies add up: Jaeger's own policy stays as it was).
 *
 * The declarations travel on that NetworkPolicy (`platform.cdk8s.io/flows`), so the checks see them.
 */
export class TenantObservability extends Construct implements IDeclaresFlows {
  /** Admits `tracesFrom` to Jaeger's OTLP ports. */
  public readonly otlpPolicy: k8s.KubeNetworkPolicy;
  private readonly flowDeclarations = new FlowDeclarations(this);

  constructor(scope: Construct, id: string, props: TenantObservabilityProps) {
    super(scope, id);
    const tracesFrom = checkDnsLabel(this, 'tracesFrom', props.tracesFrom);
    check(Array.isArray(props.scraped), this, 'scraped', String(props.scraped), 'must be a list of constructs that declare flows');
    const prometheus = props.prometheus;
    props.scraped.forEach((source, i) => {
      check(declaresFlows(source), this, `scraped[${i}]`, String(source), 'must declare its flows (a construct of this library)');
      if (!prometheus) return;
      source.onFlow((flow) => {
        if (flow.from.namespace !== prometheus.namespace || Object.keys(flow.from.labels).length > 0) return;
        this.flowDeclarations.add({ name: flow.name.replace(/^[^ ]+ -> /, 'prometheus -> '), from: prometheus.podRef, to: flow.to, port: flow.port, protocol: flow.protocol });
      });
    });

    const jaeger = props.jaeger;
    const otlp = [JAEGER_PORTS.otlpGrpc, JAEGER_PORTS.otlpHttp];
    for (const port of otlp) {
      this.flowDeclarations.add({ name: `${tracesFrom} -> jaeger otlp ${port}`, from: { namespace: tracesFrom, labels: {} }, to: jaeger.podRef, port, client: true });
    }
    const name = derivedDnsLabels([tracesFrom], { prefix: `${jaeger.name}-otlp-`, maxLength: 63, fallback: 'tenant' }).get(tracesFrom)!;
    this.otlpPolicy = new k8s.KubeNetworkPolicy(this, 'JaegerOtlp', {
      metadata: { name, namespace: jaeger.namespace, labels: { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/part-of': 'monitoring' } },
      spec: {
        podSelector: { matchLabels: { ...jaeger.selectorLabels } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [namespacePeer(tracesFrom)], ports: otlp.map(tcpPort) }],
      },
    });
    this.flowDeclarations.annotate(this.otlpPolicy);
  }

  /** @see IDeclaresFlows.declaredFlows */
  public declaredFlows(): DeclaredFlow[] {
    return this.flowDeclarations.list();
  }

  /** @see IDeclaresFlows.openPorts */
  public openPorts(): OpenPort[] {
    return this.flowDeclarations.openPorts();
  }

  /** @see IDeclaresFlows.onFlow */
  public onFlow(listener: (flow: DeclaredFlow) => void): void {
    this.flowDeclarations.onFlow(listener);
  }
}
