import { App, Chart } from 'cdk8s';
import { DeclaredFlow, IDeclaresFlows, OpenPort, PodRef } from '../core/flows';
import { flowsOfParts, openPortsOfParts } from '../core/flow-parts';
import { ANY_IPV4, apiServerEgress } from '../core/ip-egress';
import { MetricsEndpoint } from '../core/metrics';
import { ObservabilityStack, ObservabilityStackProps } from '../observability/observability-stack';
import { TenantObservability } from '../observability/tenant-observability';
import { check, checkBoolean } from '../core/validation';
import { KafkaCluster } from '../kafka/kafka-cluster';
import { EfkStack } from '../logging/efk-stack';
import { AlertComponentKind } from '../monitoring/alert-catalogue';
import { MonitoringChart } from '../monitoring/monitoring-chart';
import { PlatformMonitoring } from '../monitoring/platform-monitoring';
import { NodeExporter, NodeExporterProps } from '../node-exporter/node-exporter';
import { demoWebAppProps } from '../webapp/demo';
import { WebApp } from '../webapp/web-app';
import { ZookeeperEnsemble } from '../zookeeper/zookeeper-ensemble';
import { NamespacesChart, NamespaceSpec } from './namespaces';
import { NetworkChart } from './network';
import { efkProfileProps, EfkOptions, kafkaProfileProps, observabilityProfileProps, PlatformProfile, PROFILES, webAppProfileProps, zookeeperProfileProps } from './profile';
import { checkTenant, PlatformTenant, TenantOptions } from './tenant';

/** Labels the Prometheus Operator puts on Prometheus pods; they run in the monitoring namespace. */
export const PROMETHEUS_POD_LABELS = { 'app.kubernetes.io/name': 'prometheus' };

/** The cluster's monitoring namespace: Prometheus runs there and scrapes every tenant. */
export const MONITORING_NAMESPACE = 'monitoring';

/** Options of the cluster layer ({@link buildCluster}). */
export interface ClusterOptions {
  /** @default PROFILES.production */
  readonly profile?: PlatformProfile;
  /** Cluster DNS domain. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /**
   * Emit the monitoring chart (ServiceMonitors, PodMonitors, PrometheusRules, the cluster's and
   * every tenant's), which needs the Prometheus Operator's CRDs. @default true
   */
  readonly monitoring?: boolean;
  /**
   * Where Fluentd may reach the Kubernetes API server (ports 443 and 6443). NetworkPolicies cannot
   * select the API server by labels; narrow this to the control plane's addresses when known.
   * @default '0.0.0.0/0'
   */
  readonly apiServerCidr?: string;
  /**
   * EFK props layered over the profile's ({@link efkProfileProps}: `storage` and `elasticsearch`
   * merged key by key). `storage.emptyDir` is refused in the production profile.
   * @default - the profile's props
   */
  readonly efk?: EfkOptions;
  readonly nodeExporter?: NodeExporterProps;
  /** The cluster's name: Prometheus' `cluster` external label on every series and alert. @default 'platform' */
  readonly clusterName?: string;
  /**
   * Who runs the Prometheus Operator. `managed` (default): the platform installs it (CRDs in
   * `dist/crds/`), with Prometheus, Alertmanager, Grafana and kube-state-metrics. `existing`: an
   * operator already runs (kube-prometheus-stack): only the platform's monitors, rules and stack
   * alerts, labelled {@link monitoringDiscoveryLabels} so its Prometheus selects them.
   * @default 'managed'
   */
  readonly monitoringOperator?: 'managed' | 'existing';
  /**
   * Labels of every ServiceMonitor, PodMonitor and PrometheusRule, and what the Prometheus selects.
   * For kube-prometheus-stack installed as Helm release `kps`: `{ release: 'kps' }` (its default
   * selectors). @default { prometheus: 'platform' }
   */
  readonly monitoringDiscoveryLabels?: Record<string, string>;
  /** Existing Secret in `monitoring` with Grafana's admin credentials (keys `admin-user`, `admin-password`). @default 'grafana-admin' */
  readonly grafanaAdminSecret?: string;
  /** Where the nodes are: metrics-server reads the kubelets (10250), Prometheus scrapes node-exporter (9100). @default '0.0.0.0/0' */
  readonly nodeCidr?: string;
  /**
   * metrics-server: `false` leaves it out (the cluster ships one, or runs prometheus-adapter's
   * resource metrics); props tune it, e.g. `{ kubeletInsecureTls: true }` on kind or minikube,
   * whose kubelets serve self-signed certificates. @default true
   */
  readonly metricsServer?: ObservabilityStackProps['metricsServer'];
}

