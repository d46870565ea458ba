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
  /**
   * `<P>BufferFull` fires when a Fluentd output buffer has less free space than this, in percent of
   * its `total_limit_size` (at 0% `overflow_action block` stops reading logs). @default 10
   */
  readonly fluentdBufferFreePercent?: number;
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
  /**
   * `<P>OutputFailing` fires when a Fluentd output has not flushed a single chunk for this many
   * minutes (at least 11: a 10-minute window, then `for` the rest). @default 15
   */
  readonly fluentdOutputFailingMinutes?: number;
}

export const DEFAULT_ALERT_THRESHOLDS: Required<AlertThresholds> = Object.freeze({
  filesystemFreePercent: 10,
  zookeeperOutstandingRequests: 10,
  fluentdBufferBytes: 1024 ** 3,
  fluentdBufferFreePercent: 10,
  elasticsearchDiskLowWatermarkPercent: 85,
  elasticsearchDiskHighWatermarkPercent: 90,
  fluentdOutputFailingMinutes: 15,
});

/**
 * Where the runbooks of this library live: `docs/runbooks/` of the project's repository, one
 * Markdown page per component (`kafka.md`, ...) plus `common.md` for the alerts every component
 * shares (targets, StatefulSet/DaemonSet/Deployment health), a `##` heading per alert.
 */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://github.com/cdk8s-platform/cdk8s-platform/blob/main/docs/runbooks';

/** The runbook page of the alerts every component shares (targets and workload health). */
export const COMMON_RUNBOOK_PAGE = 'common';

/**
 * `runbook_url` of an alert: `<base>/<page>.md#<anchor in lowercase>`, the anchor GitHub and most
 * Markdown renderers give the heading `## <anchor>`.
 */
export function runbookUrl(baseUrl: string, page: string, anchor: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${page}.md#${anchor.toLowerCase()}`;
}

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
  /**
   * Name of the log retention CronJob (`LogRetention`) in the component's namespace: the
   * `elasticsearch` profile then alerts `<P>LogRetentionFailing` when its runs stop succeeding.
   * @default - no retention alert
   */
  readonly logRetentionCronJob?: string;
  readonly thresholds: Required<AlertThresholds>;
  /**
   * The catalogue entry the alerts come from: its runbook page (`<profile>.md`) documents the
   * profile's own alerts under their canonical names (`Kafka...`, whatever the component id).
   * @default - set by {@link componentAlerts}; none for a component without profile
   */
  readonly profile?: AlertProfile;
  /** Base URL of the runbook pages (see {@link runbookUrl}). @default - no `runbook_url` annotations */
  readonly runbookBaseUrl?: string;
}

/** `node-exporter` -> `NodeExporter`: the prefix of every alert name of a component. */
export function alertPrefix(component: string): string {
  return component.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0)
    .map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

/**
 * One catalogue rule named `<component prefix><suffix>`. Its runbook is the heading `common`
 * of the shared page when given (alerts every component has), else the profile's canonical alert
 * name (`alertPrefix(profile) + suffix`) on the profile's page.
 */
function rule(ctx: AlertContext, suffix: string, r: Omit<AlertRule, 'alert' | 'labels' | 'runbookUrl'>, common?: string): AlertRule {
  const page = common !== undefined || ctx.profile === undefined ? COMMON_RUNBOOK_PAGE : ctx.profile;
  const anchor = common ?? `${alertPrefix(ctx.profile!)}${suffix}`;
  return {
    alert: `${alertPrefix(ctx.component)}${suffix}`,
    ...r,
    labels: { component: ctx.component },
    ...(ctx.runbookBaseUrl ? { runbookUrl: runbookUrl(ctx.runbookBaseUrl, page, anchor) } : {}),
  };
}

function workloadMatchers(ctx: AlertContext, kindLabel: 'statefulset' | 'daemonset' | 'deployment'): string {
  return ctx.workload ? `${ctx.kubeStateMetrics},${kindLabel}=${promqlString(ctx.workload)}` : ctx.kubeStateMetrics;
}

