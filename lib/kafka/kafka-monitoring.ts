import { AlertContext, AlertRule, catalogueRule } from '../core/alerting';
import { ComponentDashboardOptions, componentSeries, DashboardSpec, KSM_SERIES } from '../core/dashboard-model';
import { KUBE_STATE_METRIC, MetricsContract, PROMETHEUS_METRIC } from '../core/metrics-contract';
import { statefulSetAlerts } from '../core/workload-alerts';

/**
 * The monitoring of Kafka: its metrics contract, its alert rules and its Grafana dashboard,
 * next to its construct (kube-prometheus mixin style). lib/monitoring's alert catalogue and
 * lib/observability/dashboards only assemble these.
 */

/** The metric names the JMX exporter sidecar of KafkaCluster exports (its rules are in kafka-config.ts). Each name is written here once; the alerts and the dashboard read it from here. */
export const KAFKA_JMX_EXPORTER_METRIC = Object.freeze({
  kafkaServerReplicamanagerUnderreplicatedpartitions: 'kafka_server_replicamanager_underreplicatedpartitions',
  kafkaServerReplicamanagerPartitioncount: 'kafka_server_replicamanager_partitioncount',
  kafkaServerReplicamanagerLeadercount: 'kafka_server_replicamanager_leadercount',
  kafkaControllerKafkacontrollerOfflinepartitionscount: 'kafka_controller_kafkacontroller_offlinepartitionscount',
  kafkaControllerKafkacontrollerActivecontrollercount: 'kafka_controller_kafkacontroller_activecontrollercount',
  kafkaServerBrokertopicmetricsMessagesinpersecTotal: 'kafka_server_brokertopicmetrics_messagesinpersec_total',
  kafkaServerBrokertopicmetricsBytesinpersecTotal: 'kafka_server_brokertopicmetrics_bytesinpersec_total',
  kafkaServerBrokertopicmetricsBytesoutpersecTotal: 'kafka_server_brokertopicmetrics_bytesoutpersec_total',
  kafkaNetworkRequestmetricsTotaltimems: 'kafka_network_requestmetrics_totaltimems',
  kafkaNetworkRequestmetricsRequestspersecTotal: 'kafka_network_requestmetrics_requestspersec_total',
  jvmMemoryHeapUsedBytes: 'jvm_memory_heap_used_bytes',
  jvmMemoryHeapCommittedBytes: 'jvm_memory_heap_committed_bytes',
  jvmMemoryHeapMaxBytes: 'jvm_memory_heap_max_bytes',
  jvmGcCollectionCountTotal: 'jvm_gc_collection_count_total',
  jvmGcCollectionSecondsTotal: 'jvm_gc_collection_seconds_total',
  jmxScrapeError: 'jmx_scrape_error',
  jmxScrapeDurationSeconds: 'jmx_scrape_duration_seconds',
});

/** The metrics contract: the names of {@link KAFKA_JMX_EXPORTER_METRIC} and where they were read. */
export const KAFKA_JMX_EXPORTER_METRICS: MetricsContract = {
  source: 'lib/kafka/kafka-config.ts renderKafkaJmxExporterConfig (lowercaseOutputName rules: kafka_$1_$2_$3 for Value, kafka_$1_$2_$3_total for Count, per-topic BrokerTopicMetrics, RequestMetrics percentiles, jvm_memory_heap_*_bytes, jvm_gc_collection_*); jmx_scrape_error and jmx_scrape_duration_seconds from prometheus/jmx_exporter JmxCollector',
  metrics: Object.values(KAFKA_JMX_EXPORTER_METRIC),
};

const M = KAFKA_JMX_EXPORTER_METRIC;

/**
 * Kafka through the JMX exporter sidecar of the KafkaCluster construct (standalone HTTP server,
 * jmx_exporter 1.1.0). The sidecar answers even when the Kafka JVM next to it is down: `up` stays
 * 1, its own `jmx_scrape_error` turns 1 and every `kafka_*` series vanishes. So:
 * - `NodeDown` watches `jmx_scrape_error` per pod (a crash loop counts: more than half the
 *   scrapes of the last 10 minutes failed);
 * - `NoActiveController` fires when the cluster-wide sum is not exactly 1, and also when targets
 *   exist but no node reports the metric at all (every broker down);
 * - `OfflinePartitions` takes the `max`: every KRaft controller reports the cluster-wide count
 *   (a sum would triple it), and in ZooKeeper mode only the active controller reports non-zero.
 * Metrics read: `kafka_server_replicamanager_underreplicatedpartitions` (per broker),
 * `kafka_controller_kafkacontroller_offlinepartitionscount` and
 * `kafka_controller_kafkacontroller_activecontrollercount` (controller level).
 */
