import { Construct } from 'constructs';
import { IDeclaresFlows, PodRef } from '../core/flows';
import { FlowComposite } from '../core/flow-parts';
import { ANY_IPV4, IDeclaresIpEgress, IpEgress } from '../core/ip-egress';
import { ClientPeer } from '../core/network';
import { check, checkCidr, checkDnsSubdomain } from '../core/validation';
import { MetricsMonitor } from '../monitoring/metrics-monitor';
import { copyIpEgress } from './common';
import { Grafana } from './grafana';
import { Jaeger, JaegerElasticsearchTarget } from './jaeger';
import { KubeStateMetrics } from './kube-state-metrics';
import { MetricsServer, MetricsServerProps } from './metrics-server';
import { OperatorMode, PrometheusStack } from './prometheus-stack';
import { StackProfile } from './prometheus-common';
import { TenantObservability } from './tenant-observability';
import { ReadOnlyViewer } from './viewer';

/** Props of {@link ObservabilityStack}. */
export interface ObservabilityStackProps {
  /** Sizes of every component (`dev`: one replica each, small requests). @default 'production' */
  readonly profile?: StackProfile;
  /** The cluster's name: Prometheus' `cluster` external label. */
  readonly clusterName: string;
  /**
   * `managed` (default): the Prometheus Operator, Prometheus, Alertmanager, Grafana and
   * kube-state-metrics are emitted. `existing`: an operator already runs (kube-prometheus-stack,
   * which brings its own Prometheus, Grafana and kube-state-metrics): only the stack alerts, the
   * monitors (labelled `discoveryLabels`), metrics-server, Jaeger and the viewer.
   */
  readonly operator?: OperatorMode;
  /** Labels of every monitor and rule, selected by the Prometheus. @default PLATFORM_DISCOVERY_LABELS (`prometheus: platform`) */
  readonly discoveryLabels?: Record<string, string>;
  /** Existing Secret (keys `admin-user`, `admin-password`) with Grafana's admin credentials. @default 'grafana-admin' */
  readonly grafanaAdminSecret?: string;
  /** Where the API server is (egress of the operator, Prometheus, kube-state-metrics, metrics-server; ingress of metrics-server). @default '0.0.0.0/0' */
  readonly apiServerCidr?: string;
  /** Where the nodes are (metrics-server reads the kubelets on 10250; Prometheus scrapes host-network exporters). @default '0.0.0.0/0' */
  readonly nodeCidr?: string;
  /**
   * metrics-server: `false` leaves it out (clusters that ship one: GKE, AKS, the EKS add-on, or
   * prometheus-adapter's resource metrics), props tune it (kind/minikube: `{ kubeletInsecureTls: true }`).
   * @default true
   */
  readonly metricsServer?: boolean | Omit<MetricsServerProps, 'profile' | 'apiServerCidr' | 'nodeCidr'>;
  /**
   * Where Jaeger stores traces: the platform's `Elasticsearch` (its flow is declared and admitted).
   * Required in production; dev keeps traces in memory.
   * @default - in memory (dev only)
   */
  readonly elasticsearch?: JaegerElasticsearchTarget;
  /** With Elasticsearch security on: existing Secrets (in this namespace) with Jaeger's user (`username`, `password`) and the CA (`ca.crt`). @default - none */
  readonly elasticsearchSecrets?: { readonly credentialsSecret?: string; readonly caSecret?: string };
  /** Who may send traces (OTLP): e.g. `{ namespace: 'apps', podLabels: {} }`; more with {@link ObservabilityStack.admitTraces}. @default - nobody yet */
  readonly tracesFrom?: ClientPeer[];
}

/**
 * The observability stack of one cluster (SPEC §12) in one namespace, usually `monitoring`: the
 * {@link PrometheusStack} (operator and its CRDs, Prometheus, Alertmanager, their monitors and
 * alerts), {@link Grafana} with the platform's dashboards on that Prometheus, {@link
 * KubeStateMetrics} (scraped with `honorLabels`), {@link MetricsServer}, {@link Jaeger} and the
 * read-only {@link ReadOnlyViewer}; monitors for Grafana, kube-state-metrics and Jaeger.
 *
 * It declares every flow of its parts ({@link IDeclaresFlows}) and their egress by address
 * ({@link ipEgress}), so a default-denying namespace works with `NetworkChart.addFlowsOf(stack)`
 * and `addExternalEgress` for each of {@link ipEgress}. Prometheus scrapes what {@link scrape} is
 * given (the workloads whose monitors it selects).
 */
export class ObservabilityStack extends FlowComposite implements IDeclaresIpEgress {
  public readonly prometheusStack: PrometheusStack;
  public readonly grafana?: Grafana;
  public readonly kubeStateMetrics?: KubeStateMetrics;
  public readonly metricsServer?: MetricsServer;
  public readonly jaeger: Jaeger;
  public readonly viewer: ReadOnlyViewer;
  /** Monitors of Grafana, kube-state-metrics and Jaeger. */
  public readonly monitors: MetricsMonitor[] = [];
  /** Labels every monitor and rule carries (what the Prometheus selects). */
  public readonly discoveryLabels: Record<string, string>;

