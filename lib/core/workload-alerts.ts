import { AlertContext, AlertRule, catalogueRule } from './alerting';
import { KUBE_STATE_METRIC, PROMETHEUS_METRIC } from './metrics-contract';
import { promqlString } from './promql';

/**
 * Alerts every component shares, whatever its kind: scrape targets, and the health of its
 * StatefulSet, DaemonSet or Deployment from kube-state-metrics (runbooks on the `common` page).
 */

export function workloadMatchers(ctx: AlertContext, kindLabel: 'statefulset' | 'daemonset' | 'deployment'): string {
  return ctx.workload ? `${ctx.kubeStateMetrics},${kindLabel}=${promqlString(ctx.workload)}` : ctx.kubeStateMetrics;
}

/**
 * Every component: a scrape target down, and no target at all (selector or port name matches
 * nothing, workload deleted or scaled to zero, namespace gone). Prometheus Operator monitors keep
 * scraping pods that are not Ready, so a crash-looping pod shows as a target that is down.
 */
export function targetAlerts(ctx: AlertContext): AlertRule[] {
  return [
    catalogueRule(ctx, 'TargetDown', {
      expr: `${PROMETHEUS_METRIC.up}{${ctx.series}} == 0`,
      for: '5m',
      severity: 'warning',
      summary: `${ctx.component} target {{ $labels.instance }} is down`,
      description: `Prometheus has failed to scrape ${ctx.component} pod {{ $labels.pod }} ({{ $labels.instance }}) in namespace {{ $labels.namespace }} for 5 minutes; its metrics and the alerts built on them are blind.`,
      runbook: 'kubectl -n {{ $labels.namespace }} get pod {{ $labels.pod }} -o wide; kubectl -n {{ $labels.namespace }} describe pod {{ $labels.pod }}; check the container is Ready, serves the metrics port, and that its NetworkPolicy admits the monitoring namespace.',
    }, 'TargetDown'),
    catalogueRule(ctx, 'TargetsAbsent', {
      expr: `absent(${PROMETHEUS_METRIC.up}{${ctx.series}})`,
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
  return catalogueRule(ctx, `${kind}MetricsAbsent`, {
    expr: `absent(${metric}{${ksm}})`,
    for: '15m',
    severity: 'warning',
    summary: `kube-state-metrics reports nothing about ${what}`,
    description: `For 15 minutes no kube-state-metrics series has described ${what}: either kube-state-metrics is not scraped (or not with honorLabels: true) or the ${kind} no longer exists. The ${ctx.component} rollout alerts are blind meanwhile.`,
    runbook: `kubectl -n ${ctx.namespace} get ${kind.toLowerCase()}${ctx.workload ? ` ${ctx.workload}` : ''}; in Prometheus: ${metric}{namespace="${ctx.namespace}"} and ${PROMETHEUS_METRIC.up}{job="kube-state-metrics"}; check the kube-state-metrics ServiceMonitor sets honorLabels: true.`,
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
    catalogueRule(ctx, 'DaemonSetRolloutStuck', {
      expr: [
        '(',
        `  ${KUBE_STATE_METRIC.kubeDaemonsetStatusUpdatedNumberScheduled}{${ksm}}`,
        `    != ${KUBE_STATE_METRIC.kubeDaemonsetStatusDesiredNumberScheduled}{${ksm}}`,
        ')',
        'and on (namespace, daemonset)',
        `  changes(${KUBE_STATE_METRIC.kubeDaemonsetStatusUpdatedNumberScheduled}{${ksm}}[10m]) == 0`,
      ].join('\n'),
      for: '30m',
      severity: 'warning',
      summary: 'DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} rollout is stuck',
      description: 'Only {{ $value }} pods of DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} run the current template and none has been updated for 30 minutes: a RollingUpdate halts on the first pod that does not become Ready (bad image, crash loop, node without resources).',
      runbook: 'kubectl -n {{ $labels.namespace }} rollout status ds/{{ $labels.daemonset }}; kubectl -n {{ $labels.namespace }} get pods -o wide to find the failing pod; fix the template or roll back with kubectl -n {{ $labels.namespace }} rollout undo ds/{{ $labels.daemonset }} --to-revision=<n> (see rollout history).',
    }, 'DaemonSetRolloutStuck'),
    catalogueRule(ctx, 'DaemonSetPodsUnavailable', {
      expr: `${KUBE_STATE_METRIC.kubeDaemonsetStatusNumberUnavailable}{${ksm}} > 0`,
      for: '15m',
      severity: 'warning',
      summary: 'DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} has unavailable pods',
      description: '{{ $value }} nodes that should run DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} have had no available pod for 15 minutes; those nodes are not covered.',
      runbook: `kubectl -n {{ $labels.namespace }} get pods -l ${ctx.kubectlSelector} -o wide; describe the pods that are not Ready (image pull, crash loop, host port 9100/24231 taken, a taint not tolerated).`,
    }, 'DaemonSetPodsUnavailable'),
    workloadMetricsAbsent(ctx, 'DaemonSet', KUBE_STATE_METRIC.kubeDaemonsetStatusDesiredNumberScheduled, ksm),
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
    catalogueRule(ctx, 'StatefulSetRolloutStuck', {
      expr: [
        '(',
        '  max without (revision) (',
        `    ${KUBE_STATE_METRIC.kubeStatefulsetStatusCurrentRevision}{${ksm}}`,
        `      unless ${KUBE_STATE_METRIC.kubeStatefulsetStatusUpdateRevision}{${ksm}}`,
        '  )',
        '  or',
        `  ${KUBE_STATE_METRIC.kubeStatefulsetStatusReplicasUpdated}{${ksm}} < ${KUBE_STATE_METRIC.kubeStatefulsetReplicas}{${ksm}}`,
        ')',
        'and on (namespace, statefulset)',
        `  changes(${KUBE_STATE_METRIC.kubeStatefulsetStatusReplicasUpdated}{${ksm}}[10m]) == 0`,
      ].join('\n'),
      for: '30m',
      severity: 'warning',
      summary: 'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} rollout is stuck',
      description: 'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has pods on an old revision (or fewer updated replicas than desired) and no pod has been updated for 30 minutes. Pods are replaced in reverse ordinal order and each must become Ready: the rollout halts at the first one that does not. Expected while a rollout is staged with a partition.',
      runbook: 'kubectl -n {{ $labels.namespace }} rollout status sts/{{ $labels.statefulset }}; kubectl -n {{ $labels.namespace }} get sts {{ $labels.statefulset }} -o jsonpath="{.spec.updateStrategy}{.status}"; describe the highest-ordinal pod that is not Ready; fix the template (or revert it) and delete that pod so it is recreated.',
    }, 'StatefulSetRolloutStuck'),
    catalogueRule(ctx, 'StatefulSetReplicasNotReady', {
      expr: `${KUBE_STATE_METRIC.kubeStatefulsetStatusReplicasReady}{${ksm}} < ${KUBE_STATE_METRIC.kubeStatefulsetReplicas}{${ksm}}`,
      for: '15m',
      severity: 'warning',
      summary: 'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has replicas not ready',
      description: 'Only {{ $value }} replicas of StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} have been Ready for 15 minutes; one more failure may cost the quorum or data redundancy.',
      runbook: 'kubectl -n {{ $labels.namespace }} get pods -o wide; describe the pods that are not Ready (PVC pending, node gone, probe failing); check PodDisruptionBudgets before draining more nodes.',
    }, 'StatefulSetReplicasNotReady'),
    workloadMetricsAbsent(ctx, 'StatefulSet', KUBE_STATE_METRIC.kubeStatefulsetReplicas, ksm),
  ];
}

/** Deployment availability from kube-state-metrics (WebApp). Needs kube-state-metrics scraped with `honorLabels: true`. */
export function deploymentAlerts(ctx: AlertContext): AlertRule[] {
  const ksm = workloadMatchers(ctx, 'deployment');
  return [
    catalogueRule(ctx, 'ReplicasUnavailable', {
      expr: `${KUBE_STATE_METRIC.kubeDeploymentStatusReplicasUnavailable}{${ksm}} > 0`,
      for: '15m',
      severity: 'warning',
      summary: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has unavailable replicas',
      description: '{{ $value }} replicas of Deployment {{ $labels.namespace }}/{{ $labels.deployment }} have been unavailable for 15 minutes; the service runs with reduced capacity.',
      runbook: 'kubectl -n {{ $labels.namespace }} get deploy,rs,pods -o wide; describe the pods that are not Ready; roll back a bad image with kubectl -n {{ $labels.namespace }} rollout undo deploy/{{ $labels.deployment }}.',
    }, 'DeploymentReplicasUnavailable'),
    catalogueRule(ctx, 'RolloutStuck', {
      expr: `${KUBE_STATE_METRIC.kubeDeploymentStatusCondition}{${ksm},condition="Progressing",status="false"} == 1`,
      for: '5m',
      severity: 'warning',
      summary: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} rollout exceeded its progress deadline',
      description: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} reports Progressing=False (ProgressDeadlineExceeded): new pods do not become Ready and the rollout has stopped.',
      runbook: 'kubectl -n {{ $labels.namespace }} rollout status deploy/{{ $labels.deployment }}; kubectl -n {{ $labels.namespace }} rollout history deploy/{{ $labels.deployment }}; kubectl -n {{ $labels.namespace }} rollout undo deploy/{{ $labels.deployment }}.',
    }, 'DeploymentRolloutStuck'),
    workloadMetricsAbsent(ctx, 'Deployment', KUBE_STATE_METRIC.kubeDeploymentStatusReplicasUnavailable, ksm),
  ];
}
