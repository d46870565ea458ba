import { App, Chart } from 'cdk8s';
import { DeclaredFlow, OpenPort, PodRef } from '../core/flows';
import { check } from '../core/validation';
import { KafkaCluster } from '../kafka/kafka-cluster';
import { EfkStack } from '../logging/efk-stack';
import { MonitoringChart } from '../monitoring/monitoring-chart';
import { NodeExporter } from '../node-exporter/node-exporter';
import { WebApp } from '../webapp/web-app';
import { ZookeeperEnsemble } from '../zookeeper/zookeeper-ensemble';
import { ClusterOptions, InitialTenant, PlatformCluster } from './cluster';
import { NamespacesChart } from './namespaces';
import { NetworkChart } from './network';
import { checkTenant, PlatformTenant, TenantOptions, TenantSpec } from './tenant';

export * from './cluster';
export * from './tenant';

/** Options of {@link buildPlatform}: the cluster layer's, plus tenant props for every tenant. */
export interface PlatformOptions extends ClusterOptions, TenantOptions {
  /**
   * The tenants sharing the cluster, each with namespaces `<tenant>-streaming` and `<tenant>-apps`
   * and its own ZooKeeper, Kafka and web app; a name, or `{ name, zookeeper?, kafka?, webApp? }`
   * whose props are layered over the platform-wide `zookeeper` / `kafka` / `webApp` (which apply to
   * every tenant). Names are validated DNS labels, unique.
   * @default - one unnamed tenant: the single-tenant platform (namespaces `streaming` and `apps`)
   */
  readonly tenants?: Array<string | TenantSpec>;
}

/**
 * The charts and constructs of the platform, charts in apply order: the cluster layer, the tenants,
 * and — for the single-tenant platform (no `tenants`) — its tenant's charts and constructs directly
 * (`streaming`, `zookeeper`, `kafka`, `apps`, `webApp`), which throw when there are named tenants.
 */
export interface PlatformCharts {
  /** The cluster layer; `cluster.addTenant(name, props)` adds a tenant later. */
  readonly cluster: PlatformCluster;
  /** The named tenants by name (empty for the single-tenant platform). */
  readonly tenants: Readonly<Record<string, PlatformTenant>>;
  readonly namespaces: NamespacesChart;
  /** Default-deny plus DNS and the declared flows' egress, applied right after the namespaces. */
  readonly network: NetworkChart;
  readonly streaming: Chart;
  readonly zookeeper: ZookeeperEnsemble;
  readonly kafka: KafkaCluster;
  readonly logging: Chart;
  readonly loggingAgents: Chart;
  readonly efk: EfkStack;
  readonly metrics: Chart;
  readonly nodeExporter: NodeExporter;
  readonly apps: Chart;
  readonly webApp: WebApp;
  /** The Prometheus Operator custom resources, applied last; absent when `monitoring` is false. */
  readonly monitoring?: MonitoringChart;
  /** Every chart, in apply order. */
  readonly charts: Chart[];
  /**
   * The connections the platform's NetworkPolicies must allow, as the constructs declare them
   * (each also in the `platform.cdk8s.io/flows` annotation of its workload, which `runAllChecks`
   * reads); the tests prove each one. Scrapes by Prometheus' own labels are derived from the
   * monitors themselves (`monitorFlows(manifests, prometheus)`).
   */
  readonly flows: DeclaredFlow[];
  /** Ports open to any pod of the cluster (user-facing services): Kibana's UI and the web apps. */
  readonly openServices: OpenPort[];
  /** The Prometheus pods, for `monitorFlows`. */
  readonly prometheus: PodRef;
}

/**
 * Composes the whole platform into `app` (SPEC §1, §9, §13): the cluster layer once (namespaces,
 * network baseline, EFK logging, node-exporter, monitoring) and the tenant layer per tenant
 * (ZooKeeper + Kafka in `<tenant>-streaming`, the web app in `<tenant>-apps`), one chart per
 * concern with lowercase ids, each depending on the one before, so cdk8s numbers the files
 * (`0000-namespaces.k8s.yaml`, ...) and `kubectl apply -f dist/` creates the namespaces first and
 * the monitoring custom resources last.
 *
 * Without `tenants` this is the single-tenant platform: namespaces `streaming` and `apps`, no
 * prefix. Pod Security: `restricted` everywhere except the two node-agent namespaces (`metrics`
 * for node-exporter, `logging-agents` for Fluentd), which are `privileged` with the reason recorded.
 */
export function buildPlatform(app: App, options: PlatformOptions = {}): PlatformCharts {
  const { tenants: given, zookeeper, kafka, webApp, ...clusterOptions } = options;
  check(given === undefined || (Array.isArray(given) && given.length > 0), 'buildPlatform', 'tenants', JSON.stringify(given),
    'must list at least one tenant (leave it out for the single-tenant platform)');
  const specs: InitialTenant[] = given === undefined
    ? [{ zookeeper, kafka, webApp }]
    : given.map((t) => {
      const spec: TenantSpec = typeof t === 'string' ? { name: t } : t;
      check(typeof spec === 'object' && spec !== null, 'buildPlatform', 'tenants[]', String(t), 'must be a tenant name or { name, zookeeper?, kafka?, webApp? }');
      checkTenant(spec.name);
      return {
        name: spec.name,
        zookeeper: { ...zookeeper, ...spec.zookeeper },
        kafka: { ...kafka, ...spec.kafka },
        webApp: { ...webApp, ...spec.webApp },
      };
    });
  const cluster = new PlatformCluster(app, clusterOptions, specs);
  const single = (): PlatformTenant => {
    const unnamed = cluster.tenants.find((t) => t.name === undefined);
    if (!unnamed) {
      throw new Error(`buildPlatform: the platform has tenants (${cluster.tenants.map((t) => t.name).join(', ')}): `
        + 'use tenants[\'<name>\'].streaming, .zookeeper, .kafka, .apps, .webApp');
    }
    return unnamed;
  };
  return {
    cluster,
    tenants: Object.fromEntries(cluster.tenants.filter((t) => t.name !== undefined).map((t) => [t.name!, t])),
    namespaces: cluster.namespaces,
    network: cluster.network,
    logging: cluster.logging,
    loggingAgents: cluster.loggingAgents,
    efk: cluster.efk,
    metrics: cluster.metrics,
    nodeExporter: cluster.nodeExporter,
    monitoring: cluster.monitoring,
    get streaming() { return single().streaming; },
    get zookeeper() { return single().zookeeper; },
    get kafka() { return single().kafka; },
    get apps() { return single().apps; },
    get webApp() { return single().webApp; },
    charts: [...cluster.charts],
    flows: cluster.declaredFlows(),
    openServices: cluster.openPorts(),
    prometheus: cluster.prometheus,
  };
}