  private readonly nodeCidr: string;
  private readonly extraEgress: IpEgress[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id);
    const profile = props.profile ?? 'production';
    const apiServerCidr = checkCidr(this, 'apiServerCidr', props.apiServerCidr ?? ANY_IPV4);
    this.nodeCidr = checkCidr(this, 'nodeCidr', props.nodeCidr ?? ANY_IPV4);
    check(props.tracesFrom === undefined || Array.isArray(props.tracesFrom), this, 'tracesFrom', String(props.tracesFrom), 'must be a list of clients');

    this.prometheusStack = new PrometheusStack(this, 'prometheus', {
      clusterName: props.clusterName,
      profile,
      operator: props.operator,
      discoveryLabels: props.discoveryLabels,
      apiServerCidr,
    });
    this.discoveryLabels = this.prometheusStack.discoveryLabels;
    const prometheus = this.prometheusStack.prometheus;
    if (prometheus) {
      const secretName = checkDnsSubdomain(this, 'grafanaAdminSecret', props.grafanaAdminSecret ?? 'grafana-admin');
      this.grafana = new Grafana(this, 'grafana', { profile, admin: { secretName }, prometheus, partOf: 'monitoring', monitoringNamespace: prometheus.namespace });
      this.kubeStateMetrics = new KubeStateMetrics(this, 'kube-state-metrics', { profile, apiServerCidr, partOf: 'monitoring', monitoringNamespace: prometheus.namespace });
    }
    if (props.metricsServer !== false) {
      const tuned = typeof props.metricsServer === 'object' ? props.metricsServer : {};
      this.metricsServer = new MetricsServer(this, 'metrics-server', { partOf: 'monitoring', ...tuned, profile, apiServerCidr, nodeCidr: this.nodeCidr });
    }
    check(profile === 'dev' || props.elasticsearch !== undefined, this, 'elasticsearch', 'undefined',
      'is required in production: Jaeger stores traces in the platform\'s Elasticsearch (dev keeps them in memory)');
    this.jaeger = new Jaeger(this, 'jaeger', {
      profile,
      // Prometheus (when the stack runs one) scrapes from its own namespace.
      ...(prometheus ? { monitoringNamespace: prometheus.namespace } : {}),
      storage: props.elasticsearch ? { type: 'elasticsearch', elasticsearch: props.elasticsearch, ...props.elasticsearchSecrets } : { type: 'memory' },
      allowFrom: [...(props.tracesFrom ?? [])],
      // The UI holds trace data and has no login: no pod may open it; `kubectl port-forward` is not subject to policies.
      uiAllowFrom: [],
      partOf: 'monitoring',
    });
    this.viewer = new ReadOnlyViewer(this, 'viewer');

    for (const part of [this.grafana, this.kubeStateMetrics, this.jaeger]) {
      if (!part) continue;
      this.monitors.push(new MetricsMonitor(this, `monitor-${part.metricsEndpoint.component}`, { endpoint: part.metricsEndpoint, labels: this.discoveryLabels }));
    }
    this.scrape(...this.parts().filter((p) => p !== this.prometheusStack));
  }

  /** Prometheus scrapes what `sources` declare as scraped from its namespace (no-op with an existing operator). */
  public scrape(...sources: IDeclaresFlows[]): void {
    this.prometheusStack.scrape(...sources);
  }

  /**
   * Prometheus scrapes `target` on `port` on the host network (node-exporter): a declared flow
   * and egress by address to the nodes (`nodeCidr`), since policies cannot select host-network pods.
   */
  public scrapeHostNetwork(target: PodRef, port: number, what: string): void {
    const prometheus = this.prometheusStack.prometheus;
    if (!prometheus) return;
    prometheus.scrapes(target, port, what);
    this.extraEgress.push({ name: `${prometheus.service.name}-${what.replace(/[^a-z0-9-]+/g, '-')}`, namespace: prometheus.namespace, podLabels: { ...prometheus.selectorLabels }, cidr: this.nodeCidr, ports: [port] });
  }

  /**
   * What the stack grants one tenant, created in `scope` (the tenant's chart) as new objects only:
   * Prometheus scrapes `scraped`, pods of `tracesFrom` send traces (see {@link TenantObservability}).
   * Adding a tenant this way changes no object of the stack. Hand the result to the NetworkChart.
   */
  public addTenant(scope: Construct, id: string, props: { readonly scraped: IDeclaresFlows[]; readonly tracesFrom: string }): TenantObservability {
    return new TenantObservability(scope, id, { prometheus: this.prometheusStack.prometheus, jaeger: this.jaeger, ...props });
  }

  /** Lets `peer` (e.g. `{ namespace: 'team-a-apps', podLabels: {}, name: 'team-a-apps' }`) send traces to Jaeger. */
  public admitTraces(peer: ClientPeer): void {
    this.jaeger.allowClient(peer);
  }

  /** Egress by address of every part: API server, kubelets, receivers, host-network scrapes. */
  public ipEgress(): IpEgress[] {
    return [
      ...this.prometheusStack.ipEgress(),
      ...(this.kubeStateMetrics?.ipEgress() ?? []),
      ...(this.metricsServer?.ipEgress() ?? []),
      ...copyIpEgress(this.extraEgress),
    ];
  }

  protected parts(): IDeclaresFlows[] {
    return [this.prometheusStack, this.grafana, this.kubeStateMetrics, this.metricsServer, this.jaeger].filter((p): p is NonNullable<typeof p> => p !== undefined);
  }
}
