import { IConstruct } from 'constructs';
import { AlertContext, AlertRule, catalogueRule } from '../core/alerting';
import { ComponentDashboardOptions, componentSeries, DashboardSpec } from '../core/dashboard-model';
import { KUBE_STATE_METRIC, MetricsContract, PROMETHEUS_METRIC } from '../core/metrics-contract';
import { promqlString } from '../core/promql';
import { check } from '../core/validation';
import { statefulSetAlerts } from '../core/workload-alerts';

/**
 * The monitoring of Elasticsearch: its metrics contract, its alert rules and its Grafana dashboard,
 * next to its construct (kube-prometheus mixin style). lib/monitoring's alert catalogue and
 * lib/observability/dashboards only assemble these.
 */

/** The metric names the elasticsearch_exporter sidecar of each Elasticsearch node exports. Each name is written here once; the alerts and the dashboard read it from here. */
export const ELASTICSEARCH_EXPORTER_METRIC = Object.freeze({
  elasticsearchClusterHealthStatus: 'elasticsearch_cluster_health_status',
  elasticsearchClusterHealthNumberOfNodes: 'elasticsearch_cluster_health_number_of_nodes',
  elasticsearchClusterHealthNumberOfDataNodes: 'elasticsearch_cluster_health_number_of_data_nodes',
  elasticsearchClusterHealthActiveShards: 'elasticsearch_cluster_health_active_shards',
  elasticsearchClusterHealthUnassignedShards: 'elasticsearch_cluster_health_unassigned_shards',
  elasticsearchClusterHealthRelocatingShards: 'elasticsearch_cluster_health_relocating_shards',
  elasticsearchClusterHealthInitializingShards: 'elasticsearch_cluster_health_initializing_shards',
  elasticsearchJvmMemoryUsedBytes: 'elasticsearch_jvm_memory_used_bytes',
  elasticsearchJvmMemoryMaxBytes: 'elasticsearch_jvm_memory_max_bytes',
  elasticsearchJvmGcCollectionSecondsSum: 'elasticsearch_jvm_gc_collection_seconds_sum',
  elasticsearchFilesystemDataAvailableBytes: 'elasticsearch_filesystem_data_available_bytes',
  elasticsearchFilesystemDataSizeBytes: 'elasticsearch_filesystem_data_size_bytes',
  elasticsearchIndicesDocs: 'elasticsearch_indices_docs',
  elasticsearchIndicesStoreSizeBytes: 'elasticsearch_indices_store_size_bytes',
  elasticsearchIndicesIndexingIndexTotal: 'elasticsearch_indices_indexing_index_total',
  elasticsearchIndicesSearchQueryTotal: 'elasticsearch_indices_search_query_total',
  elasticsearchProcessCpuPercent: 'elasticsearch_process_cpu_percent',
  elasticsearchOsCpuPercent: 'elasticsearch_os_cpu_percent',
  elasticsearchIndicesSettingsStatsReadOnlyIndices: 'elasticsearch_indices_settings_stats_read_only_indices',
});

/** The metrics contract: the names of {@link ELASTICSEARCH_EXPORTER_METRIC} and where they were read. */
export const ELASTICSEARCH_EXPORTER_METRICS: MetricsContract = {
  source: 'prometheus-community/elasticsearch_exporter v1.10.0 collector/cluster_health.go (elasticsearch_cluster_health_*) and collector/nodes.go (elasticsearch_jvm_*, elasticsearch_filesystem_data_*, elasticsearch_indices_*, elasticsearch_process_cpu_percent, elasticsearch_os_cpu_percent) and collector/indices_settings.go (elasticsearch_indices_settings_stats_read_only_indices, with --es.indices_settings)',
  metrics: Object.values(ELASTICSEARCH_EXPORTER_METRIC),
};

const M = ELASTICSEARCH_EXPORTER_METRIC;