/**
 * Every component: a scrape target down, and no target at all (selector or port name matches
 * nothing, workload deleted or scaled to zero, namespace gone). Prometheus Operator monitors keep
 * scraping pods that are not Ready, so a crash-looping pod shows as a target that is down.
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
    }, 'TargetDown'),
    rule(ctx, 'TargetsAbsent', {
      expr: `absent(up{${ctx.series}})`,
      for: '10m',
      severity: 'critical',
      summary: `no ${ctx.component} target discovered in namespace ${ctx.namespace}`,
      description: `Prometheus has found no ${ctx.component} scrape target in namespace ${ctx.namespace} for 10 minutes: the workload is gone or scaled to zero, or its Service/pods no longer carry the monitor's selector labels or metrics port name.`,
      runbook: `kubectl -n ${ctx.namespace} get pods,svc,endpoints -l ${ctx.kubectlSelector}; compare with the ServiceMonitor/PodMonitor ${ctx.component} in the monitoring namespace and the Prometheus targets page.`,
    }, 'TargetsAbsent'),
  ];
}

/**
 * kube-state-metrics knows nothing about the workload (kube-state-metrics not scraped, not
 * scraped with `honorLabels`, or the workload deleted): every rollout alert built on it is blind.
 */
function workloadMetricsAbsent(ctx: AlertContext, kind: 'StatefulSet' | 'DaemonSet' | 'Deployment', metric: string, ksm: string): AlertRule {
  const what = ctx.workload ? `${kind} ${ctx.namespace}/${ctx.workload}` : `any ${kind} in namespace ${ctx.namespace}`;
  return rule(ctx, `${kind}MetricsAbsent`, {
    expr: `absent(${metric}{${ksm}})`,
    for: '15m',
    severity: 'warning',
    summary: `kube-state-metrics reports nothing about ${what}`,
    description: `For 15 minutes no kube-state-metrics series has described ${what}: either kube-state-metrics is not scraped (or not with honorLabels: true) or the ${kind} no longer exists. The ${ctx.component} rollout alerts are blind meanwhile.`,
    runbook: `kubectl -n ${ctx.namespace} get ${kind.toLowerCase()}${ctx.workload ? ` ${ctx.workload}` : ''}; in Prometheus: ${metric}{namespace="${ctx.namespace}"} and up{job="kube-state-metrics"}; check the kube-state-metrics ServiceMonitor sets honorLabels: true.`,
  }, `${kind}MetricsAbsent`);
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
    }, 'DaemonSetRolloutStuck'),
    rule(ctx, 'DaemonSetPodsUnavailable', {
      expr: `kube_daemonset_status_number_unavailable{${ksm}} > 0`,
      for: '15m',
      severity: 'warning',
      summary: 'DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} has unavailable pods',
      description: '{{ $value }} nodes that should run DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} have had no available pod for 15 minutes; those nodes are not covered.',
      runbook: `kubectl -n {{ $labels.namespace }} get pods -l ${ctx.kubectlSelector} -o wide; describe the pods that are not Ready (image pull, crash loop, host port 9100/24231 taken, a taint not tolerated).`,
    }, 'DaemonSetPodsUnavailable'),
    workloadMetricsAbsent(ctx, 'DaemonSet', 'kube_daemonset_status_desired_number_scheduled', ksm),
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
    }, 'StatefulSetRolloutStuck'),
    rule(ctx, 'StatefulSetReplicasNotReady', {
      expr: `kube_statefulset_status_replicas_ready{${ksm}} < kube_statefulset_replicas{${ksm}}`,
      for: '15m',
      severity: 'warning',
      summary: 'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has replicas not ready',
      description: 'Only {{ $value }} replicas of StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} have been Ready for 15 minutes; one more failure may cost the quorum or data redundancy.',
      runbook: 'kubectl -n {{ $labels.namespace }} get pods -o wide; describe the pods that are not Ready (PVC pending, node gone, probe failing); check PodDisruptionBudgets before draining more nodes.',
    }, 'StatefulSetReplicasNotReady'),
    workloadMetricsAbsent(ctx, 'StatefulSet', 'kube_statefulset_replicas', ksm),
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
    }, 'DeploymentReplicasUnavailable'),
    rule(ctx, 'RolloutStuck', {
      expr: `kube_deployment_status_condition{${ksm},condition="Progressing",status="false"} == 1`,
      for: '5m',
      severity: 'warning',
      summary: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} rollout exceeded its progress deadline',
      description: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} reports Progressing=False (ProgressDeadlineExceeded): new pods do not become Ready and the rollout has stopped.',
      runbook: 'kubectl -n {{ $labels.namespace }} rollout status deploy/{{ $labels.deployment }}; kubectl -n {{ $labels.namespace }} rollout history deploy/{{ $labels.deployment }}; kubectl -n {{ $labels.namespace }} rollout undo deploy/{{ $labels.deployment }}.',
    }, 'DeploymentRolloutStuck'),
    workloadMetricsAbsent(ctx, 'Deployment', 'kube_deployment_status_replicas_unavailable', ksm),
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
 * unregisters its server metrics but still answers on the metrics port; a server whose JVM is
 * gone does not answer at all (`up` 0), which `NoLeader` counts as well.
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
      // Counts discovered servers, not answering ones: with every JVM down `up` is 0 everywhere
      // and the ensemble has no leader either. A single server (standalone) has no leader at all.
      expr: `(\n  count by (job, namespace) (up{${s}}) > 1\n)\nunless on (job, namespace)\n  count by (job, namespace) (leader_uptime{${s}})`,
      for: '5m',
      severity: 'critical',
      summary: 'ZooKeeper ensemble in {{ $labels.namespace }} has no leader',
      description: 'None of the {{ $value }} ZooKeeper servers in namespace {{ $labels.namespace }} has been leader for 5 minutes (down, or up without quorum): the ensemble has no quorum, so every client (Kafka) fails.',
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
 * Kafka through the JMX exporter sidecar of the KafkaCluster construct (standalone HTTP server,
 * jmx_exporter 1.1.0). The sidecar answers even when the Kafka JVM next to it is down: `up` stays
 * 1, its own `jmx_scrape_error` turns 1 and every `kafka_*` series vanishes. So:
 * - `NodeDown` watches `jmx_scrape_error` per pod (a crash loop counts: more than half the
 *   scrapes of the last 10 minutes failed);
 * - `NoActiveController` fires when the cluster-wide sum is not exactly 1, and also when targets
 *   exist but no node reports the metric at all (every broker down);
 * - `OfflinePartitions` takes the `max`: every KRaft controller reports the cluster-wide count
 *   (a sum would triple it), and in ZooKeeper mode only the active controller reports non-zero.
 * Metrics read: `kafka_server_replicamanager_underreplicatedpartitions` (per broker),
 * `kafka_controller_kafkacontroller_offlinepartitionscount` and
 * `kafka_controller_kafkacontroller_activecontrollercount` (controller level).
 */
