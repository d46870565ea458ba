import { AlertRule } from './alert-rules';
import { promqlString } from './promql';

/**
 * The alert sets this library knows, keyed like `MetricsEndpoint.component` of the platform's
 * constructs. A component whose id is not a key gets the target alerts only, unless it is mapped
 * to a profile (`PlatformMonitoringProps.alertProfiles`).
 */
export type AlertProfile = 'node-exporter' | 'zookeeper' | 'kafka' | 'elasticsearch' | 'fluentd' | 'webapp';

/** Thresholds of the catalogue alerts; each has a production-minded default. */
export interface AlertThresholds {
  /** `<P>FilesystemSpaceLow` fires when a filesystem has less free space than this, in percent. @default 10 */
  readonly filesystemFreePercent?: number;
  /** `<P>OutstandingRequestsHigh` fires when a ZooKeeper server queues more requests than this. @default 10 */
  readonly zookeeperOutstandingRequests?: number;
  /** `<P>BufferBytesHigh` fires when a Fluentd output buffers more bytes than this. @default 1073741824 (1 GiB) */
  readonly fluentdBufferBytes?: number;
}

export const DEFAULT_ALERT_THRESHOLDS: Required<AlertThresholds> = Object.freeze({
  filesystemFreePercent: 10,
  zookeeperOutstandingRequests: 10,
  fluentdBufferBytes: 1024 ** 3,
});

/** What a catalogue entry needs to write its PromQL. */
export interface AlertContext {
  /** The component id (`zookeeper`): the `job` label of its series and the `component` label of its alerts. */
  readonly component: string;
  /** Namespace of the component's workload. */
  readonly namespace: string;
  /** kubectl label selector of the component's Services (via `service`) or pods (via `pod`): `k=v,k2=v2`. */
  readonly kubectlSelector: string;
  /** Label matchers of the component's series: `job="<component>",namespace="<namespace>"`. */
  readonly series: string;
  /**
   * Label matchers of kube-state-metrics series about the component's namespace, e.g.
   * `job="kube-state-metrics",namespace="streaming"`. Rollout alerts add the workload name.
   */
  readonly kubeStateMetrics: string;
  /** Name of the component's StatefulSet, DaemonSet or Deployment. @default - every one in the namespace */
  readonly workload?: string;
  readonly thresholds: Required<AlertThresholds>;
}

/** `node-exporter` -> `NodeExporter`: the prefix of every alert name of a component. */
export function alertPrefix(component: string): string {
  return component.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0)
    .map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

function rule(ctx: AlertContext, suffix: string, r: Omit<AlertRule, 'alert' | 'labels'>): AlertRule {
  return { alert: `${alertPrefix(ctx.component)}${suffix}`, ...r, labels: { component: ctx.component } };
}

function workloadMatchers(ctx: AlertContext, kindLabel: 'statefulset' | 'daemonset' | 'deployment'): string {
  return ctx.workload ? `${ctx.kubeStateMetrics},${kindLabel}=${promqlString(ctx.workload)}` : ctx.kubeStateMetrics;
}

/**
 * Every component: a scrape target down, and no target at all (selector or port name matches
 * nothing, workload deleted, every pod unready behind its Service).
 */