/** Thresholds of the Elasticsearch alerts. */
export interface ElasticsearchAlertThresholds {
  /**
   * `<P>DiskWatermarkLow` fires when an Elasticsearch node's data disk is fuller than this, in
   * percent: Elasticsearch's `cluster.routing.allocation.disk.watermark.low` default (it then
   * stops allocating replicas to the node). @default 85
   */
  readonly elasticsearchDiskLowWatermarkPercent?: number;
  /**
   * `<P>DiskWatermarkHigh` fires above this: the `watermark.high` default (Elasticsearch moves
   * shards away; at the 95% flood stage it makes every index on the node read-only). @default 90
   */
  readonly elasticsearchDiskHighWatermarkPercent?: number;
}

export const DEFAULT_ELASTICSEARCH_ALERT_THRESHOLDS: Required<ElasticsearchAlertThresholds> = Object.freeze({
  elasticsearchDiskLowWatermarkPercent: 85,
  elasticsearchDiskHighWatermarkPercent: 90,
});

/** Fails on a threshold the Elasticsearch alerts cannot use. */
export function checkElasticsearchAlertThresholds(scope: IConstruct, t: Required<ElasticsearchAlertThresholds>): void {
  check(Number.isFinite(t.elasticsearchDiskLowWatermarkPercent) && t.elasticsearchDiskLowWatermarkPercent > 0 && t.elasticsearchDiskLowWatermarkPercent < 100,
    scope, 'thresholds.elasticsearchDiskLowWatermarkPercent', t.elasticsearchDiskLowWatermarkPercent, 'must be a percentage above 0 and below 100');
  check(Number.isFinite(t.elasticsearchDiskHighWatermarkPercent) && t.elasticsearchDiskHighWatermarkPercent > t.elasticsearchDiskLowWatermarkPercent && t.elasticsearchDiskHighWatermarkPercent < 100,
    scope, 'thresholds.elasticsearchDiskHighWatermarkPercent', t.elasticsearchDiskHighWatermarkPercent, 'must be a percentage above the low watermark and below 100');
}

/**
 * Elasticsearch through prometheus-community/elasticsearch_exporter (a sidecar calling the
 * Elasticsearch container next to it): `elasticsearch_cluster_health_status{cluster, color}` is 1
 * for the current color, 0 otherwise. When the exporter cannot get the health it emits no status
 * series at all (v1.10 `collector/cluster_health.go`), so red/yellow go silent exactly when
 * Elasticsearch is down: `HealthUnknown` (one pod) and `ClusterUnavailable` (every pod) cover it.
 */
