import { App, Chart } from 'cdk8s';
import { manifestsOf } from '../../lib/checks';
import { StackAlertRules } from '../../lib/observability';
import { Labels, promtool, promtoolSections, seriesOf, tempDir, writeYaml } from '../monitoring/promtool-support';
import { describeWithPrograms } from '../support/real-programs';

/**
 * The monitoring stack's own alerts (lib/observability/stack-alerts.ts) run by the real
 * Prometheus rule engine: `promtool check rules` on the synthesized PrometheusRule and
 * `promtool test rules` with a firing and a silent case for every alert. Series carry the labels
 * a ServiceMonitor scrape of the stack's Services gives them (job = component, namespace, pod,
 * instance, service, endpoint, container).
 */

type Obj = Record<string, any>;
const NS = 'monitoring';

const rulesObject: Obj = (() => {
  const app = new App({ recordConstructMetadata: false });
  new StackAlertRules(new Chart(app, 'monitoring', { namespace: NS }), 'alerts', { namespace: NS });
  return manifestsOf(app).find((m) => m.kind === 'PrometheusRule') as Obj;
})();
const rules: Obj[] = rulesObject.spec.groups.flatMap((g: Obj) => g.rules.map((r: Obj) => ({ ...r, group: g.name })));

const target = (job: string, pod: string, extra: Labels = {}): Labels => ({
  container: job === 'prometheus-operator' ? 'prometheus-operator' : job, endpoint: job === 'prometheus-operator' ? 'http' : 'web',
  instance: `10.244.0.${pod.length}:9090`, job, namespace: NS, pod, service: job === 'prometheus-operator' ? job : `${job}-platform`, ...extra,
});
const P0 = target('prometheus', 'prometheus-platform-0');
const P1 = target('prometheus', 'prometheus-platform-1');
const A0 = target('alertmanager', 'alertmanager-platform-0');
const A1 = target('alertmanager', 'alertmanager-platform-1');
const OP = target('prometheus-operator', 'prometheus-operator-5d8f7c9b4-x7k2p');

interface Scenario { name: string; series: { series: string; values: string }[]; at: string; alerts: Labels[] }
const s = (metric: string, labels: Labels, values: string) => ({ series: seriesOf(metric, labels), values });
const fired = (alert: string, labels: Labels): Labels => ({ ...labels, ...rules.find((r) => r.alert === alert)!.labels });

