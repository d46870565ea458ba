/**
 * SPEC §10.5, across every construct: one table of invalid props, each rejected at construction
 * with a PropError of the shape `<construct path>: invalid <prop> <value>: <what is allowed>`.
 * The construct-specific suites hold the long tail; this table holds the classic cases for all.
 */
import { App, Chart, Testing } from 'cdk8s';
import {
  EfkStack, EfkStackProps, Elasticsearch, ElasticsearchProps, ELASTIC_STACK_VERSION, Fluentd, FluentdProps, Kibana, KibanaProps,
} from '../../lib/logging';
import { KafkaCluster, KafkaClusterProps, KafkaControllerOptions } from '../../lib/kafka';
import {
  AlertRuleGroup, MetricsMonitor, MonitoringChart, MonitoringChartProps, PlatformMonitoring, PlatformMonitoringProps,
} from '../../lib/monitoring';
import { MetricsEndpoint } from '../../lib/core/metrics';
import { PodDisruptionBudget, PodDisruptionBudgetProps } from '../../lib/core/pod-disruption-budget';
import { ComputeResources } from '../../lib/core/resources';
import { PropError } from '../../lib/core/validation';
import { NodeExporter, NodeExporterProps } from '../../lib/node-exporter';
import { NamespacesChart, NamespaceSpec } from '../../lib/platform/namespaces';
import { ExternalEgress, NetworkChart, NetworkChartProps } from '../../lib/platform/network';
import type { Flow } from '../../lib/checks/network-flows';
import { buildCluster, buildPlatform, MAX_TENANT_LENGTH, TenantSpec } from '../../lib/platform/platform';
import { demoWebAppProps, WebApp, WebAppProps } from '../../lib/webapp';
import { ZookeeperEnsemble, ZookeeperEnsembleProps } from '../../lib/zookeeper/zookeeper-ensemble';

/** Every row builds into a fresh app, in chart `safety` (namespace `safety`). */
type Build = (chart: Chart) => void;
type Row = [construct: string, badCase: string, build: Build, message: RegExp];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The whole error shape: construct path, prop, value (strings JSON-quoted, as PropError prints
 * them) and the start of what is allowed, anchored at the start of the message.
 */
function invalid(path: string, prop: string, value: unknown, allowed: string): RegExp {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new RegExp(`^${escape(`${path}: invalid ${prop} ${shown}: ${allowed}`)}`);
}

const CLUSTER_ID = 'MkU3OEVBNTcwNTJENDM2Qg';
const res = (cpu: string, memory: string, limitCpu = cpu, limitMemory = memory): ComputeResources =>
  ({ requests: { cpu, memory }, limits: { cpu: limitCpu, memory: limitMemory } });
const QUANTITY = 'must be a positive Kubernetes quantity such as "500m", "2", "512Mi" or "10Gi"';
const DNS_LABEL = (max: number) => `must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${max} characters`;
const PINNED = 'must name an explicit tag or digest (e.g. "repo/name:1.2.3" or "repo/name@sha256:..."), never "latest"';
const PORT = 'must be an integer from 1 to 65535';
const ODD_QUORUM = 'must be an odd integer >= 1 (1, 3, 5, ...) so a majority quorum survives failures';
const WILDCARD = 'must not use wildcards: grant exactly what the workload needs';
const DURATION = (min: string) => `must be a Prometheus duration of at least ${min} such as "30s", "5m" or "1h30m"`;

const zk = (props: ZookeeperEnsembleProps): Build => (chart) => { new ZookeeperEnsemble(chart, 'zk', props); };
const kafkaZk = (props: Partial<KafkaClusterProps>, chroot?: string): Build => (chart) => {
  const ensemble = new ZookeeperEnsemble(chart, 'zk');
  new KafkaCluster(chart, 'kafka', { mode: { type: 'zookeeper', ensemble, chroot }, ...props });
};
const kraft = (props: Partial<KafkaClusterProps>, controllers?: KafkaControllerOptions, clusterId = CLUSTER_ID): Build => (chart) => {
  new KafkaCluster(chart, 'kafka', { mode: { type: 'kraft', clusterId, controllers }, ...props });
};
const es = (props: ElasticsearchProps): Build => (chart) => { new Elasticsearch(chart, 'es', props); };
const SECURE_ES: ElasticsearchProps = { security: { enabled: true, elasticPasswordSecret: 'es-elastic', tlsSecret: 'es-tls' } };
const fluentd = (props: Partial<FluentdProps>, esProps: ElasticsearchProps = {}): Build => (chart) => {
  new Fluentd(chart, 'fluentd', { elasticsearch: new Elasticsearch(chart, 'es', esProps), ...props });
};
const kibana = (props: Partial<KibanaProps>, esProps: ElasticsearchProps = {}): Build => (chart) => {
  new Kibana(chart, 'kibana', { elasticsearch: new Elasticsearch(chart, 'es', esProps), ...props });
};
/** `agentsNamespace: null` puts the agents chart in no namespace. */
const efk = (props: Partial<EfkStackProps>, agentsNamespace: string | null = 'agents'): Build => (chart) => {
  const agents = new Chart(App.of(chart), 'agents', { namespace: agentsNamespace ?? undefined });
  new EfkStack(chart, 'efk', { agentScope: agents, ...props });
};
const nodeExporter = (props: NodeExporterProps): Build => (chart) => { new NodeExporter(chart, 'node-exporter', props); };
const webApp = (props: Partial<WebAppProps>): Build => (chart) => { new WebApp(chart, 'web', { ...demoWebAppProps({ name: 'web' }), ...props }); };
const ENDPOINT: MetricsEndpoint = {
  component: 'web', namespace: 'apps', via: 'service', portName: 'metrics',
  selector: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' },
};
const monitor = (endpoint: Partial<MetricsEndpoint>): Build => (chart) => {
  new MetricsMonitor(chart, 'monitor', { endpoint: { ...ENDPOINT, ...endpoint } });
};
const platformMonitoring = (props: PlatformMonitoringProps): Build => (chart) => {
  new PlatformMonitoring(chart, 'monitoring', { endpoints: [ENDPOINT], ...props });
};
const RULE = {
  alert: 'WebDown', expr: 'up{job="web"} == 0', for: '5m', severity: 'critical' as const,
  summary: 'web is down', description: '{{ $labels.instance }} is down', runbook: 'kubectl -n apps get pods',
};
const ruleGroup = (group: Partial<AlertRuleGroup>, rule: Partial<typeof RULE> = {}): Build => (chart) => {
  new PlatformMonitoring(chart, 'monitoring', { endpoints: [ENDPOINT] }).addRuleGroup({ name: 'web-slo', rules: [{ ...RULE, ...rule }], ...group });
};
const monitoringChart = (props: Partial<MonitoringChartProps>): Build => (chart) => {
  new MonitoringChart(App.of(chart), 'mon', { endpoints: [ENDPOINT], ...props });
};
const namespaces = (...specs: NamespaceSpec[]): Build => (chart) => {
  new NamespacesChart(App.of(chart), 'namespaces', { namespaces: specs });
};
const pdb = (props: Partial<PodDisruptionBudgetProps>): Build => (chart) => {
  new PodDisruptionBudget(chart, 'pdb', { name: 'web-pdb', selector: { 'app.kubernetes.io/name': 'web' }, maxUnavailable: 1, ...props });
};

const ZK = 'safety/zk';
const KAFKA = 'safety/kafka';
const ES = 'safety/es';
const FLUENTD = 'safety/fluentd';
const KIBANA = 'safety/kibana';
const EFK = 'safety/efk';
const NODE_EXPORTER = 'safety/node-exporter';
const WEB = 'safety/web';
const OLDER_ES = '8.19.20';

