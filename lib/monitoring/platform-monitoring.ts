import { Construct } from 'constructs';
import { MetricsEndpoint } from '../core/metrics';
import { checkPrometheusLabelName, equalityMatchers } from '../core/promql';
import { check, checkDnsLabel, checkLabels } from '../core/validation';
import {
  AlertContext,
  AlertComponentKind,
  AlertThresholds,
  ALERT_CATALOGUE,
  componentAlerts,
  DEFAULT_RUNBOOK_BASE_URL,
  isAlertComponentKind,
  resolveAlertThresholds,
} from './alert-catalogue';
import { AlertRuleGroup, PlatformAlertRules } from './alert-rules';
import { MetricsMonitor } from './metrics-monitor';

/** Props of {@link PlatformMonitoring}. */
export interface PlatformMonitoringProps {
  /** The components to scrape (each construct's `metricsEndpoint`); more with {@link PlatformMonitoring.addEndpoint}. @default - none */
  readonly endpoints?: MetricsEndpoint[];
  /**
   * Labels on every ServiceMonitor/PodMonitor, matched by the Prometheus `serviceMonitorSelector` /
   * `podMonitorSelector` (kube-prometheus-stack: `release: <helm release>`).
   * @default { prometheus: 'platform' }
   */
  readonly monitorLabels?: Record<string, string>;
  /** Labels on the PrometheusRule, matched by the Prometheus `ruleSelector`. @default { prometheus: 'platform' } */
  readonly ruleLabels?: Record<string, string>;
  /**
   * Emit the PrometheusRule with one alert group per component (target alerts plus the
   * component's catalogue entry). With `false`, only monitors are emitted; a group added with
   * {@link PlatformMonitoring.addRuleGroup} still creates the PrometheusRule. @default true
   */
  readonly alerts?: boolean;
  /** `metadata.name` of the PrometheusRule. @default 'platform-alerts' */
  readonly ruleName?: string;
  /**
   * Component kind (catalogue entry) per component id, for components whose id is not itself a
   * kind (e.g. `{ shop: 'webapp' }`); `'none'` keeps only the target alerts.
   * @default - the component id when it is a kind (`node-exporter`, `zookeeper`, `kafka`, `elasticsearch`, `fluentd`, `webapp`), else none
   */
  readonly alertKinds?: Record<string, AlertComponentKind | 'none'>;
  /**
   * StatefulSet / DaemonSet / Deployment name per component id, to narrow the kube-state-metrics
   * rollout alerts to that workload (e.g. `{ zookeeper: 'zk', kafka: 'kafka' }`).
   * @default - every workload of that kind in the component's namespace
   */
  readonly workloads?: Record<string, string>;
  /**
   * The log retention CronJob (`LogRetention.name`, in the component's namespace) per component id
   * of the `elasticsearch` kind, e.g. `{ elasticsearch: efk.retention.name }`: adds
   * `<P>LogRetentionFailing`, which fires when its runs stop succeeding (nothing would delete old
   * log indices any more). Only for components with the `elasticsearch` kind.
   * @default - no retention alert
   */
  readonly logRetentionCronJobs?: Record<string, string>;
  /**
   * Label matchers of the kube-state-metrics series. The rollout alerts need kube-state-metrics
   * scraped with `honorLabels: true` (kube-prometheus-stack's default) so its `namespace`,
   * `statefulset`, `daemonset` and `deployment` labels name the Kubernetes object.
   * @default { job: 'kube-state-metrics' }
   */
  readonly kubeStateMetricsSelector?: Record<string, string>;
  /** Alert thresholds. @default DEFAULT_ALERT_THRESHOLDS */
  readonly thresholds?: AlertThresholds;
  /**
   * Where the runbook pages live: every catalogue alert gets the conventional `runbook_url`
   * annotation `<base>/<page>.md#<alert name in lowercase>`, where `<page>` is the alert's component kind
   * (`zookeeper`, `kafka`, `elasticsearch`, `fluentd`, `node-exporter`) or `common` for the alerts
   * every component shares (`TargetDown`, `StatefulSetRolloutStuck`, ...; anchors without the
   * component prefix). The pages are `docs/runbooks/*.md` of this repository, a `##` heading per
   * alert. To use your own copy, point this at your fork
   * (`https://github.com/<you>/<fork>/blob/<branch>/docs/runbooks`) or at any site (wiki,
   * internal docs) that serves those files under the same names and heading anchors.
   * Alerts added with {@link PlatformMonitoring.addRuleGroup} carry their own `runbookUrl`.
   * @default DEFAULT_RUNBOOK_BASE_URL
   */
  readonly runbookBaseUrl?: string;
}