/** A firing and a silent case for every alert of the stack. */
const CASES: Record<string, { firing: Scenario[]; silent: Scenario[] }> = {
  PrometheusRuleEvaluationFailures: {
    firing: [{ name: 'a group keeps failing', at: '30m', series: [s('prometheus_rule_evaluation_failures_total', { ...P0, rule_group: 'g' }, '0+1x40')],
      alerts: [fired('PrometheusRuleEvaluationFailures', { ...P0, rule_group: 'g' })] }],
    silent: [{ name: 'failures stopped long ago', at: '30m', series: [s('prometheus_rule_evaluation_failures_total', { ...P0, rule_group: 'g' }, '0+1x5 5x35')], alerts: [] }],
  },
  PrometheusNotificationQueueRunningFull: {
    firing: [{ name: 'queue grows towards capacity', at: '30m', series: [
      s('prometheus_notifications_queue_length', P0, '0+300x40'), s('prometheus_notifications_queue_capacity', P0, '10000x40')],
    alerts: [fired('PrometheusNotificationQueueRunningFull', P0)] }],
    silent: [{ name: 'queue stays short', at: '30m', series: [
      s('prometheus_notifications_queue_length', P0, '5x40'), s('prometheus_notifications_queue_capacity', P0, '10000x40')], alerts: [] }],
  },
  PrometheusNotificationsFailing: {
    firing: [{ name: 'half the sends fail', at: '30m', series: [
      s('prometheus_notifications_errors_total', { ...P0, alertmanager: 'http://10.244.1.5:9093/api/v2/alerts' }, '0+5x40'),
      s('prometheus_notifications_sent_total', { ...P0, alertmanager: 'http://10.244.1.5:9093/api/v2/alerts' }, '0+10x40')],
    alerts: [fired('PrometheusNotificationsFailing', { ...P0, alertmanager: 'http://10.244.1.5:9093/api/v2/alerts' })] }],
    silent: [{ name: 'every send succeeds', at: '30m', series: [
      s('prometheus_notifications_errors_total', { ...P0, alertmanager: 'am' }, '0x40'), s('prometheus_notifications_sent_total', { ...P0, alertmanager: 'am' }, '0+10x40')], alerts: [] }],
  },
  PrometheusNotConnectedToAlertmanagers: {
    firing: [{ name: 'no Alertmanager discovered', at: '30m', series: [s('prometheus_notifications_alertmanagers_discovered', P0, '2x5 0x35')],
      alerts: [fired('PrometheusNotConnectedToAlertmanagers', P0)] }],
    silent: [{ name: 'two discovered', at: '30m', series: [s('prometheus_notifications_alertmanagers_discovered', P0, '2x40')], alerts: [] }],
  },
  PrometheusConfigReloadFailed: {
    firing: [{ name: 'the last reload failed', at: '30m', series: [s('prometheus_config_last_reload_successful', P1, '1x5 0x35')],
      alerts: [fired('PrometheusConfigReloadFailed', P1)] }],
    silent: [{ name: 'a failed reload fixed within minutes', at: '30m', series: [s('prometheus_config_last_reload_successful', P1, '1x20 0x3 1x17')], alerts: [] }],
  },
  AlertmanagerConfigReloadFailed: {
    firing: [{ name: 'the last reload failed', at: '30m', series: [s('alertmanager_config_last_reload_successful', A0, '0x40')],
      alerts: [fired('AlertmanagerConfigReloadFailed', A0)] }],
    silent: [{ name: 'reloads succeed', at: '30m', series: [s('alertmanager_config_last_reload_successful', A0, '1x40')], alerts: [] }],
  },
  AlertmanagerClusterMembersMissing: {
    firing: [{ name: 'a replica sees only itself', at: '30m', series: [s('alertmanager_cluster_members', A0, '2x40'), s('alertmanager_cluster_members', A1, '1x40')],
      alerts: [fired('AlertmanagerClusterMembersMissing', A1)] }],
    silent: [
      { name: 'both replicas see both', at: '30m', series: [s('alertmanager_cluster_members', A0, '2x40'), s('alertmanager_cluster_members', A1, '2x40')], alerts: [] },
      { name: 'dev: a single replica', at: '30m', series: [s('alertmanager_cluster_members', A0, '1x40')], alerts: [] },
    ],
  },
  AlertmanagerNotificationsFailing: {
    firing: [{ name: 'slack notifications fail', at: '30m', series: [
      s('alertmanager_notifications_failed_total', { ...A0, integration: 'slack', reason: 'other' }, '0+3x40'),
      s('alertmanager_notifications_total', { ...A0, integration: 'slack' }, '0+10x40')],
    alerts: [{ ...rules.find((r) => r.alert === 'AlertmanagerNotificationsFailing')!.labels, job: 'alertmanager', namespace: NS, pod: A0.pod, integration: 'slack' }] }],
    silent: [{ name: 'no failure', at: '30m', series: [
      s('alertmanager_notifications_failed_total', { ...A0, integration: 'slack', reason: 'other' }, '0x40'),
      s('alertmanager_notifications_total', { ...A0, integration: 'slack' }, '0+10x40')], alerts: [] }],
  },
  Watchdog: {
    firing: [{ name: 'always', at: '5m', series: [], alerts: [fired('Watchdog', {})] }],
    silent: [{ name: 'not before its for', at: '0m', series: [], alerts: [] }],
  },
  PrometheusOperatorReconcileErrors: {
    firing: [{ name: 'a third of the reconciliations fail', at: '30m', series: [
      s('prometheus_operator_reconcile_errors_total', { ...OP, controller: 'prometheus' }, '0+1x40'),
      s('prometheus_operator_reconcile_operations_total', { ...OP, controller: 'prometheus' }, '0+3x40')],
    alerts: [{ ...rules.find((r) => r.alert === 'PrometheusOperatorReconcileErrors')!.labels, job: 'prometheus-operator', namespace: NS, controller: 'prometheus' }] }],
    silent: [{ name: 'rare errors', at: '30m', series: [
      s('prometheus_operator_reconcile_errors_total', { ...OP, controller: 'prometheus' }, '0x40'),
      s('prometheus_operator_reconcile_operations_total', { ...OP, controller: 'prometheus' }, '0+3x40')], alerts: [] }],
  },
  PrometheusOperatorSyncFailed: {
    firing: [{ name: 'one resource failed', at: '30m', series: [s('prometheus_operator_syncs', { ...OP, controller: 'alertmanager', status: 'failed' }, '1x40')],
      alerts: [fired('PrometheusOperatorSyncFailed', { ...OP, controller: 'alertmanager', status: 'failed' })] }],
    silent: [{ name: 'all synced', at: '30m', series: [
      s('prometheus_operator_syncs', { ...OP, controller: 'alertmanager', status: 'failed' }, '0x40'),
      s('prometheus_operator_syncs', { ...OP, controller: 'alertmanager', status: 'ok' }, '1x40')], alerts: [] }],
  },
};