export function targetAlerts(ctx: AlertContext): AlertRule[] {
  return [
    rule(ctx, 'TargetDown', {
      expr: `up{${ctx.series}} == 0`,
      for: '5m',
      severity: 'warning',
      summary: `${ctx.component} target {{ $labels.instance }} is down`,
      description: `Prometheus has failed to scrape ${ctx.component} pod {{ $labels.pod }} ({{ $labels.instance }}) in namespace {{ $labels.namespace }} for 5 minutes; its metrics and the alerts built on them are blind.`,
      runbook: 'kubectl -n {{ $labels.namespace }} get pod {{ $labels.pod }} -o wide; kubectl -n {{ $labels.namespace }} describe pod {{ $labels.pod }}; check the container is Ready, serves the metrics port, and that its NetworkPolicy admits the monitoring namespace.',
    }),
    rule(ctx, 'TargetsAbsent', {
      expr: `absent(up{${ctx.series}})`,
      for: '10m',
      severity: 'critical',
      summary: `no ${ctx.component} target discovered in namespace ${ctx.namespace}`,
      description: `Prometheus has found no ${ctx.component} scrape target in namespace ${ctx.namespace} for 10 minutes: the workload is gone or has no ready pod, or its Service/pods no longer carry the monitor's selector labels or metrics port name.`,
      runbook: `kubectl -n ${ctx.namespace} get pods,svc,endpoints -l ${ctx.kubectlSelector}; compare with the ServiceMonitor/PodMonitor ${ctx.component} in the monitoring namespace and the Prometheus targets page.`,
    }),
  ];
}

/**
 * DaemonSet rollout health from kube-state-metrics (a DaemonSet agent such as node-exporter or
 * Fluentd). Needs kube-state-metrics scraped with `honorLabels: true` so `namespace` and
 * `daemonset` name the DaemonSet (kube-prometheus-stack's default).
 */
export function daemonSetAlerts(ctx: AlertContext): AlertRule[] {
  const ksm = workloadMatchers(ctx, 'daemonset');
  return [
    rule(ctx, 'DaemonSetRolloutStuck', {
      expr: [
        '(',
        `  kube_daemonset_status_updated_number_scheduled{${ksm}}`,
        `    != kube_daemonset_status_desired_number_scheduled{${ksm}}`,
        ')',
        'and on (namespace, daemonset)',
        `  changes(kube_daemonset_status_updated_number_scheduled{${ksm}}[10m]) == 0`,
      ].join('\n'),
      for: '30m',
      severity: 'warning',
      summary: 'DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} rollout is stuck',
      description: 'Only {{ $value }} pods of DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} run the current template and none has been updated for 30 minutes: a RollingUpdate halts on the first pod that does not become Ready (bad image, crash loop, node without resources).',
      runbook: 'kubectl -n {{ $labels.namespace }} rollout status ds/{{ $labels.daemonset }}; kubectl -n {{ $labels.namespace }} get pods -o wide to find the failing pod; fix the template or roll back with kubectl -n {{ $labels.namespace }} rollout undo ds/{{ $labels.daemonset }} --to-revision=<n> (see rollout history).',
    }),
    rule(ctx, 'DaemonSetPodsUnavailable', {
      expr: `kube_daemonset_status_number_unavailable{${ksm}} > 0`,
      for: '15m',
      severity: 'warning',
      summary: 'DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} has unavailable pods',
      description: '{{ $value }} nodes that should run DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} have had no available pod for 15 minutes; those nodes are not covered.',
      runbook: `kubectl -n {{ $labels.namespace }} get pods -l ${ctx.kubectlSelector} -o wide; describe the pods that are not Ready (image pull, crash loop, host port 9100/24231 taken, a taint not tolerated).`,
    }),
  ];
}

/**
 * StatefulSet rollout health from kube-state-metrics (ZooKeeper, Kafka, Elasticsearch). Needs
 * kube-state-metrics scraped with `honorLabels: true`. A rollout staged on purpose with
 * `updateStrategy.rollingUpdate.partition` looks stuck as well: silence the alert while staging.
 */