export function kafkaAlerts(ctx: AlertContext): AlertRule[] {
  const s = ctx.series;
  const active = `kafka_controller_kafkacontroller_activecontrollercount{${s}}`;
  return [
    rule(ctx, 'NodeDown', {
      expr: `avg_over_time(jmx_scrape_error{${s}}[10m]) > 0.5`,
      for: '5m',
      severity: 'warning',
      summary: 'Kafka node {{ $labels.pod }} is down (its JMX exporter cannot read it)',
      description: 'The JMX exporter next to Kafka in pod {{ $labels.pod }} (namespace {{ $labels.namespace }}) answers, but more than half of its reads of the Kafka JVM failed over the last 10 minutes ({{ $value | humanizePercentage }}): the broker or controller is down, restarting in a loop or hung, and its kafka_* metrics are missing.',
      runbook: 'kubectl -n {{ $labels.namespace }} get pod {{ $labels.pod }}; kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c kafka --previous | tail -50; kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c jmx-exporter | tail.',
    }),
    rule(ctx, 'UnderReplicatedPartitions', {
      expr: `kafka_server_replicamanager_underreplicatedpartitions{${s}} > 0`,
      for: '10m',
      severity: 'warning',
      summary: 'Kafka broker {{ $labels.pod }} leads {{ $value }} under-replicated partitions',
      description: 'Kafka broker {{ $labels.pod }} in namespace {{ $labels.namespace }} has led partitions whose followers are out of sync for 10 minutes: another broker failure may lose acknowledged data or block producers (min.insync.replicas).',
      runbook: 'kafka-topics.sh --bootstrap-server <bootstrap> --describe --under-replicated-partitions; find the broker missing from the ISR (down, disk full, network), fix it and wait for the ISR to grow back before restarting any other broker.',
    }),
    rule(ctx, 'OfflinePartitions', {
      expr: `max by (job, namespace) (kafka_controller_kafkacontroller_offlinepartitionscount{${s}}) > 0`,
      for: '5m',
      severity: 'critical',
      summary: '{{ $value }} Kafka partitions are offline in {{ $labels.namespace }}',
      description: 'The Kafka controller in namespace {{ $labels.namespace }} has reported {{ $value }} partitions without a leader for 5 minutes: producers and consumers of those partitions fail.',
      runbook: 'kafka-topics.sh --bootstrap-server <bootstrap> --describe --unavailable-partitions; bring back the brokers that host their replicas (kubectl -n {{ $labels.namespace }} get pods); unclean leader election is off on purpose, do not enable it without accepting data loss.',
    }),
    rule(ctx, 'NoActiveController', {
      expr: [
        `sum by (job, namespace) (${active}) != 1`,
        'or on (job, namespace)',
        '(',
        `  0 * count by (job, namespace) (up{${s}})`,
        `  unless on (job, namespace) count by (job, namespace) (${active})`,
        ')',
      ].join('\n'),
      for: '5m',
      severity: 'critical',
      summary: 'Kafka cluster in {{ $labels.namespace }} has {{ $value }} active controllers',
      description: 'Kafka in namespace {{ $labels.namespace }} has had {{ $value }} active controllers (exactly 1 expected) for 5 minutes: with none (every node down, or no controller elected) no leader election or topic change happens; more than one means a split brain.',
      runbook: 'kubectl -n {{ $labels.namespace }} get pods -l app.kubernetes.io/name=kafka; check the KafkaNodeDown alerts; check the brokers reach ZooKeeper (or the KRaft controller quorum): kubectl -n {{ $labels.namespace }} logs <broker> -c kafka | grep -i controller; restart the broker that wrongly claims the controller role.',
    }),
    ...statefulSetAlerts(ctx),
  ];
}