/** A tenant built with the cluster: named, or (at most one) unnamed for the single-tenant platform. */
export interface InitialTenant extends TenantOptions {
  /** @default - the unnamed tenant: namespaces `streaming` and `apps`, monitors in the cluster's rule */
  readonly name?: string;
}

/** A tenant whose streaming part exists, apps not yet (the cluster builds its layers concern by concern). */
interface StreamingPart {
  readonly name?: string;
  readonly options: TenantOptions;
  readonly streaming: Chart;
  readonly zookeeper: ZookeeperEnsemble;
  readonly kafka: KafkaCluster;
}

/**
 * The cluster layer (SPEC §1, §13): what exists once per cluster, whatever the number of tenants —
 * the namespaces chart, the network baseline, the EFK logging stack (Elasticsearch and Kibana in
 * `logging`, Fluentd in `logging-agents`, one ClusterRole), node-exporter (`metrics`, host port
 * 9100 on every node) and the monitoring chart in `monitoring`; plus its tenants
 * ({@link addTenant}), each with prefixed namespaces `<tenant>-streaming` and `<tenant>-apps`.
 *
 * Charts apply in this order ({@link charts}): `namespaces`, `network`, each tenant's
 * `<tenant>-streaming` and `<tenant>-apps` (which depend on the network chart only, never on each
 * other), then the cluster chain `logging`, `logging-agents`, `metrics`, `monitoring`. A tenant's
 * namespaces and policies join the first two charts.
 *
 * The observability stack ({@link ObservabilityStack}: Prometheus Operator and its CRDs, Prometheus,
 * Alertmanager, Grafana, kube-state-metrics, metrics-server, Jaeger, the viewer) is cluster-wide too:
 * chart `observability` in the default-denying `monitoring` namespace, off the chain (after the
 * network only); each tenant gets a {@link TenantObservability} in its apps chart (Prometheus scrapes
 * its workloads, its apps send traces), so adding a tenant changes nothing the cluster runs.
 */
export class PlatformCluster {
  public readonly app: App;
  public readonly profile: PlatformProfile;
  public readonly clusterDomain?: string;
  public readonly namespaces: NamespacesChart;
  /** Default-deny plus DNS and the declared flows' egress for every cluster and tenant namespace. */
  public readonly network: NetworkChart;
  public readonly logging: Chart;
  public readonly loggingAgents: Chart;
  public readonly efk: EfkStack;
  public readonly metrics: Chart;
  public readonly nodeExporter: NodeExporter;
  /** The Prometheus Operator custom resources of the cluster and every tenant; absent when `monitoring` is false. */
  public readonly monitoring?: MonitoringChart;
  /** Chart `observability` (namespace `monitoring`): the stack that runs the monitoring; absent when `monitoring` is false. */
  public readonly observabilityChart?: Chart;
  /** The observability stack (operator, Prometheus, Alertmanager, Grafana, kube-state-metrics, metrics-server, Jaeger, viewer), once per cluster. */
  public readonly observability?: ObservabilityStack;
  /** Namespace of Prometheus and of every monitor: tenant NetworkPolicies admit scrapes from it. */
  public readonly monitoringNamespace = MONITORING_NAMESPACE;
  /** The Prometheus pods, for `monitorFlows`: the platform's Prometheus, or any pod labelled as one with an existing operator. */
  public get prometheus(): PodRef {
    return this.observability?.prometheusStack.prometheus?.podRef ?? { namespace: MONITORING_NAMESPACE, labels: { ...PROMETHEUS_POD_LABELS } };
  }
  /** The tenants, in the order they were added. */
  public readonly tenants: PlatformTenant[] = [];
  /** The last chart of the cluster chain. */
  private tail: Chart;
  /** Every chart of the cluster and its tenants, in creation order. */
  private readonly created: Chart[] = [];

