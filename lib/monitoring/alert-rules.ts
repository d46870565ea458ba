import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroups, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/prometheusrules-monitoring.coreos.com';
import { ALERT_SEVERITIES, AlertRule, AlertRuleGroup } from '../core/alerting';
import { MANAGED_BY } from '../core/labels';
import { checkAlertName, checkPrometheusDuration, checkPrometheusLabelName, checkPromQL, templateProblems } from '../core/promql';
import { check, checkDnsSubdomain, checkLabels } from '../core/validation';

export type { AlertSeverity, AlertRule, AlertRuleGroup } from '../core/alerting';

/** Props of {@link PlatformAlertRules}. */
export interface PlatformAlertRulesProps {
  /** `metadata.name` of the PrometheusRule. @default 'platform-alerts' */
  readonly name?: string;
  /**
   * Labels the Prometheus `ruleSelector` matches (kube-prometheus-stack selects `release: <release>`).
   * @default { prometheus: 'platform' }
   */
  readonly labels?: Record<string, string>;
  /** Initial groups; more with {@link PlatformAlertRules.addGroup}. @default - none */
  readonly groups?: AlertRuleGroup[];
  /**
   * Base URL of a runbook page: each alert without its own `runbookUrl` also gets a `runbook_url`
   * annotation `<base>#<alert name in lowercase>`. @default - only the rules' own `runbookUrl`
   */
  readonly runbookBaseUrl?: string;
}

/** Label that Prometheus discovery selects monitors and rules by, unless overridden. */
export const DEFAULT_DISCOVERY_LABELS: Readonly<Record<string, string>> = Object.freeze({ prometheus: 'platform' });

/**
 * A `monitoring.coreos.com/v1` PrometheusRule holding alert groups (Prometheus Operator CRD, typed
 * by `cdk8s import`). Every rule is checked when it is added: a valid alert name, unique in the
 * object; PromQL with balanced brackets and valid range durations; a positive `for`; a known
 * severity; non-empty `summary`, `description` and `runbook` annotations with well-formed
 * `{{ }}` templates. Synth also fails if the typed class dropped any rule field on the way to JSON.
 *
 * The Prometheus Operator option `enforcedNamespaceLabel` would add `namespace="<rule namespace>"`
 * to every selector and blind these platform-wide rules: exclude this object from it
 * (`excludedFromEnforcement`) if that option is on.
 */
export class PlatformAlertRules extends Construct {
  public readonly name: string;
  public readonly apiObject: PrometheusRule;
  private readonly groups: AlertRuleGroup[] = [];
  private readonly alertNames = new Set<string>();
  private readonly runbookBaseUrl?: string;

