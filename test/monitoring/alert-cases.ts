import { alertPrefix } from '../../lib/monitoring';
import { fluentdOutputs, KSM_TARGET_LABELS, Labels, PlatformUnderTest, seriesOf } from './promtool-support';

/**
 * promtool cases for EVERY alert the platform emits, keyed by alert name: at least one scenario in
 * which it fires and one in which it stays silent. Series carry the labels the real
 * ServiceMonitor/PodMonitor scrape attaches (`p.targets(component)`), kube-state-metrics series
 * the labels of a kube-state-metrics scrape with `honorLabels: true` (`p.ksmLabels(component)`).
 * promtool.test.ts fails when an emitted alert has no entry here, or an entry names no alert.
 *
 * Time runs in 1-minute steps from 0; `at` is when the alerts are evaluated.
 */

/** One input series of a promtool test (`values` in promtool's expanding notation: `1x30`, `0+1x60`, `_`). */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** One promtool test group. */
export interface Scenario {
  /** What the scenario shows (it names the promtool test group). */
  readonly name: string;
  readonly series: InputSeries[];
  /** Evaluation time, a promtool duration (`15m`). */
  readonly at: string;
  /** The alerts firing at `at`: their labels without `alertname`. Empty when silent. */
  readonly alerts: Labels[];
  /** Samples the rule's own expression must return at `at` (for alerts whose value matters). */
  readonly values?: { readonly labels: Labels; readonly value: number }[];
}

/** Scenarios of one alert. */
export interface AlertCase {
  readonly firing: Scenario[];
  readonly silent: Scenario[];
}

type CaseFn = (p: PlatformUnderTest) => AlertCase;

const s = (metric: string, labels: Labels, values: string): InputSeries => ({ series: seriesOf(metric, labels), values });

/** The labels an alert carries: the expression's labels plus the rule's own (`severity`, `component`). */
function fired(p: PlatformUnderTest, alert: string, labels: Labels): Labels {
  return { ...labels, ...p.rule(alert).labels };
}

/** `job` and `namespace` of a component's series (what `... by (job, namespace)` keeps). */
function jobOf(p: PlatformUnderTest, component: string): Labels {
  const { job, namespace } = p.targets(component)[0];
  return { job, namespace };
}

/** `'1 1 1 0 1 1 1 0 ...'`: `pattern` repeated `times` times. */
function repeat(pattern: string, times: number): string {
  return Array.from({ length: times }, () => pattern).join(' ');
}

// ---------------------------------------------------------------------------------------------
// Alerts every component has: targets, and the kube-state-metrics workload alerts.

function targetCases(component: string): Record<string, CaseFn> {
  const P = alertPrefix(component);
  return {
    [`${P}TargetDown`]: (p) => {
      const [t0, ...rest] = p.targets(component);
      return {
        firing: [{
          name: 'one target stops answering',
          series: [s('up', t0, '1x3 0x20'), ...rest.map((t) => s('up', t, '1x23'))],
          at: '15m',
          alerts: [fired(p, `${P}TargetDown`, t0)],
        }],
        silent: [
          { name: 'every target answers', series: p.targets(component).map((t) => s('up', t, '1x20')), at: '15m', alerts: [] },
          { name: 'a blip shorter than for', series: [s('up', t0, '1x5 0x2 1x13'), ...rest.map((t) => s('up', t, '1x20'))], at: '15m', alerts: [] },
        ],
      };
    },
    [`${P}TargetsAbsent`]: (p) => {
      const t0 = p.targets(component)[0];
      return {
        firing: [{
          name: 'no target discovered (only other jobs scraped)',
          series: [s('up', { ...t0, job: 'something-else' }, '1x20'), s('up', { ...t0, namespace: 'elsewhere' }, '1x20')],
          at: '15m',
          alerts: [fired(p, `${P}TargetsAbsent`, jobOf(p, component))],
        }],
        silent: [
          { name: 'a target exists, even down', series: [s('up', t0, '0x20')], at: '15m', alerts: [] },
        ],
      };
    },
  };
}

/** `absent(...)` keeps the equality matchers of its selector as labels: job, namespace and the workload when the rule names it. */
function absentLabels(p: PlatformUnderTest, alert: string, component: string): Labels {
  const k = p.ksmLabels(component);
  const kind = p.workload(component).kind.toLowerCase();
  const named = p.rule(alert).expr.includes(`${kind}=${JSON.stringify(k[kind])}`);
  return { job: k.job, namespace: k.namespace, ...(named ? { [kind]: k[kind] } : {}) };
}