  /**
   * Builds the cluster layer into `app`, with `initialTenants` built concern by concern alongside
   * (their streaming charts before logging, their apps after metrics). With one unnamed tenant this
   * is exactly the single-tenant platform of `buildPlatform(app)`.
   */
  constructor(app: App, options: ClusterOptions = {}, initialTenants: InitialTenant[] = []) {
    this.app = app;
    this.profile = options.profile ?? PROFILES.production;
    this.clusterDomain = options.clusterDomain;
    check(Array.isArray(initialTenants), 'buildPlatform', 'tenants', String(initialTenants), 'must be a list of tenant names or { name, ...overrides }');
    check(initialTenants.filter((t) => t.name === undefined).length <= 1, 'buildPlatform', 'tenants', 'unnamed', 'may hold at most one unnamed tenant');
    initialTenants.forEach((t, i) => {
      if (t.name === undefined) return;
      checkTenant(t.name);
      check(initialTenants.findIndex((o) => o.name === t.name) === i, 'buildPlatform', 'tenants[]', t.name, 'must be unique');
    });

    this.namespaces = new NamespacesChart(app, 'namespaces', { namespaces: [] });
    this.created.push(this.namespaces);
    this.network = new NetworkChart(app, 'network', { defaultDenyNamespaces: [] });
    this.network.addDependency(this.namespaces);
    this.created.push(this.network);
    this.tail = this.network;

    const streamingParts = initialTenants.map((t) => this.buildStreaming(t.name, t));

    // Cluster-wide node agents and logging: once per cluster, whatever the number of tenants.
    this.logging = this.chain('logging', 'logging');
    this.loggingAgents = this.chain('logging-agents', 'logging-agents');
    this.efk = new EfkStack(this.logging, 'efk', {
      agentScope: this.loggingAgents,
      clusterDomain: options.clusterDomain,
      monitoringNamespace: MONITORING_NAMESPACE,
      ...efkProfileProps(this.profile, options.efk),
    });
    for (const spec of this.efk.namespaceSpecs) this.addNamespace(spec);
    this.addNamespace({
      name: 'metrics',
      podSecurity: 'privileged',
      reason: 'node-exporter reads the node itself: host network and PID namespaces and read-only host filesystems',
    });
    this.metrics = this.chain('metrics', 'metrics');
    this.nodeExporter = new NodeExporter(this.metrics, 'node-exporter', { partOf: 'metrics', ...options.nodeExporter });

    const built = streamingParts.map((part) => this.buildApps(part));

    this.addNamespace({ name: MONITORING_NAMESPACE, podSecurity: 'restricted' });
    checkBoolean('buildPlatform', 'monitoring', options.monitoring);
    if (options.monitoring !== false) {
      // Off the cluster chain, like a tenant's charts (after the network only): one more chart of ~90
      // objects in the chain would multiply the paths cdk8s' dependency graph walks (app.synth()
      // went from seconds to minutes). Nothing in it needs an earlier chart at apply time: the CRDs
      // are applied and established first (README), Elasticsearch is only reached at run time.
      this.observabilityChart = this.chain('observability', MONITORING_NAMESPACE, true);
      const { metricsServer: metricsServerSizing, ...sizing } = observabilityProfileProps(this.profile);
      this.observability = new ObservabilityStack(this.observabilityChart, 'stack', {
        ...sizing,
        clusterName: options.clusterName ?? 'platform',
        operator: options.monitoringOperator,
        discoveryLabels: options.monitoringDiscoveryLabels,
        grafanaAdminSecret: options.grafanaAdminSecret,
        apiServerCidr: options.apiServerCidr,
        nodeCidr: options.nodeCidr,
        metricsServer: options.metricsServer === false ? false : { ...metricsServerSizing, ...(typeof options.metricsServer === 'object' ? options.metricsServer : {}) },
        elasticsearch: sizing.tracesInMemory ? undefined : this.efk.elasticsearch,
      });
      this.observability.scrape(this.efk);
      this.observability.scrapeHostNetwork({ namespace: this.nodeExporter.namespace, labels: this.nodeExporter.selectorLabels }, this.nodeExporter.port, 'node-exporter');
    }
    this.monitoring = this.buildMonitoringLayer(options, built.find((t) => t.name === undefined));
    const initial = built.map((t) => ({ ...t, ...(t.name === undefined ? {} : { monitoring: this.monitorTenant(t) }), observability: this.observeTenant(t) }));

    // The policy keeps its name `egress-fluentd-apiserver` (stable across releases).
    const fluentd = this.efk.fluentd;
    this.network.addExternalEgress(apiServerEgress({ name: 'fluentd', namespace: fluentd.namespace, selectorLabels: fluentd.selectorLabels }, options.apiServerCidr ?? ANY_IPV4));
    for (const egress of this.observability?.ipEgress() ?? []) this.network.addExternalEgress(egress);
    // Every flow comes from the constructs: each declares what it needs and admits.
    this.tenants.push(...initial);
    this.network.addFlowsOf(...this.declaring());
  }

