import { IConstruct } from 'constructs';
import { AlertContext, AlertRule, catalogueRule } from '../core/alerting';
import { ComponentDashboardOptions, componentSeries, DashboardSpec, KSM_SERIES } from '../core/dashboard-model';
import { KUBE_STATE_METRIC, MetricsContract, PROMETHEUS_METRIC } from '../core/metrics-contract';
import { check } from '../core/validation';
import { daemonSetAlerts } from '../core/workload-alerts';

/**
 * The monitoring of Fluentd: its metrics contract, its alert rules and its Grafana dashboard,
 * next to its construct (kube-prometheus mixin style). lib/monitoring's alert catalogue and
 * lib/observability/dashboards only assemble these.
 */

/** The metric names fluent-plugin-prometheus exports from the Fluentd agents. Each name is written here once; the alerts and the dashboard read it from here. */
export const FLUENTD_METRIC = Object.freeze({
  fluentdOutputStatusBufferTotalBytes: 'fluentd_output_status_buffer_total_bytes',
  fluentdOutputStatusBufferStageLength: 'fluentd_output_status_buffer_stage_length',
  fluentdOutputStatusBufferQueueLength: 'fluentd_output_status_buffer_queue_length',
  fluentdOutputStatusBufferAvailableSpaceRatio: 'fluentd_output_status_buffer_available_space_ratio',
  fluentdOutputStatusRetryCount: 'fluentd_output_status_retry_count',
  fluentdOutputStatusNumErrors: 'fluentd_output_status_num_errors',
  fluentdOutputStatusEmitCount: 'fluentd_output_status_emit_count',
  fluentdOutputStatusEmitRecords: 'fluentd_output_status_emit_records',
  fluentdOutputStatusWriteCount: 'fluentd_output_status_write_count',
  fluentdOutputStatusRollbackCount: 'fluentd_output_status_rollback_count',
  fluentdOutputStatusSlowFlushCount: 'fluentd_output_status_slow_flush_count',
  fluentdOutputStatusRetryWait: 'fluentd_output_status_retry_wait',
  fluentdTailFilePosition: 'fluentd_tail_file_position',
  fluentdTailFileInode: 'fluentd_tail_file_inode',
});

/** The metrics contract: the names of {@link FLUENTD_METRIC} and where they were read. */
export const FLUENTD_METRICS: MetricsContract = {
  source: 'fluent/fluent-plugin-prometheus v2.2 in_prometheus_output_monitor.rb (fluentd_output_status_*) and in_prometheus_tail_monitor.rb (fluentd_tail_file_*), both enabled in lib/logging/fluentd-config.ts',
  metrics: Object.values(FLUENTD_METRIC),
};

const M = FLUENTD_METRIC;

/** Thresholds of the Fluentd alerts. */
export interface FluentdAlertThresholds {
  /** `<P>BufferBytesHigh` fires when a Fluentd output buffers more bytes than this. @default 1073741824 (1 GiB) */
  readonly fluentdBufferBytes?: number;
  /**
   * `<P>BufferFull` fires when a Fluentd output buffer has less free space than this, in percent of
   * its `total_limit_size` (at 0% `overflow_action block` stops reading logs). @default 10
   */
  readonly fluentdBufferFreePercent?: number;
  /**
   * `<P>OutputFailing` fires when a Fluentd output has not flushed a single chunk for this many
   * minutes (at least 11: a 10-minute window, then `for` the rest). @default 15
   */
  readonly fluentdOutputFailingMinutes?: number;
}

export const DEFAULT_FLUENTD_ALERT_THRESHOLDS: Required<FluentdAlertThresholds> = Object.freeze({
  fluentdBufferBytes: 1024 ** 3,
  fluentdBufferFreePercent: 10,
  fluentdOutputFailingMinutes: 15,
});

/** Fails on a threshold the Fluentd alerts cannot use. */
export function checkFluentdAlertThresholds(scope: IConstruct, t: Required<FluentdAlertThresholds>): void {
  check(Number.isInteger(t.fluentdBufferBytes) && t.fluentdBufferBytes >= 1,
    scope, 'thresholds.fluentdBufferBytes', t.fluentdBufferBytes, 'must be an integer number of bytes >= 1');
  check(Number.isFinite(t.fluentdBufferFreePercent) && t.fluentdBufferFreePercent > 0 && t.fluentdBufferFreePercent < 100,
    scope, 'thresholds.fluentdBufferFreePercent', t.fluentdBufferFreePercent, 'must be a percentage above 0 and below 100');
  check(Number.isInteger(t.fluentdOutputFailingMinutes) && t.fluentdOutputFailingMinutes >= 11,
    scope, 'thresholds.fluentdOutputFailingMinutes', t.fluentdOutputFailingMinutes, 'must be an integer number of minutes >= 11 (a 10-minute window, then for)');
}

