import { IConstruct } from 'constructs';
import { AlertContext, AlertRule, catalogueRule } from '../core/alerting';
import { ComponentDashboardOptions, componentSeries, DashboardSpec, KSM_SERIES } from '../core/dashboard-model';
import { KUBE_STATE_METRIC, MetricsContract, PROMETHEUS_METRIC } from '../core/metrics-contract';
import { check } from '../core/validation';
import { statefulSetAlerts } from '../core/workload-alerts';

/**
 * The monitoring of ZooKeeper: its metrics contract, its alert rules and its Grafana dashboard,
 * next to its construct (kube-prometheus mixin style). lib/monitoring's alert catalogue and
 * lib/observability/dashboards only assemble these.
 */

/** What ZooKeeper's native Prometheus provider (and its JVM) exports. */
/** The metric names ZooKeeper's native Prometheus provider (and its JVM) exports. Each name is written here once; the alerts and the dashboard read it from here. */
export const ZOOKEEPER_METRIC = Object.freeze({
  znodeCount: 'znode_count',
  watchCount: 'watch_count',
  ephemeralsCount: 'ephemerals_count',
  approximateDataSize: 'approximate_data_size',
  outstandingRequests: 'outstanding_requests',
  avgLatency: 'avg_latency',
  minLatency: 'min_latency',
  maxLatency: 'max_latency',
  packetsReceived: 'packets_received',
  packetsSent: 'packets_sent',
  numAliveConnections: 'num_alive_connections',
  openFileDescriptorCount: 'open_file_descriptor_count',
  uptime: 'uptime',
  quorumSize: 'quorum_size',
  leaderUptime: 'leader_uptime',
  learners: 'learners',
  syncedFollowers: 'synced_followers',
  pendingSyncs: 'pending_syncs',
  jvmMemoryBytesUsed: 'jvm_memory_bytes_used',
  jvmMemoryBytesMax: 'jvm_memory_bytes_max',
  jvmThreadsCurrent: 'jvm_threads_current',
  jvmGcCollectionSecondsCount: 'jvm_gc_collection_seconds_count',
  jvmGcCollectionSecondsSum: 'jvm_gc_collection_seconds_sum',
});

/** The metrics contract: the names of {@link ZOOKEEPER_METRIC} and where they were read. */
export const ZOOKEEPER_METRICS: MetricsContract = {
  source: 'apache/zookeeper 3.9 native Prometheus provider: ZooKeeperServer.registerMetrics (znode_count, watch_count, ephemerals_count, approximate_data_size, outstanding_requests, avg/min/max_latency, packets_received/sent, num_alive_connections, open_file_descriptor_count, uptime), QuorumZooKeeperServer (quorum_size), LeaderZooKeeperServer (leader_uptime, learners, synced_followers, pending_syncs); JVM metrics of simpleclient_hotspot (metricsProvider.exportJvmInfo, default true)',
  metrics: Object.values(ZOOKEEPER_METRIC),
};

const M = ZOOKEEPER_METRIC;

/** Thresholds of the ZooKeeper alerts. */
export interface ZookeeperAlertThresholds {
  /** `<P>OutstandingRequestsHigh` fires when a ZooKeeper server queues more requests than this. @default 10 */
  readonly zookeeperOutstandingRequests?: number;
}

export const DEFAULT_ZOOKEEPER_ALERT_THRESHOLDS: Required<ZookeeperAlertThresholds> = Object.freeze({
  zookeeperOutstandingRequests: 10,
});

/** Fails on a threshold the ZooKeeper alerts cannot use. */
export function checkZookeeperAlertThresholds(scope: IConstruct, t: Required<ZookeeperAlertThresholds>): void {
  check(Number.isInteger(t.zookeeperOutstandingRequests) && t.zookeeperOutstandingRequests >= 1,
    scope, 'thresholds.zookeeperOutstandingRequests', t.zookeeperOutstandingRequests, 'must be an integer >= 1');
}

