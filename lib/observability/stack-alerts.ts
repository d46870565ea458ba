import { Construct } from 'constructs';
import { DEFAULT_RUNBOOK_BASE_URL, runbookUrl } from '../monitoring/alert-catalogue';
import { AlertRule, AlertRuleGroup, PlatformAlertRules } from '../monitoring/alert-rules';
import { equalityMatchers } from '../monitoring/promql';
import { WATCHDOG_ALERT } from './alertmanager-config';
import { PLATFORM_DISCOVERY_LABELS } from './operator-stack-pins';

/** Where the stack's own series come from: the `job` label each monitor gives them, and their namespace. */
export interface StackAlertTargets {
  /** Namespace of the Prometheus, Alertmanager and operator pods. */
  readonly namespace: string;
  /** `job` of Prometheus' own metrics. @default 'prometheus' (the monitor of `Prometheus.metricsEndpoint`) */
  readonly prometheusJob?: string;
  /** `job` of Alertmanager's metrics. @default 'alertmanager' */
  readonly alertmanagerJob?: string;
  /** `job` of the operator's metrics. @default 'prometheus-operator' */
  readonly operatorJob?: string;
  /** Base URL of the runbook pages (`prometheus.md`, `alertmanager.md`). @default DEFAULT_RUNBOOK_BASE_URL */
  readonly runbookBaseUrl?: string;
}

/**
 * Alerts for the monitoring stack's own failures (SPEC §12): Prometheus rule evaluation,
 * notification queue, notification errors, Alertmanager discovery and configuration reloads;
 * Alertmanager configuration reloads, cluster membership and failed notifications; operator
 * reconcile errors and failed syncs; and the always-firing Watchdog that feeds the dead-man's
 * switch (its silence is the alert). Runbooks: docs/runbooks/prometheus.md and alertmanager.md.
 */