export function statefulSetAlerts(ctx: AlertContext): AlertRule[] {
  const ksm = workloadMatchers(ctx, 'statefulset');
  return [
    rule(ctx, 'StatefulSetRolloutStuck', {
      expr: [
        '(',
        '  max without (revision) (',
        `    kube_statefulset_status_current_revision{${ksm}}`,
        `      unless kube_statefulset_status_update_revision{${ksm}}`,
        '  )',
        '  or',
        `  kube_statefulset_status_replicas_updated{${ksm}} < kube_statefulset_replicas{${ksm}}`,
        ')',
        'and on (namespace, statefulset)',
        `  changes(kube_statefulset_status_replicas_updated{${ksm}}[10m]) == 0`,
      ].join('\n'),
      for: '30m',
      severity: 'warning',
      summary: 'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} rollout is stuck',
      description: 'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has pods on an old revision (or fewer updated replicas than desired) and no pod has been updated for 30 minutes. Pods are replaced in reverse ordinal order and each must become Ready: the rollout halts at the first one that does not. Expected while a rollout is staged with a partition.',
      runbook: 'kubectl -n {{ $labels.namespace }} rollout status sts/{{ $labels.statefulset }}; kubectl -n {{ $labels.namespace }} get sts {{ $labels.statefulset }} -o jsonpath="{.spec.updateStrategy}{.status}"; describe the highest-ordinal pod that is not Ready; fix the template (or revert it) and delete that pod so it is recreated.',
    }),
    rule(ctx, 'StatefulSetReplicasNotReady', {
      expr: `kube_statefulset_status_replicas_ready{${ksm}} < kube_statefulset_replicas{${ksm}}`,
      for: '15m',
      severity: 'warning',
      summary: 'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has replicas not ready',
      description: 'Only {{ $value }} replicas of StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} have been Ready for 15 minutes; one more failure may cost the quorum or data redundancy.',
      runbook: 'kubectl -n {{ $labels.namespace }} get pods -o wide; describe the pods that are not Ready (PVC pending, node gone, probe failing); check PodDisruptionBudgets before draining more nodes.',
    }),
  ];
}

/** Deployment availability from kube-state-metrics (WebApp). Needs kube-state-metrics scraped with `honorLabels: true`. */
export function deploymentAlerts(ctx: AlertContext): AlertRule[] {
  const ksm = workloadMatchers(ctx, 'deployment');
  return [
    rule(ctx, 'ReplicasUnavailable', {
      expr: `kube_deployment_status_replicas_unavailable{${ksm}} > 0`,
      for: '15m',
      severity: 'warning',
      summary: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has unavailable replicas',
      description: '{{ $value }} replicas of Deployment {{ $labels.namespace }}/{{ $labels.deployment }} have been unavailable for 15 minutes; the service runs with reduced capacity.',
      runbook: 'kubectl -n {{ $labels.namespace }} get deploy,rs,pods -o wide; describe the pods that are not Ready; roll back a bad image with kubectl -n {{ $labels.namespace }} rollout undo deploy/{{ $labels.deployment }}.',
    }),
    rule(ctx, 'RolloutStuck', {
      expr: `kube_deployment_status_condition{${ksm},condition="Progressing",status="false"} == 1`,
      for: '5m',
      severity: 'warning',
      summary: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} rollout exceeded its progress deadline',
      description: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} reports Progressing=False (ProgressDeadlineExceeded): new pods do not become Ready and the rollout has stopped.',
      runbook: 'kubectl -n {{ $labels.namespace }} rollout status deploy/{{ $labels.deployment }}; kubectl -n {{ $labels.namespace }} rollout history deploy/{{ $labels.deployment }}; kubectl -n {{ $labels.namespace }} rollout undo deploy/{{ $labels.deployment }}.',
    }),
  ];
}

