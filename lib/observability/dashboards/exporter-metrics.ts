/**
 * The metric names each exporter of the platform produces, written down from its source, so the
 * tests can prove that every dashboard query (and every alert) reads a metric that exists. Only
 * the names the platform reads or is likely to read are listed, not every series an exporter has.
 */

/** Metrics of one exporter, and where the names were read. */
export interface ExporterMetrics {
  readonly source: string;
  readonly metrics: readonly string[];
}

/** Exporters of the platform, keyed by what produces the series. */
export type ExporterId = 'prometheus' | 'zookeeper' | 'kafka-jmx-exporter' | 'elasticsearch-exporter' | 'fluentd' | 'node-exporter' | 'podinfo' | 'kube-state-metrics';

export const EXPORTER_METRICS: Readonly<Record<ExporterId, ExporterMetrics>> = {
  prometheus: {
    source: 'Prometheus itself: the synthetic series of every scrape (docs "Jobs and instances": up, scrape_duration_seconds, scrape_samples_scraped)',
    metrics: ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'],
  },
  zookeeper: {
    source: 'apache/zookeeper 3.9 native Prometheus provider: ZooKeeperServer.registerMetrics (znode_count, watch_count, ephemerals_count, approximate_data_size, outstanding_requests, avg/min/max_latency, packets_received/sent, num_alive_connections, open_file_descriptor_count, uptime), QuorumZooKeeperServer (quorum_size), LeaderZooKeeperServer (leader_uptime, learners, synced_followers, pending_syncs); JVM metrics of simpleclient_hotspot (metricsProvider.exportJvmInfo, default true)',
    metrics: [
      'znode_count', 'watch_count', 'ephemerals_count', 'approximate_data_size', 'outstanding_requests', 'avg_latency', 'min_latency', 'max_latency',
      'packets_received', 'packets_sent', 'num_alive_connections', 'open_file_descriptor_count', 'uptime', 'quorum_size', 'leader_uptime', 'learners',
      'synced_followers', 'pending_syncs', 'jvm_memory_bytes_used', 'jvm_memory_bytes_max', 'jvm_threads_current', 'jvm_gc_collection_seconds_count',
      'jvm_gc_collection_seconds_sum',
    ],
  },
  'kafka-jmx-exporter': {
    source: 'lib/kafka/kafka-config.ts renderKafkaJmxExporterConfig (lowercaseOutputName rules: kafka_$1_$2_$3 for Value, kafka_$1_$2_$3_total for Count, per-topic BrokerTopicMetrics, RequestMetrics percentiles, jvm_memory_heap_*_bytes, jvm_gc_collection_*); jmx_scrape_error and jmx_scrape_duration_seconds from prometheus/jmx_exporter JmxCollector',
    metrics: [
      'kafka_server_replicamanager_underreplicatedpartitions', 'kafka_server_replicamanager_partitioncount', 'kafka_server_replicamanager_leadercount',
      'kafka_controller_kafkacontroller_offlinepartitionscount', 'kafka_controller_kafkacontroller_activecontrollercount',
      'kafka_server_brokertopicmetrics_messagesinpersec_total', 'kafka_server_brokertopicmetrics_bytesinpersec_total', 'kafka_server_brokertopicmetrics_bytesoutpersec_total',
      'kafka_network_requestmetrics_totaltimems', 'kafka_network_requestmetrics_requestspersec_total',
      'jvm_memory_heap_used_bytes', 'jvm_memory_heap_committed_bytes', 'jvm_memory_heap_max_bytes', 'jvm_gc_collection_count_total', 'jvm_gc_collection_seconds_total',
      'jmx_scrape_error', 'jmx_scrape_duration_seconds',
    ],
  },
  'elasticsearch-exporter': {
    source: 'prometheus-community/elasticsearch_exporter v1.10.0 collector/cluster_health.go (elasticsearch_cluster_health_*) and collector/nodes.go (elasticsearch_jvm_*, elasticsearch_filesystem_data_*, elasticsearch_indices_*, elasticsearch_process_cpu_percent, elasticsearch_os_cpu_percent) and collector/indices_settings.go (elasticsearch_indices_settings_stats_read_only_indices, with --es.indices_settings)',
    metrics: [
      'elasticsearch_cluster_health_status', 'elasticsearch_cluster_health_number_of_nodes', 'elasticsearch_cluster_health_number_of_data_nodes',
      'elasticsearch_cluster_health_active_shards', 'elasticsearch_cluster_health_unassigned_shards', 'elasticsearch_cluster_health_relocating_shards',
      'elasticsearch_cluster_health_initializing_shards', 'elasticsearch_jvm_memory_used_bytes', 'elasticsearch_jvm_memory_max_bytes',
      'elasticsearch_jvm_gc_collection_seconds_sum', 'elasticsearch_filesystem_data_available_bytes', 'elasticsearch_filesystem_data_size_bytes',
      'elasticsearch_indices_docs', 'elasticsearch_indices_store_size_bytes', 'elasticsearch_indices_indexing_index_total', 'elasticsearch_indices_search_query_total',
      'elasticsearch_process_cpu_percent', 'elasticsearch_os_cpu_percent', 'elasticsearch_indices_settings_stats_read_only_indices',
    ],
  },
  fluentd: {
    source: 'fluent/fluent-plugin-prometheus v2.2 in_prometheus_output_monitor.rb (fluentd_output_status_*) and in_prometheus_tail_monitor.rb (fluentd_tail_file_*), both enabled in lib/logging/fluentd-config.ts',
    metrics: [
      'fluentd_output_status_buffer_total_bytes', 'fluentd_output_status_buffer_stage_length', 'fluentd_output_status_buffer_queue_length',
      'fluentd_output_status_buffer_available_space_ratio', 'fluentd_output_status_retry_count', 'fluentd_output_status_num_errors',
      'fluentd_output_status_emit_count', 'fluentd_output_status_emit_records', 'fluentd_output_status_write_count', 'fluentd_output_status_rollback_count',
      'fluentd_output_status_slow_flush_count', 'fluentd_output_status_retry_wait', 'fluentd_tail_file_position', 'fluentd_tail_file_inode',
    ],
  },
  'node-exporter': {
    source: 'prometheus/node_exporter 1.9 collectors cpu, loadavg, meminfo, filesystem, diskstats, netdev (all enabled by default)',
    metrics: [
      'node_cpu_seconds_total', 'node_load1', 'node_load5', 'node_load15', 'node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes',
      'node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'node_filesystem_readonly', 'node_disk_io_time_seconds_total',
      'node_disk_read_bytes_total', 'node_disk_written_bytes_total', 'node_network_receive_bytes_total', 'node_network_transmit_bytes_total',
    ],
  },
  podinfo: {
    source: 'stefanprodan/podinfo 6.9.2 pkg/api/http/metrics.go (http_request_duration_seconds histogram, http_requests_total counter) and the Go client default registry (go_*, process_*)',
    metrics: [
      'http_requests_total', 'http_request_duration_seconds_bucket', 'http_request_duration_seconds_sum', 'http_request_duration_seconds_count',
      'go_goroutines', 'process_resident_memory_bytes', 'process_cpu_seconds_total',
    ],
  },
  'kube-state-metrics': {
    source: 'kubernetes/kube-state-metrics v2.20 docs/metrics/workload/{deployment,statefulset,daemonset,pod}-metrics.md',
    metrics: [
      'kube_deployment_spec_replicas', 'kube_deployment_status_replicas_available', 'kube_deployment_status_replicas_unavailable', 'kube_deployment_status_condition',
      'kube_statefulset_replicas', 'kube_statefulset_status_replicas_ready', 'kube_statefulset_status_replicas_updated',
      'kube_statefulset_status_current_revision', 'kube_statefulset_status_update_revision', 'kube_statefulset_status_observed_generation', 'kube_statefulset_metadata_generation',
      'kube_daemonset_status_desired_number_scheduled', 'kube_daemonset_status_updated_number_scheduled', 'kube_daemonset_status_number_unavailable', 'kube_daemonset_status_number_ready',
      'kube_pod_container_status_restarts_total',
    ],
  },
};

/** Every metric name any exporter of the platform produces. */
export function allExporterMetrics(): Set<string> {
  return new Set(Object.values(EXPORTER_METRICS).flatMap((e) => e.metrics));
}
