import { DashboardSpec } from './model';
import { ComponentDashboardOptions, componentSeries, KSM_SERIES } from './selectors';

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
          { title: 'Agents up', kind: 'stat', targets: [{ expr: `count(up{${s}} == 1)` }] },
          { title: 'Agents unavailable', kind: 'stat', targets: [{ expr: `sum(kube_daemonset_status_number_unavailable{${KSM_SERIES}})` }], thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'orange' }] },
          { title: 'Outputs retrying', kind: 'stat', targets: [{ expr: `count(fluentd_output_status_retry_wait{${s}} > 0) or vector(0)` }], thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'orange' }] },
          { title: 'Files tailed', kind: 'stat', targets: [{ expr: `count(fluentd_tail_file_position{${s}})` }] },
          { title: 'Records emitted', kind: 'timeseries', unit: 'ops', width: 24, targets: [{ expr: `sum by (pod) (rate(fluentd_output_status_emit_records{${s}}[$__rate_interval]))`, legend: '{{pod}}' }] },
        ],
      },
      {
        title: 'Buffers and retries',
        panels: [
          { title: 'Buffer queue length', kind: 'timeseries', targets: [{ expr: `sum by (pod, plugin_id) (fluentd_output_status_buffer_queue_length{${s}})`, legend: '{{pod}} {{plugin_id}}' }] },
          { title: 'Buffer bytes', kind: 'timeseries', unit: 'bytes', targets: [{ expr: `sum by (pod, plugin_id) (fluentd_output_status_buffer_total_bytes{${s}})`, legend: '{{pod}} {{plugin_id}}' }] },
          { title: 'Buffer free space', kind: 'timeseries', unit: 'percent', min: 0, max: 100, targets: [{ expr: `fluentd_output_status_buffer_available_space_ratio{${s}}`, legend: '{{pod}} {{plugin_id}}' }] },
          { title: 'Retry wait', kind: 'timeseries', unit: 's', targets: [{ expr: `fluentd_output_status_retry_wait{${s}}`, legend: '{{pod}} {{plugin_id}}' }] },
          { title: 'Retries', kind: 'timeseries', unit: 'ops', targets: [{ expr: `sum by (pod) (rate(fluentd_output_status_retry_count{${s}}[$__rate_interval]))`, legend: '{{pod}}' }] },
          { title: 'Errors', kind: 'timeseries', unit: 'ops', targets: [{ expr: `sum by (pod) (rate(fluentd_output_status_num_errors{${s}}[$__rate_interval]))`, legend: '{{pod}}' }] },
        ],
      },
    ],
  };
}