/**
 * ZooKeeper's native Prometheus provider (`metricsProvider.httpPort`, port 7000). A server that
 * serves registers `znode_count`, `outstanding_requests` (and, in an ensemble, `quorum_size`);
 * only the leader registers `leader_uptime` and `synced_followers`. A server without quorum
 * unregisters its server metrics but still answers on the metrics port; a server whose JVM is
 * gone does not answer at all (`up` 0), which `NoLeader` counts as well.
 */
export function zookeeperAlerts(ctx: AlertContext<Required<ZookeeperAlertThresholds>>): AlertRule[] {
  const s = ctx.series;
  return [
    catalogueRule(ctx, 'NotServing', {
      expr: `${PROMETHEUS_METRIC.up}{${s}} == 1\nunless on (job, namespace, instance)\n  ${M.znodeCount}{${s}}`,
      for: '5m',
      severity: 'critical',
      summary: 'ZooKeeper server {{ $labels.pod }} is not serving',
      description: 'ZooKeeper server {{ $labels.pod }} in namespace {{ $labels.namespace }} answers on its metrics port but has exported no server metrics for 5 minutes: it is not part of a quorum (no leader, still electing, or cut off from its peers) and refuses client requests.',
      runbook: 'kubectl -n {{ $labels.namespace }} exec {{ $labels.pod }} -- sh -c "echo srvr | nc localhost 2181"; kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} | grep -iE "LOOKING|election|quorum"; check peers reach each other on 2888/3888 (NetworkPolicy, DNS of the headless Service).',
    }),
    catalogueRule(ctx, 'NoLeader', {
      // Counts discovered servers, not answering ones: with every JVM down `up` is 0 everywhere
      // and the ensemble has no leader either. A single server (standalone) has no leader at all.
      expr: `(\n  count by (job, namespace) (${PROMETHEUS_METRIC.up}{${s}}) > 1\n)\nunless on (job, namespace)\n  count by (job, namespace) (${M.leaderUptime}{${s}})`,
      for: '5m',
      severity: 'critical',
      summary: 'ZooKeeper ensemble in {{ $labels.namespace }} has no leader',
      description: 'None of the {{ $value }} ZooKeeper servers in namespace {{ $labels.namespace }} has been leader for 5 minutes (down, or up without quorum): the ensemble has no quorum, so every client (Kafka) fails.',
      runbook: `kubectl -n {{ $labels.namespace }} get pods -l ${ctx.kubectlSelector} -o wide; for each pod: echo srvr | nc localhost 2181 (Mode); a majority of servers must be Ready and reach each other on 2888/3888; check the server list in zoo.cfg and the myid of each pod.`,
    }),
    catalogueRule(ctx, 'FollowersNotSynced', {
      expr: `${M.syncedFollowers}{${s}} < (${M.quorumSize}{${s}} - 1)`,
      for: '15m',
      severity: 'warning',
      summary: 'ZooKeeper leader {{ $labels.pod }} has only {{ $value }} synced followers',
      description: 'The ZooKeeper leader {{ $labels.pod }} in namespace {{ $labels.namespace }} has had fewer synced followers than voting members minus itself for 15 minutes: the ensemble runs with reduced fault tolerance.',
      runbook: 'Find the server that is not following (echo mntr | nc localhost 2181 on the leader; kubectl -n {{ $labels.namespace }} get pods); check its logs, disk and network to the leader on port 2888.',
    }),
    catalogueRule(ctx, 'OutstandingRequestsHigh', {
      expr: `${M.outstandingRequests}{${s}} > ${ctx.thresholds.zookeeperOutstandingRequests}`,
      for: '10m',
      severity: 'warning',
      summary: 'ZooKeeper server {{ $labels.pod }} queues {{ $value }} requests',
      description: `ZooKeeper server {{ $labels.pod }} in namespace {{ $labels.namespace }} has had more than ${ctx.thresholds.zookeeperOutstandingRequests} outstanding requests for 10 minutes: it cannot keep up (slow disk fsync, GC pauses, CPU throttling or a client flooding it).`,
      runbook: 'Check fsync latency and disk of the data volume, JVM GC pauses (jvm_* metrics), CPU throttling of the pod, and which clients hold the most connections (echo cons | nc localhost 2181 needs "cons" whitelisted).',
    }),
    ...statefulSetAlerts(ctx),
  ];
}

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
          { title: 'Servers up', kind: 'stat', targets: [{ expr: `count(${PROMETHEUS_METRIC.up}{${s}} == 1)` }], thresholds: [{ value: 0, color: 'red' }, { value: 1, color: 'green' }] },
          { title: 'Servers serving', kind: 'stat', description: 'Servers that export server metrics: members of a quorum that accept requests.', targets: [{ expr: `count(${M.znodeCount}{${s}})` }], thresholds: [{ value: 0, color: 'red' }, { value: 1, color: 'green' }] },
          { title: 'Leaders', kind: 'stat', description: 'Exactly 1 when the ensemble has a quorum.', targets: [{ expr: `count(${M.leaderUptime}{${s}})` }], thresholds: [{ value: 0, color: 'red' }, { value: 1, color: 'green' }, { value: 2, color: 'red' }] },
          { title: 'StatefulSet replicas ready', kind: 'stat', targets: [{ expr: `sum(${KUBE_STATE_METRIC.kubeStatefulsetStatusReplicasReady}{${KSM_SERIES}})` }] },
          { title: 'Synced followers', kind: 'timeseries', targets: [{ expr: `${M.syncedFollowers}{${s}}`, legend: 'synced followers' }, { expr: `${M.quorumSize}{${s}} - 1`, legend: 'needed ({{pod}})' }] },
          { title: 'Leader uptime', kind: 'timeseries', unit: 'ms', targets: [{ expr: `${M.leaderUptime}{${s}}`, legend: '{{pod}}' }] },
        ],
      },
      {
        title: 'Load',
        panels: [
          { title: 'Outstanding requests', kind: 'timeseries', targets: [{ expr: `${M.outstandingRequests}{${s}}`, legend: '{{pod}}' }] },
          { title: 'Average latency', kind: 'timeseries', unit: 'ms', targets: [{ expr: `${M.avgLatency}{${s}}`, legend: 'avg {{pod}}' }, { expr: `${M.maxLatency}{${s}}`, legend: 'max {{pod}}' }] },
          { title: 'Packets', kind: 'timeseries', unit: 'cps', targets: [{ expr: `rate(${M.packetsReceived}{${s}}[$__rate_interval])`, legend: 'received {{pod}}' }, { expr: `rate(${M.packetsSent}{${s}}[$__rate_interval])`, legend: 'sent {{pod}}' }] },
          { title: 'Client connections', kind: 'timeseries', targets: [{ expr: `${M.numAliveConnections}{${s}}`, legend: '{{pod}}' }] },
        ],
      },
      {
        title: 'Data and JVM',
        panels: [
          { title: 'Znodes and watches', kind: 'timeseries', targets: [{ expr: `${M.znodeCount}{${s}}`, legend: 'znodes {{pod}}' }, { expr: `${M.watchCount}{${s}}`, legend: 'watches {{pod}}' }, { expr: `${M.ephemeralsCount}{${s}}`, legend: 'ephemerals {{pod}}' }] },
          { title: 'Data size', kind: 'timeseries', unit: 'bytes', targets: [{ expr: `${M.approximateDataSize}{${s}}`, legend: '{{pod}}' }] },
          { title: 'JVM heap used', kind: 'timeseries', unit: 'bytes', targets: [{ expr: `${M.jvmMemoryBytesUsed}{${s},area="heap"}`, legend: 'used {{pod}}' }, { expr: `${M.jvmMemoryBytesMax}{${s},area="heap"}`, legend: 'max {{pod}}' }] },
          { title: 'Open file descriptors', kind: 'timeseries', targets: [{ expr: `${M.openFileDescriptorCount}{${s}}`, legend: '{{pod}}' }] },
        ],
      },
    ],
  };
}