/** node-exporter (`node_filesystem_*` from its filesystem collector) plus its DaemonSet. */
export function nodeExporterAlerts(ctx: AlertContext): AlertRule[] {
  const fs = `${ctx.series},fstype!="",fstype!~"tmpfs|ramfs",mountpoint!=""`;
  const freePercent = `node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}} * 100`;
  return [
    rule(ctx, 'FilesystemSpaceLow', {
      expr: `(\n  ${freePercent} < ${ctx.thresholds.filesystemFreePercent}\n)\nand node_filesystem_readonly{${fs}} == 0`,
      for: '30m',
      severity: 'warning',
      summary: 'filesystem {{ $labels.mountpoint }} on {{ $labels.node }} is almost full',
      description: `Filesystem {{ $labels.device }} at {{ $labels.mountpoint }} on node {{ $labels.node }} has only {{ printf "%.1f" $value }}% space left (threshold ${ctx.thresholds.filesystemFreePercent}%).`,
      runbook: 'Log in to node {{ $labels.node }} (kubectl debug node/{{ $labels.node }} -it --image=busybox) and run du on {{ $labels.mountpoint }}; prune images (crictl rmi --prune), old logs and unused volumes, or grow the disk.',
    }),
    rule(ctx, 'FilesystemFillingUp', {
      expr: `(\n  ${freePercent} < 20\n)\nand predict_linear(node_filesystem_avail_bytes{${fs}}[6h], 4 * 3600) < 0\nand node_filesystem_readonly{${fs}} == 0`,
      for: '1h',
      severity: 'critical',
      summary: 'filesystem {{ $labels.mountpoint }} on {{ $labels.node }} fills up within 4 hours',
      description: 'At the growth rate of the last 6 hours, filesystem {{ $labels.device }} at {{ $labels.mountpoint }} on node {{ $labels.node }} is full within 4 hours ({{ printf "%.1f" $value }}% left); pods on it will be evicted and writes fail.',
      runbook: 'Find what writes (du -x on {{ $labels.mountpoint }} on node {{ $labels.node }}, container logs, emptyDir volumes, Fluentd buffers); stop or throttle it, then free space; cordon the node if it cannot be saved in time.',
    }),
    ...daemonSetAlerts(ctx),
  ];
}

/**
 * ZooKeeper's native Prometheus provider (`metricsProvider.httpPort`, port 7000). A server that
 * serves registers `znode_count`, `outstanding_requests` (and, in an ensemble, `quorum_size`);
 * only the leader registers `leader_uptime` and `synced_followers`. A server without quorum
 * unregisters its server metrics but still answers on the metrics port.
 */
export function zookeeperAlerts(ctx: AlertContext): AlertRule[] {
  const s = ctx.series;
  return [
    rule(ctx, 'NotServing', {
      expr: `up{${s}} == 1\nunless on (job, namespace, instance)\n  znode_count{${s}}`,
      for: '5m',
      severity: 'critical',
      summary: 'ZooKeeper server {{ $labels.pod }} is not serving',
      description: 'ZooKeeper server {{ $labels.pod }} in namespace {{ $labels.namespace }} answers on its metrics port but has exported no server metrics for 5 minutes: it is not part of a quorum (no leader, still electing, or cut off from its peers) and refuses client requests.',
      runbook: 'kubectl -n {{ $labels.namespace }} exec {{ $labels.pod }} -- sh -c "echo srvr | nc localhost 2181"; kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} | grep -iE "LOOKING|election|quorum"; check peers reach each other on 2888/3888 (NetworkPolicy, DNS of the headless Service).',
    }),
    rule(ctx, 'NoLeader', {
      expr: `(\n  count by (job, namespace) (up{${s}} == 1) > 1\n)\nunless on (job, namespace)\n  count by (job, namespace) (leader_uptime{${s}})`,
      for: '5m',
      severity: 'critical',
      summary: 'ZooKeeper ensemble in {{ $labels.namespace }} has no leader',
      description: 'None of the {{ $value }} reachable ZooKeeper servers in namespace {{ $labels.namespace }} has been leader for 5 minutes: the ensemble has no quorum, so every client (Kafka) fails.',
      runbook: `kubectl -n {{ $labels.namespace }} get pods -l ${ctx.kubectlSelector} -o wide; for each pod: echo srvr | nc localhost 2181 (Mode); a majority of servers must be Ready and reach each other on 2888/3888; check the server list in zoo.cfg and the myid of each pod.`,
    }),
    rule(ctx, 'FollowersNotSynced', {
      expr: `synced_followers{${s}} < (quorum_size{${s}} - 1)`,
      for: '15m',
      severity: 'warning',
      summary: 'ZooKeeper leader {{ $labels.pod }} has only {{ $value }} synced followers',
      description: 'The ZooKeeper leader {{ $labels.pod }} in namespace {{ $labels.namespace }} has had fewer synced followers than voting members minus itself for 15 minutes: the ensemble runs with reduced fault tolerance.',
      runbook: 'Find the server that is not following (echo mntr | nc localhost 2181 on the leader; kubectl -n {{ $labels.namespace }} get pods); check its logs, disk and network to the leader on port 2888.',
    }),
    rule(ctx, 'OutstandingRequestsHigh', {
      expr: `outstanding_requests{${s}} > ${ctx.thresholds.zookeeperOutstandingRequests}`,
      for: '10m',
      severity: 'warning',
      summary: 'ZooKeeper server {{ $labels.pod }} queues {{ $value }} requests',
      description: `ZooKeeper server {{ $labels.pod }} in namespace {{ $labels.namespace }} has had more than ${ctx.thresholds.zookeeperOutstandingRequests} outstanding requests for 10 minutes: it cannot keep up (slow disk fsync, GC pauses, CPU throttling or a client flooding it).`,
      runbook: 'Check fsync latency and disk of the data volume, JVM GC pauses (jvm_* metrics), CPU throttling of the pod, and which clients hold the most connections (echo cons | nc localhost 2181 needs "cons" whitelisted).',
    }),
    ...statefulSetAlerts(ctx),
  ];
}