  /**
   * Adds a tenant: namespaces `<name>-streaming` (ZooKeeper + Kafka) and `<name>-apps` (the web
   * app), default-deny with the flows its constructs declare, its monitors and rule
   * `<name>-platform-alerts` in the monitoring namespace. It only creates objects: nothing the
   * cluster or another tenant emits changes. The name must be unique ({@link checkTenant}).
   */
  public addTenant(name: string, options: TenantOptions = {}): PlatformTenant {
    checkTenant(name, 'PlatformCluster.addTenant', 'name');
    check(!this.tenants.some((t) => t.name === name), 'PlatformCluster.addTenant', 'name', name, 'must be unique: the cluster already has this tenant');
    const built = this.buildApps(this.buildStreaming(name, options));
    const tenant = { ...built, monitoring: this.monitorTenant(built), observability: this.observeTenant(built) };
    this.network.addFlowsOf(tenant.zookeeper, tenant.kafka, tenant.webApp, ...(tenant.observability ? [tenant.observability] : []));
    this.tenants.push(tenant);
    return tenant;
  }

  /**
   * Every chart of the cluster and its tenants, in apply order (the order cdk8s numbers the files):
   * `namespaces`, `network`, the named tenants' charts, then the cluster chain (`logging`,
   * `logging-agents`, `metrics`, `monitoring`; the unnamed tenant's `streaming` and `apps` sit in
   * that chain, as in the single-tenant platform).
   */
  public get charts(): Chart[] {
    const mine = new Set<unknown>(this.created);
    const depsOf = (c: Chart) => c.node.dependencies.filter((d): d is Chart => mine.has(d));
    const dependedOn = new Set(this.created.flatMap(depsOf));
    const ordered: Chart[] = [];
    const seen = new Set<Chart>();
    const visit = (c: Chart): void => {
      if (seen.has(c)) return;
      seen.add(c);
      depsOf(c).forEach(visit);
      ordered.push(c);
    };
    this.created.filter((c) => !dependedOn.has(c)).forEach(visit);
    return ordered;
  }

  /** The tenant named `name`; throws naming the tenants there are. */
  public tenant(name: string): PlatformTenant {
    const found = this.tenants.find((t) => t.name === name);
    if (!found) throw new Error(`the cluster has no tenant "${name}" (tenants: ${this.tenants.map((t) => t.name ?? '(unnamed)').join(', ') || 'none'})`);
    return found;
  }