export function stackAlertGroups(targets: StackAlertTargets): AlertRuleGroup[] {
  const base = targets.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL;
  const p = equalityMatchers({ job: targets.prometheusJob ?? 'prometheus', namespace: targets.namespace });
  const am = equalityMatchers({ job: targets.alertmanagerJob ?? 'alertmanager', namespace: targets.namespace });
  const op = equalityMatchers({ job: targets.operatorJob ?? 'prometheus-operator', namespace: targets.namespace });
  const rule = (page: string, component: string, r: Omit<AlertRule, 'labels' | 'runbookUrl'>): AlertRule =>
    ({ ...r, labels: { component }, runbookUrl: runbookUrl(base, page, r.alert) });

  return [
    {
      name: 'prometheus',
      rules: [
        rule('prometheus', 'prometheus', {
          alert: 'PrometheusRuleEvaluationFailures',
          expr: `increase(prometheus_rule_evaluation_failures_total{${p}}[5m]) > 0`,
          for: '15m',
          severity: 'critical',
          summary: 'Prometheus {{ $labels.pod }} fails to evaluate rules',
          description: '{{ $value | humanize }} evaluations of rule group {{ $labels.rule_group }} failed in 5 minutes: its alerts may never fire.',
          runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c prometheus | grep -i "rule" | tail; fix the rule (promtool check rules) or the series it reads.',
        }),
        rule('prometheus', 'prometheus', {
          alert: 'PrometheusNotificationQueueRunningFull',
          expr: `predict_linear(prometheus_notifications_queue_length{${p}}[5m], 60 * 30) > min_over_time(prometheus_notifications_queue_capacity{${p}}[5m])`,
          for: '15m',
          severity: 'warning',
          summary: 'Prometheus {{ $labels.pod }} alert queue will be full within 30 minutes',
          description: 'Alerts are queued faster than Alertmanager takes them; once full, alerts are dropped.',
          runbook: 'Check Alertmanager is up and reachable: kubectl -n {{ $labels.namespace }} get pods -l app.kubernetes.io/name=alertmanager',
        }),
        rule('prometheus', 'prometheus', {
          alert: 'PrometheusNotificationsFailing',
          expr: `(rate(prometheus_notifications_errors_total{${p}}[5m]) / rate(prometheus_notifications_sent_total{${p}}[5m])) * 100 > 3`,
          for: '15m',
          severity: 'critical',
          summary: 'Prometheus {{ $labels.pod }} fails to send alerts to {{ $labels.alertmanager }}',
          description: '{{ $value | humanize }}% of the alerts sent to {{ $labels.alertmanager }} fail.',
          runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c prometheus | grep -i notif | tail; check the Alertmanager Service and NetworkPolicy.',
        }),
        rule('prometheus', 'prometheus', {
          alert: 'PrometheusNotConnectedToAlertmanagers',
          expr: `max_over_time(prometheus_notifications_alertmanagers_discovered{${p}}[5m]) < 1`,
          for: '10m',
          severity: 'warning',
          summary: 'Prometheus {{ $labels.pod }} has discovered no Alertmanager',
          description: 'Alerts are evaluated but sent nowhere.',
          runbook: 'kubectl -n {{ $labels.namespace }} get prometheus -o jsonpath="{.items[*].spec.alerting}"; kubectl -n {{ $labels.namespace }} get endpoints',
        }),
        rule('prometheus', 'prometheus', {
          alert: 'PrometheusConfigReloadFailed',
          expr: `max_over_time(prometheus_config_last_reload_successful{${p}}[5m]) == 0`,
          for: '10m',
          severity: 'warning',
          summary: 'Prometheus {{ $labels.pod }} failed to reload its configuration',
          description: 'It keeps running the previous configuration: new monitors and rules are ignored.',
          runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c config-reloader | tail; kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c prometheus | grep -i "reload" | tail',
        }),
      ],
    },
    {
      name: 'alertmanager',
      rules: [
        rule('alertmanager', 'alertmanager', {
          alert: 'AlertmanagerConfigReloadFailed',
          expr: `max_over_time(alertmanager_config_last_reload_successful{${am}}[5m]) == 0`,
          for: '10m',
          severity: 'critical',
          summary: 'Alertmanager {{ $labels.pod }} failed to reload its configuration',
          description: 'It keeps routing with the previous configuration.',
          runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c alertmanager | grep -i config | tail',
        }),
        rule('alertmanager', 'alertmanager', {
          alert: 'AlertmanagerClusterMembersMissing',
          expr: `alertmanager_cluster_members{${am}} < on (job, namespace) group_left () count by (job, namespace) (alertmanager_cluster_members{${am}})`,
          for: '15m',
          severity: 'warning',
          summary: 'Alertmanager {{ $labels.pod }} sees {{ $value }} cluster members',
          description: 'The replicas do not all gossip with each other: silences may not apply everywhere and notifications may be sent twice.',
          runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c alertmanager | grep -i cluster | tail; check port 9094 (TCP and UDP) between the pods.',
        }),
        rule('alertmanager', 'alertmanager', {
          alert: 'AlertmanagerNotificationsFailing',
          expr: `sum by (job, namespace, pod, integration) (rate(alertmanager_notifications_failed_total{${am}}[5m])) / sum by (job, namespace, pod, integration) (rate(alertmanager_notifications_total{${am}}[5m])) > 0.01`,
          for: '5m',
          severity: 'critical',
          summary: 'Alertmanager {{ $labels.pod }} fails to send {{ $labels.integration }} notifications',
          description: '{{ $value | humanizePercentage }} of the {{ $labels.integration }} notifications fail: alerts do not reach anyone.',
          runbook: 'kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} -c alertmanager | grep -i notify | tail; check the receiver Secret and the egress NetworkPolicy.',
        }),
        rule('alertmanager', 'alertmanager', {
          alert: WATCHDOG_ALERT,
          expr: 'vector(1)',
          for: '1m',
          severity: 'info',
          summary: 'The alerting pipeline works (always firing)',
          description: 'Always firing, routed to the dead-man\'s switch: when it stops arriving, Prometheus or Alertmanager is down.',
          runbook: 'Nothing to do while it fires; if the dead-man\'s switch pages, check the Prometheus and Alertmanager pods in the monitoring namespace.',
        }),
      ],
    },
    {
      name: 'prometheus-operator',
      rules: [
        rule('prometheus', 'prometheus-operator', {
          alert: 'PrometheusOperatorReconcileErrors',
          expr: `sum by (job, namespace, controller) (rate(prometheus_operator_reconcile_errors_total{${op}}[5m])) / sum by (job, namespace, controller) (rate(prometheus_operator_reconcile_operations_total{${op}}[5m])) > 0.1`,
          for: '10m',
          severity: 'warning',
          summary: 'Prometheus Operator fails to reconcile {{ $labels.controller }} objects',
          description: '{{ $value | humanizePercentage }} of the reconciliations of {{ $labels.controller }} fail: changes to Prometheus/Alertmanager resources are not applied.',
          runbook: 'kubectl -n {{ $labels.namespace }} logs deploy/prometheus-operator | grep -i error | tail',
        }),
        rule('prometheus', 'prometheus-operator', {
          alert: 'PrometheusOperatorSyncFailed',
          expr: `min_over_time(prometheus_operator_syncs{status="failed",${op}}[5m]) > 0`,
          for: '10m',
          severity: 'warning',
          summary: 'Prometheus Operator cannot sync {{ $labels.controller }} resources',
          description: '{{ $value }} {{ $labels.controller }} resources are in a failed state.',
          runbook: 'kubectl get prometheus,alertmanager -A -o wide; kubectl -n {{ $labels.namespace }} logs deploy/prometheus-operator | grep -i sync | tail',
        }),
      ],
    },
  ];
}

/** Props of {@link StackAlertRules}. */
export interface StackAlertRulesProps extends StackAlertTargets {
  /** `metadata.name` of the PrometheusRule. @default 'monitoring-stack-alerts' */
  readonly name?: string;
  /** Labels the Prometheus `ruleSelector` matches. @default PLATFORM_DISCOVERY_LABELS */
  readonly labels?: Record<string, string>;
}

/** A PrometheusRule holding {@link stackAlertGroups}, in the chart's (monitoring) namespace. */
export class StackAlertRules extends Construct {
  public readonly rules: PlatformAlertRules;

  constructor(scope: Construct, id: string, props: StackAlertRulesProps) {
    super(scope, id);
    this.rules = new PlatformAlertRules(this, 'Rules', {
      name: props.name ?? 'monitoring-stack-alerts',
      labels: { ...(props.labels ?? PLATFORM_DISCOVERY_LABELS) },
      groups: stackAlertGroups(props),
    });
  }
}