/**
 * Kafka brokers through the JMX Prometheus exporter rules of the KafkaCluster construct, which
 * produce `kafka_server_replicamanager_underreplicatedpartitions`,
 * `kafka_controller_kafkacontroller_offlinepartitionscount` and
 * `kafka_controller_kafkacontroller_activecontrollercount`.
 */
export function kafkaAlerts(ctx: AlertContext): AlertRule[] {
  const s = ctx.series;
  return [
    rule(ctx, 'UnderReplicatedPartitions', {
      expr: `kafka_server_replicamanager_underreplicatedpartitions{${s}} > 0`,
      for: '10m',
      severity: 'warning',
      summary: 'Kafka broker {{ $labels.pod }} leads {{ $value }} under-replicated partitions',
      description: 'Kafka broker {{ $labels.pod }} in namespace {{ $labels.namespace }} has led partitions whose followers are out of sync for 10 minutes: another broker failure may lose acknowledged data or block producers (min.insync.replicas).',
      runbook: 'kafka-topics.sh --bootstrap-server <bootstrap> --describe --under-replicated-partitions; find the broker missing from the ISR (down, disk full, network), fix it and wait for the ISR to grow back before restarting any other broker.',
    }),
    rule(ctx, 'OfflinePartitions', {
      expr: `sum by (job, namespace) (kafka_controller_kafkacontroller_offlinepartitionscount{${s}}) > 0`,
      for: '5m',
      severity: 'critical',
      summary: '{{ $value }} Kafka partitions are offline in {{ $labels.namespace }}',
      description: 'The Kafka controller in namespace {{ $labels.namespace }} has reported {{ $value }} partitions without a leader for 5 minutes: producers and consumers of those partitions fail.',
      runbook: 'kafka-topics.sh --bootstrap-server <bootstrap> --describe --unavailable-partitions; bring back the brokers that host their replicas (kubectl -n {{ $labels.namespace }} get pods); unclean leader election is off on purpose, do not enable it without accepting data loss.',
    }),
    rule(ctx, 'NoActiveController', {
      expr: `sum by (job, namespace) (kafka_controller_kafkacontroller_activecontrollercount{${s}}) != 1`,
      for: '5m',
      severity: 'critical',
      summary: 'Kafka cluster in {{ $labels.namespace }} has {{ $value }} active controllers',
      description: 'Kafka in namespace {{ $labels.namespace }} has had {{ $value }} active controllers (exactly 1 expected) for 5 minutes: without one no leader election or topic change happens; more than one means a split brain.',
      runbook: 'Check the brokers reach ZooKeeper (or the KRaft controller quorum): kubectl -n {{ $labels.namespace }} logs <broker> | grep -i controller; check the ZooKeeper alerts; restart the broker that wrongly claims the controller role.',
    }),
    ...statefulSetAlerts(ctx),
  ];
}