/**
 * Monitoring for the whole platform (SPEC §8): one {@link MetricsMonitor} (ServiceMonitor or
 * PodMonitor) per {@link MetricsEndpoint}, and one PrometheusRule whose groups are named after the
 * components: target down/absent for every component, plus the catalogue alerts of its kind
 * (ZooKeeper not serving/no leader, Kafka nodes down, under-replicated/offline partitions and
 * controller, Elasticsearch red/yellow/unavailable, Fluentd retries, failing outputs and full
 * buffers, node filesystems, DaemonSet/StatefulSet rollouts stuck, Deployment replicas
 * unavailable, kube-state-metrics missing). Every catalogue alert carries a `runbook_url` to its
 * page in `docs/runbooks/`. Custom groups join with {@link addRuleGroup}.
 *
 * Lives in the monitoring chart (its namespace holds every monitor and the rule); the rollout
 * alerts need kube-state-metrics, which the Prometheus Operator stack ships.
 */
export class PlatformMonitoring extends Construct {
  public readonly monitors: MetricsMonitor[] = [];
  private rulesObject?: PlatformAlertRules;
  private readonly props: PlatformMonitoringProps;
  private readonly thresholds: Required<AlertThresholds>;
  private readonly kubeStateMetrics: string;
  private readonly runbookBaseUrl: string;

