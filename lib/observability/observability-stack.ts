import { Construct } from 'constructs';
import { IDeclaresFlows, PodRef } from '../core/flows';
import { FlowComposite } from '../core/flow-parts';
import { ANY_IPV4, IDeclaresIpEgress, IpEgress } from '../core/ip-egress';
import { ClientPeer } from '../core/network';
import { check, checkBoolean, checkCidr, checkDnsSubdomain } from '../core/validation';
import { MetricsMonitor } from '../monitoring/metrics-monitor';
import { copyIpEgress } from './stack-deployment';
import { Grafana, GrafanaProps } from './grafana';
import { Jaeger, JaegerElasticsearchTarget, JaegerProps, JaegerStorage } from './jaeger';
import { KubeStateMetrics, KubeStateMetricsProps } from './kube-state-metrics';
import { MetricsServer, MetricsServerProps } from './metrics-server';
import { OperatorMode, PrometheusStack } from './prometheus-stack';
import { AlertmanagerProps } from './alertmanager';
import { Prometheus, PrometheusProps } from './prometheus';
import { PrometheusOperatorProps } from './prometheus-operator';
import { TenantObservability } from './tenant-observability';
import { ReadOnlyViewer } from './viewer';

/** Props of {@link ObservabilityStack}. */
export interface ObservabilityStackProps {
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
  readonly metricsServer?: boolean | Omit<MetricsServerProps, 'apiServerCidr' | 'nodeCidr'>;
  /**
   * Where Jaeger stores traces: the platform's `Elasticsearch` (its flow is declared and admitted).
   * Required unless `tracesInMemory` is chosen.
   * @default - none (required unless `tracesInMemory`)
   */
  readonly elasticsearch?: JaegerElasticsearchTarget;
  /**
   * Keep traces in Jaeger's memory instead of Elasticsearch: every trace is lost on restart (the
   * platform's dev profile). Excludes `elasticsearch`. @default false
   */
  readonly tracesInMemory?: boolean;
  /** With Elasticsearch security on: existing Secrets (in this namespace) with Jaeger's user (`username`, `password`) and the CA (`ca.crt`). @default - none */
  readonly elasticsearchSecrets?: { readonly credentialsSecret?: string; readonly caSecret?: string };
  /** Who may send traces (OTLP): e.g. `{ namespace: 'apps', podLabels: {} }`; more with {@link ObservabilityStack.admitTraces}. @default - nobody yet */
  readonly tracesFrom?: ClientPeer[];
  /** Sizing of the Prometheus Operator (managed mode). @default - its defaults */
  readonly operatorProps?: Pick<PrometheusOperatorProps, 'resources' | 'configReloaderResources'>;
  /** Sizing of the Prometheus (managed mode). @default - its defaults */
  readonly prometheusProps?: Pick<PrometheusProps, 'replicas' | 'retention' | 'storage' | 'resources' | 'antiAffinity'>;
  /** Sizing of the Alertmanager (managed mode). @default - its defaults */
  readonly alertmanagerProps?: Pick<AlertmanagerProps, 'replicas' | 'resources' | 'antiAffinity'>;
  /** Sizing of Grafana (managed mode). @default - its defaults */
  readonly grafanaProps?: Pick<GrafanaProps, 'resources'>;
  /** Sizing of kube-state-metrics (managed mode). @default - its defaults */
  readonly kubeStateMetricsProps?: Pick<KubeStateMetricsProps, 'computeResources'>;
  /** Sizing of Jaeger. @default - its defaults */
  readonly jaegerProps?: Pick<JaegerProps, 'replicas' | 'resources'>;
}