export function elasticsearchAlerts(ctx: AlertContext<Required<ElasticsearchAlertThresholds>>): AlertRule[] {
  const s = ctx.series;
  return [
    catalogueRule(ctx, 'ClusterRed', {
      expr: `max by (job, namespace, cluster) (${M.elasticsearchClusterHealthStatus}{${s},color="red"}) == 1`,
      for: '5m',
      severity: 'critical',
      summary: 'Elasticsearch cluster {{ $labels.cluster }} is red',
      description: 'Elasticsearch cluster {{ $labels.cluster }} in namespace {{ $labels.namespace }} has been red for 5 minutes: at least one primary shard is unassigned, so searches miss data and writes to it fail (Fluentd buffers and retries).',
      runbook: 'kubectl -n {{ $labels.namespace }} exec <es pod> -- curl -s localhost:9200/_cluster/health?pretty; curl -s "localhost:9200/_cluster/allocation/explain?pretty"; bring back lost data nodes or free disk (watermarks) before deleting anything.',
    }),
    catalogueRule(ctx, 'ClusterYellow', {
      expr: `max by (job, namespace, cluster) (${M.elasticsearchClusterHealthStatus}{${s},color="yellow"}) == 1`,
      for: '20m',
      severity: 'warning',
      summary: 'Elasticsearch cluster {{ $labels.cluster }} is yellow',
      description: 'Elasticsearch cluster {{ $labels.cluster }} in namespace {{ $labels.namespace }} has been yellow for 20 minutes: replica shards are unassigned, one more node loss may lose data.',
      runbook: 'curl -s "localhost:9200/_cat/shards?v&h=index,shard,prirep,state,unassigned.reason" | grep UNASSIGNED; check node count, disk watermarks and that number_of_replicas fits the number of data nodes.',
    }),
    catalogueRule(ctx, 'HealthUnknown', {
      expr: `${PROMETHEUS_METRIC.up}{${s}} == 1\nunless on (job, namespace, instance)\n  ${M.elasticsearchClusterHealthStatus}{${s}}`,
      for: '10m',
      severity: 'warning',
      summary: 'Elasticsearch health unknown at {{ $labels.instance }}',
      description: 'The Elasticsearch exporter {{ $labels.pod }} in namespace {{ $labels.namespace }} answers but has reported no cluster health for 10 minutes: it cannot reach or authenticate to the Elasticsearch container next to it, so the red/yellow alerts are blind there.',
      runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c exporter | tail; the exporter is a sidecar calling Elasticsearch on 127.0.0.1:9200: check its --es.uri, the credentials Secret (security on) and that Elasticsearch itself answers.',
    }),
    catalogueRule(ctx, 'DiskWatermarkLow', {
      expr: `100 * (1 - ${M.elasticsearchFilesystemDataAvailableBytes}{${s}} / ${M.elasticsearchFilesystemDataSizeBytes}{${s}}) > ${ctx.thresholds.elasticsearchDiskLowWatermarkPercent}`,
      for: '15m',
      severity: 'warning',
      summary: 'Elasticsearch node {{ $labels.name }} data disk is {{ $value | humanize }}% full',
      description: `The data path {{ $labels.path }} of Elasticsearch node {{ $labels.name }} (pod {{ $labels.pod }}, namespace {{ $labels.namespace }}) has been more than ${ctx.thresholds.elasticsearchDiskLowWatermarkPercent}% full for 15 minutes: past the low disk watermark Elasticsearch allocates no new replica shards to it; at the high watermark it moves shards away, at 95% (flood stage) it makes the indices read-only and Fluentd's writes fail.`,
      runbook: 'kubectl -n {{ $labels.namespace }} exec {{ $labels.pod }} -c elasticsearch -- curl -s "localhost:9200/_cat/allocation?v" and "_cat/indices/logstash-*?v&s=index"; check the retention CronJob ran (kubectl get cronjob,jobs); lower retentionDays or grow the volumes.',
    }),
    catalogueRule(ctx, 'DiskWatermarkHigh', {
      expr: `100 * (1 - ${M.elasticsearchFilesystemDataAvailableBytes}{${s}} / ${M.elasticsearchFilesystemDataSizeBytes}{${s}}) > ${ctx.thresholds.elasticsearchDiskHighWatermarkPercent}`,
      for: '5m',
      severity: 'critical',
      summary: 'Elasticsearch node {{ $labels.name }} data disk is {{ $value | humanize }}% full (high watermark)',
      description: `The data path {{ $labels.path }} of Elasticsearch node {{ $labels.name }} (pod {{ $labels.pod }}, namespace {{ $labels.namespace }}) has been more than ${ctx.thresholds.elasticsearchDiskHighWatermarkPercent}% full for 5 minutes: Elasticsearch is relocating shards away from it; at 95% it blocks writes to every index with a shard there (index.blocks.read_only_allow_delete) and logs stop arriving.`,
      runbook: 'Free space now: delete the oldest log indices (curl -X DELETE localhost:9200/logstash-<oldest date>), then lower retentionDays or grow the volumes; check the retention CronJob.',
    }),
    catalogueRule(ctx, 'IndicesReadOnly', {
      expr: `max by (job, namespace) (${M.elasticsearchIndicesSettingsStatsReadOnlyIndices}{${s}}) > 0`,
      for: '5m',
      severity: 'critical',
      summary: '{{ $value }} Elasticsearch indices in {{ $labels.namespace }} are read-only',
      description: '{{ $value }} indices in the Elasticsearch cluster of namespace {{ $labels.namespace }} have carried index.blocks.read_only_allow_delete for 5 minutes (a node passed the 95% flood-stage disk watermark): every write to them fails, Fluentd retries and buffers, and once its buffer is full it stops reading container logs.',
      runbook: 'Free disk below the high watermark first (delete old log indices); Elasticsearch 8 lifts the block by itself once usage falls below the high watermark, else: curl -X PUT localhost:9200/_all/_settings -H "Content-Type: application/json" -d \'{"index.blocks.read_only_allow_delete": null}\'.',
    }),
    catalogueRule(ctx, 'ClusterUnavailable', {
      expr: `count by (job, namespace) (${PROMETHEUS_METRIC.up}{${s}})\nunless on (job, namespace)\n  count by (job, namespace) (${M.elasticsearchClusterHealthStatus}{${s}})`,
      for: '5m',
      severity: 'critical',
      summary: 'no Elasticsearch node in {{ $labels.namespace }} reports cluster health',
      description: 'None of the {{ $value }} Elasticsearch pods in namespace {{ $labels.namespace }} has reported cluster health for 5 minutes: Elasticsearch is down everywhere (or every exporter is refused), Kibana and log ingestion are down and the red/yellow alerts cannot fire.',
      runbook: `kubectl -n {{ $labels.namespace }} get pods -l ${ctx.kubectlSelector} -o wide; kubectl -n {{ $labels.namespace }} logs <es pod> -c elasticsearch --previous | tail -50; check disk, memory (OOMKilled) and the discovery of the master nodes.`,
    }),
    ...(ctx.logRetentionCronJob ? [logRetentionFailing(ctx, ctx.logRetentionCronJob)] : []),
    ...statefulSetAlerts(ctx),
  ];
}