  /** Every flow the cluster's and the tenants' constructs declare, each once. */
  public declaredFlows(): DeclaredFlow[] {
    return flowsOfParts(this.declaring());
  }

  /** Ports open to any pod of the cluster: Kibana's UI and every tenant's web app. */
  public openPorts(): OpenPort[] {
    return openPortsOfParts(this.declaring());
  }

  private declaring(): IDeclaresFlows[] {
    return [...this.tenants.flatMap((t) => [t.zookeeper, t.kafka]), this.efk, ...this.tenants.map((t) => t.webApp), ...(this.observability ? [this.observability] : []),
      ...this.tenants.flatMap((t) => (t.observability ? [t.observability] : []))];
  }

  /**
   * The cluster's monitoring: its namespace and the chart of monitors and rules (the unnamed
   * tenant's monitors join the cluster's rule `platform-alerts`, as the single-tenant platform
   * always had them), labelled with the observability stack's discovery labels so its Prometheus
   * (or an existing operator's) selects them, the monitors of the cluster and of every tenant.
   */
  private buildMonitoringLayer(options: ClusterOptions, unnamed: PlatformTenant | undefined): MonitoringChart | undefined {
    if (options.monitoring === false) return undefined;
    const labels = this.observability?.discoveryLabels;
    const web = unnamed?.webApp.metricsEndpoint;
    const endpoints = [
      ...(unnamed ? [unnamed.zookeeper.metricsEndpoint, unnamed.kafka.metricsEndpoint] : []),
      this.efk.elasticsearch.metricsEndpoint, this.efk.fluentd.metricsEndpoint, this.nodeExporter.metricsEndpoint,
      web,
    ].filter((e): e is MetricsEndpoint => e !== undefined);
    const monitoring = new MonitoringChart(this.app, 'monitoring', {
      namespace: MONITORING_NAMESPACE,
      endpoints,
      applyLast: false,
      alertKinds: web ? { [web.component]: 'webapp' } : {},
      workloads: {
        ...(unnamed ? { zookeeper: unnamed.zookeeper.name, kafka: unnamed.kafka.name } : {}),
        'node-exporter': this.nodeExporter.name,
        ...(web ? { [web.component]: unnamed!.webApp.name } : {}),
      },
      logRetentionCronJobs: { [this.efk.elasticsearch.metricsEndpoint.component]: this.efk.retention.name },
      monitorLabels: labels,
      ruleLabels: labels,
    });
    monitoring.addDependency(this.tail);
    this.tail = monitoring;
    this.created.push(monitoring);
    return monitoring;
  }

  /**
   * What the cluster's observability stack grants the tenant (Prometheus scrapes its workloads, its
   * apps send traces to Jaeger), as new objects in the tenant's apps chart: adding a tenant changes
   * nothing the cluster runs.
   */
  private observeTenant(tenant: PlatformTenant): TenantObservability | undefined {
    return this.observability?.addTenant(tenant.apps, 'observability', { scraped: [tenant.zookeeper, tenant.kafka, tenant.webApp], tracesFrom: tenant.apps.namespace! });
  }

