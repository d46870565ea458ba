import { IConstruct } from 'constructs';
import { AlertContext, AlertRule, catalogueRule } from '../core/alerting';
import { ComponentDashboardOptions, componentSeries, DashboardSpec } from '../core/dashboard-model';
import { MetricsContract, PROMETHEUS_METRIC } from '../core/metrics-contract';
import { check } from '../core/validation';
import { daemonSetAlerts } from '../core/workload-alerts';

/**
 * The monitoring of node-exporter: its metrics contract, its alert rules and its Grafana dashboard,
 * next to its construct (kube-prometheus mixin style). lib/monitoring's alert catalogue and
 * lib/observability/dashboards only assemble these.
 */

/** The metric names node-exporter exports with its default collectors. Each name is written here once; the alerts and the dashboard read it from here. */
export const NODE_EXPORTER_METRIC = Object.freeze({
  nodeCpuSecondsTotal: 'node_cpu_seconds_total',
  nodeLoad1: 'node_load1',
  nodeLoad5: 'node_load5',
  nodeLoad15: 'node_load15',
  nodeMemoryMemTotalBytes: 'node_memory_MemTotal_bytes',
  nodeMemoryMemAvailableBytes: 'node_memory_MemAvailable_bytes',
  nodeFilesystemAvailBytes: 'node_filesystem_avail_bytes',
  nodeFilesystemSizeBytes: 'node_filesystem_size_bytes',
  nodeFilesystemReadonly: 'node_filesystem_readonly',
  nodeDiskIoTimeSecondsTotal: 'node_disk_io_time_seconds_total',
  nodeDiskReadBytesTotal: 'node_disk_read_bytes_total',
  nodeDiskWrittenBytesTotal: 'node_disk_written_bytes_total',
  nodeNetworkReceiveBytesTotal: 'node_network_receive_bytes_total',
  nodeNetworkTransmitBytesTotal: 'node_network_transmit_bytes_total',
});

/** The metrics contract: the names of {@link NODE_EXPORTER_METRIC} and where they were read. */
export const NODE_EXPORTER_METRICS: MetricsContract = {
  source: 'prometheus/node_exporter 1.9 collectors cpu, loadavg, meminfo, filesystem, diskstats, netdev (all enabled by default)',
  metrics: Object.values(NODE_EXPORTER_METRIC),
};

const M = NODE_EXPORTER_METRIC;

/** Thresholds of the node-exporter alerts. */
export interface NodeExporterAlertThresholds {
  /** `<P>FilesystemSpaceLow` fires when a filesystem has less free space than this, in percent. @default 10 */
  readonly filesystemFreePercent?: number;
}

export const DEFAULT_NODE_EXPORTER_ALERT_THRESHOLDS: Required<NodeExporterAlertThresholds> = Object.freeze({
  filesystemFreePercent: 10,
});

/** Fails on a threshold the node-exporter alerts cannot use. */
export function checkNodeExporterAlertThresholds(scope: IConstruct, t: Required<NodeExporterAlertThresholds>): void {
  check(Number.isFinite(t.filesystemFreePercent) && t.filesystemFreePercent > 0 && t.filesystemFreePercent < 100,
    scope, 'thresholds.filesystemFreePercent', t.filesystemFreePercent, 'must be a percentage above 0 and below 100');
}

/** node-exporter (`node_filesystem_*` from its filesystem collector) plus its DaemonSet. */
export function nodeExporterAlerts(ctx: AlertContext<Required<NodeExporterAlertThresholds>>): AlertRule[] {
  const fs = `${ctx.series},fstype!="",fstype!~"tmpfs|ramfs",mountpoint!=""`;
  const freePercent = `${M.nodeFilesystemAvailBytes}{${fs}} / ${M.nodeFilesystemSizeBytes}{${fs}} * 100`;
  return [
    catalogueRule(ctx, 'FilesystemSpaceLow', {
      expr: `(\n  ${freePercent} < ${ctx.thresholds.filesystemFreePercent}\n)\nand ${M.nodeFilesystemReadonly}{${fs}} == 0`,
      for: '30m',
      severity: 'warning',
      summary: 'filesystem {{ $labels.mountpoint }} on {{ $labels.node }} is almost full',
      description: `Filesystem {{ $labels.device }} at {{ $labels.mountpoint }} on node {{ $labels.node }} has only {{ printf "%.1f" $value }}% space left (threshold ${ctx.thresholds.filesystemFreePercent}%).`,
      runbook: 'Log in to node {{ $labels.node }} (kubectl debug node/{{ $labels.node }} -it --image=busybox) and run du on {{ $labels.mountpoint }}; prune images (crictl rmi --prune), old logs and unused volumes, or grow the disk.',
    }),
    catalogueRule(ctx, 'FilesystemFillingUp', {
      expr: `(\n  ${freePercent} < 20\n)\nand predict_linear(${M.nodeFilesystemAvailBytes}{${fs}}[6h], 4 * 3600) < 0\nand ${M.nodeFilesystemReadonly}{${fs}} == 0`,
      for: '1h',
      severity: 'critical',
      summary: 'filesystem {{ $labels.mountpoint }} on {{ $labels.node }} fills up within 4 hours',
      description: 'At the growth rate of the last 6 hours, filesystem {{ $labels.device }} at {{ $labels.mountpoint }} on node {{ $labels.node }} is full within 4 hours ({{ printf "%.1f" $value }}% left); pods on it will be evicted and writes fail.',
      runbook: 'Find what writes (du -x on {{ $labels.mountpoint }} on node {{ $labels.node }}, container logs, emptyDir volumes, Fluentd buffers); stop or throttle it, then free space; cordon the node if it cannot be saved in time.',
    }),
    ...daemonSetAlerts(ctx),
  ];
}

