import { DashboardSpec } from './model';
import { ComponentDashboardOptions, componentSeries, KSM_SERIES } from './selectors';

/** ZooKeeper ensemble: quorum, load, latency, sessions and JVM (native Prometheus provider, port 7000). */
export function zookeeperDashboard(opts: ComponentDashboardOptions = {}): DashboardSpec {
  const job = opts.job ?? 'zookeeper';
  const s = componentSeries(job);
  return {
    uid: 'platform-zookeeper',
    title: 'ZooKeeper',
    description: 'ZooKeeper ensemble of the platform: quorum health, request load and latency, connections and JVM heap.',
    tags: ['platform', 'zookeeper'],
    job,
    rows: [
      {
        title: 'Quorum',
        panels: [
          { title: 'Servers up', kind: 'stat', targets: [{ expr: `count(up{${s}} == 1)` }], thresholds: [{ value: 0, color: 'red' }, { value: 1, color: 'green' }] },
          { title: 'Servers serving', kind: 'stat', description: 'Servers that export server metrics: members of a quorum that accept requests.', targets: [{ expr: `count(znode_count{${s}})` }], thresholds: [{ value: 0, color: 'red' }, { value: 1, color: 'green' }] },
          { title: 'Leaders', kind: 'stat', description: 'Exactly 1 when the ensemble has a quorum.', targets: [{ expr: `count(leader_uptime{${s}})` }], thresholds: [{ value: 0, color: 'red' }, { value: 1, color: 'green' }, { value: 2, color: 'red' }] },
          { title: 'StatefulSet replicas ready', kind: 'stat', targets: [{ expr: `sum(kube_statefulset_status_replicas_ready{${KSM_SERIES}})` }] },
          { title: 'Synced followers', kind: 'timeseries', targets: [{ expr: `synced_followers{${s}}`, legend: 'synced followers' }, { expr: `quorum_size{${s}} - 1`, legend: 'needed ({{pod}})' }] },
          { title: 'Leader uptime', kind: 'timeseries', unit: 'ms', targets: [{ expr: `leader_uptime{${s}}`, legend: '{{pod}}' }] },
        ],
      },
      {
        title: 'Load',
        panels: [
          { title: 'Outstanding requests', kind: 'timeseries', targets: [{ expr: `outstanding_requests{${s}}`, legend: '{{pod}}' }] },
          { title: 'Average latency', kind: 'timeseries', unit: 'ms', targets: [{ expr: `avg_latency{${s}}`, legend: 'avg {{pod}}' }, { expr: `max_latency{${s}}`, legend: 'max {{pod}}' }] },
          { title: 'Packets', kind: 'timeseries', unit: 'cps', targets: [{ expr: `rate(packets_received{${s}}[$__rate_interval])`, legend: 'received {{pod}}' }, { expr: `rate(packets_sent{${s}}[$__rate_interval])`, legend: 'sent {{pod}}' }] },
          { title: 'Client connections', kind: 'timeseries', targets: [{ expr: `num_alive_connections{${s}}`, legend: '{{pod}}' }] },
        ],
      },
      {
        title: 'Data and JVM',
        panels: [
          { title: 'Znodes and watches', kind: 'timeseries', targets: [{ expr: `znode_count{${s}}`, legend: 'znodes {{pod}}' }, { expr: `watch_count{${s}}`, legend: 'watches {{pod}}' }, { expr: `ephemerals_count{${s}}`, legend: 'ephemerals {{pod}}' }] },
          { title: 'Data size', kind: 'timeseries', unit: 'bytes', targets: [{ expr: `approximate_data_size{${s}}`, legend: '{{pod}}' }] },
          { title: 'JVM heap used', kind: 'timeseries', unit: 'bytes', targets: [{ expr: `jvm_memory_bytes_used{${s},area="heap"}`, legend: 'used {{pod}}' }, { expr: `jvm_memory_bytes_max{${s},area="heap"}`, legend: 'max {{pod}}' }] },
          { title: 'Open file descriptors', kind: 'timeseries', targets: [{ expr: `open_file_descriptor_count{${s}}`, legend: '{{pod}}' }] },
        ],
      },
    ],
  };
}