/**
 * The log retention CronJob (`LogRetention`) has stopped succeeding: on a new or wiped cluster or
 * after a retention change nothing deletes old log indices, and the disk fills silently. From kube-state-metrics (v2.5+ has
 * `kube_cronjob_status_last_successful_time`, absent until a first success): fires when the time
 * since the last success (since creation when there never was one) exceeds three schedule periods,
 * at least an hour. The period is `kube_cronjob_next_schedule_time` (the schedule's next time after
 * the last scheduled one) minus `kube_cronjob_status_last_schedule_time`, so any schedule works;
 * without it (suspended: no next time; never scheduled) the hour applies. Also fires when
 * kube-state-metrics reports no such CronJob (deleted, or kube-state-metrics not scraped).
 */
function logRetentionFailing(ctx: AlertContext, cronJob: string): AlertRule {
  const m = `${ctx.kubeStateMetrics},cronjob=${promqlString(cronJob)}`;
  const created = `${KUBE_STATE_METRIC.kubeCronjobCreated}{${m}}`;
  return catalogueRule(ctx, 'LogRetentionFailing', {
    expr: [
      'time() - (',
      `  ${KUBE_STATE_METRIC.kubeCronjobStatusLastSuccessfulTime}{${m}}`,
      `  or ${created}`,
      ')',
      '> (',
      `  clamp_min(3 * (${KUBE_STATE_METRIC.kubeCronjobNextScheduleTime}{${m}} - ${KUBE_STATE_METRIC.kubeCronjobStatusLastScheduleTime}{${m}}), 3600)`,
      `  or 3600 + 0 * ${created}`,
      ')',
      `or absent(${created})`,
    ].join('\n'),
    for: '10m',
    severity: 'warning',
    summary: `log retention CronJob ${ctx.namespace}/${cronJob} is not succeeding: old log indices may no longer be deleted`,
    description: `The CronJob ${ctx.namespace}/${cronJob} that installs the log retention (ILM policy, index template, settings of the log indices) has not completed a run successfully for more than three schedule periods (at least an hour), or never since it was created, or is suspended, or kube-state-metrics no longer reports it. A policy already installed keeps deleting old indices, but on a new or wiped cluster, after a retentionDays change or for indices created before the template existed, the indices get no (or the old) policy: they are never deleted and the Elasticsearch disks fill until writes are blocked.`,
    runbook: `kubectl -n ${ctx.namespace} get cronjob ${cronJob} and get jobs (the newest ${cronJob}-<n>); kubectl -n ${ctx.namespace} logs job/<newest job>: connection refused/timeouts (Elasticsearch down, NetworkPolicy), 401/403 (credentials Secret), 400 (a rejected body); fix, then kubectl -n ${ctx.namespace} create job --from=cronjob/${cronJob} ${cronJob}-manual.`,
  });
}

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
          { title: 'Health', kind: 'stat', description: 'The color whose status series is 1.', targets: [{ expr: `max by (color) (${M.elasticsearchClusterHealthStatus}{${s}}) == 1`, legend: '{{color}}' }] },
          { title: 'Nodes', kind: 'stat', targets: [{ expr: `max(${M.elasticsearchClusterHealthNumberOfNodes}{${s}})` }] },
          { title: 'Unassigned shards', kind: 'stat', targets: [{ expr: `max(${M.elasticsearchClusterHealthUnassignedShards}{${s}})` }], thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'orange' }] },
          { title: 'Read-only indices', kind: 'stat', description: 'Indices blocked for writes (flood-stage disk watermark); needs the exporter\'s --es.indices_settings.', targets: [{ expr: `max(${M.elasticsearchIndicesSettingsStatsReadOnlyIndices}{${s}})` }], thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'red' }] },
          { title: 'Shards', kind: 'timeseries', width: 24, targets: [
            { expr: `max(${M.elasticsearchClusterHealthActiveShards}{${s}})`, legend: 'active' },
            { expr: `max(${M.elasticsearchClusterHealthUnassignedShards}{${s}})`, legend: 'unassigned' },
            { expr: `max(${M.elasticsearchClusterHealthRelocatingShards}{${s}})`, legend: 'relocating' },
            { expr: `max(${M.elasticsearchClusterHealthInitializingShards}{${s}})`, legend: 'initializing' },
          ] },
        ],
      },
      {
        title: 'Nodes',
        panels: [
          { title: 'JVM heap used', kind: 'timeseries', unit: 'percentunit', max: 1, targets: [{ expr: `${M.elasticsearchJvmMemoryUsedBytes}{${s},area="heap"} / ${M.elasticsearchJvmMemoryMaxBytes}{${s},area="heap"}`, legend: '{{name}}' }] },
          { title: 'Disk available', kind: 'timeseries', unit: 'percentunit', max: 1, targets: [{ expr: `sum by (name) (${M.elasticsearchFilesystemDataAvailableBytes}{${s}}) / sum by (name) (${M.elasticsearchFilesystemDataSizeBytes}{${s}})`, legend: '{{name}}' }] },
          { title: 'CPU', kind: 'timeseries', unit: 'percent', targets: [{ expr: `${M.elasticsearchProcessCpuPercent}{${s}}`, legend: '{{name}}' }] },
          { title: 'GC time', kind: 'timeseries', unit: 'percentunit', targets: [{ expr: `sum by (name) (rate(${M.elasticsearchJvmGcCollectionSecondsSum}{${s}}[$__rate_interval]))`, legend: '{{name}}' }] },
        ],
      },
      {
        title: 'Indices',
        panels: [
          { title: 'Indexing rate', kind: 'timeseries', unit: 'ops', targets: [{ expr: `sum by (name) (rate(${M.elasticsearchIndicesIndexingIndexTotal}{${s}}[$__rate_interval]))`, legend: '{{name}}' }] },
          { title: 'Search rate', kind: 'timeseries', unit: 'ops', targets: [{ expr: `sum by (name) (rate(${M.elasticsearchIndicesSearchQueryTotal}{${s}}[$__rate_interval]))`, legend: '{{name}}' }] },
          { title: 'Documents', kind: 'timeseries', targets: [{ expr: `sum by (name) (${M.elasticsearchIndicesDocs}{${s}})`, legend: '{{name}}' }] },
          { title: 'Store size', kind: 'timeseries', unit: 'bytes', targets: [{ expr: `sum by (name) (${M.elasticsearchIndicesStoreSizeBytes}{${s}})`, legend: '{{name}}' }] },
        ],
      },
    ],
  };
}
