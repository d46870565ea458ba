import { DashboardSpec } from './model';
import { ComponentDashboardOptions, componentSeries } from './selectors';

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
          { title: 'Nodes reporting', kind: 'stat', targets: [{ expr: `count(up{${s}} == 1)` }] },
          { title: 'Highest CPU use', kind: 'stat', unit: 'percentunit', targets: [{ expr: `max(1 - avg by (node) (rate(node_cpu_seconds_total{${s},mode="idle"}[$__rate_interval])))` }], thresholds: [{ value: 0, color: 'green' }, { value: 0.8, color: 'orange' }, { value: 0.95, color: 'red' }] },
          { title: 'Highest memory use', kind: 'stat', unit: 'percentunit', targets: [{ expr: `max(1 - node_memory_MemAvailable_bytes{${s}} / node_memory_MemTotal_bytes{${s}})` }], thresholds: [{ value: 0, color: 'green' }, { value: 0.8, color: 'orange' }, { value: 0.95, color: 'red' }] },
          { title: 'Lowest filesystem free', kind: 'stat', unit: 'percentunit', targets: [{ expr: `min(node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}})` }], thresholds: [{ value: 0, color: 'red' }, { value: 0.1, color: 'orange' }, { value: 0.2, color: 'green' }] },
        ],
      },
      {
        title: 'CPU and memory',
        panels: [
          { title: 'CPU use', kind: 'timeseries', unit: 'percentunit', max: 1, targets: [{ expr: `1 - avg by (node) (rate(node_cpu_seconds_total{${s},mode="idle"}[$__rate_interval]))`, legend: '{{node}}' }] },
          { title: 'Load (1m) per CPU', kind: 'timeseries', targets: [{ expr: `node_load1{${s}} / on (node) count by (node) (node_cpu_seconds_total{${s},mode="idle"})`, legend: '{{node}}' }] },
          { title: 'Memory used', kind: 'timeseries', unit: 'percentunit', max: 1, targets: [{ expr: `1 - node_memory_MemAvailable_bytes{${s}} / node_memory_MemTotal_bytes{${s}}`, legend: '{{node}}' }] },
          { title: 'Filesystem free', kind: 'timeseries', unit: 'percentunit', max: 1, targets: [{ expr: `node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}}`, legend: '{{node}} {{mountpoint}}' }] },
        ],
      },
      {
        title: 'Disks and network',
        panels: [
          { title: 'Disk busy', kind: 'timeseries', unit: 'percentunit', targets: [{ expr: `rate(node_disk_io_time_seconds_total{${s}}[$__rate_interval])`, legend: '{{node}} {{device}}' }] },
          { title: 'Disk throughput', kind: 'timeseries', unit: 'Bps', targets: [
            { expr: `sum by (node) (rate(node_disk_read_bytes_total{${s}}[$__rate_interval]))`, legend: 'read {{node}}' },
            { expr: `sum by (node) (rate(node_disk_written_bytes_total{${s}}[$__rate_interval]))`, legend: 'written {{node}}' },
          ] },
          { title: 'Network received', kind: 'timeseries', unit: 'Bps', targets: [{ expr: `sum by (node) (rate(node_network_receive_bytes_total{${s},device!="lo"}[$__rate_interval]))`, legend: '{{node}}' }] },
          { title: 'Network sent', kind: 'timeseries', unit: 'Bps', targets: [{ expr: `sum by (node) (rate(node_network_transmit_bytes_total{${s},device!="lo"}[$__rate_interval]))`, legend: '{{node}}' }] },
        ],
      },
    ],
  };
}