/**
 * Elasticsearch through prometheus-community/elasticsearch_exporter (a sidecar calling the
 * Elasticsearch container next to it): `elasticsearch_cluster_health_status{cluster, color}` is 1
 * for the current color, 0 otherwise. When the exporter cannot get the health it emits no status
 * series at all (v1.10 `collector/cluster_health.go`), so red/yellow go silent exactly when
 * Elasticsearch is down: `HealthUnknown` (one pod) and `ClusterUnavailable` (every pod) cover it.
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
      description: 'The Elasticsearch exporter {{ $labels.pod }} in namespace {{ $labels.namespace }} answers but has reported no cluster health for 10 minutes: it cannot reach or authenticate to the Elasticsearch container next to it, so the red/yellow alerts are blind there.',
      runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c exporter | tail; the exporter is a sidecar calling Elasticsearch on 127.0.0.1:9200: check its --es.uri, the credentials Secret (security on) and that Elasticsearch itself answers.',
    }),
    rule(ctx, 'DiskWatermarkLow', {
      expr: `100 * (1 - elasticsearch_filesystem_data_available_bytes{${s}} / elasticsearch_filesystem_data_size_bytes{${s}}) > ${ctx.thresholds.elasticsearchDiskLowWatermarkPercent}`,
      for: '15m',
      severity: 'warning',
      summary: 'Elasticsearch node {{ $labels.name }} data disk is {{ $value | humanize }}% full',
      description: `The data path {{ $labels.path }} of Elasticsearch node {{ $labels.name }} (pod {{ $labels.pod }}, namespace {{ $labels.namespace }}) has been more than ${ctx.thresholds.elasticsearchDiskLowWatermarkPercent}% full for 15 minutes: past the low disk watermark Elasticsearch allocates no new replica shards to it; at the high watermark it moves shards away, at 95% (flood stage) it makes the indices read-only and Fluentd's writes fail.`,
      runbook: 'kubectl -n {{ $labels.namespace }} exec {{ $labels.pod }} -c elasticsearch -- curl -s "localhost:9200/_cat/allocation?v" and "_cat/indices/logstash-*?v&s=index"; check the retention CronJob ran (kubectl get cronjob,jobs); lower retentionDays or grow the volumes.',
    }),
    rule(ctx, 'DiskWatermarkHigh', {
      expr: `100 * (1 - elasticsearch_filesystem_data_available_bytes{${s}} / elasticsearch_filesystem_data_size_bytes{${s}}) > ${ctx.thresholds.elasticsearchDiskHighWatermarkPercent}`,
      for: '5m',
      severity: 'critical',
      summary: 'Elasticsearch node {{ $labels.name }} data disk is {{ $value | humanize }}% full (high watermark)',
      description: `The data path {{ $labels.path }} of Elasticsearch node {{ $labels.name }} (pod {{ $labels.pod }}, namespace {{ $labels.namespace }}) has been more than ${ctx.thresholds.elasticsearchDiskHighWatermarkPercent}% full for 5 minutes: Elasticsearch is relocating shards away from it; at 95% it blocks writes to every index with a shard there (index.blocks.read_only_allow_delete) and logs stop arriving.`,
      runbook: 'Free space now: delete the oldest log indices (curl -X DELETE localhost:9200/logstash-<oldest date>), then lower retentionDays or grow the volumes; check the retention CronJob.',
    }),
    rule(ctx, 'IndicesReadOnly', {
      expr: `max by (job, namespace) (elasticsearch_indices_settings_stats_read_only_indices{${s}}) > 0`,
      for: '5m',
      severity: 'critical',
      summary: '{{ $value }} Elasticsearch indices in {{ $labels.namespace }} are read-only',
      description: '{{ $value }} indices in the Elasticsearch cluster of namespace {{ $labels.namespace }} have carried index.blocks.read_only_allow_delete for 5 minutes (a node passed the 95% flood-stage disk watermark): every write to them fails, Fluentd retries and buffers, and once its buffer is full it stops reading container logs.',
      runbook: 'Free disk below the high watermark first (delete old log indices); Elasticsearch 8 lifts the block by itself once usage falls below the high watermark, else: curl -X PUT localhost:9200/_all/_settings -H "Content-Type: application/json" -d \'{"index.blocks.read_only_allow_delete": null}\'.',
    }),
    rule(ctx, 'ClusterUnavailable', {
      expr: `count by (job, namespace) (up{${s}})\nunless on (job, namespace)\n  count by (job, namespace) (elasticsearch_cluster_health_status{${s}})`,
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
  const created = `kube_cronjob_created{${m}}`;
  return rule(ctx, 'LogRetentionFailing', {
    expr: [
      'time() - (',
      `  kube_cronjob_status_last_successful_time{${m}}`,
      `  or ${created}`,
      ')',
      '> (',
      `  clamp_min(3 * (kube_cronjob_next_schedule_time{${m}} - kube_cronjob_status_last_schedule_time{${m}}), 3600)`,
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
export function fluentdAlerts(ctx: AlertContext): AlertRule[] {
  const s = ctx.series;
  return [
    rule(ctx, 'OutputRetrying', {
      expr: `increase(fluentd_output_status_num_errors{${s}}[10m]) > 0\nand\n  min_over_time(fluentd_output_status_retry_wait{${s}}[10m]) == 0`,
      for: '20m',
      severity: 'warning',
      summary: 'Fluentd {{ $labels.pod }} keeps retrying output {{ $labels.plugin_id }}',
      description: 'Fluentd {{ $labels.pod }} on node {{ $labels.node }} has had failed flushes of output {{ $labels.plugin_id }} ({{ $labels.type }}) for 20 minutes ({{ $value }} in the last 10 minutes), each time recovering: the destination (Elasticsearch) is slow, rejects some requests (429, timeouts) or flaps; delivery lags.',
      runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} | grep -E "failed to flush|retry succeeded" | tail; check Elasticsearch write rejections (_cat/thread_pool/write) and latency, and the ElasticsearchClusterYellow/Red alerts.',
    }),
    rule(ctx, 'OutputFailing', {
      expr: `min_over_time(fluentd_output_status_retry_wait{${s}}[10m]) > 0`,
      for: `${Math.max(1, ctx.thresholds.fluentdOutputFailingMinutes - 10)}m`,
      severity: 'warning',
      summary: 'Fluentd {{ $labels.pod }} output {{ $labels.plugin_id }} fails',
      description: `Output {{ $labels.plugin_id }} ({{ $labels.type }}) on Fluentd {{ $labels.pod }} (node {{ $labels.node }}) has not flushed a single chunk for ${Math.max(11, ctx.thresholds.fluentdOutputFailingMinutes)} minutes: every attempt fails and it retries with backoff (next wait {{ $value }}s). Logs pile up in the buffer until it is full.`,
      runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} | grep -i "failed to flush" | tail: connection refused/timeouts (Elasticsearch down, NetworkPolicy), 401/403 (credentials), TLS errors; see the Elasticsearch alerts.',
    }),
    rule(ctx, 'BufferQueueGrowing', {
      expr: `fluentd_output_status_buffer_queue_length{${s}} > 0\nand deriv(fluentd_output_status_buffer_queue_length{${s}}[15m]) > 0`,
      for: '30m',
      severity: 'warning',
      summary: 'Fluentd {{ $labels.pod }} buffer queue of {{ $labels.plugin_id }} keeps growing',
      description: 'The buffer queue of output {{ $labels.plugin_id }} on Fluentd {{ $labels.pod }} (node {{ $labels.node }}) has grown for 30 minutes ({{ $value }} chunks): the output is slower than the log volume; once the buffer is full it stops growing and FluentdBufferFull takes over.',
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
    rule(ctx, 'BufferFull', {
      expr: `fluentd_output_status_buffer_available_space_ratio{${s}} < ${ctx.thresholds.fluentdBufferFreePercent}`,
      for: '5m',
      severity: 'critical',
      summary: 'Fluentd {{ $labels.pod }} buffer of {{ $labels.plugin_id }} is full',
      description: `Output {{ $labels.plugin_id }} on Fluentd {{ $labels.pod }} (node {{ $labels.node }}) has had only {{ $value }}% of its buffer (total_limit_size) free for 5 minutes (threshold ${ctx.thresholds.fluentdBufferFreePercent}%). At 0% overflow_action block stops reading container logs on that node: new lines wait in the log files and are lost when the runtime rotates them away.`,
      runbook: 'Make the output flush again first (see FluentdOutputFailing, Elasticsearch alerts); kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} | grep -i "buffer space has too many data"; never delete buffer chunks to make room unless losing those logs is accepted.',
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
  const withProfile: AlertContext = { ...ctx, profile };
  return [...targetAlerts(withProfile), ...(profile ? ALERT_CATALOGUE[profile](withProfile) : [])];
}
