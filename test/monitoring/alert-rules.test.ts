import { Chart, JsonPatch, Testing } from 'cdk8s';
import { AlertRule, AlertRuleGroup, parsePrometheusDuration, PlatformAlertRules, promqlProblems, templateProblems } from '../../lib/monitoring';
import { monitoringScope, synthChecked } from './fixtures';

const RULE: AlertRule = {
  alert: 'ShopErrorRateHigh',
  expr: 'sum(rate(http_requests_total{job="shop",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="shop"}[5m])) > 0.05',
  for: '10m',
  severity: 'critical',
  summary: 'shop answers {{ $value | humanizePercentage }} errors',
  description: 'More than 5% of shop requests in {{ $labels.namespace }} failed for 10 minutes.',
  runbook: 'kubectl -n {{ $labels.namespace }} logs deploy/shop | grep ERROR',
  labels: { team: 'shop' },
};
const GROUP: AlertRuleGroup = { name: 'shop-slo', interval: '1m', rules: [RULE] };

describe('PlatformAlertRules', () => {
  const { app, chart } = monitoringScope();
  new PlatformAlertRules(chart, 'Rules', { groups: [GROUP], runbookBaseUrl: 'https://runbooks.example.com/platform' });
  const [json] = synthChecked(app, chart);

  test('snapshot', () => {
    expect(json).toMatchSnapshot();
  });

  test('is a PrometheusRule in the monitoring namespace with the discovery label', () => {
    expect(json).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'platform-alerts', namespace: 'monitoring', labels: { prometheus: 'platform' } },
    });
  });

  test('every typed field reaches the JSON (expr wrapper, for, labels, annotations, interval)', () => {
    expect(json.spec.groups).toEqual([{
      name: 'shop-slo',
      interval: '1m',
      rules: [{
        alert: 'ShopErrorRateHigh',
        expr: RULE.expr,
        for: '10m',
        labels: { severity: 'critical', team: 'shop' },
        annotations: {
          summary: RULE.summary,
          description: RULE.description,
          runbook: RULE.runbook,
          runbook_url: 'https://runbooks.example.com/platform#shoperrorratehigh',
        },
      }],
    }]);
  });
});

test('a rule\'s own runbookUrl wins over the base URL and is verified in the output', () => {
  const { app, chart } = monitoringScope();
  const rules = new PlatformAlertRules(chart, 'Rules', { runbookBaseUrl: 'https://runbooks.example.com/platform' });
  rules.addGroup({ name: 'g', rules: [{ ...RULE, runbookUrl: 'https://wiki.example.com/shop#errors' }, { ...RULE, alert: 'Other' }] });
  const [json] = synthChecked(app, chart);
  expect(json.spec.groups[0].rules.map((r: any) => r.annotations.runbook_url))
    .toEqual(['https://wiki.example.com/shop#errors', 'https://runbooks.example.com/platform#other']);
  rules.apiObject.addJsonPatch(JsonPatch.remove('/spec/groups/0/rules/0/annotations/runbook_url'));
  expect(() => app.synthYaml()).toThrow(/rule g\/ShopErrorRateHigh did not come out intact/);
});

test('groups added later appear in order', () => {
  const { app, chart } = monitoringScope();
  const rules = new PlatformAlertRules(chart, 'Rules', { name: 'extra', labels: { release: 'kps' } });
  rules.addGroup(GROUP);
  rules.addGroup({ name: 'second', rules: [{ ...RULE, alert: 'Second' }] });
  const [json] = synthChecked(app, chart);
  expect(json.metadata).toMatchObject({ name: 'extra', labels: { release: 'kps' } });
  expect(json.spec.groups.map((g: any) => g.name)).toEqual(['shop-slo', 'second']);
  expect(json.spec.groups[1]).not.toHaveProperty('interval');
  expect(rules.ruleGroups).toHaveLength(2);
});

test('synth fails when a rule does not come out intact (verified output)', () => {
  const { app, chart } = monitoringScope();
  const rules = new PlatformAlertRules(chart, 'Rules', { groups: [GROUP] });
  rules.apiObject.addJsonPatch(JsonPatch.replace('/spec/groups/0/rules/0/for', '1m'));
  expect(() => app.synthYaml()).toThrow(/rule shop-slo\/ShopErrorRateHigh did not come out intact in PrometheusRule platform-alerts/);
});

