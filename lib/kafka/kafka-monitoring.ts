import { AlertContext, AlertRule, catalogueRule } from '../core/alerting';
import { ComponentDashboardOptions, componentSeries, DashboardSpec, KSM_SERIES } from '../core/dashboard-model';
import { MetricsContract } from '../core/metrics-contract';
import { statefulSetAlerts } from '../core/workload-alerts';

/**
 * The monitoring of Kafka: its metrics contract, its alert rules and its Grafana dashboard,
 * next to its construct (kube-prometheus mixin style). lib/monitoring's alert catalogue and
 * lib/observability/dashboards only assemble these.
 */

/** What the JMX exporter sidecar of `KafkaCluster` exports (its rules are in kafka-config.ts). */
export const KAFKA_JMX_EXPORTER_METRICS: MetricsContract = {
    source: 'lib/kafka/kafka-config.ts renderKafkaJmxExporterConfig (lowercaseOutputName rules: kafka_$1_$2_$3 for Value, kafka_$1_$2_$3_total for Count, per-topic BrokerTopicMetrics, RequestMetrics percentiles, jvm_memory_heap_*_bytes, jvm_gc_collection_*); jmx_scrape_error and jmx_scrape_duration_seconds from prometheus/jmx_exporter JmxCollector',
    metrics: [
      'kafka_server_replicamanager_underreplicatedpartitions', 'kafka_server_replicamanager_partitioncount', 'kafka_server_replicamanager_leadercount',
      'kafka_controller_kafkacontroller_offlinepartitionscount', 'kafka_controller_kafkacontroller_activecontrollercount',
      'kafka_server_brokertopicmetrics_messagesinpersec_total', 'kafka_server_brokertopicmetrics_bytesinpersec_total', 'kafka_server_brokertopicmetrics_bytesoutpersec_total',
      'kafka_network_requestmetrics_totaltimems', 'kafka_network_requestmetrics_requestspersec_total',
      'jvm_memory_heap_used_bytes', 'jvm_memory_heap_committed_bytes', 'jvm_memory_heap_max_bytes', 'jvm_gc_collection_count_total', 'jvm_gc_collection_seconds_total',
      'jmx_scrape_error', 'jmx_scrape_duration_seconds',
    ],
};

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
  const active = `kafka_controller_kafkacontroller_activecontrollercount{${s}}`;
  return [
    catalogueRule(ctx, 'NodeDown', {
      expr: `avg_over_time(jmx_scrape_error{${s}}[10m]) > 0.5`,
      for: '5m',
      severity: 'warning',
      summary: 'Kafka node {{ $labels.pod }} is down (its JMX exporter cannot read it)',
      description: 'The JMX exporter next to Kafka in pod {{ $labels.pod }} (namespace {{ $labels.namespace }}) answers, but more than half of its reads of the Kafka JVM failed over the last 10 minutes ({{ $value | humanizePercentage }}): the broker or controller is down, restarting in a loop or hung, and its kafka_* metrics are missing.',
      runbook: 'kubectl -n {{ $labels.namespace }} get pod {{ $labels.pod }}; kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c kafka --previous | tail -50; kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c jmx-exporter | tail.',
    }),
    catalogueRule(ctx, 'UnderReplicatedPartitions', {
      expr: `kafka_server_replicamanager_underreplicatedpartitions{${s}} > 0`,
      for: '10m',
      severity: 'warning',
      summary: 'Kafka broker {{ $labels.pod }} leads {{ $value }} under-replicated partitions',
      description: 'Kafka broker {{ $labels.pod }} in namespace {{ $labels.namespace }} has led partitions whose followers are out of sync for 10 minutes: another broker failure may lose acknowledged data or block producers (min.insync.replicas).',
      runbook: 'kafka-topics.sh --bootstrap-server <bootstrap> --describe --under-replicated-partitions; find the broker missing from the ISR (down, disk full, network), fix it and wait for the ISR to grow back before restarting any other broker.',
    }),
    catalogueRule(ctx, 'OfflinePartitions', {
      expr: `max by (job, namespace) (kafka_controller_kafkacontroller_offlinepartitionscount{${s}}) > 0`,
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
        `  0 * count by (job, namespace) (up{${s}})`,
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
          { title: 'Active controllers', kind: 'stat', description: 'Exactly 1.', targets: [{ expr: `sum(kafka_controller_kafkacontroller_activecontrollercount{${s}})` }], thresholds: [{ value: 0, color: 'red' }, { value: 1, color: 'green' }, { value: 2, color: 'red' }] },
          { title: 'Under-replicated partitions', kind: 'stat', targets: [{ expr: `sum(kafka_server_replicamanager_underreplicatedpartitions{${s}})` }], thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'orange' }] },
          { title: 'Offline partitions', kind: 'stat', targets: [{ expr: `max(kafka_controller_kafkacontroller_offlinepartitionscount{${s}})` }], thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'red' }] },
          { title: 'Brokers ready', kind: 'stat', targets: [{ expr: `sum(kube_statefulset_status_replicas_ready{${KSM_SERIES}})` }] },
          { title: 'Partitions and leaders per broker', kind: 'timeseries', targets: [{ expr: `kafka_server_replicamanager_partitioncount{${s}}`, legend: 'partitions {{pod}}' }, { expr: `kafka_server_replicamanager_leadercount{${s}}`, legend: 'leaders {{pod}}' }] },
          { title: 'JMX scrape errors', kind: 'timeseries', description: 'Above 0: the exporter cannot read the broker JVM (broker down or hung).', targets: [{ expr: `jmx_scrape_error{${s}}`, legend: '{{pod}}' }] },
        ],
      },
      {
        title: 'Throughput',
        panels: [
          { title: 'Messages in', kind: 'timeseries', unit: 'ops', targets: [{ expr: `sum by (pod) (rate(kafka_server_brokertopicmetrics_messagesinpersec_total{${broker}}[$__rate_interval]))`, legend: '{{pod}}' }] },
          { title: 'Bytes in and out', kind: 'timeseries', unit: 'Bps', targets: [
            { expr: `sum by (pod) (rate(kafka_server_brokertopicmetrics_bytesinpersec_total{${broker}}[$__rate_interval]))`, legend: 'in {{pod}}' },
            { expr: `sum by (pod) (rate(kafka_server_brokertopicmetrics_bytesoutpersec_total{${broker}}[$__rate_interval]))`, legend: 'out {{pod}}' },
          ] },
          { title: 'Request latency p99', kind: 'timeseries', unit: 'ms', targets: [{ expr: `max by (request) (kafka_network_requestmetrics_totaltimems{${s},request=~"Produce|FetchConsumer|FetchFollower",quantile="0.99"})`, legend: '{{request}}' }] },
          { title: 'Requests', kind: 'timeseries', unit: 'reqps', targets: [{ expr: `sum by (request) (rate(kafka_network_requestmetrics_requestspersec_total{${s},request=~"Produce|FetchConsumer|FetchFollower|Metadata"}[$__rate_interval]))`, legend: '{{request}}' }] },
        ],
      },
      {
        title: 'JVM',
        panels: [
          { title: 'Heap used', kind: 'timeseries', unit: 'percentunit', max: 1, targets: [{ expr: `jvm_memory_heap_used_bytes{${s}} / jvm_memory_heap_max_bytes{${s}}`, legend: '{{pod}}' }] },
          { title: 'GC time', kind: 'timeseries', unit: 'percentunit', targets: [{ expr: `sum by (pod) (rate(jvm_gc_collection_seconds_total{${s}}[$__rate_interval]))`, legend: '{{pod}}' }] },
        ],
      },
    ],
  };
}