function statefulSetCases(component: string): Record<string, CaseFn> {
  const P = alertPrefix(component);
  return {
    [`${P}StatefulSetRolloutStuck`]: (p) => {
      const k = p.ksmLabels(component);
      const old = { ...k, revision: `${k.statefulset}-6d4f8b7c9` };
      const next = { ...k, revision: `${k.statefulset}-85c9d7f6b` };
      return {
        firing: [{
          name: 'one pod updated, the next never becomes Ready',
          series: [
            s('kube_statefulset_status_current_revision', old, '1x60'),
            s('kube_statefulset_status_update_revision', next, '1x60'),
            s('kube_statefulset_status_replicas_updated', k, '1x60'),
            s('kube_statefulset_replicas', k, '3x60'),
          ],
          at: '45m',
          alerts: [fired(p, `${P}StatefulSetRolloutStuck`, k)],
        }],
        silent: [
          {
            name: 'rollout finished',
            series: [
              s('kube_statefulset_status_current_revision', next, '1x60'),
              s('kube_statefulset_status_update_revision', next, '1x60'),
              s('kube_statefulset_status_replicas_updated', k, '3x60'),
              s('kube_statefulset_replicas', k, '3x60'),
            ],
            at: '45m',
            alerts: [],
          },
          {
            name: 'rollout progressing (one pod every 10 minutes)',
            series: [
              s('kube_statefulset_status_current_revision', old, '1x60'),
              s('kube_statefulset_status_update_revision', next, '1x60'),
              s('kube_statefulset_status_replicas_updated', k, '0x9 1x9 2x9 0x9 1x9 2x9 3'),
              s('kube_statefulset_replicas', k, '3x60'),
            ],
            at: '45m',
            alerts: [],
          },
        ],
      };
    },
    [`${P}StatefulSetReplicasNotReady`]: (p) => {
      const k = p.ksmLabels(component);
      return {
        firing: [{
          name: 'one replica not ready',
          series: [s('kube_statefulset_status_replicas_ready', k, '2x30'), s('kube_statefulset_replicas', k, '3x30')],
          at: '20m',
          alerts: [fired(p, `${P}StatefulSetReplicasNotReady`, k)],
        }],
        silent: [{
          name: 'all replicas ready',
          series: [s('kube_statefulset_status_replicas_ready', k, '3x30'), s('kube_statefulset_replicas', k, '3x30')],
          at: '20m',
          alerts: [],
        }],
      };
    },
    [`${P}StatefulSetMetricsAbsent`]: (p) => {
      const k = p.ksmLabels(component);
      return {
        firing: [{
          name: 'kube-state-metrics knows other StatefulSets only',
          series: [s('kube_statefulset_replicas', { ...k, namespace: 'elsewhere' }, '3x30')],
          at: '20m',
          alerts: [fired(p, `${P}StatefulSetMetricsAbsent`, absentLabels(p, `${P}StatefulSetMetricsAbsent`, component))],
        }],
        silent: [{ name: 'kube-state-metrics reports the StatefulSet', series: [s('kube_statefulset_replicas', k, '3x30')], at: '20m', alerts: [] }],
      };
    },
  };
}

function daemonSetCases(component: string): Record<string, CaseFn> {
  const P = alertPrefix(component);
  return {
    [`${P}DaemonSetRolloutStuck`]: (p) => {
      const k = p.ksmLabels(component);
      return {
        firing: [{
          name: 'one node updated, the rollout halted',
          series: [
            s('kube_daemonset_status_updated_number_scheduled', k, '1x60'),
            s('kube_daemonset_status_desired_number_scheduled', k, '3x60'),
          ],
          at: '45m',
          alerts: [fired(p, `${P}DaemonSetRolloutStuck`, k)],
        }],
        silent: [
          {
            name: 'every node updated',
            series: [s('kube_daemonset_status_updated_number_scheduled', k, '3x60'), s('kube_daemonset_status_desired_number_scheduled', k, '3x60')],
            at: '45m',
            alerts: [],
          },
          {
            name: 'rollout progressing',
            series: [s('kube_daemonset_status_updated_number_scheduled', k, '0x9 1x9 2x9 0x9 1x9 2x9 3'), s('kube_daemonset_status_desired_number_scheduled', k, '3x60')],
            at: '45m',
            alerts: [],
          },
        ],
      };
    },
    [`${P}DaemonSetPodsUnavailable`]: (p) => {
      const k = p.ksmLabels(component);
      return {
        firing: [{ name: 'a node without an available pod', series: [s('kube_daemonset_status_number_unavailable', k, '1x30')], at: '20m', alerts: [fired(p, `${P}DaemonSetPodsUnavailable`, k)] }],
        silent: [{ name: 'every pod available', series: [s('kube_daemonset_status_number_unavailable', k, '0x30')], at: '20m', alerts: [] }],
      };
    },
    [`${P}DaemonSetMetricsAbsent`]: (p) => {
      const k = p.ksmLabels(component);
      return {
        firing: [{
          name: 'kube-state-metrics knows other DaemonSets only',
          series: [s('kube_daemonset_status_desired_number_scheduled', { ...k, namespace: 'elsewhere' }, '3x30')],
          at: '20m',
          alerts: [fired(p, `${P}DaemonSetMetricsAbsent`, absentLabels(p, `${P}DaemonSetMetricsAbsent`, component))],
        }],
        silent: [{ name: 'kube-state-metrics reports the DaemonSet', series: [s('kube_daemonset_status_desired_number_scheduled', k, '3x30')], at: '20m', alerts: [] }],
      };
    },
  };
}