describe('invalid rules are rejected with a clear message', () => {
  const cases: [string, Partial<AlertRule>, RegExp][] = [
    ['alert name with spaces', { alert: 'Shop errors' }, /invalid groups\[g\].rules\[\].alert "Shop errors": must be an alert name/],
    ['empty expr', { expr: '  ' }, /invalid groups\[g\].rules\[A\].expr " {2}": PromQL is empty/],
    ['unclosed parenthesis', { expr: 'sum(rate(x[5m])' }, /invalid groups\[g\].rules\[A\].expr "sum\(rate\(x\[5m\]\)": PromQL has an unclosed '\(' at offset 3/],
    ['stray closing brace', { expr: 'up{job="a"}} == 0' }, /PromQL has an unbalanced '}' at offset 11/],
    ['crossed brackets', { expr: 'rate(x[5m)]' }, /PromQL has an unbalanced '\)' at offset 9/],
    ['range without unit', { expr: 'rate(x[5])' }, /PromQL has an invalid range \[5\] at offset 6: use a duration such as \[5m\]/],
    ['range with spaces', { expr: 'rate(x[5 m])' }, /PromQL has an invalid range \[5 m\]/],
    ['empty range', { expr: 'rate(x[])' }, /PromQL has an invalid range \[\]/],
    ['unterminated string', { expr: 'up{job="a} == 0' }, /PromQL has an unterminated string starting at offset 7/],
    ['for without unit', { for: '10' }, /invalid groups\[g\].rules\[A\].for "10": must be a Prometheus duration of at least 1ms/],
    ['for in words', { for: '5 minutes' }, /invalid groups\[g\].rules\[A\].for "5 minutes"/],
    ['zero for', { for: '0s' }, /invalid groups\[g\].rules\[A\].for "0s"/],
    ['unknown severity', { severity: 'page' as any }, /invalid groups\[g\].rules\[A\].severity "page": must be one of critical, warning, info/],
    ['empty summary', { summary: '' }, /invalid groups\[g\].rules\[A\].summary "": must be a non-empty text/],
    ['missing runbook', { runbook: undefined as any }, /invalid groups\[g\].rules\[A\].runbook "": must be a non-empty text/],
    ['unclosed template', { description: 'pod {{ $labels.pod }' }, /invalid groups\[g\].rules\[A\].description "pod {{ \$labels.pod }": template has an unclosed {{ template/],
    ['stray template end', { summary: 'x }} y' }, /template closes a template that was never opened at offset 2/],
    ['severity in labels', { labels: { severity: 'critical' } }, /invalid groups\[g\].rules\[A\].labels key "severity": is set from the rule's severity/],
    ['bad label name', { labels: { 'team-name': 'x' } }, /invalid groups\[g\].rules\[A\].labels key "team-name": must be a Prometheus label name/],
    ['runbook URL not a URL', { runbookUrl: 'docs/runbooks/shop.md' }, /invalid groups\[g\].rules\[A\].runbookUrl "docs\/runbooks\/shop.md": must be an http\(s\) URL/],
  ];
  test.each(cases)('%s', (_name, override, message) => {
    const { chart } = monitoringScope();
    const rules = new PlatformAlertRules(chart, 'Rules');
    expect(() => rules.addGroup({ name: 'g', rules: [{ ...RULE, alert: 'A', ...override }] })).toThrow(message);
  });

  test('the message names the construct path', () => {
    const { chart } = monitoringScope();
    const rules = new PlatformAlertRules(chart, 'Rules');
    expect(() => rules.addGroup({ name: 'g', rules: [{ ...RULE, expr: '(' }] })).toThrow(/^monitoring\/Rules: invalid groups\[g\]/);
  });

  const groupCases: [string, (rules: PlatformAlertRules) => void, RegExp][] = [
    ['duplicate group name', (r) => { r.addGroup(GROUP); r.addGroup({ ...GROUP, rules: [{ ...RULE, alert: 'Other' }] }); },
      /invalid groups\[\].name "shop-slo": must be unique in the PrometheusRule/],
    ['duplicate alert across groups', (r) => { r.addGroup(GROUP); r.addGroup({ name: 'other', rules: [RULE] }); },
      /invalid groups\[other\].rules\[\].alert "ShopErrorRateHigh": must be unique in the PrometheusRule/],
    ['duplicate alert in a group', (r) => r.addGroup({ name: 'g', rules: [RULE, RULE] }),
      /invalid groups\[g\].rules\[\].alert "ShopErrorRateHigh": must be unique/],
    ['empty group', (r) => r.addGroup({ name: 'g', rules: [] }), /invalid groups\[g\].rules "\[\]": must hold at least one rule/],
    ['group name with spaces', (r) => r.addGroup({ ...GROUP, name: 'my group' }), /invalid groups\[\].name "my group": must be 1-63 letters/],
    ['bad interval', (r) => r.addGroup({ ...GROUP, interval: '1 m' }), /invalid groups\[shop-slo\].interval "1 m": must be a Prometheus duration of at least 1s/],
  ];
  test.each(groupCases)('%s', (_name, act, message) => {
    const { chart } = monitoringScope();
    expect(() => act(new PlatformAlertRules(chart, 'Rules'))).toThrow(message);
  });

  test('bad object name, labels and runbook URL', () => {
    const { chart } = monitoringScope();
    expect(() => new PlatformAlertRules(chart, 'A', { name: 'Platform_Alerts' })).toThrow(/invalid name "Platform_Alerts": must be a DNS subdomain/);
    expect(() => new PlatformAlertRules(chart, 'B', { labels: { release: 'bad value!' } })).toThrow(/invalid labels\[release\] "bad value!"/);
    expect(() => new PlatformAlertRules(chart, 'C', { runbookBaseUrl: 'runbooks/x' })).toThrow(/invalid runbookBaseUrl "runbooks\/x": must be an http\(s\) URL/);
  });

  test('a chart without namespace', () => {
    expect(() => new PlatformAlertRules(new Chart(Testing.app(), 'x'), 'Rules'))
      .toThrow(/invalid chart namespace "undefined": a PrometheusRule lives in the monitoring namespace/);
  });
});

describe('promqlProblems', () => {
  test.each([
    'up == 0',
    'sum by (job) (rate(http_requests_total{code=~"5..|[45]xx"}[5m]))',
    'max_over_time(rate(x[5m])[1h:1m])',
    'max_over_time(rate(x[5m])[30m:])',
    "label_replace(up, 'x', '$1', 'instance', '(.*):.*')",
    'up{job=`a{b`}',
    'up # a comment with ( and [\n== 0',
    'rate(x[1h30m])',
  ])('accepts %s', (expr) => {
    expect(promqlProblems(expr)).toEqual([]);
  });

  test('reports every unclosed bracket', () => {
    expect(promqlProblems('sum(rate(x{a="b"')).toEqual([
      "has an unclosed '(' at offset 3",
      "has an unclosed '(' at offset 8",
      "has an unclosed '{' at offset 10",
    ]);
  });

  test('reports an invalid subquery step', () => {
    expect(promqlProblems('max_over_time(x[1h:0s])')).toEqual(['has an invalid range [1h:0s] at offset 15: use a duration such as [5m] or a subquery such as [1h:1m]']);
  });
});

describe('durations and templates', () => {
  test.each([
    ['30s', 30_000], ['1m', 60_000], ['1h30m', 5_400_000], ['500ms', 500], ['2d', 172_800_000], ['1w', 604_800_000], ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parsePrometheusDuration(text)).toBe(ms);
  });

  test.each(['', '30', '1.5m', '5 m', 'm5', '1m1h', '30S', ' 1m'])('%j is not a duration', (text) => {
    expect(parsePrometheusDuration(text)).toBeUndefined();
  });

  test('template markers', () => {
    expect(templateProblems('{{ $labels.pod }} has {{ $value }}')).toEqual([]);
    expect(templateProblems('{{ {{ }} }}')).toEqual(['opens a template inside a template at offset 3']);
  });
});
