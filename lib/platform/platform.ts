import { App, Chart } from 'cdk8s';
import { DeclaredFlow, flowKey, OpenPort, PodRef } from '../core/flows';
import { ComputeResources } from '../core/resources';
import { KafkaCluster, KafkaClusterProps } from '../kafka/kafka-cluster';
import { EfkStack, EfkStackProps } from '../logging/efk-stack';
import { MonitoringChart } from '../monitoring/monitoring-chart';
import { NodeExporter, NodeExporterProps } from '../node-exporter/node-exporter';
import { demoWebAppProps } from '../webapp/demo';
import { WebApp, WebAppProps } from '../webapp/web-app';
import { ZookeeperEnsemble, ZookeeperEnsembleProps } from '../zookeeper/zookeeper-ensemble';
import { NamespacesChart, NamespaceSpec } from './namespaces';
import { NetworkChart } from './network';
import { PlatformProfile, PROFILES } from './profile';
import { check } from '../core/validation';

/** Namespace suffixes the platform derives from the tenant: `<tenant>-<suffix>`. */
export const PLATFORM_NAMESPACE_SUFFIXES: readonly string[] = ['streaming', 'logging', 'logging-agents', 'metrics', 'apps', 'monitoring', 'namespaces', 'network'];

/** Longest tenant: `<tenant>-logging-agents` must stay a DNS label (63 characters). */
export const MAX_TENANT_LENGTH = 63 - 1 - Math.max(...PLATFORM_NAMESPACE_SUFFIXES.map((s) => s.length));

/**
 * The tenant prefix: a DNS label short enough that every namespace and chart id derived from it
 * (`<tenant>-logging-agents`, ...) stays one, and not `kube` (`kube-*` namespaces are reserved for
 * Kubernetes itself). Throws a PropError naming `buildPlatform`.
 */
export function checkTenant(tenant: unknown): string | undefined {
  if (tenant === undefined) return undefined;
  check(typeof tenant === 'string' && tenant.length <= MAX_TENANT_LENGTH && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(tenant), 'buildPlatform', 'tenant', tenant,
    `must be a DNS label of at most ${MAX_TENANT_LENGTH} characters (lowercase letters, digits and '-', starting and ending with a letter or digit), so every derived namespace such as "<tenant>-logging-agents" stays a DNS label`);
  check(tenant !== 'kube' && !(tenant as string).startsWith('kube-'), 'buildPlatform', 'tenant', tenant, 'must not make namespaces starting with "kube-": that prefix is reserved for Kubernetes system namespaces');
  return tenant as string;
}

/** Options of {@link buildPlatform}. */
export interface PlatformOptions {
  /** @default PROFILES.production */
  readonly profile?: PlatformProfile;
  /** Cluster DNS domain. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /**
   * Emit the monitoring chart (ServiceMonitors, PodMonitors, PrometheusRule), which needs the
   * Prometheus Operator's CRDs. @default true
   */
  readonly monitoring?: boolean;
  /**
   * Prefix of every chart id and namespace (`<tenant>-streaming`, ...), so several copies of the
   * platform can live in one app and one cluster. @default - no prefix
   */
  readonly tenant?: string;
  /**
   * Where Fluentd may reach the Kubernetes API server (ports 443 and 6443). NetworkPolicies cannot
   * select the API server by labels; narrow this to the control plane's addresses when known.
   * @default '0.0.0.0/0'
   */
  readonly apiServerCidr?: string;
  /**
   * Per-component props layered over the profile's, e.g. a staged Kafka rollout:
   * `{ kafka: { image: 'apache/kafka:3.9.2', partition: KafkaRollout.canary(3) } }`.
   * @default - the profile's props
   */
  readonly zookeeper?: Partial<ZookeeperEnsembleProps>;
  readonly kafka?: Partial<Omit<KafkaClusterProps, 'mode'>>;
  readonly efk?: Partial<Omit<EfkStackProps, 'agentScope'>>;
  readonly nodeExporter?: NodeExporterProps;
  readonly webApp?: Partial<WebAppProps>;
}

/** The charts and constructs of the platform, charts in apply order. */
export interface PlatformCharts {
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
  /** Ports open to any pod of the cluster (user-facing services): Kibana's UI and the web app. */
  readonly openServices: OpenPort[];
  /** The Prometheus pods, for `monitorFlows`. */
  readonly prometheus: PodRef;
}

/** Labels the Prometheus Operator puts on Prometheus pods; they run in the monitoring namespace. */
export const PROMETHEUS_POD_LABELS = { 'app.kubernetes.io/name': 'prometheus' };

const DEV_ZOOKEEPER_RESOURCES: ComputeResources = { requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '500m', memory: '512Mi' } };
const DEV_KAFKA_RESOURCES: ComputeResources = { requests: { cpu: '100m', memory: '768Mi' }, limits: { cpu: '1', memory: '768Mi' } };

/**
 * Composes the whole platform into `app` (SPEC §9): one chart per concern with lowercase ids, each
 * depending on the one before, so cdk8s numbers the files (`0000-namespaces.k8s.yaml`, ...) and
 * `kubectl apply -f dist/` creates the namespaces first and the monitoring custom resources last.
 *
 * Pod Security: `restricted` everywhere except the two node-agent namespaces (`metrics` for
 * node-exporter, `logging-agents` for Fluentd), which are `privileged` with the reason recorded.
 */