  /** A named tenant's monitors, prefixed `<tenant>-`, and its own PrometheusRule `<tenant>-platform-alerts`. */
  private monitorTenant(tenant: PlatformTenant): PlatformMonitoring | undefined {
    if (!this.monitoring) return undefined;
    const prefix = `${tenant.name}-`;
    const parts: Array<[MetricsEndpoint | undefined, AlertComponentKind, string]> = [
      [tenant.zookeeper.metricsEndpoint, 'zookeeper', tenant.zookeeper.name],
      [tenant.kafka.metricsEndpoint, 'kafka', tenant.kafka.name],
      [tenant.webApp.metricsEndpoint, 'webapp', tenant.webApp.name],
    ];
    const present = parts.filter(([e]) => e !== undefined).map(([e, kind, workload]) => ({ endpoint: { ...e!, component: prefix + e!.component }, kind, workload }));
    return this.monitoring.addMonitoring(`tenant-${tenant.name}`, {
      endpoints: present.map((p) => p.endpoint),
      ruleName: `${prefix}platform-alerts`,
      monitorLabels: this.observability?.discoveryLabels,
      ruleLabels: this.observability?.discoveryLabels,
      alertKinds: Object.fromEntries(present.map((p) => [p.endpoint.component, p.kind])),
      workloads: Object.fromEntries(present.map((p) => [p.endpoint.component, p.workload])),
    });
  }

  private buildStreaming(name: string | undefined, options: TenantOptions): StreamingPart {
    const ns = tenantNamespace(name, 'streaming');
    this.addNamespace({ name: ns, podSecurity: 'restricted' });
    const streaming = this.chain(ns, ns, name !== undefined);
    const zookeeper = new ZookeeperEnsemble(streaming, 'zookeeper', {
      name: 'zk',
      ...zookeeperProfileProps(this.profile),
      clusterDomain: this.clusterDomain,
      partOf: 'streaming',
      monitoringNamespace: MONITORING_NAMESPACE,
      ...options.zookeeper,
    });
    const kafka = new KafkaCluster(streaming, 'kafka', {
      name: 'kafka',
      mode: { type: 'zookeeper', ensemble: zookeeper, chroot: '/kafka' },
      ...kafkaProfileProps(this.profile),
      clusterDomain: this.clusterDomain,
      partOf: 'streaming',
      monitoringNamespace: MONITORING_NAMESPACE,
      ...options.kafka,
    });
    return { name, options, streaming, zookeeper, kafka };
  }

  private buildApps(part: StreamingPart): PlatformTenant {
    const ns = tenantNamespace(part.name, 'apps');
    this.addNamespace({ name: ns, podSecurity: 'restricted' });
    const apps = this.chain(ns, ns, part.name !== undefined);
    const webApp = new WebApp(apps, 'podinfo', demoWebAppProps({ ...webAppProfileProps(this.profile), monitoringNamespace: MONITORING_NAMESPACE, ...part.options.webApp }));
    const { name, streaming, zookeeper, kafka } = part;
    return { name, streaming, zookeeper, kafka, apps, webApp };
  }

  /** A namespace of the cluster, default-deny (flows open what its constructs declare). */
  private addNamespace(spec: NamespaceSpec): void {
    this.namespaces.addNamespace(spec);
    this.network.addDefaultDeny(spec.name);
  }

  /**
   * A new chart. Cluster charts (and the unnamed tenant's) form one chain, each applied after the
   * one before. A named tenant's chart depends only on the network chart (so on the namespaces),
   * never on another tenant's: cdk8s turns a chart dependency into a dependency of every object on
   * every object of the other chart, and its dependency graph walks every path, so chaining tenant
   * after tenant makes `app.synth()` exponential in the number of tenants.
   */
  private chain(id: string, namespace: string, tenant = false): Chart {
    const chart = new Chart(this.app, id, { namespace });
    if (tenant) {
      chart.addDependency(this.network);
    } else {
      chart.addDependency(this.tail);
      this.tail = chart;
    }
    this.created.push(chart);
    return chart;
  }
}

/** `<tenant>-<suffix>`, or the bare suffix for the unnamed tenant. */
function tenantNamespace(tenant: string | undefined, suffix: string): string {
  return tenant === undefined ? suffix : `${tenant}-${suffix}`;
}

/**
 * The cluster layer alone, without tenants: add them with `cluster.addTenant('team-a', { kafka: {...} })`.
 * `buildPlatform(app, { tenants })` composes both.
 */
export function buildCluster(app: App, options: ClusterOptions = {}): PlatformCluster {
  return new PlatformCluster(app, options);
}