function deploymentCases(component: string): Record<string, CaseFn> {
  const P = alertPrefix(component);
  return {
    [`${P}ReplicasUnavailable`]: (p) => {
      const k = p.ksmLabels(component);
      return {
        firing: [{ name: 'one replica unavailable', series: [s('kube_deployment_status_replicas_unavailable', k, '1x30')], at: '20m', alerts: [fired(p, `${P}ReplicasUnavailable`, k)] }],
        silent: [{ name: 'every replica available', series: [s('kube_deployment_status_replicas_unavailable', k, '0x30')], at: '20m', alerts: [] }],
      };
    },
    [`${P}RolloutStuck`]: (p) => {
      const k = p.ksmLabels(component);
      const condition = (status: string, values: string) => s('kube_deployment_status_condition', { ...k, condition: 'Progressing', status }, values);
      return {
        firing: [{
          name: 'progress deadline exceeded',
          series: [condition('true', '0x20'), condition('false', '1x20'), condition('unknown', '0x20')],
          at: '10m',
          alerts: [fired(p, `${P}RolloutStuck`, { ...k, condition: 'Progressing', status: 'false' })],
        }],
        silent: [{
          name: 'progressing',
          series: [condition('true', '1x20'), condition('false', '0x20'), condition('unknown', '0x20')],
          at: '10m',
          alerts: [],
        }],
      };
    },
    [`${P}DeploymentMetricsAbsent`]: (p) => {
      const k = p.ksmLabels(component);
      return {
        firing: [{
          name: 'kube-state-metrics knows other Deployments only',
          series: [s('kube_deployment_status_replicas_unavailable', { ...k, deployment: 'other' }, '0x30')],
          at: '20m',
          alerts: [fired(p, `${P}DeploymentMetricsAbsent`, absentLabels(p, `${P}DeploymentMetricsAbsent`, component))],
        }],
        silent: [{ name: 'kube-state-metrics reports the Deployment', series: [s('kube_deployment_status_replicas_unavailable', k, '0x30')], at: '20m', alerts: [] }],
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// ZooKeeper

const zookeeper: Record<string, CaseFn> = {
  ...targetCases('zookeeper'),
  ZookeeperNotServing: (p) => {
    const [t0, ...rest] = p.targets('zookeeper');
    return {
      firing: [{
        name: 'answers on the metrics port without server metrics (no quorum)',
        series: [...p.targets('zookeeper').map((t) => s('up', t, '1x30')), ...rest.map((t) => s('znode_count', t, '120x30'))],
        at: '10m',
        alerts: [fired(p, 'ZookeeperNotServing', t0)],
      }],
      silent: [{
        name: 'every server serves',
        series: p.targets('zookeeper').flatMap((t) => [s('up', t, '1x30'), s('znode_count', t, '120x30')]),
        at: '10m',
        alerts: [],
      }],
    };
  },
  ZookeeperNoLeader: (p) => {
    const targets = p.targets('zookeeper');
    const group = jobOf(p, 'zookeeper');
    return {
      firing: [
        {
          name: 'every server down (up 0 everywhere)',
          series: targets.map((t) => s('up', t, '0x30')),
          at: '10m',
          alerts: [fired(p, 'ZookeeperNoLeader', group)],
          values: [{ labels: group, value: targets.length }],
        },
        {
          name: 'servers up but electing (no leader_uptime)',
          series: [...targets.map((t) => s('up', t, '1x30')), ...targets.map((t) => s('znode_count', t, '120x3 _x27'))],
          at: '10m',
          alerts: [fired(p, 'ZookeeperNoLeader', group)],
        },
      ],
      silent: [{
        name: 'one server leads',
        series: [...targets.map((t) => s('up', t, '1x30')), s('leader_uptime', targets[0], '1000+60000x30')],
        at: '10m',
        alerts: [],
      }],
    };
  },
  ZookeeperFollowersNotSynced: (p) => {
    const targets = p.targets('zookeeper');
    return {
      firing: [{
        name: 'the leader has one of two followers',
        series: [...targets.map((t) => s('quorum_size', t, '3x30')), s('synced_followers', targets[0], '1x30')],
        at: '20m',
        alerts: [fired(p, 'ZookeeperFollowersNotSynced', targets[0])],
      }],
      silent: [{
        name: 'both followers synced',
        series: [...targets.map((t) => s('quorum_size', t, '3x30')), s('synced_followers', targets[0], '2x30')],
        at: '20m',
        alerts: [],
      }],
    };
  },
  ZookeeperOutstandingRequestsHigh: (p) => {
    const [t0] = p.targets('zookeeper');
    return {
      firing: [{ name: 'requests queue up', series: [s('outstanding_requests', t0, '50x30')], at: '15m', alerts: [fired(p, 'ZookeeperOutstandingRequestsHigh', t0)] }],
      silent: [{ name: 'a short queue', series: [s('outstanding_requests', t0, '3x30')], at: '15m', alerts: [] }],
    };
  },
  ...statefulSetCases('zookeeper'),
};

// ---------------------------------------------------------------------------------------------
// Kafka: the JMX exporter sidecar answers (`up` 1) even when Kafka is down.

const kafka: Record<string, CaseFn> = {
  ...targetCases('kafka'),
  KafkaNodeDown: (p) => {
    const [t0, ...rest] = p.targets('kafka');
    const healthy = rest.flatMap((t) => [s('up', t, '1x40'), s('jmx_scrape_error', t, '0x40')]);
    return {
      firing: [
        {
          name: 'Kafka JVM down, exporter answers with jmx_scrape_error 1',
          series: [s('up', t0, '1x40'), s('jmx_scrape_error', t0, '0x5 1x35'), ...healthy],
          at: '25m',
          alerts: [fired(p, 'KafkaNodeDown', t0)],
        },
        {
          name: 'crash loop (up a minute, down three)',
          series: [s('up', t0, '1x40'), s('jmx_scrape_error', t0, repeat('1 1 1 0', 10)), ...healthy],
          at: '30m',
          alerts: [fired(p, 'KafkaNodeDown', t0)],
        },
      ],
      silent: [
        { name: 'every JMX read succeeds', series: [s('up', t0, '1x40'), s('jmx_scrape_error', t0, '0x40'), ...healthy], at: '25m', alerts: [] },
        { name: 'one restart', series: [s('up', t0, '1x40'), s('jmx_scrape_error', t0, '0x15 1 1 1 0x22'), ...healthy], at: '25m', alerts: [] },
      ],
    };
  },
  KafkaUnderReplicatedPartitions: (p) => {
    const [t0] = p.targets('kafka');
    return {
      firing: [{ name: 'a broker leads under-replicated partitions', series: [s('kafka_server_replicamanager_underreplicatedpartitions', t0, '2x30')], at: '15m', alerts: [fired(p, 'KafkaUnderReplicatedPartitions', t0)] }],
      silent: [{ name: 'in sync', series: [s('kafka_server_replicamanager_underreplicatedpartitions', t0, '0x30')], at: '15m', alerts: [] }],
    };
  },
  KafkaOfflinePartitions: (p) => {
    const targets = p.targets('kafka');
    const group = jobOf(p, 'kafka');
    const metric = 'kafka_controller_kafkacontroller_offlinepartitionscount';
    return {
      firing: [
        {
          name: 'every KRaft controller reports the same 2 offline partitions (value 2, not 6)',
          series: targets.map((t) => s(metric, t, '2x20')),
          at: '10m',
          alerts: [fired(p, 'KafkaOfflinePartitions', group)],
          values: [{ labels: group, value: 2 }],
        },
        {
          name: 'ZooKeeper mode: only the active controller reports them',
          series: targets.map((t, i) => s(metric, t, i === 0 ? '2x20' : '0x20')),
          at: '10m',
          alerts: [fired(p, 'KafkaOfflinePartitions', group)],
          values: [{ labels: group, value: 2 }],
        },
      ],
      silent: [{ name: 'no offline partition', series: targets.map((t) => s(metric, t, '0x20')), at: '10m', alerts: [] }],
    };
  },
  KafkaNoActiveController: (p) => {
    const targets = p.targets('kafka');
    const group = jobOf(p, 'kafka');
    const metric = 'kafka_controller_kafkacontroller_activecontrollercount';
    const up = targets.map((t) => s('up', t, '1x20'));
    return {
      firing: [
        {
          name: 'every broker down: exporters answer, kafka_* series gone',
          series: [...up, ...targets.map((t) => s('jmx_scrape_error', t, '1x20')), ...targets.map((t) => s(metric, t, '_x20'))],
          at: '10m',
          alerts: [fired(p, 'KafkaNoActiveController', group)],
          values: [{ labels: group, value: 0 }],
        },
        {
          name: 'no controller elected',
          series: [...up, ...targets.map((t) => s(metric, t, '0x20'))],
          at: '10m',
          alerts: [fired(p, 'KafkaNoActiveController', group)],
          values: [{ labels: group, value: 0 }],
        },
        {
          name: 'split brain: two active controllers',
          series: [...up, ...targets.map((t, i) => s(metric, t, i < 2 ? '1x20' : '0x20'))],
          at: '10m',
          alerts: [fired(p, 'KafkaNoActiveController', group)],
          values: [{ labels: group, value: 2 }],
        },
      ],
      silent: [{
        name: 'exactly one active controller',
        series: [...up, ...targets.map((t, i) => s(metric, t, i === 0 ? '1x20' : '0x20'))],
        at: '10m',
        alerts: [],
      }],
    };
  },
  ...statefulSetCases('kafka'),
};

// ---------------------------------------------------------------------------------------------
// Elasticsearch: the exporter sidecar emits no health series when it cannot get the health.

/** The exporter's `cluster` label is Elasticsearch's cluster.name; any value works for the rules. */
const ES_CLUSTER = 'elasticsearch-logging';

function health(t: Labels, current: 'green' | 'yellow' | 'red', values = 'x30'): InputSeries[] {
  return (['green', 'yellow', 'red'] as const).map((color) => s('elasticsearch_cluster_health_status', { ...t, cluster: ES_CLUSTER, color }, `${color === current ? 1 : 0}${values}`));
}

const elasticsearch: Record<string, CaseFn> = {
  ...targetCases('elasticsearch'),
  ElasticsearchClusterRed: (p) => {
    const targets = p.targets('elasticsearch');
    return {
      firing: [{ name: 'every exporter reports red', series: targets.flatMap((t) => health(t, 'red')), at: '10m', alerts: [fired(p, 'ElasticsearchClusterRed', { ...jobOf(p, 'elasticsearch'), cluster: ES_CLUSTER })] }],
      silent: [{ name: 'green', series: targets.flatMap((t) => health(t, 'green')), at: '10m', alerts: [] }],
    };
  },
  ElasticsearchClusterYellow: (p) => {
    const targets = p.targets('elasticsearch');
    return {
      firing: [{ name: 'yellow for 25 minutes', series: targets.flatMap((t) => health(t, 'yellow')), at: '25m', alerts: [fired(p, 'ElasticsearchClusterYellow', { ...jobOf(p, 'elasticsearch'), cluster: ES_CLUSTER })] }],
      silent: [{ name: 'green', series: targets.flatMap((t) => health(t, 'green')), at: '25m', alerts: [] }],
    };
  },
  ElasticsearchHealthUnknown: (p) => {
    const [t0, ...rest] = p.targets('elasticsearch');
    return {
      firing: [{
        name: 'one exporter answers without health (its Elasticsearch is down)',
        series: [...p.targets('elasticsearch').map((t) => s('up', t, '1x30')), ...rest.flatMap((t) => health(t, 'yellow'))],
        at: '15m',
        alerts: [fired(p, 'ElasticsearchHealthUnknown', t0)],
      }],
      silent: [{
        name: 'every exporter reports health',
        series: p.targets('elasticsearch').flatMap((t) => [s('up', t, '1x30'), ...health(t, 'green')]),
        at: '15m',
        alerts: [],
      }],
    };
  },
  ElasticsearchClusterUnavailable: (p) => {
    const targets = p.targets('elasticsearch');
    const group = jobOf(p, 'elasticsearch');
    return {
      firing: [
        {
          name: 'Elasticsearch down everywhere: exporters answer, no health series',
          series: targets.map((t) => s('up', t, '1x30')),
          at: '10m',
          alerts: [fired(p, 'ElasticsearchClusterUnavailable', group)],
          values: [{ labels: group, value: targets.length }],
        },
        {
          name: 'whole pods down (exporters too)',
          series: targets.map((t) => s('up', t, '0x30')),
          at: '10m',
          alerts: [fired(p, 'ElasticsearchClusterUnavailable', group)],
        },
      ],
      silent: [{
        name: 'one node still reports health',
        series: [...targets.map((t) => s('up', t, '1x30')), ...health(targets[0], 'red')],
        at: '10m',
        alerts: [],
      }],
    };
  },
  ElasticsearchDiskWatermarkLow: (p) => {
    const [t0, ...rest] = p.targets('elasticsearch');
    const fs = esDataDisk(t0);
    return {
      firing: [{ name: '87% used for 20 minutes', series: [...esDisk(t0, '130x30'), ...rest.flatMap((t) => esDisk(t, '500x30'))], at: '20m', alerts: [fired(p, 'ElasticsearchDiskWatermarkLow', fs)] }],
      silent: [
        { name: 'half full', series: p.targets('elasticsearch').flatMap((t) => esDisk(t, '500x30')), at: '20m', alerts: [] },
        { name: '87% for less than 15 minutes (a merge)', series: esDisk(t0, '500x10 130x10 500x10'), at: '20m', alerts: [] },
      ],
    };
  },
  ElasticsearchDiskWatermarkHigh: (p) => {
    const [t0] = p.targets('elasticsearch');
    return {
      firing: [{ name: '92% used', series: esDisk(t0, '80x30'), at: '10m', alerts: [fired(p, 'ElasticsearchDiskWatermarkHigh', esDataDisk(t0))] }],
      silent: [{ name: '87% used (low watermark only)', series: esDisk(t0, '130x30'), at: '10m', alerts: [] }],
    };
  },
  ElasticsearchIndicesReadOnly: (p) => {
    const targets = p.targets('elasticsearch');
    const group = jobOf(p, 'elasticsearch');
    const readOnly = (values: (t: Labels) => string) => targets.map((t) => s('elasticsearch_indices_settings_stats_read_only_indices', t, values(t)));
    return {
      firing: [{
        name: 'flood stage reached: 3 indices blocked, every exporter reports them',
        series: readOnly(() => '0x5 3x25'),
        at: '15m',
        alerts: [fired(p, 'ElasticsearchIndicesReadOnly', group)],
        values: [{ labels: group, value: 3 }],
      }],
      silent: [
        { name: 'no index blocked', series: readOnly(() => '0x30'), at: '15m', alerts: [] },
        { name: 'the block lifted after 3 minutes', series: readOnly(() => '0x5 2x3 0x22'), at: '15m', alerts: [] },
      ],
    };
  },
  ElasticsearchLogRetentionFailing: (p) => {
    const k = retentionCronJob(p);
    const other = { ...k, cronjob: 'other-job' };
    const alert = [fired(p, 'ElasticsearchLogRetentionFailing', k)];
    return {
      firing: [
        {
          name: 'every run fails from minute 20 on (Elasticsearch unreachable, credentials, a rejected body)',
          series: cronJobSeries(k, 100, { succeedsUntil: 20 }),
          at: '100m',
          alerts: alert,
          // Seconds since the last success: the run scheduled at 600 s completed at 630 s.
          values: [{ labels: k, value: 6000 - 630 }],
        },
        { name: 'never succeeded since its creation 80 minutes ago', series: cronJobSeries(k, 80, { succeedsUntil: 0 }), at: '80m', alerts: alert },
        { name: 'suspended at minute 25: no next schedule time, the one-hour floor applies', series: cronJobSeries(k, 100, { suspendedFrom: 25 }), at: '100m', alerts: alert },
        {
          name: 'the CronJob is gone (only another CronJob is reported)',
          series: cronJobSeries(other, 30, {}),
          at: '30m',
          alerts: [fired(p, 'ElasticsearchLogRetentionFailing', { job: k.job, namespace: k.namespace, cronjob: k.cronjob })],
        },
      ],
      silent: [
        { name: 'every run succeeds', series: cronJobSeries(k, 100, {}), at: '100m', alerts: [] },
        { name: 'created 40 minutes ago, no run has succeeded yet', series: cronJobSeries(k, 40, { succeedsUntil: 0 }), at: '40m', alerts: [] },
        { name: 'another CronJob of the namespace fails, this one succeeds', series: [...cronJobSeries(k, 100, {}), ...cronJobSeries(other, 100, { succeedsUntil: 0 })], at: '100m', alerts: [] },
        {
          name: 'a daily schedule: the last success 20 hours ago is within three periods',
          series: [
            s('kube_cronjob_created', k, '0x1300'),
            s('kube_cronjob_status_last_schedule_time', k, '_x60 3600x1240'),
            s('kube_cronjob_next_schedule_time', k, '3600x60 90000x1240'),
            s('kube_cronjob_status_last_successful_time', k, '_x61 3630x1239'),
          ],
          at: '1300m',
          alerts: [],
        },
      ],
    };
  },
  ...statefulSetCases('elasticsearch'),
};

/**
 * kube-state-metrics labels of the log retention CronJob: the CronJob the platform emits in
 * Elasticsearch's namespace (found in the manifests by its `log-retention` name label).
 */
function retentionCronJob(p: PlatformUnderTest): Labels {
  const namespace = p.workload('elasticsearch').namespace;
  const found = p.manifests.filter((o) => o.kind === 'CronJob' && o.metadata.namespace === namespace
    && o.metadata.labels?.['app.kubernetes.io/name'] === 'log-retention');
  if (found.length !== 1) throw new Error(`expected one log retention CronJob in ${namespace}, found ${found.length}`);
  return { ...KSM_TARGET_LABELS, namespace, cronjob: found[0].metadata.name };
}

/**
 * The kube-state-metrics series of a CronJob created at time 0 on a 10-minute schedule, one sample
 * a minute up to `minutes`: runs scheduled at 600 s, 1200 s, ... each finishing 30 s later. Runs
 * scheduled from minute `succeedsUntil` on fail; from minute `suspendedFrom` on none is scheduled
 * and kube-state-metrics drops the next schedule time.
 */
function cronJobSeries(k: Labels, minutes: number, o: { succeedsUntil?: number; suspendedFrom?: number }): InputSeries[] {
  const PERIOD = 600;
  const succeedsUntil = (o.succeedsUntil ?? Infinity) * 60;
  const suspendedFrom = (o.suspendedFrom ?? Infinity) * 60;
  const runs = (now: number) => Array.from({ length: Math.floor(now / PERIOD) }, (_, i) => (i + 1) * PERIOD).filter((t) => t < suspendedFrom);
  const perMinute = (f: (now: number) => number | undefined) => Array.from({ length: minutes + 1 }, (_, m) => f(m * 60) ?? '_').join(' ');
  const last = (xs: number[]) => (xs.length > 0 ? xs[xs.length - 1] : undefined);
  return [
    s('kube_cronjob_created', k, perMinute(() => 0)),
    s('kube_cronjob_status_last_schedule_time', k, perMinute((now) => last(runs(now)))),
    s('kube_cronjob_next_schedule_time', k, perMinute((now) => (now >= suspendedFrom ? undefined : (last(runs(now)) ?? 0) + PERIOD))),
    s('kube_cronjob_status_last_successful_time', k, perMinute((now) => {
      const done = last(runs(now).filter((t) => t < succeedsUntil && t + 30 <= now));
      return done === undefined ? undefined : done + 30;
    })),
  ];
}

/** The exporter's node and data-path labels (`--es.node=_local`: each sidecar reports its own node). */
function esDataDisk(t: Labels): Labels {
  return { ...t, cluster: ES_CLUSTER, host: t.instance.split(':')[0], name: t.pod, es_master_node: 'true', es_data_node: 'true', es_ingest_node: 'true', es_client_node: 'true', mount: '/usr/share/elasticsearch/data (/dev/sdb)', path: '/usr/share/elasticsearch/data' };
}

/** A 1000-byte data disk with `available` bytes free. */
function esDisk(t: Labels, available: string): InputSeries[] {
  const l = esDataDisk(t);
  return [s('elasticsearch_filesystem_data_available_bytes', l, available), s('elasticsearch_filesystem_data_size_bytes', l, '1000x30')];
}

// ---------------------------------------------------------------------------------------------
// Fluentd: fluent-plugin-prometheus output monitor series carry plugin_id and type.

/** retry_wait seen while an output fails for good: exponential backoff up to 60 s, never 0. */
const FAILING_RETRY_WAIT = '1 2 4 8 16 32 60x54';
/** Errors and recoveries: in a retry sequence every other minute. */
const RECOVERING_RETRY_WAIT = repeat('0 2', 30) + ' 0';

const fluentd: Record<string, CaseFn> = {
  ...targetCases('fluentd'),
  FluentdOutputRetrying: (p) => {
    const [t0] = p.targets('fluentd');
    const out = { ...t0, ...fluentdOutputs(p, 'fluentd')[0] };
    return {
      firing: [{
        name: 'flushes fail and recover',
        series: [s('fluentd_output_status_num_errors', out, '0+1x60'), s('fluentd_output_status_retry_wait', out, RECOVERING_RETRY_WAIT)],
        at: '40m',
        alerts: [fired(p, 'FluentdOutputRetrying', out)],
      }],
      silent: [
        {
          name: 'failing for good is FluentdOutputFailing, not this',
          series: [s('fluentd_output_status_num_errors', out, '0+1x60'), s('fluentd_output_status_retry_wait', out, FAILING_RETRY_WAIT)],
          at: '40m',
          alerts: [],
        },
        { name: 'no error', series: [s('fluentd_output_status_num_errors', out, '3x60'), s('fluentd_output_status_retry_wait', out, '0x60')], at: '40m', alerts: [] },
      ],
    };
  },
  FluentdOutputFailing: (p) => {
    const [t0] = p.targets('fluentd');
    const out = { ...t0, ...fluentdOutputs(p, 'fluentd')[0] };
    return {
      firing: [{
        name: 'every flush fails (retry state never left)',
        series: [s('fluentd_output_status_num_errors', out, '0+1x60'), s('fluentd_output_status_retry_wait', out, FAILING_RETRY_WAIT)],
        at: '40m',
        alerts: [fired(p, 'FluentdOutputFailing', out)],
      }],
      silent: [
        {
          name: 'flushes fail and recover (FluentdOutputRetrying)',
          series: [s('fluentd_output_status_num_errors', out, '0+1x60'), s('fluentd_output_status_retry_wait', out, RECOVERING_RETRY_WAIT)],
          at: '40m',
          alerts: [],
        },
        { name: 'no error', series: [s('fluentd_output_status_num_errors', out, '0x60'), s('fluentd_output_status_retry_wait', out, '0x60')], at: '40m', alerts: [] },
      ],
    };
  },
  FluentdBufferQueueGrowing: (p) => {
    const [t0] = p.targets('fluentd');
    const out = { ...t0, ...fluentdOutputs(p, 'fluentd')[0] };
    return {
      firing: [{ name: 'one more chunk queued every minute', series: [s('fluentd_output_status_buffer_queue_length', out, '1+1x60')], at: '50m', alerts: [fired(p, 'FluentdBufferQueueGrowing', out)] }],
      silent: [
        { name: 'a steady queue', series: [s('fluentd_output_status_buffer_queue_length', out, '5x60')], at: '50m', alerts: [] },
        { name: 'full and blocked: the queue no longer grows (FluentdBufferFull)', series: [s('fluentd_output_status_buffer_queue_length', out, '1+10x25 256x35')], at: '60m', alerts: [] },
      ],
    };
  },
  FluentdBufferBytesHigh: (p) => {
    const [t0] = p.targets('fluentd');
    const out = { ...t0, ...fluentdOutputs(p, 'fluentd')[0] };
    return {
      firing: [{ name: '2 GB buffered', series: [s('fluentd_output_status_buffer_total_bytes', out, '2000000000x30')], at: '20m', alerts: [fired(p, 'FluentdBufferBytesHigh', out)] }],
      silent: [{ name: '1 MB buffered', series: [s('fluentd_output_status_buffer_total_bytes', out, '1000000x30')], at: '20m', alerts: [] }],
    };
  },
  FluentdBufferFull: (p) => {
    const [t0] = p.targets('fluentd');
    const out = { ...t0, ...fluentdOutputs(p, 'fluentd')[0] };
    return {
      firing: [{
        name: 'full and blocked for half an hour (queue flat)',
        series: [
          s('fluentd_output_status_buffer_available_space_ratio', out, '80-10x8 0x52'),
          s('fluentd_output_status_buffer_queue_length', out, '1+30x8 256x52'),
        ],
        at: '60m',
        alerts: [fired(p, 'FluentdBufferFull', out)],
      }],
      silent: [{ name: 'mostly free', series: [s('fluentd_output_status_buffer_available_space_ratio', out, '85x60')], at: '60m', alerts: [] }],
    };
  },
  ...daemonSetCases('fluentd'),
};

// ---------------------------------------------------------------------------------------------
// node-exporter

const FS = { device: '/dev/nvme0n1p1', fstype: 'ext4', mountpoint: '/' };

function filesystem(t: Labels, avail: string, fs: Labels = FS): InputSeries[] {
  const l = { ...t, ...fs };
  return [s('node_filesystem_avail_bytes', l, avail), s('node_filesystem_size_bytes', l, '1000x300'), s('node_filesystem_readonly', l, '0x300')];
}

const nodeExporter: Record<string, CaseFn> = {
  ...targetCases('node-exporter'),
  NodeExporterFilesystemSpaceLow: (p) => {
    const [t0] = p.targets('node-exporter');
    return {
      firing: [{ name: '5% free', series: filesystem(t0, '50x60'), at: '40m', alerts: [fired(p, 'NodeExporterFilesystemSpaceLow', { ...t0, ...FS })] }],
      silent: [
        { name: '50% free', series: filesystem(t0, '500x60'), at: '40m', alerts: [] },
        { name: 'a full tmpfs is ignored', series: filesystem(t0, '10x60', { device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run' }), at: '40m', alerts: [] },
      ],
    };
  },
  NodeExporterFilesystemFillingUp: (p) => {
    const [t0] = p.targets('node-exporter');
    return {
      firing: [{ name: 'losing 0.1% a minute below 20%', series: filesystem(t0, '400-1x300'), at: '270m', alerts: [fired(p, 'NodeExporterFilesystemFillingUp', { ...t0, ...FS })] }],
      silent: [{ name: 'low but stable', series: filesystem(t0, '150x300'), at: '270m', alerts: [] }],
    };
  },
  ...daemonSetCases('node-exporter'),
};

// ---------------------------------------------------------------------------------------------
// The demo web app (component `podinfo`, profile `webapp`)

const webApp: Record<string, CaseFn> = {
  ...targetCases('podinfo'),
  ...deploymentCases('podinfo'),
};

/** Every case, keyed by the alert name the production platform emits. */
export const ALERT_CASES: Readonly<Record<string, CaseFn>> = Object.freeze({
  ...zookeeper,
  ...kafka,
  ...elasticsearch,
  ...fluentd,
  ...nodeExporter,
  ...webApp,
});