test('every stack alert has a firing and a silent case, every case an alert', () => {
  expect(Object.keys(CASES).sort()).toEqual(rules.map((r) => r.alert).sort());
  for (const [alert, c] of Object.entries(CASES)) {
    expect({ alert, firing: c.firing.every((x) => x.alerts.length > 0), silent: c.silent.every((x) => x.alerts.length === 0) })
      .toEqual({ alert, firing: true, silent: true });
  }
});

test('every stack alert links to its runbook page', () => {
  for (const r of rules) expect(r.annotations.runbook_url).toMatch(new RegExp(`/(prometheus|alertmanager)\\.md#${r.alert.toLowerCase()}$`));
});

describeWithPrograms(['promtool'], 'monitoring stack alerts checked and unit-tested by promtool')('promtool on the stack alerts', () => {
  const { dir, cleanup } = tempDir('stack-promtool-');
  let check: { status: number | null; output: string };
  let unit: { status: number | null; output: string };
  beforeAll(() => {
    check = promtool(['check', 'rules', writeYaml(dir, 'stack.rules.yaml', rulesObject.spec)], dir);
    const files = rules.map((rule) => {
      const annotations = { runbook_url: rule.annotations.runbook_url };
      const ruleFile = writeYaml(dir, `${rule.alert}.rules.yaml`, { groups: [{ name: rule.group, rules: [{ alert: rule.alert, expr: rule.expr, for: rule.for, labels: rule.labels, annotations }] }] });
      const group = (kind: string, sc: Scenario) => ({
        name: `${rule.alert} ${kind}: ${sc.name}`,
        interval: '1m',
        input_series: sc.series,
        alert_rule_test: [{ eval_time: sc.at, alertname: rule.alert, exp_alerts: sc.alerts.map((labels) => ({ exp_labels: labels, exp_annotations: annotations })) }],
      });
      const c = CASES[rule.alert];
      return writeYaml(dir, `${rule.alert}.test.yaml`, { rule_files: [ruleFile], evaluation_interval: '1m', tests: [...c.firing.map((x) => group('firing', x)), ...c.silent.map((x) => group('silent', x))] });
    });
    unit = promtool(['test', 'rules', ...files], dir);
  });
  afterAll(cleanup);

  test('promtool check rules accepts the PrometheusRule', () => {
    expect(check.output).toMatch(new RegExp(`SUCCESS: ${rules.length} rules found`));
    expect(check.status).toBe(0);
  });

  test.each(rules.map((r) => r.alert))('%s: its firing and silent cases pass', (alert) => {
    expect(`${alert}: ${promtoolSections(unit.output)[`${alert}.test.yaml`] ?? 'not run'}`).toBe(`${alert}: SUCCESS`);
  });
});


test('every stack alert has its runbook section (meaning, impact, diagnosis commands, fix)', () => {
  const fs = require('fs') as typeof import('fs');
  const path = require('path') as typeof import('path');
  for (const r of rules) {
    const [page, anchor] = r.annotations.runbook_url.split('/').pop().split('#');
    const text: string = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'runbooks', page), 'utf8');
    const section = text.split(/^(?=## )/m).find((p) => p.startsWith(`## ${r.alert}\n`)) ?? '';
    expect({ alert: r.alert, anchor, ok: ['**Meaning.**', '**Impact.**', '**Diagnosis.**', '**Fix.**'].every((x) => section.includes(x)) && /```sh\n[\s\S]+?```/.test(section) })
      .toEqual({ alert: r.alert, anchor: r.alert.toLowerCase(), ok: true });
  }
});
