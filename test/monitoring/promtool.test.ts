import { describeWithPrograms } from '../support/real-programs';
import { ALERT_CASES, Scenario } from './alert-cases';
import { labelsOf, PlatformUnderTest, promtool, promtoolSections, ProgramResult, SynthesizedRule, tempDir, writeYaml } from './promtool-support';

/**
 * The platform's alerts run by the real Prometheus rule engine (SPEC §17, issue 10 item 6):
 * `promtool check rules` on every PrometheusRule of both profiles, and `promtool test rules` with
 * a firing and a silent case for every alert (alert-cases.ts), all in one promtool invocation.
 */

const PROFILES = ['production', 'dev'] as const;
const platforms = Object.fromEntries(PROFILES.map((name) => [name, new PlatformUnderTest(name)])) as Record<typeof PROFILES[number], PlatformUnderTest>;
const production = platforms.production;

describe('the case table covers every alert', () => {
  test('every alert the platform emits has a firing and a silent case, every case an emitted alert', () => {
    const emitted = production.rules.map((r) => r.alert).sort();
    expect(Object.keys(ALERT_CASES).sort()).toEqual(emitted);
    for (const alert of emitted) {
      const { firing, silent } = ALERT_CASES[alert](production);
      expect({ alert, firing: firing.length > 0, silent: silent.length > 0 }).toEqual({ alert, firing: true, silent: true });
      for (const scenario of firing) expect({ alert, scenario: scenario.name, fires: scenario.alerts.length > 0 }).toEqual({ alert, scenario: scenario.name, fires: true });
      for (const scenario of silent) expect({ alert, scenario: scenario.name, alerts: scenario.alerts }).toEqual({ alert, scenario: scenario.name, alerts: [] });
    }
  });

  test('the dev profile emits the same rules as production, so the production cases cover it', () => {
    const strip = (rules: SynthesizedRule[]) => rules.map(({ alert, expr, for: f, labels }) => ({ alert, expr, for: f, labels }));
    expect(strip(platforms.dev.rules)).toEqual(strip(production.rules));
  });
});

/** One promtool test group per scenario. */
function testGroup(rule: SynthesizedRule, kind: 'firing' | 'silent', scenario: Scenario): object {
  return {
    name: `${rule.alert} ${kind}: ${scenario.name}`,
    interval: '1m',
    input_series: scenario.series,
    alert_rule_test: [{
      eval_time: scenario.at,
      alertname: rule.alert,
      exp_alerts: scenario.alerts.map((labels) => ({ exp_labels: labels, exp_annotations: { runbook_url: rule.annotations.runbook_url } })),
    }],
    ...(scenario.values ? {
      promql_expr_test: [{
        expr: rule.expr,
        eval_time: scenario.at,
        exp_samples: scenario.values.map((v) => ({ labels: labelsOf(v.labels), value: v.value })),
      }],
    } : {}),
  };
}

/** A rules file holding only `rule`, with only its `runbook_url` annotation (promtool compares annotations exactly). */
function forTesting(rule: SynthesizedRule): object {
  const annotations = rule.annotations.runbook_url ? { runbook_url: rule.annotations.runbook_url } : {};
  return { groups: [{ name: rule.group, rules: [{ alert: rule.alert, expr: rule.expr, for: rule.for, labels: rule.labels, annotations }] }] };
}

describeWithPrograms(['promtool'], 'Prometheus rules checked and unit-tested by promtool')('promtool', () => {
  let check: ProgramResult;
  let unit: ProgramResult;
  const { dir, cleanup } = tempDir('promtool-');

  beforeAll(() => {
    const ruleFiles = PROFILES.flatMap((profile) => Object.entries(platforms[profile].ruleSpecs)
      .map(([name, spec]) => writeYaml(dir, `${profile}-${name}.rules.yaml`, spec)));
    check = promtool(['check', 'rules', ...ruleFiles], dir);

    // One rules file and one test file per alert (promtool evaluates every rule of its rule files
    // at every step of every test group: isolating each alert makes the run ~50 times cheaper),
    // all tested by one promtool invocation.
    const testFiles = production.rules.map((rule) => {
      const rules = writeYaml(dir, `${rule.alert}.rules.yaml`, forTesting(rule));
      const { firing, silent } = ALERT_CASES[rule.alert](production);
      const tests = [...firing.map((sc) => testGroup(rule, 'firing', sc)), ...silent.map((sc) => testGroup(rule, 'silent', sc))];
      return writeYaml(dir, `${rule.alert}.test.yaml`, { rule_files: [rules], evaluation_interval: '1m', tests });
    });
    unit = promtool(['test', 'rules', ...testFiles], dir);
  });
  afterAll(cleanup);

  test('promtool check rules accepts every PrometheusRule of both profiles', () => {
    expect(check.output).not.toMatch(/FAILED|error/i);
    expect(check.status).toBe(0);
    const found = [...check.output.matchAll(/SUCCESS: (\d+) rules found/g)].map((m) => Number(m[1]));
    expect(found).toEqual(PROFILES.flatMap((p) => Object.values(platforms[p].ruleSpecs).map((spec: any) => spec.groups.flatMap((g: any) => g.rules).length)));
  });

  test.each(production.rules.map((r) => r.alert))('%s: its firing and silent cases pass', (alert) => {
    expect(`${alert}: ${promtoolSections(unit.output)[`${alert}.test.yaml`] ?? 'not run'}`).toBe(`${alert}: SUCCESS`);
  });

  test('promtool test rules passes as a whole', () => {
    if (unit.status !== 0) throw new Error(`promtool test rules failed:\n${unit.output}`);
    expect(unit.output).toMatch(/SUCCESS/);
  });
});