export function buildPlatform(app: App, options: PlatformOptions = {}): PlatformCharts {
  const profile = options.profile ?? PROFILES.production;
  const tenant = checkTenant(options.tenant);
  const prefix = tenant !== undefined ? `${tenant}-` : '';
  const ns = (name: string) => `${prefix}${name}`;
  const monitoringNamespace = ns('monitoring');
  const charts: Chart[] = [];
  const chart = (id: string, namespace?: string): Chart => {
    const c = new Chart(app, `${prefix}${id}`, { namespace });
    if (charts.length) c.addDependency(charts[charts.length - 1]);
    charts.push(c);
    return c;
  };

  const namespaces = new NamespacesChart(app, `${prefix}namespaces`, { namespaces: [] });
  charts.push(namespaces);
  const restricted = (name: string): NamespaceSpec => ({ name, podSecurity: 'restricted' });
  namespaces.addNamespace(restricted(ns('streaming')));

  const streaming = chart('streaming', ns('streaming'));
  const zookeeper = new ZookeeperEnsemble(streaming, 'zookeeper', {
    name: 'zk',
    replicas: profile.quorumReplicas,
    antiAffinity: profile.antiAffinity,
    clusterDomain: options.clusterDomain,
    partOf: 'streaming',
    monitoringNamespace,
    ...(profile.smallResources ? { resources: DEV_ZOOKEEPER_RESOURCES, storage: { size: '1Gi' } } : {}),
    ...options.zookeeper,
  });
  const kafka = new KafkaCluster(streaming, 'kafka', {
    name: 'kafka',
    mode: { type: 'zookeeper', ensemble: zookeeper, chroot: '/kafka' },
    replicas: profile.quorumReplicas,
    antiAffinity: profile.antiAffinity,
    clusterDomain: options.clusterDomain,
    partOf: 'streaming',
    monitoringNamespace,
    ...(profile.smallResources ? { resources: DEV_KAFKA_RESOURCES, storage: { size: '1Gi' } } : {}),
    ...options.kafka,
  });

  const logging = chart('logging', ns('logging'));
  const loggingAgents = chart('logging-agents', ns('logging-agents'));
  const efk = new EfkStack(logging, 'efk', {
    agentScope: loggingAgents,
    profile: profile.name,
    clusterDomain: options.clusterDomain,
    monitoringNamespace,
    ...options.efk,
  });
  for (const spec of efk.namespaceSpecs) namespaces.addNamespace(spec);

  namespaces.addNamespace({
    name: ns('metrics'),
    podSecurity: 'privileged',
    reason: 'node-exporter reads the node itself: host network and PID namespaces and read-only host filesystems',
  });
  const metrics = chart('metrics', ns('metrics'));
  const nodeExporter = new NodeExporter(metrics, 'node-exporter', { partOf: 'metrics', ...options.nodeExporter });

  namespaces.addNamespace(restricted(ns('apps')));
  const apps = chart('apps', ns('apps'));
  const webApp = new WebApp(apps, 'podinfo', demoWebAppProps({ replicas: profile.statelessReplicas, monitoringNamespace, ...options.webApp }));

  namespaces.addNamespace(restricted(monitoringNamespace));
  const endpoints = [zookeeper.metricsEndpoint, kafka.metricsEndpoint!, efk.elasticsearch.metricsEndpoint, efk.fluentd.metricsEndpoint,
    nodeExporter.metricsEndpoint, webApp.metricsEndpoint!];
  let monitoring: MonitoringChart | undefined;
  if (options.monitoring !== false) {
    monitoring = new MonitoringChart(app, `${prefix}monitoring`, {
      namespace: monitoringNamespace,
      endpoints,
      applyLast: false,
      alertProfiles: { [webApp.metricsEndpoint!.component]: 'webapp' },
      workloads: {
        zookeeper: zookeeper.name,
        kafka: kafka.name,
        'node-exporter': nodeExporter.name,
        [webApp.metricsEndpoint!.component]: webApp.name,
      },
    });
    monitoring.addDependency(charts[charts.length - 1]);
    charts.push(monitoring);
  }

  const prometheus: PodRef = { namespace: monitoringNamespace, labels: PROMETHEUS_POD_LABELS };
  // Every flow comes from the constructs: each declares what it needs and admits.
  const declaring = [zookeeper, kafka, efk, webApp];
  const seen = new Set<string>();
  const flows = declaring.flatMap((c) => c.declaredFlows()).filter((f) => !seen.has(flowKey(f)) && seen.add(flowKey(f)));
  const openServices = declaring.flatMap((c) => c.openPorts());

  const network = new NetworkChart(app, `${prefix}network`, {
    defaultDenyNamespaces: [streaming, logging, loggingAgents, metrics, apps].map((c) => c.namespace!),
    constructs: declaring,
    externalEgress: [{
      name: 'fluentd-apiserver',
      namespace: efk.fluentd.namespace,
      podLabels: efk.fluentd.selectorLabels,
      cidr: options.apiServerCidr ?? '0.0.0.0/0',
      ports: [443, 6443],
    }],
  });
  network.addDependency(namespaces);
  streaming.addDependency(network);
  charts.splice(1, 0, network);

  return { namespaces, network, streaming, zookeeper, kafka, logging, loggingAgents, efk, metrics, nodeExporter, apps, webApp, monitoring, charts, flows, openServices, prometheus };
}