export function kafkaAlerts(ctx: AlertContext): AlertRule[] {
  const s = ctx.series;
  const active = `${M.kafkaControllerKafkacontrollerActivecontrollercount}{${s}}`;
  return [
    catalogueRule(ctx, 'NodeDown', {
      expr: `avg_over_time(${M.jmxScrapeError}{${s}}[10m]) > 0.5`,
      for: '5m',
      severity: 'warning',
      summary: 'Kafka node {{ $labels.pod }} is down (its JMX exporter cannot read it)',
      description: 'The JMX exporter next to Kafka in pod {{ $labels.pod }} (namespace {{ $labels.namespace }}) answers, but more than half of its reads of the Kafka JVM failed over the last 10 minutes ({{ $value | humanizePercentage }}): the broker or controller is down, restarting in a loop or hung, and its kafka_* metrics are missing.',
      runbook: 'kubectl -n {{ $labels.namespace }} get pod {{ $labels.pod }}; kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c kafka --previous | tail -50; kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c jmx-exporter | tail.',
    }),
    catalogueRule(ctx, 'UnderReplicatedPartitions', {
      expr: `${M.kafkaServerReplicamanagerUnderreplicatedpartitions}{${s}} > 0`,
      for: '10m',
      severity: 'warning',
      summary: 'Kafka broker {{ $labels.pod }} leads {{ $value }} under-replicated partitions',
      description: 'Kafka broker {{ $labels.pod }} in namespace {{ $labels.namespace }} has led partitions whose followers are out of sync for 10 minutes: another broker failure may lose acknowledged data or block producers (min.insync.replicas).',
      runbook: 'kafka-topics.sh --bootstrap-server <bootstrap> --describe --under-replicated-partitions; find the broker missing from the ISR (down, disk full, network), fix it and wait for the ISR to grow back before restarting any other broker.',
    }),
    catalogueRule(ctx, 'OfflinePartitions', {
      expr: `max by (job, namespace) (${M.kafkaControllerKafkacontrollerOfflinepartitionscount}{${s}}) > 0`,
      for: '5m',
      severity: 'critical',
      summary: '{{ $value }} Kafka partitions are offline in {{ $labels.namespace }}',
      description: 'The Kafka controller in namespace {{ $labels.namespace }} has reported {{ $value }} partitions without a leader for 5 minutes: producers and consumers of those partitions fail.',
      runbook: 'kafka-topics.sh --bootstrap-server <bootstrap> --describe --unavailable-partitions; bring back the brokers that host their replicas (kubectl -n {{ $labels.namespace }} get pods); unclean leader election is off on purpose, do not enable it without accepting data loss.',
    }),
    catalogueRule(ctx, 'NoActiveController', {
      expr: [
        `sum by (job, namespace) (${active}) != 1`,
        'or on (job, namespace)',
        '(',
        `  0 * count by (job, namespace) (${PROMETHEUS_METRIC.up}{${s}})`,
        `  unless on (job, namespace) count by (job, namespace) (${active})`,
        ')',
      ].join('\n'),
      for: '5m',
      severity: 'critical',
      summary: 'Kafka cluster in {{ $labels.namespace }} has {{ $value }} active controllers',
      description: 'Kafka in namespace {{ $labels.namespace }} has had {{ $value }} active controllers (exactly 1 expected) for 5 minutes: with none (every node down, or no controller elected) no leader election or topic change happens; more than one means a split brain.',
      runbook: 'kubectl -n {{ $labels.namespace }} get pods -l app.kubernetes.io/name=kafka; check the KafkaNodeDown alerts; check the brokers reach ZooKeeper (or the KRaft controller quorum): kubectl -n {{ $labels.namespace }} logs <broker> -c kafka | grep -i controller; restart the broker that wrongly claims the controller role.',
    }),
    ...statefulSetAlerts(ctx),
  ];
}

/**
 * Kafka brokers, from the JMX exporter sidecar. Broker-wide BrokerTopicMetrics carry no `topic`
 * label; the per-topic series of the same name do, so rates select `topic=""` to avoid counting
 * every message twice.
 */