  constructor(scope: Construct, id: string, props: PlatformAlertRulesProps = {}) {
    super(scope, id);
    this.name = checkDnsSubdomain(this, 'name', props.name ?? 'platform-alerts');
    const labels = checkLabels(this, 'labels', props.labels ?? DEFAULT_DISCOVERY_LABELS);
    if (props.runbookBaseUrl !== undefined) {
      check(/^https?:\/\/\S+$/.test(props.runbookBaseUrl), this, 'runbookBaseUrl', props.runbookBaseUrl, 'must be an http(s) URL without spaces');
      this.runbookBaseUrl = props.runbookBaseUrl.replace(/#.*$/, '');
    }
    check(Chart.of(this).namespace !== undefined, this, 'chart namespace', 'undefined',
      'a PrometheusRule lives in the monitoring namespace: create its chart with { namespace: "monitoring" }');

    this.apiObject = new PrometheusRule(this, 'Resource', {
      metadata: { name: this.name, labels: { ...labels, 'app.kubernetes.io/managed-by': MANAGED_BY } },
      spec: { groups: Lazy.any({ produce: () => this.groups.map((g) => this.renderGroup(g)) }) as unknown as PrometheusRuleSpecGroups[] },
    });
    for (const group of props.groups ?? []) this.addGroup(group);
    this.node.addValidation({ validate: () => this.verifyOutput() });
  }

  /** Adds a group after validating it; group names and alert names must stay unique. */
  public addGroup(group: AlertRuleGroup): void {
    const name = group?.name;
    check(typeof name === 'string' && /^[A-Za-z0-9][-A-Za-z0-9_.:]{0,62}$/.test(name), this, 'groups[].name', name,
      'must be 1-63 letters, digits, "-", "_", "." or ":", starting with a letter or digit');
    check(!this.groups.some((g) => g.name === name), this, 'groups[].name', name, 'must be unique in the PrometheusRule');
    const prefix = `groups[${name}]`;
    if (group.interval !== undefined) checkPrometheusDuration(this, `${prefix}.interval`, group.interval, 1000);
    check(Array.isArray(group.rules) && group.rules.length > 0, this, `${prefix}.rules`, JSON.stringify(group.rules), 'must hold at least one rule');
    const names = new Set<string>();
    for (const rule of group.rules) {
      this.checkRule(prefix, rule);
      check(!this.alertNames.has(rule.alert) && !names.has(rule.alert), this, `${prefix}.rules[].alert`, rule.alert, 'must be unique in the PrometheusRule');
      names.add(rule.alert);
    }
    names.forEach((n) => this.alertNames.add(n));
    this.groups.push({ name, interval: group.interval, rules: [...group.rules] });
  }

  /** The groups added so far, in order. */
  public get ruleGroups(): readonly AlertRuleGroup[] {
    return [...this.groups];
  }

  private checkRule(prefix: string, rule: AlertRule): void {
    const alert = checkAlertName(this, `${prefix}.rules[].alert`, rule?.alert);
    const at = `${prefix}.rules[${alert}]`;
    checkPromQL(this, `${at}.expr`, rule.expr);
    checkPrometheusDuration(this, `${at}.for`, rule.for);
    check(ALERT_SEVERITIES.includes(rule.severity), this, `${at}.severity`, rule.severity, `must be one of ${ALERT_SEVERITIES.join(', ')}`);
    for (const key of ['summary', 'description', 'runbook'] as const) {
      const text = rule[key];
      check(typeof text === 'string' && text.trim().length > 0, this, `${at}.${key}`, text ?? '', 'must be a non-empty text');
      const problems = templateProblems(text);
      check(problems.length === 0, this, `${at}.${key}`, text, `template ${problems.join('; ')}`);
    }
    if (rule.runbookUrl !== undefined) {
      check(typeof rule.runbookUrl === 'string' && /^https?:\/\/\S+$/.test(rule.runbookUrl), this, `${at}.runbookUrl`, rule.runbookUrl,
        'must be an http(s) URL without spaces');
    }
    for (const [key, value] of Object.entries(rule.labels ?? {})) {
      checkPrometheusLabelName(this, `${at}.labels key`, key);
      check(key !== 'severity', this, `${at}.labels key`, key, 'is set from the rule\'s severity; do not set it in labels');
      check(typeof value === 'string' && value.length > 0, this, `${at}.labels[${key}]`, value, 'must be a non-empty string');
    }
  }

  private renderGroup(group: AlertRuleGroup): PrometheusRuleSpecGroups {
    return {
      name: group.name,
      interval: group.interval,
      rules: group.rules.map((rule) => ({
        alert: rule.alert,
        expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr),
        for: rule.for,
        labels: { ...rule.labels, severity: rule.severity },
        annotations: this.annotations(rule),
      })),
    };
  }

  private annotations(rule: AlertRule): Record<string, string> {
    const url = this.runbookUrlOf(rule);
    return {
      summary: rule.summary,
      description: rule.description,
      runbook: rule.runbook,
      ...(url ? { runbook_url: url } : {}),
    };
  }

  private runbookUrlOf(rule: AlertRule): string | undefined {
    return rule.runbookUrl ?? (this.runbookBaseUrl ? `${this.runbookBaseUrl}#${rule.alert.toLowerCase()}` : undefined);
  }

  /** Synth-time proof that every rule came out of the typed class with all its fields. */
  private verifyOutput(): string[] {
    const rendered: any[] = this.apiObject.toJson().spec?.groups ?? [];
    const errors: string[] = [];
    this.groups.forEach((group, gi) => {
      const out = rendered[gi];
      if (out?.name !== group.name) errors.push(`group ${group.name} missing from the PrometheusRule output`);
      group.rules.forEach((rule, ri) => {
        const r = out?.rules?.[ri];
        if (r?.alert !== rule.alert || r?.expr !== rule.expr || r?.for !== rule.for || r?.labels?.severity !== rule.severity
          || r?.annotations?.summary !== rule.summary || r?.annotations?.description !== rule.description || r?.annotations?.runbook !== rule.runbook
          || r?.annotations?.runbook_url !== this.runbookUrlOf(rule)) {
          errors.push(`rule ${group.name}/${rule.alert} did not come out intact in PrometheusRule ${this.name}: ${JSON.stringify(r)}`);
        }
      });
    });
    return errors;
  }
}