/**
 * Fluentd through fluent-plugin-prometheus' `prometheus_output_monitor` input (2.x on Fluentd
 * 1.19): per output plugin (`plugin_id`, `type` labels). Its `retry_count` and `num_errors` are
 * the same number (Fluentd's cumulative flush errors), so the two output alerts use different
 * signals: `fluentd_output_status_retry_wait` is above 0 exactly while the output is in a retry
 * sequence (from a failed flush until the next successful one), 0 otherwise.
 * - `OutputFailing`: in retry state for the whole last 10 minutes (no successful flush).
 * - `OutputRetrying`: flushes failed in the last 10 minutes but the output recovered in between.
 * - `BufferFull`: `fluentd_output_status_buffer_available_space_ratio` (percent of
 *   `total_limit_size`) is low; it stays low while `overflow_action block` has stopped reading,
 *   when the queue no longer grows and `BufferQueueGrowing` goes silent.
 */
export function fluentdAlerts(ctx: AlertContext<Required<FluentdAlertThresholds>>): AlertRule[] {
  const s = ctx.series;
  return [
    catalogueRule(ctx, 'OutputRetrying', {
      expr: `increase(${M.fluentdOutputStatusNumErrors}{${s}}[10m]) > 0\nand\n  min_over_time(${M.fluentdOutputStatusRetryWait}{${s}}[10m]) == 0`,
      for: '20m',
      severity: 'warning',
      summary: 'Fluentd {{ $labels.pod }} keeps retrying output {{ $labels.plugin_id }}',
      description: 'Fluentd {{ $labels.pod }} on node {{ $labels.node }} has had failed flushes of output {{ $labels.plugin_id }} ({{ $labels.type }}) for 20 minutes ({{ $value }} in the last 10 minutes), each time recovering: the destination (Elasticsearch) is slow, rejects some requests (429, timeouts) or flaps; delivery lags.',
      runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} | grep -E "failed to flush|retry succeeded" | tail; check Elasticsearch write rejections (_cat/thread_pool/write) and latency, and the ElasticsearchClusterYellow/Red alerts.',
    }),
    catalogueRule(ctx, 'OutputFailing', {
      expr: `min_over_time(${M.fluentdOutputStatusRetryWait}{${s}}[10m]) > 0`,
      for: `${Math.max(1, ctx.thresholds.fluentdOutputFailingMinutes - 10)}m`,
      severity: 'warning',
      summary: 'Fluentd {{ $labels.pod }} output {{ $labels.plugin_id }} fails',
      description: `Output {{ $labels.plugin_id }} ({{ $labels.type }}) on Fluentd {{ $labels.pod }} (node {{ $labels.node }}) has not flushed a single chunk for ${Math.max(11, ctx.thresholds.fluentdOutputFailingMinutes)} minutes: every attempt fails and it retries with backoff (next wait {{ $value }}s). Logs pile up in the buffer until it is full.`,
      runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} | grep -i "failed to flush" | tail: connection refused/timeouts (Elasticsearch down, NetworkPolicy), 401/403 (credentials), TLS errors; see the Elasticsearch alerts.',
    }),
    catalogueRule(ctx, 'BufferQueueGrowing', {
      expr: `${M.fluentdOutputStatusBufferQueueLength}{${s}} > 0\nand deriv(${M.fluentdOutputStatusBufferQueueLength}{${s}}[15m]) > 0`,
      for: '30m',
      severity: 'warning',
      summary: 'Fluentd {{ $labels.pod }} buffer queue of {{ $labels.plugin_id }} keeps growing',
      description: 'The buffer queue of output {{ $labels.plugin_id }} on Fluentd {{ $labels.pod }} (node {{ $labels.node }}) has grown for 30 minutes ({{ $value }} chunks): the output is slower than the log volume; once the buffer is full it stops growing and FluentdBufferFull takes over.',
      runbook: 'Check Elasticsearch indexing latency and rejections (thread_pool write queue); raise flush_thread_count or Elasticsearch capacity; find the namespace that floods logs.',
    }),
    catalogueRule(ctx, 'BufferBytesHigh', {
      expr: `${M.fluentdOutputStatusBufferTotalBytes}{${s}} > ${ctx.thresholds.fluentdBufferBytes}`,
      for: '15m',
      severity: 'warning',
      summary: 'Fluentd {{ $labels.pod }} buffers {{ $value | humanize1024 }}B for {{ $labels.plugin_id }}',
      description: `Output {{ $labels.plugin_id }} on Fluentd {{ $labels.pod }} (node {{ $labels.node }}) has held more than ${ctx.thresholds.fluentdBufferBytes} bytes in its buffer for 15 minutes: log delivery lags and the node's disk fills with buffer chunks.`,
      runbook: 'Same causes as retries: check Elasticsearch; df on the host buffer path of node {{ $labels.node }}; do not delete buffer files unless the logs may be lost.',
    }),
    catalogueRule(ctx, 'BufferFull', {
      expr: `${M.fluentdOutputStatusBufferAvailableSpaceRatio}{${s}} < ${ctx.thresholds.fluentdBufferFreePercent}`,
      for: '5m',
      severity: 'critical',
      summary: 'Fluentd {{ $labels.pod }} buffer of {{ $labels.plugin_id }} is full',
      description: `Output {{ $labels.plugin_id }} on Fluentd {{ $labels.pod }} (node {{ $labels.node }}) has had only {{ $value }}% of its buffer (total_limit_size) free for 5 minutes (threshold ${ctx.thresholds.fluentdBufferFreePercent}%). At 0% overflow_action block stops reading container logs on that node: new lines wait in the log files and are lost when the runtime rotates them away.`,
      runbook: 'Make the output flush again first (see FluentdOutputFailing, Elasticsearch alerts); kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} | grep -i "buffer space has too many data"; never delete buffer chunks to make room unless losing those logs is accepted.',
    }),
    ...daemonSetAlerts(ctx),
  ];
}