export function kafkaDashboard(opts: ComponentDashboardOptions = {}): DashboardSpec {
  const job = opts.job ?? 'kafka';
  const s = componentSeries(job);
  const broker = `${s},topic=""`;
  return {
    uid: 'platform-kafka',
    title: 'Kafka',
    description: 'Kafka brokers of the platform: controller, partition health, throughput, request latency and JVM.',
    tags: ['platform', 'kafka'],
    job,
    rows: [
      {
        title: 'Cluster health',
        panels: [
          { title: 'Active controllers', kind: 'stat', description: 'Exactly 1.', targets: [{ expr: `sum(${M.kafkaControllerKafkacontrollerActivecontrollercount}{${s}})` }], thresholds: [{ value: 0, color: 'red' }, { value: 1, color: 'green' }, { value: 2, color: 'red' }] },
          { title: 'Under-replicated partitions', kind: 'stat', targets: [{ expr: `sum(${M.kafkaServerReplicamanagerUnderreplicatedpartitions}{${s}})` }], thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'orange' }] },
          { title: 'Offline partitions', kind: 'stat', targets: [{ expr: `max(${M.kafkaControllerKafkacontrollerOfflinepartitionscount}{${s}})` }], thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'red' }] },
          { title: 'Brokers ready', kind: 'stat', targets: [{ expr: `sum(${KUBE_STATE_METRIC.kubeStatefulsetStatusReplicasReady}{${KSM_SERIES}})` }] },
          { title: 'Partitions and leaders per broker', kind: 'timeseries', targets: [{ expr: `${M.kafkaServerReplicamanagerPartitioncount}{${s}}`, legend: 'partitions {{pod}}' }, { expr: `${M.kafkaServerReplicamanagerLeadercount}{${s}}`, legend: 'leaders {{pod}}' }] },
          { title: 'JMX scrape errors', kind: 'timeseries', description: 'Above 0: the exporter cannot read the broker JVM (broker down or hung).', targets: [{ expr: `${M.jmxScrapeError}{${s}}`, legend: '{{pod}}' }] },
        ],
      },
      {
        title: 'Throughput',
        panels: [
          { title: 'Messages in', kind: 'timeseries', unit: 'ops', targets: [{ expr: `sum by (pod) (rate(${M.kafkaServerBrokertopicmetricsMessagesinpersecTotal}{${broker}}[$__rate_interval]))`, legend: '{{pod}}' }] },
          { title: 'Bytes in and out', kind: 'timeseries', unit: 'Bps', targets: [
            { expr: `sum by (pod) (rate(${M.kafkaServerBrokertopicmetricsBytesinpersecTotal}{${broker}}[$__rate_interval]))`, legend: 'in {{pod}}' },
            { expr: `sum by (pod) (rate(${M.kafkaServerBrokertopicmetricsBytesoutpersecTotal}{${broker}}[$__rate_interval]))`, legend: 'out {{pod}}' },
          ] },
          { title: 'Request latency p99', kind: 'timeseries', unit: 'ms', targets: [{ expr: `max by (request) (${M.kafkaNetworkRequestmetricsTotaltimems}{${s},request=~"Produce|FetchConsumer|FetchFollower",quantile="0.99"})`, legend: '{{request}}' }] },
          { title: 'Requests', kind: 'timeseries', unit: 'reqps', targets: [{ expr: `sum by (request) (rate(${M.kafkaNetworkRequestmetricsRequestspersecTotal}{${s},request=~"Produce|FetchConsumer|FetchFollower|Metadata"}[$__rate_interval]))`, legend: '{{request}}' }] },
        ],
      },
      {
        title: 'JVM',
        panels: [
          { title: 'Heap used', kind: 'timeseries', unit: 'percentunit', max: 1, targets: [{ expr: `${M.jvmMemoryHeapUsedBytes}{${s}} / ${M.jvmMemoryHeapMaxBytes}{${s}}`, legend: '{{pod}}' }] },
          { title: 'GC time', kind: 'timeseries', unit: 'percentunit', targets: [{ expr: `sum by (pod) (rate(${M.jvmGcCollectionSecondsTotal}{${s}}[$__rate_interval]))`, legend: '{{pod}}' }] },
        ],
      },
    ],
  };
}