const ROWS: Row[] = [
  // ZookeeperEnsemble (SPEC §3)
  ['ZookeeperEnsemble', 'even replicas', zk({ replicas: 4 }), invalid(ZK, 'replicas', 4, ODD_QUORUM)],
  ['ZookeeperEnsemble', 'zero replicas', zk({ replicas: 0 }), invalid(ZK, 'replicas', 0, ODD_QUORUM)],
  ['ZookeeperEnsemble', 'negative replicas', zk({ replicas: -3 }), invalid(ZK, 'replicas', -3, ODD_QUORUM)],
  ['ZookeeperEnsemble', 'maxUnavailable that breaks quorum (2 of 3)', zk({ maxUnavailable: 2 }), invalid(ZK, 'maxUnavailable', 2, 'must be an integer from 1 to 1')],
  ['ZookeeperEnsemble', 'maxUnavailable that breaks quorum (3 of 5)', zk({ replicas: 5, maxUnavailable: 3 }), invalid(ZK, 'maxUnavailable', 3, 'must be an integer from 1 to 2')],
  ['ZookeeperEnsemble', 'maxUnavailable on a single server', zk({ replicas: 1, maxUnavailable: 1 }), invalid(ZK, 'maxUnavailable', 1, 'a single-server ensemble has no quorum to protect')],
  ['ZookeeperEnsemble', 'negative storage size', zk({ storage: { size: '-10Gi' } }), invalid(ZK, 'storage.size', '-10Gi', QUANTITY)],
  ['ZookeeperEnsemble', 'zero storage size', zk({ storage: { size: '0' } }), invalid(ZK, 'storage.size', '0', QUANTITY)],
  ['ZookeeperEnsemble', 'malformed storage size', zk({ storage: { size: '10GB' } }), invalid(ZK, 'storage.size', '10GB', QUANTITY)],
  ['ZookeeperEnsemble', 'bad storage class', zk({ storage: { storageClassName: 'Fast SSD' } }), invalid(ZK, 'storage.storageClassName', 'Fast SSD', 'must be a DNS subdomain')],
  ['ZookeeperEnsemble', 'name that is not a DNS label', zk({ name: 'ZK_1' }), invalid(ZK, 'name', 'ZK_1', DNS_LABEL(52))],
  ['ZookeeperEnsemble', 'bad cpu quantity', zk({ resources: res('two', '2Gi') }), invalid(ZK, 'resources.requests.cpu', 'two', QUANTITY)],
  ['ZookeeperEnsemble', 'request above limit', zk({ resources: res('1', '4Gi', '2', '2Gi') }), invalid(ZK, 'resources.requests.memory', '4Gi', 'must not exceed resources.limits.memory (2Gi)')],
  ['ZookeeperEnsemble', 'partition above replicas', zk({ partition: 4 }), invalid(ZK, 'partition', 4, 'must be an integer from 0 to 3')],
  ['ZookeeperEnsemble', 'latest image', zk({ image: 'zookeeper:latest' }), invalid(ZK, 'image', 'zookeeper:latest', PINNED)],
  ['ZookeeperEnsemble', 'untagged image', zk({ image: 'zookeeper' }), invalid(ZK, 'image', 'zookeeper', PINNED)],
  ['ZookeeperEnsemble', 'bad cluster domain', zk({ clusterDomain: 'Cluster_Local' }), invalid(ZK, 'clusterDomain', 'Cluster_Local', 'must be a DNS subdomain')],

  // KafkaCluster, ZooKeeper mode (SPEC §4)
  ['KafkaCluster', 'zero brokers', kafkaZk({ replicas: 0 }), invalid(KAFKA, 'replicas', 0, 'must be an integer from 1 to 1000')],
  ['KafkaCluster', 'replication factor above the broker count', kafkaZk({ replicas: 3, replicationFactor: 4 }),
    invalid(KAFKA, 'replicationFactor', 4, 'default.replication.factor must be an integer from 1 to 3 (the broker count)')],
  ['KafkaCluster', 'min.insync.replicas above the replication factor', kafkaZk({ replicationFactor: 2, minInsyncReplicas: 3 }),
    invalid(KAFKA, 'minInsyncReplicas', 3, 'min.insync.replicas must be an integer from 1 to 2 (the replication factor), or every acks=all write fails')],
  ['KafkaCluster', 'partition above replicas', kafkaZk({ partition: 4 }), invalid(KAFKA, 'partition', 4, 'must be an integer from 0 to 3')],
  ['KafkaCluster', 'negative partition', kafkaZk({ partition: -1 }), invalid(KAFKA, 'partition', -1, 'must be an integer from 0 to 3')],
  ['KafkaCluster', 'negative storage size', kafkaZk({ storage: { size: '-100Gi' } }), invalid(KAFKA, 'storage.size', '-100Gi', QUANTITY)],
  ['KafkaCluster', 'malformed storage size', kafkaZk({ storage: { size: '100 Gi' } }), invalid(KAFKA, 'storage.size', '100 Gi', QUANTITY)],
  ['KafkaCluster', 'bad memory quantity', kafkaZk({ resources: res('250m', '1Gi', '2', 'lots') }), invalid(KAFKA, 'resources.limits.memory', 'lots', QUANTITY)],
  ['KafkaCluster', 'name that is not a DNS label', kafkaZk({ name: 'Kafka_Main' }), invalid(KAFKA, 'name', 'Kafka_Main', DNS_LABEL(41))],
  ['KafkaCluster', 'broker port 0', kafkaZk({ listeners: { broker: { port: 0 } } }), invalid(KAFKA, 'listeners.broker.port', 0, PORT)],
  ['KafkaCluster', 'broker port above 65535', kafkaZk({ listeners: { broker: { port: 70000 } } }), invalid(KAFKA, 'listeners.broker.port', 70000, PORT)],
  ['KafkaCluster', 'metrics port on the broker port', kafkaZk({ metrics: { port: 9093 } }), invalid(KAFKA, 'metrics.port', 9093, 'must differ from listeners.broker.port (9093)')],
  ['KafkaCluster', 'latest image', kafkaZk({ image: 'apache/kafka:latest' }), invalid(KAFKA, 'image', 'apache/kafka:latest', PINNED)],
  ['KafkaCluster', 'Kafka 4 image in ZooKeeper mode', kafkaZk({ image: 'apache/kafka:4.1.1' }), invalid(KAFKA, 'image', 'apache/kafka:4.1.1', 'Kafka 4.0 removed ZooKeeper mode')],
  ['KafkaCluster', 'relative chroot', kafkaZk({}, 'kafka'), invalid(KAFKA, 'mode.chroot', 'kafka', 'must be an absolute ZooKeeper path such as "/kafka"')],
  // KafkaCluster, KRaft mode
  ['KafkaCluster', 'even combined KRaft brokers', kraft({ replicas: 4 }), invalid(KAFKA, 'replicas', 4, 'in combined KRaft mode every broker is also a controller: must be an odd integer (1, 3, 5, ...)')],
  ['KafkaCluster', 'even dedicated KRaft controllers', kraft({}, { replicas: 4 }), invalid(KAFKA, 'mode.controllers.replicas', 4, 'must be 1, 3 or 5: an odd quorum')],
  ['KafkaCluster', 'malformed cluster id', kraft({}, undefined, 'my-kafka-cluster'), invalid(KAFKA, 'mode.clusterId', 'my-kafka-cluster', 'must be a Kafka cluster id: 22 base64url characters encoding 16 bytes')],
  ['KafkaCluster', 'reserved cluster id', kraft({}, undefined, 'AAAAAAAAAAAAAAAAAAAAAA'), invalid(KAFKA, 'mode.clusterId', 'AAAAAAAAAAAAAAAAAAAAAA', 'must be a Kafka cluster id')],
  ['KafkaCluster', 'KRaft on a pre-3.3 image', kraft({ image: 'apache/kafka:3.2.3' }), invalid(KAFKA, 'image', 'apache/kafka:3.2.3', 'KRaft mode needs Kafka 3.3 or later')],
  ['KafkaCluster', 'controller listener named like the broker listener', kraft({ listeners: { controller: { name: 'BROKER' } } }),
    invalid(KAFKA, 'listeners.controller.name', 'BROKER', 'must differ from listeners.broker.name')],
  ['KafkaCluster', 'controller partition above controller replicas', kraft({}, { replicas: 3, partition: 4 }), invalid(KAFKA, 'mode.controllers.partition', 4, 'must be an integer from 0 to 3')],
  ['KafkaCluster', 'negative controller storage size', kraft({}, { storage: { size: '-1Gi' } }), invalid(KAFKA, 'mode.controllers.storage.size', '-1Gi', QUANTITY)],

  // Elasticsearch (SPEC §5)
  ['Elasticsearch', 'even masters (origin: 2)', es({ replicas: 2 }), invalid(ES, 'replicas', 2, 'every node is master-eligible, so use an odd count (1, 3, 5, ...)')],
  ['Elasticsearch', 'zero replicas', es({ replicas: 0 }), invalid(ES, 'replicas', 0, 'must be an integer >= 1')],
  ['Elasticsearch', 'image of another version than the stack', es({ image: `docker.elastic.co/elasticsearch/elasticsearch:${OLDER_ES}` }),
    invalid(ES, 'image', `docker.elastic.co/elasticsearch/elasticsearch:${OLDER_ES}`, `its tag must be the stack version ${ELASTIC_STACK_VERSION} (Elasticsearch and Kibana run in lockstep)`)],
  ['Elasticsearch', 'a 7.x stack version', es({ version: '7.17.24' }), invalid(ES, 'version', '7.17.24', 'must be an Elastic Stack 8.x release such as "8.19.21"')],
  ['Elasticsearch', 'security on without any Secret', es({ security: { enabled: true } }),
    invalid(ES, 'security.elasticPasswordSecret', undefined, 'required when security is enabled: the name of an existing Secret holding')],
  ['Elasticsearch', 'security on without a TLS Secret', es({ security: { enabled: true, elasticPasswordSecret: 'es-elastic' } }),
    invalid(ES, 'security.tlsSecret', undefined, 'required when security is enabled: the name of an existing Secret holding tls.crt, tls.key and ca.crt')],
  ['Elasticsearch', 'Secrets named while security is off', es({ security: { enabled: false, tlsSecret: 'es-tls' } }),
    invalid(ES, 'security.enabled', false, 'Secrets are named but security is off')],
  ['Elasticsearch', 'negative storage size', es({ storage: { size: '-30Gi' } }), invalid(ES, 'storage.size', '-30Gi', QUANTITY)],
  ['Elasticsearch', 'storage too small for a data path', es({ storage: { size: '500Mi' } }), invalid(ES, 'storage.size', '500Mi', 'must be at least 1Gi')],
  ['Elasticsearch', 'memory below the JVM floor', es({ resources: res('1', '512Mi') }), invalid(ES, 'resources.limits.memory', '512Mi', 'Elasticsearch needs at least 1463Mi')],
  ['Elasticsearch', '1Gi: half-limit heap + direct memory + metaspace do not fit (image contract)', es({ resources: res('1', '1Gi') }),
    invalid(ES, 'resources.limits.memory', '1Gi', 'Elasticsearch needs at least 1463Mi: the JVM heap is half the limit, and outside it the JVM needs 256Mi')],
  ['Elasticsearch', 'maxUnavailable that breaks the master quorum', es({ maxUnavailable: 2 }), invalid(ES, 'maxUnavailable', 2, 'must be an integer from 1 to 1')],
  ['Elasticsearch', 'bad cluster name', es({ clusterName: 'my logs' }), invalid(ES, 'clusterName', 'my logs', 'must be 1-64 letters, digits')],
  ['Elasticsearch', 'latest exporter image', es({ exporterImage: 'quay.io/prometheuscommunity/elasticsearch-exporter:latest' }),
    invalid(ES, 'exporterImage', 'quay.io/prometheuscommunity/elasticsearch-exporter:latest', PINNED)],

  // Fluentd (SPEC §5)
  ['Fluentd', 'latest image', fluentd({ image: 'fluent/fluentd-kubernetes-daemonset:latest' }), invalid(FLUENTD, 'image', 'fluent/fluentd-kubernetes-daemonset:latest', PINNED)],
  ['Fluentd', 'memory limit too small for the buffer', fluentd({ resources: res('100m', '128Mi', '1', '128Mi') }),
    invalid(FLUENTD, 'resources.limits.memory', '128Mi', 'Fluentd with a file buffer and the metadata cache needs at least 256Mi')],
  ['Fluentd', 'negative chunk size', fluentd({ buffer: { chunkLimitSize: '-8Mi' } }), invalid(FLUENTD, 'buffer.chunkLimitSize', '-8Mi', QUANTITY)],
  ['Fluentd', 'chunk larger than a bulk request may be', fluentd({ buffer: { chunkLimitSize: '128Mi' } }), invalid(FLUENTD, 'buffer.chunkLimitSize', '128Mi', 'must be a whole number of bytes from 1Mi to 64Mi')],
  ['Fluentd', 'buffer smaller than 4 chunks', fluentd({ buffer: { totalLimitSize: '16Mi' } }), invalid(FLUENTD, 'buffer.totalLimitSize', '16Mi', 'must be a whole number of bytes and at least 4 chunks (32Mi)')],
  ['Fluentd', 'zero flush interval', fluentd({ buffer: { flushIntervalSeconds: 0 } }), invalid(FLUENTD, 'buffer.flushIntervalSeconds', 0, 'must be an integer from 1 to 300')],
  ['Fluentd', 'host state directory outside /var', fluentd({ hostStateDir: '/etc/fluentd' }), invalid(FLUENTD, 'hostStateDir', '/etc/fluentd', 'must be an absolute directory under /var/lib or /var/log')],
  ['Fluentd', 'upper-case index prefix', fluentd({ logstashPrefix: 'Logs' }), invalid(FLUENTD, 'logstashPrefix', 'Logs', 'must be a lowercase Elasticsearch index prefix')],
  ['Fluentd', 'zero maxUnavailable', fluentd({ maxUnavailable: 0 }), invalid(FLUENTD, 'maxUnavailable', 0, 'must be an integer >= 1')],
  ['Fluentd', 'name that is not a DNS label', fluentd({ name: 'Fluentd' }), invalid(FLUENTD, 'name', 'Fluentd', DNS_LABEL(52))],
  ['Fluentd', 'Elasticsearch security on, no credentials Secret', fluentd({ caSecret: 'es-ca' }, SECURE_ES),
    invalid(FLUENTD, 'credentialsSecret', undefined, 'required when security is enabled: the name of an existing Secret holding')],
  ['Fluentd', 'Elasticsearch security on, no CA Secret', fluentd({ credentialsSecret: 'fluentd-es' }, SECURE_ES),
    invalid(FLUENTD, 'caSecret', undefined, 'required when security is enabled: the name of an existing Secret holding the Elasticsearch CA')],
  ['Fluentd', 'credentials while Elasticsearch security is off', fluentd({ credentialsSecret: 'fluentd-es' }),
    invalid(FLUENTD, 'credentialsSecret', 'fluentd-es', 'Elasticsearch security is off')],

  // Kibana (SPEC §5)
  ['Kibana', 'version other than Elasticsearch', kibana({ version: OLDER_ES }),
    invalid(KIBANA, 'version', OLDER_ES, `must equal the Elasticsearch version ${ELASTIC_STACK_VERSION}: Kibana refuses to run against another version`)],
  ['Kibana', 'image of another version', kibana({ image: `docker.elastic.co/kibana/kibana:${OLDER_ES}` }),
    invalid(KIBANA, 'image', `docker.elastic.co/kibana/kibana:${OLDER_ES}`, `its tag must be the stack version ${ELASTIC_STACK_VERSION}`)],
  ['Kibana', 'latest image', kibana({ image: 'docker.elastic.co/kibana/kibana:latest' }), invalid(KIBANA, 'image', 'docker.elastic.co/kibana/kibana:latest', PINNED)],
  ['Kibana', 'origin CPU limit 100m', kibana({ resources: res('100m', '1Gi') }), invalid(KIBANA, 'resources.limits.cpu', '100m', 'Kibana 8 needs at least 500m')],
  ['Kibana', 'memory limit too small', kibana({ resources: res('500m', '512Mi', '1', '512Mi') }), invalid(KIBANA, 'resources.limits.memory', '512Mi', 'Kibana 8 needs at least 896Mi')],
  ['Kibana', 'zero replicas', kibana({ replicas: 0 }), invalid(KIBANA, 'replicas', 0, 'must be an integer >= 1')],
  ['Kibana', 'base path with the API-server proxy', kibana({ apiServerProxy: true, basePath: '/kibana' }), invalid(KIBANA, 'basePath', '/kibana', 'cannot be combined with apiServerProxy')],
  ['Kibana', 'base path with a trailing slash', kibana({ basePath: '/kibana/' }), invalid(KIBANA, 'basePath', '/kibana/', 'must start with "/" and not end with "/"')],
  ['Kibana', 'Elasticsearch security on, no credentials Secret', kibana({}, SECURE_ES),
    invalid(KIBANA, 'credentialsSecret', undefined, 'required when security is enabled: the name of an existing Secret holding username and password of the kibana_system user')],
  ['Kibana', 'name that is not a DNS label', kibana({ name: 'kibana.logging' }), invalid(KIBANA, 'name', 'kibana.logging', DNS_LABEL(52))],

  // EfkStack (SPEC §5): its own props, and the parts' errors under their own paths
  ['EfkStack', 'stack version outside 8.x', efk({ version: '9.0.0' }), invalid(EFK, 'version', '9.0.0', 'must be an Elastic Stack 8.x release')],
  ['EfkStack', 'agent scope without a namespace', efk({}, null), invalid(EFK, 'agentScope', 'agents', 'must be inside a chart with a namespace')],
  ['EfkStack', 'even Elasticsearch masters', efk({ replicas: 2 }), invalid(`${EFK}/Elasticsearch`, 'replicas', 2, 'every node is master-eligible')],
  ['EfkStack', 'Kibana version out of lockstep', efk({ kibana: { version: OLDER_ES } }), invalid(`${EFK}/Kibana`, 'version', OLDER_ES, 'must equal the Elasticsearch version')],
  ['EfkStack', 'security on without Secret names', efk({ security: { enabled: true } }), invalid(`${EFK}/Elasticsearch`, 'security.elasticPasswordSecret', undefined, 'required when security is enabled')],
  ['EfkStack', 'security on without Kibana credentials', efk({ security: { enabled: true, elasticPasswordSecret: 'es-elastic', tlsSecret: 'es-tls' } }),
    invalid(`${EFK}/Kibana`, 'credentialsSecret', undefined, 'required when security is enabled')],
  ['EfkStack', 'security on without Fluentd credentials', efk({ security: { enabled: true, elasticPasswordSecret: 'es-elastic', tlsSecret: 'es-tls', kibanaCredentialsSecret: 'kibana-system' } }),
    invalid('agents/efk-fluentd', 'credentialsSecret', undefined, 'required when security is enabled')],
  ['EfkStack', 'bad Fluentd props', efk({ fluentd: { logstashPrefix: 'Logs' } }), invalid('agents/efk-fluentd', 'logstashPrefix', 'Logs', 'must be a lowercase Elasticsearch index prefix')],

  // NodeExporter (SPEC §6)
  ['NodeExporter', 'hostPort other than the container port', nodeExporter({ hostPort: 9101 }), invalid(NODE_EXPORTER, 'hostPort', 9101, 'must equal the container port (9100)')],
  ['NodeExporter', 'hostPort mismatch on a custom port', nodeExporter({ port: 9200, hostPort: 9100 }), invalid(NODE_EXPORTER, 'hostPort', 9100, 'must equal the container port (9200)')],
  ['NodeExporter', 'port 0', nodeExporter({ port: 0 }), invalid(NODE_EXPORTER, 'port', 0, PORT)],
  ['NodeExporter', 'zero maxUnavailable (rollout never progresses)', nodeExporter({ maxUnavailable: 0 }), invalid(NODE_EXPORTER, 'maxUnavailable', 0, 'must be an integer >= 1 or a percentage from "1%" to "100%"')],
  ['NodeExporter', 'zero-percent maxUnavailable', nodeExporter({ maxUnavailable: '0%' }), invalid(NODE_EXPORTER, 'maxUnavailable', '0%', 'must be an integer >= 1 or a percentage')],
  ['NodeExporter', 'latest image', nodeExporter({ image: 'quay.io/prometheus/node-exporter:latest' }), invalid(NODE_EXPORTER, 'image', 'quay.io/prometheus/node-exporter:latest', PINNED)],
  ['NodeExporter', 'collector flag that overrides the mounts', nodeExporter({ collectorArgs: ['--path.procfs=/proc'] }),
    invalid(NODE_EXPORTER, 'collectorArgs', '--path.procfs=/proc', 'must not set --path.* or --web.listen-address')],
  ['NodeExporter', 'negative revisionHistoryLimit', nodeExporter({ revisionHistoryLimit: -1 }), invalid(NODE_EXPORTER, 'revisionHistoryLimit', -1, 'must be an integer >= 0')],
  ['NodeExporter', 'multi-line change cause', nodeExporter({ changeCause: 'v1.9.1\nrollback' }), invalid(NODE_EXPORTER, 'changeCause', 'v1.9.1\nrollback', 'must be a non-empty single line')],
  ['NodeExporter', 'name that is not a DNS label', nodeExporter({ name: 'node_exporter' }), invalid(NODE_EXPORTER, 'name', 'node_exporter', DNS_LABEL(63))],
  ['NodeExporter', 'bad cpu quantity', nodeExporter({ resources: res('50m', '64Mi', '-250m', '180Mi') }), invalid(NODE_EXPORTER, 'resources.limits.cpu', '-250m', QUANTITY)],

  // WebApp (SPEC §7)
  ['WebApp', 'maxSurge 0 and maxUnavailable 0', webApp({ rollout: { maxSurge: 0, maxUnavailable: 0 } }),
    invalid(WEB, 'rollout.maxUnavailable', 0, 'must not be 0 when rollout.maxSurge is 0 too')],
  ['WebApp', 'maxSurge 0% and maxUnavailable 0%', webApp({ rollout: { maxSurge: '0%', maxUnavailable: '0%' } }),
    invalid(WEB, 'rollout.maxUnavailable', '0%', 'must not be 0 when rollout.maxSurge is 0 too')],
  ['WebApp', 'negative maxSurge', webApp({ rollout: { maxSurge: -1 } }), invalid(WEB, 'rollout.maxSurge', -1, 'must be an integer >= 0 or a percentage of at least "0%"')],
  ['WebApp', 'maxUnavailable above 100%', webApp({ rollout: { maxUnavailable: '150%' } }), invalid(WEB, 'rollout.maxUnavailable', '150%', 'must be an integer >= 0 or a percentage from "0%" to "100%"')],
  ['WebApp', 'negative minReadySeconds', webApp({ rollout: { minReadySeconds: -5 } }), invalid(WEB, 'rollout.minReadySeconds', -5, 'must be an integer >= 0')],
  ['WebApp', 'progress deadline not above minReadySeconds', webApp({ rollout: { minReadySeconds: 60, progressDeadlineSeconds: 60 } }),
    invalid(WEB, 'rollout.progressDeadlineSeconds', 60, 'must exceed rollout.minReadySeconds (60)')],
  ['WebApp', 'zero replicas', webApp({ replicas: 0 }), invalid(WEB, 'replicas', 0, 'must be an integer >= 1')],
  ['WebApp', 'HPA minReplicas above maxReplicas', webApp({ replicas: undefined, autoscaling: { minReplicas: 5, maxReplicas: 3 } }),
    invalid(WEB, 'autoscaling.minReplicas', 5, 'must not exceed autoscaling.maxReplicas (3)')],
  ['WebApp', 'HPA minReplicas 0', webApp({ replicas: undefined, autoscaling: { minReplicas: 0, maxReplicas: 3 } }), invalid(WEB, 'autoscaling.minReplicas', 0, 'must be an integer >= 1')],
  ['WebApp', 'HPA next to fixed replicas', webApp({ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 4 } }),
    invalid(WEB, 'replicas', 3, 'must be unset with autoscaling')],
  ['WebApp', 'HPA CPU target above 100%', webApp({ replicas: undefined, autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuUtilization: 150 } }),
    invalid(WEB, 'autoscaling.targetCpuUtilization', 150, 'must be an integer from 1 to 100')],
  ['WebApp', 'nodePort outside the node-port range', webApp({ serviceType: 'NodePort', nodePort: 8080 }), invalid(WEB, 'nodePort', 8080, 'must be an integer from 30000 to 32767')],
  ['WebApp', 'nodePort on a ClusterIP Service', webApp({ nodePort: 30080 }), invalid(WEB, 'nodePort', 30080, 'needs serviceType "NodePort"')],
  ['WebApp', 'port 0', webApp({ port: 0 }), invalid(WEB, 'port', 0, PORT)],
  ['WebApp', 'servicePort above 65535', webApp({ servicePort: 80800 }), invalid(WEB, 'servicePort', 80800, PORT)],
  ['WebApp', 'metrics port on the app port', webApp({ port: 9898, metricsPort: 9898 }), invalid(WEB, 'metricsPort', 9898, 'must differ from port (9898)')],
  ['WebApp', 'RBAC wildcard verb', webApp({ apiAccess: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }] } }),
    invalid(WEB, 'apiAccess.rules[0].verbs', '*', WILDCARD)],
  ['WebApp', 'RBAC wildcard resource', webApp({ apiAccess: { clusterRules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }] } }),
    invalid(WEB, 'apiAccess.clusterRules[0].resources', '*', WILDCARD)],
  ['WebApp', 'RBAC wildcard API group', webApp({ apiAccess: { rules: [{ apiGroups: ['*'], resources: ['pods'], verbs: ['get'] }] } }),
    invalid(WEB, 'apiAccess.rules[0].apiGroups', '*', WILDCARD)],
  ['WebApp', 'RBAC escalation verb', webApp({ apiAccess: { rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate'] }] } }),
    invalid(WEB, 'apiAccess.rules[0].verbs', 'escalate', 'must be one of get, list, watch, create, update, patch, delete, deletecollection')],
  ['WebApp', 'API access without rules', webApp({ apiAccess: {} }), invalid(WEB, 'apiAccess', '{}', 'must hold at least one rule or clusterRule')],
  ['WebApp', 'name that is not a DNS label', webApp({ name: 'Web App' }), invalid(WEB, 'name', 'Web App', DNS_LABEL(52))],
  ['WebApp', 'untagged image', webApp({ image: 'nginx' }), invalid(WEB, 'image', 'nginx', PINNED)],
  ['WebApp', 'latest image', webApp({ image: 'ghcr.io/stefanprodan/podinfo:latest' }), invalid(WEB, 'image', 'ghcr.io/stefanprodan/podinfo:latest', PINNED)],
  ['WebApp', 'root user', webApp({ runAsUser: 0 }), invalid(WEB, 'runAsUser', 0, 'must be an integer from 1 to 2147483647')],
  ['WebApp', 'bad memory quantity', webApp({ resources: res('50m', '64MB', '500m', '128Mi') }), invalid(WEB, 'resources.requests.memory', '64MB', QUANTITY)],
  ['WebApp', 'relative writable path', webApp({ writablePaths: ['tmp'] }), invalid(WEB, 'writablePaths', 'tmp', 'must be an absolute directory path')],

  // Monitoring (SPEC §8)
  ['MetricsMonitor', 'scrape interval that is no duration', monitor({ interval: '30 s' }), invalid('safety/monitor', 'endpoint[web].interval', '30 s', DURATION('1s'))],
  ['MetricsMonitor', 'scrape interval below 1s', monitor({ interval: '500ms' }), invalid('safety/monitor', 'endpoint[web].interval', '500ms', DURATION('1s'))],
  ['MetricsMonitor', 'empty selector', monitor({ selector: {} }), invalid('safety/monitor', 'endpoint[web].selector', '{}', 'must hold at least one label')],
  ['MetricsMonitor', 'bad port name', monitor({ portName: 'Metrics_Port' }), invalid('safety/monitor', 'endpoint[web].portName', 'Metrics_Port', 'must be a port name')],
  ['MetricsMonitor', 'unknown discovery mode', monitor({ via: 'node' as never }), invalid('safety/monitor', 'endpoint[web].via', 'node', 'must be "service" (ServiceMonitor) or "pod" (PodMonitor)')],
  ['PlatformMonitoring', 'duplicate component', platformMonitoring({ endpoints: [ENDPOINT, ENDPOINT] }),
    invalid('safety/monitoring', 'endpoints[].component', 'web', 'must be unique')],
  ['PlatformMonitoring', 'unknown alert profile', platformMonitoring({ alertKinds: { web: 'nginx' as never } }), invalid('safety/monitoring', 'alertKinds[web]', 'nginx', 'must be one of')],
  ['PlatformMonitoring', 'free-space threshold above 100%', platformMonitoring({ thresholds: { filesystemFreePercent: 120 } }),
    invalid('safety/monitoring', 'thresholds.filesystemFreePercent', 120, 'must be a percentage above 0 and below 100')],
  ['PlatformMonitoring', 'PromQL with an unclosed parenthesis', ruleGroup({}, { expr: 'sum(rate(http_requests_total{job="web"}[5m])' }),
    invalid('safety/monitoring/Rules', 'groups[web-slo].rules[WebDown].expr', 'sum(rate(http_requests_total{job="web"}[5m])', 'PromQL has an unclosed \'(\' at offset 3')],
  ['PlatformMonitoring', 'PromQL range that is no duration', ruleGroup({}, { expr: 'rate(http_requests_total[5 minutes]) > 1' }),
    invalid('safety/monitoring/Rules', 'groups[web-slo].rules[WebDown].expr', 'rate(http_requests_total[5 minutes]) > 1', 'PromQL has an invalid range [5 minutes]')],
  ['PlatformMonitoring', 'alert duration that is no duration', ruleGroup({}, { for: '5 minutes' }),
    invalid('safety/monitoring/Rules', 'groups[web-slo].rules[WebDown].for', '5 minutes', DURATION('1ms'))],
  ['PlatformMonitoring', 'rule group interval below 1s', ruleGroup({ interval: '0s' }), invalid('safety/monitoring/Rules', 'groups[web-slo].interval', '0s', DURATION('1s'))],
  ['PlatformMonitoring', 'unknown severity', ruleGroup({}, { severity: 'page' as never }),
    invalid('safety/monitoring/Rules', 'groups[web-slo].rules[WebDown].severity', 'page', 'must be one of critical, warning, info')],
  ['PlatformMonitoring', 'unclosed annotation template', ruleGroup({}, { summary: '{{ $labels.instance is down' }),
    invalid('safety/monitoring/Rules', 'groups[web-slo].rules[WebDown].summary', '{{ $labels.instance is down', 'template has an unclosed {{ template')],
  ['MonitoringChart', 'namespace that is not a DNS label', monitoringChart({ namespace: 'Monitoring' }), invalid('mon', 'namespace', 'Monitoring', DNS_LABEL(63))],
  ['MonitoringChart', 'bad scrape interval of one endpoint', monitoringChart({ endpoints: [{ ...ENDPOINT, interval: '1.5m' }] }),
    invalid('mon/Monitoring/web', 'endpoint[web].interval', '1.5m', DURATION('1s'))],

  // NamespacesChart (SPEC §9)
  ['NamespacesChart', 'privileged level without a reason', namespaces({ name: 'metrics', podSecurity: 'privileged' }),
    invalid('namespaces', 'namespaces[metrics].reason', '', 'namespace metrics asks for Pod Security "privileged": say why in at least 10 characters')],
  ['NamespacesChart', 'baseline level with a too-short reason', namespaces({ name: 'agents', podSecurity: 'baseline', reason: 'hostPath' }),
    invalid('namespaces', 'namespaces[agents].reason', 'hostPath', 'namespace agents asks for Pod Security "baseline": say why in at least 10 characters')],
  ['NamespacesChart', 'name that is not a DNS label', namespaces({ name: 'Apps', podSecurity: 'restricted' }), invalid('namespaces', 'namespaces[].name', 'Apps', DNS_LABEL(63))],
  ['NamespacesChart', 'duplicate namespace', namespaces({ name: 'apps', podSecurity: 'restricted' }, { name: 'apps', podSecurity: 'restricted' }),
    invalid('namespaces', 'namespaces[].name', 'apps', 'must be unique')],

  // PodDisruptionBudget (core)
  ['PodDisruptionBudget', 'empty selector', pdb({ selector: {} }), invalid('safety/pdb', 'selector', '{}', 'must hold at least one label, or the budget would select every pod in the namespace')],
  ['PodDisruptionBudget', 'zero maxUnavailable (blocks every drain)', pdb({ maxUnavailable: 0 }), invalid('safety/pdb', 'maxUnavailable', 0, 'must be an integer >= 1')],
  ['PodDisruptionBudget', 'name that is not a DNS subdomain', pdb({ name: 'Web_PDB' }), invalid('safety/pdb', 'name', 'Web_PDB', 'must be a DNS subdomain')],
];

/**
 * Inputs that Kubernetes or the workload cannot work with although they type-check: label values
 * and keys, two Service ports with one number, a JVM below its heap floor, an unknown Pod Security level.
 */
const LABELS_AND_LIMITS: Row[] = [
  ['ZookeeperEnsemble', 'partOf that is no label value', zk({ partOf: 'streaming platform' }), invalid(ZK, 'partOf', 'streaming platform', '')],
  ['KafkaCluster', 'partOf that is no label value', kafkaZk({ partOf: 'streaming platform' }), invalid(KAFKA, 'partOf', 'streaming platform', '')],
  ['Elasticsearch', 'partOf that is no label value', es({ partOf: 'logging stack' }), invalid(ES, 'partOf', 'logging stack', '')],
  ['Fluentd', 'partOf that is no label value', fluentd({ partOf: 'logging stack' }), invalid(FLUENTD, 'partOf', 'logging stack', '')],
  ['Kibana', 'partOf that is no label value', kibana({ partOf: 'logging stack' }), invalid(KIBANA, 'partOf', 'logging stack', '')],
  ['NodeExporter', 'partOf that is no label value', nodeExporter({ partOf: 'node metrics' }), invalid(NODE_EXPORTER, 'partOf', 'node metrics', '')],
  ['WebApp', 'partOf that is no label value', webApp({ partOf: 'demo apps' }), invalid(WEB, 'partOf', 'demo apps', '')],
  ['WebApp', 'version that is no label value', webApp({ version: '6.9.2 (hotfix)' }), invalid(WEB, 'version', '6.9.2 (hotfix)', '')],
  // Two Service ports with the same number: the API server rejects the Service.
  ['WebApp', 'servicePort equal to metricsPort', webApp({ port: 9898, servicePort: 9797, metricsPort: 9797 }), invalid(WEB, 'servicePort', 9797, '')],
  ['WebApp', 'allowFrom pod label key that is no label key', webApp({ allowFrom: [{ podLabels: { 'app name': 'shop' } }] }), invalid(WEB, 'allowFrom[0].podLabels key', 'app name', '')],
  // The heap is never below 64 MiB, so these limits give -Xms64m in a 16Mi / 32Mi container.
  ['ZookeeperEnsemble', 'memory limit below the 64 MiB heap floor', zk({ resources: res('100m', '16Mi', '1', '16Mi') }), invalid(ZK, 'resources.limits.memory', '16Mi', '')],
  ['KafkaCluster', 'memory limit below the 64 MiB heap floor', kafkaZk({ resources: res('100m', '32Mi', '1', '32Mi') }), invalid(KAFKA, 'resources.limits.memory', '32Mi', '')],
  // Writes pod-security.kubernetes.io/enforce: superuser, which the admission controller rejects.
  ['NamespacesChart', 'unknown Pod Security level', namespaces({ name: 'x', podSecurity: 'superuser' as never, reason: 'needs everything' }),
    invalid('namespaces', 'namespaces[x].podSecurity', 'superuser', '')],
  ['PodDisruptionBudget', 'selector label key that is no label key', pdb({ selector: { 'app name': 'web' } }), invalid('safety/pdb', 'selector key', 'app name', '')],
];

const REF = 'must be a valid image reference [registry[:port]/]repository[:tag][@digest]: ';
const DIGEST = 'must be "sha256:" and 64 lowercase hex digits (or sha384 / sha512 with 96 / 128)';
const CHOICE = (...values: string[]) => `must be ${values.length === 2 ? values.map((v) => JSON.stringify(v)).join(' or ') : `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`}`;
const CASE_HINT = (value: string) => ` (values are case-sensitive: did you mean ${JSON.stringify(value)}?)`;
const CTRL_RES = (memory: string): ComputeResources => ({ requests: { cpu: '100m', memory }, limits: { cpu: '1', memory } });
const network = (props: Partial<NetworkChartProps>): Build => (chart) => {
  new NetworkChart(App.of(chart), 'network', { defaultDenyNamespaces: ['safety'], flows: [FLOW], ...props });
};
const FLOW: Flow = { name: 'web -> db', from: { namespace: 'safety', labels: { app: 'web' } }, to: { namespace: 'safety', labels: { app: 'db' } }, port: 5432 };
const EGRESS: ExternalEgress = { name: 'web-api', namespace: 'safety', podLabels: { app: 'web' }, cidr: '10.0.0.0/8', ports: [443] };

/**
 * Issue 10 item 7: inputs that used to be accepted silently and turned into something else (a
 * mis-cased enum into another behaviour, a string into a boolean, an image no runtime can pull, a
 * flow that never matches, a tenant that breaks every derived name, a controller JVM below its floor).
 */
const SILENTLY_ACCEPTED: Row[] = [
  // Enums are exact: JavaScript callers and config files bypass the TypeScript types.
  ['ZookeeperEnsemble', 'capitalised anti-affinity (used to become soft)', zk({ antiAffinity: 'Required' as never }),
    invalid(ZK, 'antiAffinity', 'Required', CHOICE('required', 'preferred') + CASE_HINT('required'))],
  ['ZookeeperEnsemble', 'unknown anti-affinity', zk({ antiAffinity: 'hard' as never }), invalid(ZK, 'antiAffinity', 'hard', CHOICE('required', 'preferred'))],
  ['KafkaCluster', 'capitalised anti-affinity', kafkaZk({ antiAffinity: 'REQUIRED' as never }), invalid(KAFKA, 'antiAffinity', 'REQUIRED', CHOICE('required', 'preferred'))],
  ['Elasticsearch', 'capitalised anti-affinity', es({ antiAffinity: 'Required' as never }), invalid(ES, 'antiAffinity', 'Required', CHOICE('required', 'preferred'))],
  ['Kibana', 'unknown anti-affinity', kibana({ antiAffinity: 'soft' as never }), invalid(KIBANA, 'antiAffinity', 'soft', CHOICE('required', 'preferred'))],
  ['WebApp', 'capitalised anti-affinity', webApp({ antiAffinity: 'Preferred' as never }), invalid(WEB, 'antiAffinity', 'Preferred', CHOICE('required', 'preferred') + CASE_HINT('preferred'))],
  ['WebApp', 'lower-case service type', webApp({ serviceType: 'nodeport' as never }), invalid(WEB, 'serviceType', 'nodeport', CHOICE('ClusterIP', 'NodePort') + CASE_HINT('NodePort'))],
  ['WebApp', 'LoadBalancer service type', webApp({ serviceType: 'LoadBalancer' as never }), invalid(WEB, 'serviceType', 'LoadBalancer', CHOICE('ClusterIP', 'NodePort'))],
  ['NamespacesChart', 'capitalised Pod Security level', namespaces({ name: 'x', podSecurity: 'Restricted' as never }),
    invalid('namespaces', 'namespaces[x].podSecurity', 'Restricted', CHOICE('restricted', 'baseline', 'privileged') + CASE_HINT('restricted'))],
  ['NetworkChart', 'lower-case protocol', network({ flows: [{ ...FLOW, protocol: 'tcp' }] }), invalid('network', 'flows[0].protocol', 'tcp', CHOICE('TCP', 'UDP', 'SCTP') + CASE_HINT('TCP'))],
  ['NetworkChart', 'unknown protocol', network({ flows: [{ ...FLOW, protocol: 'HTTP' }] }), invalid('network', 'flows[0].protocol', 'HTTP', CHOICE('TCP', 'UDP', 'SCTP'))],
  // Booleans: the string "false" is truthy in JavaScript.
  ['Elasticsearch', 'security.enabled as a string (used to turn security off)', es({ security: { enabled: 'true' as never } }), invalid(ES, 'security.enabled', 'true', 'must be true or false')],
  ['ZookeeperEnsemble', 'zoneSpread as a string', zk({ zoneSpread: 'false' as never }), invalid(ZK, 'zoneSpread', 'false', 'must be true or false')],
  ['WebApp', 'zoneSpread as a string', webApp({ zoneSpread: 'no' as never }), invalid(WEB, 'zoneSpread', 'no', 'must be true or false')],
  ['NodeExporter', 'listenOnAllInterfaces as a string', nodeExporter({ listenOnAllInterfaces: 'false' as never }), invalid(NODE_EXPORTER, 'listenOnAllInterfaces', 'false', 'must be true or false')],
  ['Kibana', 'apiServerProxy as a string', kibana({ apiServerProxy: 'yes' as never }), invalid(KIBANA, 'apiServerProxy', 'yes', 'must be true or false')],

  // Images: the distribution/reference grammar, then "never latest or untagged".
  ['ZookeeperEnsemble', 'upper-case repository', zk({ image: 'library/ZooKeeper:3.9.3' }), invalid(ZK, 'image', 'library/ZooKeeper:3.9.3', `${REF}repository "library/ZooKeeper" must be lowercase`)],
  ['KafkaCluster', 'truncated digest', kafkaZk({ image: 'apache/kafka@sha256:abc123' }), invalid(KAFKA, 'image', 'apache/kafka@sha256:abc123', `${REF}digest "sha256:abc123" ${DIGEST}`)],
  ['NodeExporter', 'upper-case digest', nodeExporter({ image: `quay.io/prometheus/node-exporter@sha256:${'A'.repeat(64)}` }),
    invalid(NODE_EXPORTER, 'image', `quay.io/prometheus/node-exporter@sha256:${'A'.repeat(64)}`, `${REF}digest "sha256:${'A'.repeat(64)}" ${DIGEST}`)],
  ['WebApp', 'digest of an unknown algorithm', webApp({ image: `nginx@md5:${'a'.repeat(32)}` }), invalid(WEB, 'image', `nginx@md5:${'a'.repeat(32)}`, `${REF}digest "md5:${'a'.repeat(32)}"`)],
  ['WebApp', 'tag starting with a dot', webApp({ image: 'nginx:.1' }), invalid(WEB, 'image', 'nginx:.1', `${REF}tag ".1" must be 1-128 letters`)],
  ['WebApp', 'empty tag', webApp({ image: 'nginx:' }), invalid(WEB, 'image', 'nginx:', `${REF}tag "" must be 1-128 letters`)],
  ['WebApp', 'empty path component', webApp({ image: 'ghcr.io//podinfo:6.9.2' }), invalid(WEB, 'image', 'ghcr.io//podinfo:6.9.2', `${REF}repository "/podinfo" has an empty path component`)],
  ['WebApp', 'registry with a bad port', webApp({ image: 'localhost:50a0/app:1.0' }), invalid(WEB, 'image', 'localhost:50a0/app:1.0', `${REF}registry "localhost:50a0" is no host[:port]`)],
  ['Fluentd', 'repository component ending in a separator', fluentd({ image: 'fluent/fluentd-:v1.17' }), invalid(FLUENTD, 'image', 'fluent/fluentd-:v1.17', `${REF}repository component "fluentd-"`)],
  ['Elasticsearch', 'image with whitespace', es({ exporterImage: 'quay.io/x/exporter :1.0' }), invalid(ES, 'exporterImage', 'quay.io/x/exporter :1.0', `${REF}it contains whitespace`)],
  ['KafkaCluster', 'latest tag in upper case', kafkaZk({ metrics: { image: 'bitnami/jmx-exporter:LATEST' } }), invalid(KAFKA, 'metrics.image', 'bitnami/jmx-exporter:LATEST', PINNED)],

  // NetworkChart flows and egress.
  ['NetworkChart', 'flow port 0', network({ flows: [{ ...FLOW, port: 0 }] }), invalid('network', 'flows[0].port', 0, PORT)],
  ['NetworkChart', 'flow port above 65535', network({ flows: [{ ...FLOW, port: 70000 }] }), invalid('network', 'flows[0].port', 70000, PORT)],
  ['NetworkChart', 'fractional flow port', network({ flows: [{ ...FLOW, port: 80.5 }] }), invalid('network', 'flows[0].port', 80.5, PORT)],
  ['NetworkChart', 'flow target namespace that is no DNS label', network({ flows: [{ ...FLOW, to: { namespace: 'Apps', labels: { app: 'db' } } }] }),
    invalid('network', 'flows[0].to.namespace', 'Apps', DNS_LABEL(63))],
  ['NetworkChart', 'flow with an empty target selector', network({ flows: [{ ...FLOW, to: { namespace: 'safety', labels: {} } }] }),
    invalid('network', 'flows[0].to.labels', '{}', 'must hold at least one label')],
  ['NetworkChart', 'flow label value that is no label value', network({ flows: [{ ...FLOW, from: { namespace: 'safety', labels: { app: 'web app' } } }] }),
    invalid('network', 'flows[0].from.labels[app]', 'web app', '')],
  ['NetworkChart', 'egress CIDR that is no CIDR', network({ externalEgress: [{ ...EGRESS, cidr: '10.0.0.0' }] }),
    invalid('network', 'externalEgress[0].cidr', '10.0.0.0', 'must be an IPv4 or IPv6 CIDR')],
  ['NetworkChart', 'egress CIDR with an octet above 255', network({ externalEgress: [{ ...EGRESS, cidr: '10.0.0.256/32' }] }),
    invalid('network', 'externalEgress[0].cidr', '10.0.0.256/32', 'must be an IPv4 or IPv6 CIDR')],
  ['NetworkChart', 'egress CIDR prefix above 32', network({ externalEgress: [{ ...EGRESS, cidr: '10.0.0.0/33' }] }),
    invalid('network', 'externalEgress[0].cidr', '10.0.0.0/33', 'must be an IPv4 or IPv6 CIDR')],
  ['NetworkChart', 'egress CIDR with host bits', network({ externalEgress: [{ ...EGRESS, cidr: '10.1.2.3/8' }] }),
    invalid('network', 'externalEgress[0].cidr', '10.1.2.3/8', 'must be an IPv4 or IPv6 CIDR such as "10.0.0.0/8", "192.168.1.10/32" or "fd00::/8", with the host bits zero: did you mean "10.0.0.0/8"')],
  ['NetworkChart', 'IPv6 egress CIDR with host bits', network({ externalEgress: [{ ...EGRESS, cidr: 'fd00::1/64' }] }),
    invalid('network', 'externalEgress[0].cidr', 'fd00::1/64', 'must be an IPv4 or IPv6 CIDR such as "10.0.0.0/8", "192.168.1.10/32" or "fd00::/8", with the host bits zero: did you mean "fd00::/64"')],
  ['NetworkChart', 'egress port 0', network({ externalEgress: [{ ...EGRESS, ports: [443, 0] }] }), invalid('network', 'externalEgress[0].ports[]', 0, PORT)],
  ['NetworkChart', 'egress without ports', network({ externalEgress: [{ ...EGRESS, ports: [] }] }), invalid('network', 'externalEgress[0].ports', '', 'must list at least one port')],
  ['NetworkChart', 'duplicate default-deny namespace', network({ defaultDenyNamespaces: ['safety', 'safety'] }), invalid('network', 'defaultDenyNamespaces[]', 'safety', 'must be unique')],

  // The KRaft controllers' JVM has the brokers' memory floor.
  ['KafkaCluster', 'controller memory limit below the JVM floor', kraft({}, { resources: CTRL_RES('128Mi') }),
    invalid(KAFKA, 'mode.controllers.resources.limits.memory', '128Mi', 'must be at least 256Mi for a JVM (the heap is half the limit)')],

  // Writable paths: the same directory twice (a different spelling of one path is the same directory).
  ['WebApp', 'the same writable path twice', webApp({ writablePaths: ['/data', '/data'] }), invalid(WEB, 'writablePaths', '/data', 'must be unique: each directory gets one emptyDir')],
  ['WebApp', 'writable path with a "." segment', webApp({ writablePaths: ['/data', '/data/.'] }), invalid(WEB, 'writablePaths', '/data/.', 'must be an absolute directory path')],
];

function thrownBy(build: Build): unknown {
  const chart = new Chart(Testing.app(), 'safety', { namespace: 'safety' });
  try {
    build(chart);
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectRejected(build: Build, message: RegExp): void {
  const error = thrownBy(build);
  expect(error).toBeInstanceOf(PropError);
  expect((error as Error).message).toMatch(message);
}

describe('bad input is rejected with `<path>: invalid <prop> <value>: <allowed>` (SPEC §10.5)', () => {
  test.each(ROWS)('%s: %s', (_construct, _case, build, message) => {
    expectRejected(build, message);
  });

  test('the table covers every construct', () => {
    expect([...new Set(ROWS.map(([construct]) => construct))].sort()).toEqual([
      'EfkStack', 'Elasticsearch', 'Fluentd', 'KafkaCluster', 'Kibana', 'MetricsMonitor', 'MonitoringChart', 'NamespacesChart',
      'NodeExporter', 'PlatformMonitoring', 'PodDisruptionBudget', 'WebApp', 'ZookeeperEnsemble',
    ]);
  });
});

describe('inputs that were accepted silently are rejected (issue 10 item 7)', () => {
  test.each(SILENTLY_ACCEPTED)('%s: %s', (_construct, _case, build, message) => {
    expectRejected(build, message);
  });
});

describe('label values, port clashes, JVM memory floors, Pod Security levels and selector keys', () => {
  test.each(LABELS_AND_LIMITS)('%s: %s', (_construct, _case, build, message) => {
    expectRejected(build, message);
  });
});

describe('tenant names are checked as such (issue 10 item 7, issue 11 item 6)', () => {
  const TENANT = `must be a DNS label of at most ${MAX_TENANT_LENGTH} characters`;
  test.each([
    ['upper case', 'Blue', TENANT],
    ['underscore', 'team_a', TENANT],
    ['trailing dash', 'blue-', TENANT],
    ['empty', '', TENANT],
    ['too long for "<tenant>-streaming"', 'a'.repeat(MAX_TENANT_LENGTH + 1), TENANT],
    ['reserved kube- prefix', 'kube', 'must not make namespaces starting with "kube-"'],
  ])('%s: %j', (_case, tenant, allowed) => {
    expect(() => buildPlatform(Testing.app(), { tenants: [tenant], monitoring: false })).toThrow(invalid('buildPlatform', 'tenants[]', tenant, allowed));
    expect(() => buildCluster(Testing.app()).addTenant(tenant)).toThrow(invalid('PlatformCluster.addTenant', 'name', tenant, allowed));
  });

  test('duplicates, an empty list and a spec without a name are refused', () => {
    expect(() => buildPlatform(Testing.app(), { tenants: ['blue', { name: 'blue' }] })).toThrow(invalid('buildPlatform', 'tenants[]', 'blue', 'must be unique'));
    const cluster = buildCluster(Testing.app());
    cluster.addTenant('blue');
    expect(() => cluster.addTenant('blue')).toThrow(invalid('PlatformCluster.addTenant', 'name', 'blue', 'must be unique: the cluster already has this tenant'));
    expect(() => buildPlatform(Testing.app(), { tenants: [] })).toThrow(invalid('buildPlatform', 'tenants', '[]', 'must list at least one tenant'));
    expect(() => buildPlatform(Testing.app(), { tenants: [{} as TenantSpec] })).toThrow(invalid('buildPlatform', 'tenants[]', undefined, TENANT));
  });

  test('the single-tenant shortcuts name the tenants to use instead', () => {
    const platform = buildPlatform(Testing.app(), { tenants: ['blue', 'green'], monitoring: false });
    expect(() => platform.kafka).toThrow("buildPlatform: the platform has tenants (blue, green): use tenants['<name>'].streaming");
  });

  test(`the longest tenant (${MAX_TENANT_LENGTH} characters) gives DNS-label namespaces`, () => {
    const tenant = 't'.repeat(MAX_TENANT_LENGTH);
    const platform = buildPlatform(Testing.app(), { tenants: [tenant] });
    const namespaces = Object.keys(platform.namespaces.namespaces);
    expect(namespaces).toEqual(expect.arrayContaining([`${tenant}-streaming`, `${tenant}-apps`]));
    expect(platform.tenants[tenant].monitoring!.monitors.map((m) => m.name)).toContain(`${tenant}-zookeeper`);
    for (const ns of namespaces) expect(ns).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });
});

describe('two constructs emitting one object fail synth, naming both construct paths (issue 10 item 7)', () => {
  function synthError(build: (app: App) => Chart): string {
    const app = Testing.app();
    const chart = build(app);
    try {
      Testing.synth(chart);
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  }

  test('two ZooKeeper ensembles named zk in one namespace: StatefulSet, Services, PDB, ...', () => {
    const message = synthError((app) => {
      const chart = new Chart(app, 'safety', { namespace: 'safety' });
      new ZookeeperEnsemble(chart, 'zk');
      new ZookeeperEnsemble(chart, 'zk2');
      return chart;
    });
    expect(message).toContain('duplicate StatefulSet safety/zk: emitted by safety/zk/');
    expect(message).toMatch(/duplicate Service safety\/zk-cs: emitted by safety\/zk\/\S+ and safety\/zk2\/\S+;/);
  });

  test('a WebApp and a Kibana emitting the same Service name', () => {
    const message = synthError((app) => {
      const chart = new Chart(app, 'safety', { namespace: 'safety' });
      new Kibana(chart, 'kibana', { elasticsearch: new Elasticsearch(chart, 'es', {}) });
      new WebApp(chart, 'web', { ...demoWebAppProps({ name: 'kibana-logging' }) });
      return chart;
    });
    expect(message).toMatch(/duplicate Service safety\/kibana-logging: emitted by safety\/kibana\/\S+ and safety\/web\/Service/);
  });

  test('cluster-scoped objects collide across charts and namespaces: two WebApps with one ClusterRole name', () => {
    const rules = { clusterRules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }] };
    // `<namespace>-<name>`: namespace "a" + app "b-web" and namespace "a-b" + app "web" give the same name.
    const app = Testing.app();
    new WebApp(new Chart(app, 'one', { namespace: 'a' }), 'web', { ...demoWebAppProps({ name: 'b-web' }), apiAccess: rules });
    new WebApp(new Chart(app, 'two', { namespace: 'a-b' }), 'web', { ...demoWebAppProps({ name: 'web' }), apiAccess: rules });
    expect(() => app.synth()).toThrow(/duplicate ClusterRole a-b-web: emitted by one\/web\/ClusterRole and two\/web\/ClusterRole/);
  });

  test('the multi-tenant platform emits no object twice (one Fluentd ClusterRole for the cluster)', () => {
    const app = Testing.app();
    buildPlatform(app, { tenants: ['blue', 'green'], monitoring: false });
    const roles = app.charts.flatMap((c) => c.node.findAll()).filter((c) => (c as any).kind === 'ClusterRole').map((c) => (c as any).name);
    expect(roles).toEqual(['logging-agents-fluentd-es']);
    expect(() => app.charts.forEach((c) => c.node.validate().forEach((e) => { throw new Error(e); }))).not.toThrow();
  });
});