/** Fluentd log agents (fluent-plugin-prometheus): output buffers, retries, errors, throughput. */
export function fluentdDashboard(opts: ComponentDashboardOptions = {}): DashboardSpec {
  const job = opts.job ?? 'fluentd';
  const s = componentSeries(job);
  return {
    uid: 'platform-fluentd',
    title: 'Fluentd',
    description: 'Log agents of the platform: output buffers (block when full), retries and errors towards Elasticsearch, records shipped.',
    tags: ['platform', 'fluentd', 'logging'],
    job,
    rows: [
      {
        title: 'Agents',
        panels: [
          { title: 'Agents up', kind: 'stat', targets: [{ expr: `count(${PROMETHEUS_METRIC.up}{${s}} == 1)` }] },
          { title: 'Agents unavailable', kind: 'stat', targets: [{ expr: `sum(${KUBE_STATE_METRIC.kubeDaemonsetStatusNumberUnavailable}{${KSM_SERIES}})` }], thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'orange' }] },
          { title: 'Outputs retrying', kind: 'stat', targets: [{ expr: `count(${M.fluentdOutputStatusRetryWait}{${s}} > 0) or vector(0)` }], thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'orange' }] },
          { title: 'Files tailed', kind: 'stat', targets: [{ expr: `count(${M.fluentdTailFilePosition}{${s}})` }] },
          { title: 'Records emitted', kind: 'timeseries', unit: 'ops', width: 24, targets: [{ expr: `sum by (pod) (rate(${M.fluentdOutputStatusEmitRecords}{${s}}[$__rate_interval]))`, legend: '{{pod}}' }] },
        ],
      },
      {
        title: 'Buffers and retries',
        panels: [
          { title: 'Buffer queue length', kind: 'timeseries', targets: [{ expr: `sum by (pod, plugin_id) (${M.fluentdOutputStatusBufferQueueLength}{${s}})`, legend: '{{pod}} {{plugin_id}}' }] },
          { title: 'Buffer bytes', kind: 'timeseries', unit: 'bytes', targets: [{ expr: `sum by (pod, plugin_id) (${M.fluentdOutputStatusBufferTotalBytes}{${s}})`, legend: '{{pod}} {{plugin_id}}' }] },
          { title: 'Buffer free space', kind: 'timeseries', unit: 'percent', min: 0, max: 100, targets: [{ expr: `${M.fluentdOutputStatusBufferAvailableSpaceRatio}{${s}}`, legend: '{{pod}} {{plugin_id}}' }] },
          { title: 'Retry wait', kind: 'timeseries', unit: 's', targets: [{ expr: `${M.fluentdOutputStatusRetryWait}{${s}}`, legend: '{{pod}} {{plugin_id}}' }] },
          { title: 'Retries', kind: 'timeseries', unit: 'ops', targets: [{ expr: `sum by (pod) (rate(${M.fluentdOutputStatusRetryCount}{${s}}[$__rate_interval]))`, legend: '{{pod}}' }] },
          { title: 'Errors', kind: 'timeseries', unit: 'ops', targets: [{ expr: `sum by (pod) (rate(${M.fluentdOutputStatusNumErrors}{${s}}[$__rate_interval]))`, legend: '{{pod}}' }] },
        ],
      },
    ],
  };
}