  constructor(scope: Construct, id: string, props: PlatformMonitoringProps = {}) {
    super(scope, id);
    this.props = props;
    if (props.monitorLabels !== undefined) checkLabels(this, 'monitorLabels', props.monitorLabels);
    this.checkComponentMaps(props);
    this.kubeStateMetrics = this.resolveKubeStateMetrics(props.kubeStateMetricsSelector ?? { job: 'kube-state-metrics' });
    this.thresholds = resolveAlertThresholds(this, props.thresholds ?? {});
    this.runbookBaseUrl = props.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL;
    check(/^https?:\/\/[^\s#?]+$/.test(this.runbookBaseUrl), this, 'runbookBaseUrl', this.runbookBaseUrl,
      'must be an http(s) URL without spaces, query or fragment (the pages are <base>/<page>.md#<alert>)');

    if (props.alerts ?? true) this.ensureRules();
    for (const endpoint of props.endpoints ?? []) this.addEndpoint(endpoint);
    this.node.addValidation({ validate: () => this.unknownComponents() });
  }

  /** The per-component maps: known kinds, workload and CronJob names that are DNS labels. */
  private checkComponentMaps(props: PlatformMonitoringProps): void {
    for (const [component, kind] of Object.entries(props.alertKinds ?? {})) {
      check(kind === 'none' || isAlertComponentKind(kind), this, `alertKinds[${component}]`, kind,
        `must be one of ${[...Object.keys(ALERT_CATALOGUE), 'none'].join(', ')}`);
    }
    for (const [component, workload] of Object.entries(props.workloads ?? {})) {
      checkDnsLabel(this, `workloads[${component}]`, workload);
    }
    for (const [component, cronJob] of Object.entries(props.logRetentionCronJobs ?? {})) {
      checkDnsLabel(this, `logRetentionCronJobs[${component}]`, cronJob, 52);
    }
  }

  /** Label matchers of the kube-state-metrics series; `namespace` is added per component. */
  private resolveKubeStateMetrics(ksm: Record<string, string>): string {
    for (const key of Object.keys(ksm)) {
      checkPrometheusLabelName(this, 'kubeStateMetricsSelector key', key);
      check(key !== 'namespace', this, 'kubeStateMetricsSelector key', key, 'is set per component from the endpoint namespace');
    }
    return equalityMatchers(ksm);
  }

  /** The PrometheusRule construct; undefined when alerts are off and no custom group was added. */
  public get rules(): PlatformAlertRules | undefined {
    return this.rulesObject;
  }

  /** Scrapes one more component; its id must be unique. Adds its alert group when alerts are on. */
  public addEndpoint(endpoint: MetricsEndpoint): MetricsMonitor {
    const component = checkDnsLabel(this, 'endpoints[].component', endpoint?.component);
    check(!this.monitors.some((m) => m.name === component), this, 'endpoints[].component', component,
      'must be unique: it names the monitor, the job label and the alert group');
    const monitor = new MetricsMonitor(this, component, { endpoint, labels: this.props.monitorLabels });
    this.monitors.push(monitor);
    if (this.props.alerts ?? true) {
      this.ensureRules().addGroup({ name: component, rules: componentAlerts(this.contextFor(monitor), this.kindOf(component)) });
    }
    return monitor;
  }

  /** Adds a custom alert group (application SLOs, error rates) to the PrometheusRule. */
  public addRuleGroup(group: AlertRuleGroup): void {
    this.ensureRules().addGroup(group);
  }

  private ensureRules(): PlatformAlertRules {
    this.rulesObject ??= new PlatformAlertRules(this, 'Rules', {
      name: this.props.ruleName,
      labels: this.props.ruleLabels,
    });
    return this.rulesObject;
  }

  private kindOf(component: string): AlertComponentKind | undefined {
    const mapped = this.props.alertKinds?.[component];
    if (mapped !== undefined) return mapped === 'none' ? undefined : mapped;
    return isAlertComponentKind(component) ? component : undefined;
  }

  private contextFor(monitor: MetricsMonitor): AlertContext<Required<AlertThresholds>> {
    return {
      component: monitor.name,
      namespace: monitor.targetNamespace,
      kubectlSelector: Object.entries(monitor.endpoint.selector).map(([k, v]) => `${k}=${v}`).join(','),
      series: monitor.seriesSelector,
      kubeStateMetrics: `${this.kubeStateMetrics},namespace="${monitor.targetNamespace}"`,
      workload: this.props.workloads?.[monitor.name],
      logRetentionCronJob: this.props.logRetentionCronJobs?.[monitor.name],
      thresholds: this.thresholds,
      runbookBaseUrl: this.runbookBaseUrl,
    };
  }

  /** A kind or workload given for a component that was never added is a typo: fail synth. */
  private unknownComponents(): string[] {
    const known = new Set(this.monitors.map((m) => m.name));
    return [
      ...Object.keys(this.props.alertKinds ?? {}).filter((c) => !known.has(c)).map((c) => `alertKinds names unknown component "${c}" (known: ${[...known].join(', ')})`),
      ...Object.keys(this.props.workloads ?? {}).filter((c) => !known.has(c)).map((c) => `workloads names unknown component "${c}" (known: ${[...known].join(', ')})`),
      ...Object.keys(this.props.logRetentionCronJobs ?? {}).filter((c) => !known.has(c)).map((c) => `logRetentionCronJobs names unknown component "${c}" (known: ${[...known].join(', ')})`),
      ...Object.keys(this.props.logRetentionCronJobs ?? {}).filter((c) => known.has(c) && this.kindOf(c) !== 'elasticsearch')
        .map((c) => `logRetentionCronJobs names component "${c}", whose alert profile is ${this.kindOf(c) ?? 'none'}: only the elasticsearch profile has the retention alert`),
    ];
  }
}