/**
 * Elasticsearch through prometheus-community/elasticsearch_exporter:
 * `elasticsearch_cluster_health_status{cluster, color}` is 1 for the current color, 0 otherwise.
 */
export function elasticsearchAlerts(ctx: AlertContext): AlertRule[] {
  const s = ctx.series;
  return [
    rule(ctx, 'ClusterRed', {
      expr: `max by (job, namespace, cluster) (elasticsearch_cluster_health_status{${s},color="red"}) == 1`,
      for: '5m',
      severity: 'critical',
      summary: 'Elasticsearch cluster {{ $labels.cluster }} is red',
      description: 'Elasticsearch cluster {{ $labels.cluster }} in namespace {{ $labels.namespace }} has been red for 5 minutes: at least one primary shard is unassigned, so searches miss data and writes to it fail (Fluentd buffers and retries).',
      runbook: 'kubectl -n {{ $labels.namespace }} exec <es pod> -- curl -s localhost:9200/_cluster/health?pretty; curl -s "localhost:9200/_cluster/allocation/explain?pretty"; bring back lost data nodes or free disk (watermarks) before deleting anything.',
    }),
    rule(ctx, 'ClusterYellow', {
      expr: `max by (job, namespace, cluster) (elasticsearch_cluster_health_status{${s},color="yellow"}) == 1`,
      for: '20m',
      severity: 'warning',
      summary: 'Elasticsearch cluster {{ $labels.cluster }} is yellow',
      description: 'Elasticsearch cluster {{ $labels.cluster }} in namespace {{ $labels.namespace }} has been yellow for 20 minutes: replica shards are unassigned, one more node loss may lose data.',
      runbook: 'curl -s "localhost:9200/_cat/shards?v&h=index,shard,prirep,state,unassigned.reason" | grep UNASSIGNED; check node count, disk watermarks and that number_of_replicas fits the number of data nodes.',
    }),
    rule(ctx, 'HealthUnknown', {
      expr: `up{${s}} == 1\nunless on (job, namespace, instance)\n  elasticsearch_cluster_health_status{${s}}`,
      for: '10m',
      severity: 'warning',
      summary: 'Elasticsearch health unknown at {{ $labels.instance }}',
      description: 'The Elasticsearch exporter {{ $labels.pod }} in namespace {{ $labels.namespace }} answers but has reported no cluster health for 10 minutes: it cannot reach or authenticate to Elasticsearch, so the red/yellow alerts are blind.',
      runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c <exporter container>; the exporter is a sidecar calling Elasticsearch on 127.0.0.1:9200: check its --es.uri, the credentials Secret (security on) and that Elasticsearch itself answers.',
    }),
    ...statefulSetAlerts(ctx),
  ];
}

/**
 * Fluentd through fluent-plugin-prometheus' `prometheus_output_monitor` input: per output plugin
 * (`plugin_id`, `type` labels) the gauges `fluentd_output_status_buffer_queue_length`,
 * `fluentd_output_status_buffer_total_bytes`, `fluentd_output_status_retry_count` and
 * `fluentd_output_status_num_errors` (cumulative since the process started).
 */
