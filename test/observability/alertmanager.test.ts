import { parse } from 'yaml';
import { formatViolations, runAllChecks } from '../../lib/checks';
import {
  Alertmanager, AlertmanagerConfiguration, AlertmanagerProps, alertmanagerConfigurationProblems, defaultAlertmanagerConfiguration, renderAlertmanagerConfiguration,
} from '../../lib/observability';
import { DEV, find, monitoringApp, Obj } from './prometheus-stack-support';

const build = (props: AlertmanagerProps = {}) => monitoringApp((c) => new Alertmanager(c, 'alertmanager', props)).manifests;

const withReceivers = defaultAlertmanagerConfiguration({
  receiver: { name: 'team', slack: [{ apiUrlFrom: { secret: 'slack-webhook', key: 'url' }, channel: '#alerts' }], pagerDuty: [{ routingKeyFrom: { secret: 'pagerduty', key: 'routing-key' } }] },
  deadMansSwitch: { name: 'deadmansswitch', webhooks: [{ urlFrom: { secret: 'healthchecks', key: 'url' } }] },
});

describe('Alertmanager configuration', () => {
  test('default: Watchdog to the dead-man\'s switch, critical inhibits warning of the same alertname and namespace', () => {
    const config = parse(renderAlertmanagerConfiguration(withReceivers));
    expect(config.route).toMatchObject({ receiver: 'team', group_by: ['alertname', 'namespace', 'cluster'] });
    expect(config.route.routes).toEqual([{ receiver: 'deadmansswitch', matchers: ['alertname="Watchdog"'], group_wait: '0s', group_interval: '1m', repeat_interval: '1m' }]);
    expect(config.inhibit_rules).toContainEqual({ source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ['alertname', 'namespace'] });
    expect(config.receivers).toEqual([
      { name: 'team', slack_configs: [{ api_url_file: '/etc/alertmanager/secrets/slack-webhook/url', channel: '#alerts', send_resolved: true }],
        pagerduty_configs: [{ routing_key_file: '/etc/alertmanager/secrets/pagerduty/routing-key', send_resolved: true }] },
      { name: 'deadmansswitch', webhook_configs: [{ url_file: '/etc/alertmanager/secrets/healthchecks/url', send_resolved: true }] },
    ]);
  });

  test('without receivers: everything to a null receiver', () => {
    const config = parse(renderAlertmanagerConfiguration(defaultAlertmanagerConfiguration()));
    expect(config.receivers).toEqual([{ name: 'null' }]);
    expect(config.route.routes[0].receiver).toBe('null');
  });

  const base = defaultAlertmanagerConfiguration();
  test.each<[string, AlertmanagerConfiguration, RegExp]>([
    ['a route to an unknown receiver', { ...base, route: { ...base.route, routes: [{ receiver: 'oncall', matchers: ['severity="critical"'] }] } }, /route.routes\[0\].receiver "oncall" is not one of the receivers/],
    ['no root receiver', { ...base, route: { groupBy: ['alertname'] } }, /route.receiver must be set/],
    ['an invalid matcher', { ...base, route: { ...base.route, routes: [{ matchers: ['severity: critical'] }] } }, /matcher "severity: critical" must be/],
    ['an invalid regex', { ...base, inhibitRules: [{ sourceMatchers: ['a=~"("'], targetMatchers: ['b="c"'], equal: [] }] }, /invalid regular expression/],
    ['duplicate receivers', { ...base, receivers: [{ name: 'null' }, { name: 'null' }] }, /not unique/],
    ['a bad duration', { ...base, route: { ...base.route, repeatInterval: 'daily' } }, /repeatInterval: "daily"/],
    ['a webhook URL with a token in the query', { ...base, receivers: [{ name: 'null', webhooks: [{ url: 'https://hooks.example.com/x?token=s3cr3t' }] }] }, /carries credentials.*urlFrom/],
    ['a webhook URL with user-info', { ...base, receivers: [{ name: 'null', webhooks: [{ url: 'https://user:pw@hooks.example.com/x' }] }] }, /carries credentials/],
    ['a password without user', { ...base, receivers: [{ name: 'null', email: [{ to: 'a@b.c', from: 'x@b.c', smarthost: 'smtp:587', authPasswordFrom: { secret: 's', key: 'p' } }] }] }, /needs authUsername/],
    ['a bad Secret name', { ...base, receivers: [{ name: 'null', slack: [{ apiUrlFrom: { secret: 'Bad_Name', key: 'url' }, channel: '#a' }] }] }, /must be a Secret name/],
  ])('rejects %s', (_, config, message) => {
    expect(alertmanagerConfigurationProblems(config).join('\n')).toMatch(message);
    expect(() => build({ configuration: config })).toThrow(message);
  });
});

describe('Alertmanager', () => {
  const prod = build({ configuration: withReceivers });

  test('the generated config Secret holds no credential; the receivers\' Secrets are mounted through spec.secrets', () => {
    const secret = find(prod, 'Secret');
    expect(secret.metadata.name).toBe('alertmanager-platform-config');
    const text: string = secret.stringData['alertmanager.yaml'];
    expect(text).not.toMatch(/https?:\/\/|api_url:|routing_key:|password:/);
    const spec: Obj = find(prod, 'Alertmanager').spec;
    expect(spec).toMatchObject({ configSecret: 'alertmanager-platform-config', secrets: ['healthchecks', 'pagerduty', 'slack-webhook'], replicas: 2, automountServiceAccountToken: false });
  });

  test('production: 2 replicas, PDB, restricted identity; dev: 1 replica, no PDB', () => {
    expect(find(prod, 'Alertmanager').spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(find(prod, 'PodDisruptionBudget').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'alertmanager', alertmanager: 'platform' });
    const dev = build({ ...DEV.alertmanagerProps });
    expect(find(dev, 'Alertmanager').spec.replicas).toBe(1);
    expect(find(dev, 'Alertmanager').spec.resources).toEqual({ requests: { cpu: '10m', memory: '48Mi' }, limits: { cpu: '100m', memory: '128Mi' } });
    expect(dev.filter((m) => m.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  test.each<[string, AlertmanagerProps]>([['defaults', {}], ['receivers', { configuration: withReceivers }], ['dev', { ...DEV.alertmanagerProps }]])('%s: passes every check', (_, props) => {
    expect(formatViolations(runAllChecks(build(props)))).toBe('');
  });

  test('a PDB that selects no Alertmanager pod is caught', () => {
    const m = JSON.parse(JSON.stringify(prod));
    m.find((o: Obj) => o.kind === 'PodDisruptionBudget').spec.selector.matchLabels.alertmanager = 'other';
    expect(formatViolations(runAllChecks(m))).toMatch(/wiring\/pdb-selector/);
  });
});