/** {@link ObservabilityStackProps} after validation and defaults. */
interface ResolvedObservabilityStack {
  readonly apiServerCidr: string;
  readonly nodeCidr: string;
  readonly grafanaAdminSecret: string;
  /** undefined: no metrics-server. */
  readonly metricsServer?: Omit<MetricsServerProps, 'apiServerCidr' | 'nodeCidr'>;
  readonly traceStorage: JaegerStorage;
  readonly tracesFrom: ClientPeer[];
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
    const r = this.resolve(props);
    this.nodeCidr = r.nodeCidr;
    this.prometheusStack = new PrometheusStack(this, 'prometheus', {
      clusterName: props.clusterName,
      operator: props.operator,
      discoveryLabels: props.discoveryLabels,
      apiServerCidr: r.apiServerCidr,
      operatorProps: props.operatorProps,
      prometheusProps: props.prometheusProps,
      alertmanagerProps: props.alertmanagerProps,
    });
    this.discoveryLabels = this.prometheusStack.discoveryLabels;
    const prometheus = this.prometheusStack.prometheus;
    if (prometheus) {
      this.grafana = this.createGrafana(r, prometheus, props.grafanaProps);
      this.kubeStateMetrics = new KubeStateMetrics(this, 'kube-state-metrics', { ...props.kubeStateMetricsProps, apiServerCidr: r.apiServerCidr, partOf: 'monitoring', monitoringNamespace: prometheus.namespace });
    }
    if (r.metricsServer) this.metricsServer = new MetricsServer(this, 'metrics-server', { partOf: 'monitoring', ...r.metricsServer, apiServerCidr: r.apiServerCidr, nodeCidr: r.nodeCidr });
    this.jaeger = this.createJaeger(r, prometheus, props.jaegerProps);
    this.viewer = new ReadOnlyViewer(this, 'viewer');
    this.createMonitors();
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

  /** Every check and default, before any object. */
  private resolve(props: ObservabilityStackProps): ResolvedObservabilityStack {
    const apiServerCidr = checkCidr(this, 'apiServerCidr', props.apiServerCidr ?? ANY_IPV4);
    const nodeCidr = checkCidr(this, 'nodeCidr', props.nodeCidr ?? ANY_IPV4);
    check(props.tracesFrom === undefined || Array.isArray(props.tracesFrom), this, 'tracesFrom', String(props.tracesFrom), 'must be a list of clients');
    const grafanaAdminSecret = checkDnsSubdomain(this, 'grafanaAdminSecret', props.grafanaAdminSecret ?? 'grafana-admin');
    const inMemory = checkBoolean(this, 'tracesInMemory', props.tracesInMemory) ?? false;
    check(inMemory || props.elasticsearch !== undefined, this, 'elasticsearch', 'undefined',
      'is required: Jaeger stores traces in the platform\'s Elasticsearch (or set tracesInMemory: true to keep them in memory, lost on restart)');
    check(!inMemory || props.elasticsearch === undefined, this, 'tracesInMemory', true, 'excludes elasticsearch: choose one trace storage');
    const traceStorage: JaegerStorage = props.elasticsearch
      ? { type: 'elasticsearch', elasticsearch: props.elasticsearch, ...props.elasticsearchSecrets }
      : { type: 'memory' };
    const metricsServer = props.metricsServer === false ? undefined : (typeof props.metricsServer === 'object' ? props.metricsServer : {});
    return { apiServerCidr, nodeCidr, grafanaAdminSecret, metricsServer, traceStorage, tracesFrom: [...(props.tracesFrom ?? [])] };
  }

  private createGrafana(r: ResolvedObservabilityStack, prometheus: Prometheus, sizing: ObservabilityStackProps['grafanaProps']): Grafana {
    return new Grafana(this, 'grafana', { ...sizing, admin: { secretName: r.grafanaAdminSecret }, prometheus, partOf: 'monitoring', monitoringNamespace: prometheus.namespace });
  }

  private createJaeger(r: ResolvedObservabilityStack, prometheus: Prometheus | undefined, sizing: ObservabilityStackProps['jaegerProps']): Jaeger {
    return new Jaeger(this, 'jaeger', {
      ...sizing,
      // Prometheus (when the stack runs one) scrapes from its own namespace.
      ...(prometheus ? { monitoringNamespace: prometheus.namespace } : {}),
      storage: r.traceStorage,
      allowFrom: r.tracesFrom,
      // The UI holds trace data and has no login: no pod may open it; `kubectl port-forward` is not subject to policies.
      uiAllowFrom: [],
      partOf: 'monitoring',
    });
  }

  /** Monitors of Grafana, kube-state-metrics and Jaeger. */
  private createMonitors(): void {
    for (const part of [this.grafana, this.kubeStateMetrics, this.jaeger]) {
      if (!part) continue;
      this.monitors.push(new MetricsMonitor(this, `monitor-${part.metricsEndpoint.component}`, { endpoint: part.metricsEndpoint, labels: this.discoveryLabels }));
    }
  }

  protected parts(): IDeclaresFlows[] {
    return [this.prometheusStack, this.grafana, this.kubeStateMetrics, this.metricsServer, this.jaeger].filter((p): p is NonNullable<typeof p> => p !== undefined);
  }
}