export function fluentdAlerts(ctx: AlertContext): AlertRule[] {
  const s = ctx.series;
  return [
    rule(ctx, 'RetriesIncreasing', {
      expr: `increase(fluentd_output_status_retry_count{${s}}[10m]) > 0`,
      for: '20m',
      severity: 'warning',
      summary: 'Fluentd {{ $labels.pod }} keeps retrying output {{ $labels.plugin_id }}',
      description: 'Fluentd {{ $labels.pod }} on node {{ $labels.node }} has retried flushes of output {{ $labels.plugin_id }} ({{ $labels.type }}) for 20 minutes: the destination (Elasticsearch) rejects or does not answer, logs pile up in the buffer.',
      runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} | grep -iE "retry|error" | tail; check Elasticsearch health and the NetworkPolicy Fluentd -> Elasticsearch 9200; see the ElasticsearchClusterRed alert.',
    }),
    rule(ctx, 'BufferQueueGrowing', {
      expr: `fluentd_output_status_buffer_queue_length{${s}} > 0\nand deriv(fluentd_output_status_buffer_queue_length{${s}}[15m]) > 0`,
      for: '30m',
      severity: 'warning',
      summary: 'Fluentd {{ $labels.pod }} buffer queue of {{ $labels.plugin_id }} keeps growing',
      description: 'The buffer queue of output {{ $labels.plugin_id }} on Fluentd {{ $labels.pod }} (node {{ $labels.node }}) has grown for 30 minutes ({{ $value }} chunks): the output is slower than the log volume; when the buffer is full, overflow_action block stops reading logs.',
      runbook: 'Check Elasticsearch indexing latency and rejections (thread_pool write queue); raise flush_thread_count or Elasticsearch capacity; find the namespace that floods logs.',
    }),
    rule(ctx, 'BufferBytesHigh', {
      expr: `fluentd_output_status_buffer_total_bytes{${s}} > ${ctx.thresholds.fluentdBufferBytes}`,
      for: '15m',
      severity: 'warning',
      summary: 'Fluentd {{ $labels.pod }} buffers {{ $value | humanize1024 }}B for {{ $labels.plugin_id }}',
      description: `Output {{ $labels.plugin_id }} on Fluentd {{ $labels.pod }} (node {{ $labels.node }}) has held more than ${ctx.thresholds.fluentdBufferBytes} bytes in its buffer for 15 minutes: log delivery lags and the node's disk fills with buffer chunks.`,
      runbook: 'Same causes as retries: check Elasticsearch; df on the host buffer path of node {{ $labels.node }}; do not delete buffer files unless the logs may be lost.',
    }),
    rule(ctx, 'OutputErrors', {
      expr: `increase(fluentd_output_status_num_errors{${s}}[10m]) > 0`,
      for: '15m',
      severity: 'warning',
      summary: 'Fluentd {{ $labels.pod }} output {{ $labels.plugin_id }} fails',
      description: 'Output {{ $labels.plugin_id }} on Fluentd {{ $labels.pod }} has kept failing for 15 minutes ({{ $value }} errors in the last 10 minutes).',
      runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} | grep -i error | tail: mapping conflicts (400), authentication (401/403), Elasticsearch down (connection refused).',
    }),
    ...daemonSetAlerts(ctx),
  ];
}

/**
 * A WebApp: availability and error rates are application-specific (add them with
 * `addRuleGroup`); the catalogue covers its target and its Deployment's replicas and rollout.
 */
export function webAppAlerts(ctx: AlertContext): AlertRule[] {
  return deploymentAlerts(ctx);
}

/** Catalogue entries by profile; each returns the component-specific rules (target alerts come separately). */
export const ALERT_CATALOGUE: Readonly<Record<AlertProfile, (ctx: AlertContext) => AlertRule[]>> = Object.freeze({
  'node-exporter': nodeExporterAlerts,
  'zookeeper': zookeeperAlerts,
  'kafka': kafkaAlerts,
  'elasticsearch': elasticsearchAlerts,
  'fluentd': fluentdAlerts,
  'webapp': webAppAlerts,
});

/** True if `name` is a catalogue profile. */
export function isAlertProfile(name: string): name is AlertProfile {
  return Object.prototype.hasOwnProperty.call(ALERT_CATALOGUE, name);
}

/** Target alerts plus the profile's alerts (none for a component without profile). */
export function componentAlerts(ctx: AlertContext, profile?: AlertProfile): AlertRule[] {
  return [...targetAlerts(ctx), ...(profile ? ALERT_CATALOGUE[profile](ctx) : [])];
}
