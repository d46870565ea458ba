/**
 * The building blocks of alerting every component shares (kube-prometheus mixin style: each
 * component module exports its own alert rules, written with these): the rule and group types, the
 * context a component's rules are written for, thresholds, runbook links and alert naming.
 * The PrometheusRule construct that renders them is `PlatformAlertRules` in lib/monitoring.
 */

/** How urgent an alert is; Alertmanager routes on the `severity` label. */
export type AlertSeverity = 'critical' | 'warning' | 'info';

export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['critical', 'warning', 'info'];

/** One Prometheus alerting rule. */
export interface AlertRule {
  /** Alert name, PascalCase by convention, e.g. `KafkaOfflinePartitions`. Unique in its PrometheusRule. */
  readonly alert: string;
  /** The PromQL expression; every series it returns is an alert. */
  readonly expr: string;
  /** How long the expression must hold before the alert fires, e.g. `5m`. Required: no alert fires on one bad scrape. */
  readonly for: string;
  /** `critical` pages someone now; `warning` needs attention within working hours; `info` is context. */
  readonly severity: AlertSeverity;
  /** One line, may use `{{ $labels.<name> }}` and `{{ $value }}`. */
  readonly summary: string;
  /** What is wrong and what it affects, may use templates. */
  readonly description: string;
  /** What the operator does first (commands, dashboards), may use templates. Emitted as the `runbook` annotation. */
  readonly runbook: string;
  /**
   * Where the full runbook lives (meaning, impact, diagnosis, fix): emitted as the conventional
   * `runbook_url` annotation, which Alertmanager templates and Grafana link to.
   * @default - `<runbookBaseUrl>#<alert name in lowercase>` when the PrometheusRule has a `runbookBaseUrl`, else none
   */
  readonly runbookUrl?: string;
  /** More labels on the alert (`team`, `component`). `severity` is set from {@link severity}. @default - none */
  readonly labels?: Record<string, string>;
}

/** A group of rules Prometheus evaluates together, sequentially, at one interval. */
export interface AlertRuleGroup {
  /** Group name, unique in the PrometheusRule, e.g. `zookeeper`. */
  readonly name: string;
  /** Evaluation interval. @default - Prometheus' global evaluation interval */
  readonly interval?: string;
  /** At least one rule. */
  readonly rules: AlertRule[];
}

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
export interface AlertContext<T extends object = object> {
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
   * `elasticsearch` kind then alerts `<P>LogRetentionFailing` when its runs stop succeeding.
   * @default - no retention alert
   */
  readonly logRetentionCronJob?: string;
  /** The thresholds of the component's alerts (each component module defines and checks its own). */
  readonly thresholds: T;
  /**
   * The component kind the alerts come from (`kafka`, the key of the catalogue entry): its runbook
   * page (`<kind>.md`) documents the kind's own alerts under their canonical names (`Kafka...`,
   * whatever the component id).
   * @default - set by the catalogue's `componentAlerts`; none for a component without kind
   */
  readonly kind?: string;
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
 * of the shared page when given (alerts every component has), else the kind's canonical alert
 * name (`alertPrefix(kind) + suffix`) on the kind's page.
 */
export function catalogueRule(ctx: AlertContext<object>, suffix: string, r: Omit<AlertRule, 'alert' | 'labels' | 'runbookUrl'>, common?: string): AlertRule {
  const page = common !== undefined || ctx.kind === undefined ? COMMON_RUNBOOK_PAGE : ctx.kind;
  const anchor = common ?? `${alertPrefix(ctx.kind!)}${suffix}`;
  return {
    alert: `${alertPrefix(ctx.component)}${suffix}`,
    ...r,
    labels: { component: ctx.component },
    ...(ctx.runbookBaseUrl ? { runbookUrl: runbookUrl(ctx.runbookBaseUrl, page, anchor) } : {}),
  };
}
