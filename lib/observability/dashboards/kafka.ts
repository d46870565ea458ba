import { DashboardSpec } from './model';
import { ComponentDashboardOptions, componentSeries, KSM_SERIES } from './selectors';

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