/** Nodes, from node-exporter: CPU, load, memory, filesystems, disks and network per node. */
export function nodesDashboard(opts: ComponentDashboardOptions = {}): DashboardSpec {
  const job = opts.job ?? 'node-exporter';
  const s = componentSeries(job);
  const fs = `${s},fstype!="",fstype!~"tmpfs|ramfs",mountpoint!=""`;
  return {
    uid: 'platform-nodes',
    title: 'Nodes',
    description: 'Every node of the cluster, from node-exporter: CPU, load, memory, filesystems, disks and network.',
    tags: ['platform', 'nodes', 'node-exporter'],
    job,
    rows: [
      {
        title: 'Overview',
        panels: [
          { title: 'Nodes reporting', kind: 'stat', targets: [{ expr: `count(${PROMETHEUS_METRIC.up}{${s}} == 1)` }] },
          { title: 'Highest CPU use', kind: 'stat', unit: 'percentunit', targets: [{ expr: `max(1 - avg by (node) (rate(${M.nodeCpuSecondsTotal}{${s},mode="idle"}[$__rate_interval])))` }], thresholds: [{ value: 0, color: 'green' }, { value: 0.8, color: 'orange' }, { value: 0.95, color: 'red' }] },
          { title: 'Highest memory use', kind: 'stat', unit: 'percentunit', targets: [{ expr: `max(1 - ${M.nodeMemoryMemAvailableBytes}{${s}} / ${M.nodeMemoryMemTotalBytes}{${s}})` }], thresholds: [{ value: 0, color: 'green' }, { value: 0.8, color: 'orange' }, { value: 0.95, color: 'red' }] },
          { title: 'Lowest filesystem free', kind: 'stat', unit: 'percentunit', targets: [{ expr: `min(${M.nodeFilesystemAvailBytes}{${fs}} / ${M.nodeFilesystemSizeBytes}{${fs}})` }], thresholds: [{ value: 0, color: 'red' }, { value: 0.1, color: 'orange' }, { value: 0.2, color: 'green' }] },
        ],
      },
      {
        title: 'CPU and memory',
        panels: [
          { title: 'CPU use', kind: 'timeseries', unit: 'percentunit', max: 1, targets: [{ expr: `1 - avg by (node) (rate(${M.nodeCpuSecondsTotal}{${s},mode="idle"}[$__rate_interval]))`, legend: '{{node}}' }] },
          { title: 'Load (1m) per CPU', kind: 'timeseries', targets: [{ expr: `${M.nodeLoad1}{${s}} / on (node) count by (node) (${M.nodeCpuSecondsTotal}{${s},mode="idle"})`, legend: '{{node}}' }] },
          { title: 'Memory used', kind: 'timeseries', unit: 'percentunit', max: 1, targets: [{ expr: `1 - ${M.nodeMemoryMemAvailableBytes}{${s}} / ${M.nodeMemoryMemTotalBytes}{${s}}`, legend: '{{node}}' }] },
          { title: 'Filesystem free', kind: 'timeseries', unit: 'percentunit', max: 1, targets: [{ expr: `${M.nodeFilesystemAvailBytes}{${fs}} / ${M.nodeFilesystemSizeBytes}{${fs}}`, legend: '{{node}} {{mountpoint}}' }] },
        ],
      },
      {
        title: 'Disks and network',
        panels: [
          { title: 'Disk busy', kind: 'timeseries', unit: 'percentunit', targets: [{ expr: `rate(${M.nodeDiskIoTimeSecondsTotal}{${s}}[$__rate_interval])`, legend: '{{node}} {{device}}' }] },
          { title: 'Disk throughput', kind: 'timeseries', unit: 'Bps', targets: [
            { expr: `sum by (node) (rate(${M.nodeDiskReadBytesTotal}{${s}}[$__rate_interval]))`, legend: 'read {{node}}' },
            { expr: `sum by (node) (rate(${M.nodeDiskWrittenBytesTotal}{${s}}[$__rate_interval]))`, legend: 'written {{node}}' },
          ] },
          { title: 'Network received', kind: 'timeseries', unit: 'Bps', targets: [{ expr: `sum by (node) (rate(${M.nodeNetworkReceiveBytesTotal}{${s},device!="lo"}[$__rate_interval]))`, legend: '{{node}}' }] },
          { title: 'Network sent', kind: 'timeseries', unit: 'Bps', targets: [{ expr: `sum by (node) (rate(${M.nodeNetworkTransmitBytesTotal}{${s},device!="lo"}[$__rate_interval]))`, legend: '{{node}}' }] },
        ],
      },
    ],
  };
}
