import { DashboardSpec } from './model';
import { ComponentDashboardOptions, componentSeries } from './selectors';

/** Elasticsearch, from the elasticsearch_exporter sidecar of each node. */
export function elasticsearchDashboard(opts: ComponentDashboardOptions = {}): DashboardSpec {
  const job = opts.job ?? 'elasticsearch';
  const s = componentSeries(job);
  return {
    uid: 'platform-elasticsearch',
    title: 'Elasticsearch',
    description: 'Log storage of the platform: cluster health, shards, heap, disk, indexing and search.',
    tags: ['platform', 'elasticsearch', 'logging'],
    job,
    rows: [
      {
        title: 'Cluster',
        panels: [
          { title: 'Health', kind: 'stat', description: 'The color whose status series is 1.', targets: [{ expr: `max by (color) (elasticsearch_cluster_health_status{${s}}) == 1`, legend: '{{color}}' }] },
          { title: 'Nodes', kind: 'stat', targets: [{ expr: `max(elasticsearch_cluster_health_number_of_nodes{${s}})` }] },
          { title: 'Unassigned shards', kind: 'stat', targets: [{ expr: `max(elasticsearch_cluster_health_unassigned_shards{${s}})` }], thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'orange' }] },
          { title: 'Read-only indices', kind: 'stat', description: 'Indices blocked for writes (flood-stage disk watermark); needs the exporter\'s --es.indices_settings.', targets: [{ expr: `max(elasticsearch_indices_settings_stats_read_only_indices{${s}})` }], thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'red' }] },
          { title: 'Shards', kind: 'timeseries', width: 24, targets: [
            { expr: `max(elasticsearch_cluster_health_active_shards{${s}})`, legend: 'active' },
            { expr: `max(elasticsearch_cluster_health_unassigned_shards{${s}})`, legend: 'unassigned' },
            { expr: `max(elasticsearch_cluster_health_relocating_shards{${s}})`, legend: 'relocating' },
            { expr: `max(elasticsearch_cluster_health_initializing_shards{${s}})`, legend: 'initializing' },
          ] },
        ],
      },
      {
        title: 'Nodes',
        panels: [
          { title: 'JVM heap used', kind: 'timeseries', unit: 'percentunit', max: 1, targets: [{ expr: `elasticsearch_jvm_memory_used_bytes{${s},area="heap"} / elasticsearch_jvm_memory_max_bytes{${s},area="heap"}`, legend: '{{name}}' }] },
          { title: 'Disk available', kind: 'timeseries', unit: 'percentunit', max: 1, targets: [{ expr: `sum by (name) (elasticsearch_filesystem_data_available_bytes{${s}}) / sum by (name) (elasticsearch_filesystem_data_size_bytes{${s}})`, legend: '{{name}}' }] },
          { title: 'CPU', kind: 'timeseries', unit: 'percent', targets: [{ expr: `elasticsearch_process_cpu_percent{${s}}`, legend: '{{name}}' }] },
          { title: 'GC time', kind: 'timeseries', unit: 'percentunit', targets: [{ expr: `sum by (name) (rate(elasticsearch_jvm_gc_collection_seconds_sum{${s}}[$__rate_interval]))`, legend: '{{name}}' }] },
        ],
      },
      {
        title: 'Indices',
        panels: [
          { title: 'Indexing rate', kind: 'timeseries', unit: 'ops', targets: [{ expr: `sum by (name) (rate(elasticsearch_indices_indexing_index_total{${s}}[$__rate_interval]))`, legend: '{{name}}' }] },
          { title: 'Search rate', kind: 'timeseries', unit: 'ops', targets: [{ expr: `sum by (name) (rate(elasticsearch_indices_search_query_total{${s}}[$__rate_interval]))`, legend: '{{name}}' }] },
          { title: 'Documents', kind: 'timeseries', targets: [{ expr: `sum by (name) (elasticsearch_indices_docs{${s}})`, legend: '{{name}}' }] },
          { title: 'Store size', kind: 'timeseries', unit: 'bytes', targets: [{ expr: `sum by (name) (elasticsearch_indices_store_size_bytes{${s}})`, legend: '{{name}}' }] },
        ],
      },
    ],
  };
}
