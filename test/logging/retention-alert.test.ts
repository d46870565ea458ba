import { Chart, Testing } from 'cdk8s';
import { EfkStack } from '../../lib/logging';
import { PlatformMonitoring, PlatformMonitoringProps } from '../../lib/monitoring';
import { metricsOf, monitoringScope, PLATFORM_ENDPOINTS, synthChecked } from '../monitoring/fixtures';

/**
 * The alert on the log retention CronJob (issue 13): `<P>LogRetentionFailing` exists only for a
 * component given a retention CronJob, is scoped to that CronJob and its namespace, and the prop
 * naming it is validated. Its firing and silent behaviour is tested by promtool
 * (test/monitoring/alert-cases.ts).
 */

function alerts(props: Partial<PlatformMonitoringProps> = {}): any[] {
  const { app, chart } = monitoringScope();
  new PlatformMonitoring(chart, 'Monitoring', { endpoints: PLATFORM_ENDPOINTS, ...props });
  return synthChecked(app, chart).find((o) => o.kind === 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules.map((r: any) => ({ group: g.name, ...r })));
}

describe('ElasticsearchLogRetentionFailing', () => {
  test('emitted for the elasticsearch component only when its retention CronJob is named', () => {
    expect(alerts().filter((r) => /LogRetention/.test(r.alert))).toEqual([]);
    const found = alerts({ logRetentionCronJobs: { elasticsearch: 'es-retention' } }).filter((r) => /LogRetention/.test(r.alert));
    expect(found.map((r) => [r.group, r.alert, r.for, r.labels.severity])).toEqual([['elasticsearch', 'ElasticsearchLogRetentionFailing', '10m', 'warning']]);
  });

  test('scoped to that CronJob in the component namespace, from kube-state-metrics CronJob series', () => {
    const [rule] = alerts({ logRetentionCronJobs: { elasticsearch: 'es-retention' } }).filter((r) => r.alert === 'ElasticsearchLogRetentionFailing');
    expect(metricsOf(rule.expr)).toEqual([
      'kube_cronjob_created', 'kube_cronjob_next_schedule_time', 'kube_cronjob_status_last_schedule_time', 'kube_cronjob_status_last_successful_time',
    ]);
    const selectors = [...rule.expr.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]);
    expect(selectors.length).toBe(6);
    for (const selector of selectors) expect(selector).toBe('job="kube-state-metrics",namespace="logging",cronjob="es-retention"');
    expect(rule.annotations.runbook_url).toMatch(/\/elasticsearch\.md#elasticsearchlogretentionfailing$/);
    expect(rule.annotations.description).toContain('logging/es-retention');
  });

  test('the CronJob name comes from the EfkStack, whatever it is called', () => {
    const app = Testing.app();
    const logging = new Chart(app, 'logging', { namespace: 'logs' });
    const efk = new EfkStack(logging, 'efk', { agentScope: new Chart(app, 'agents', { namespace: 'agents' }), retention: { name: 'logs-cleanup' } });
    const monitoring = new Chart(app, 'monitoring', { namespace: 'monitoring' });
    new PlatformMonitoring(monitoring, 'Monitoring', {
      endpoints: [efk.elasticsearch.metricsEndpoint],
      logRetentionCronJobs: { [efk.elasticsearch.metricsEndpoint.component]: efk.retention.name },
    });
    const rule = synthChecked(app, monitoring).find((o) => o.kind === 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules)
      .find((r: any) => r.alert === 'ElasticsearchLogRetentionFailing');
    expect(rule.expr).toContain('namespace="logs",cronjob="logs-cleanup"');
  });

  test.each<[string, Record<string, string>, RegExp]>([
    ['a name that is no DNS label', { elasticsearch: 'Retention_Job' }, /invalid logRetentionCronJobs\[elasticsearch\] "Retention_Job": must be a DNS label/],
  ])('rejects %s', (_what, logRetentionCronJobs, message) => {
    const { chart } = monitoringScope();
    expect(() => new PlatformMonitoring(chart, 'M', { endpoints: PLATFORM_ENDPOINTS, logRetentionCronJobs })).toThrow(message);
  });

  test.each<[string, Record<string, string>, RegExp]>([
    ['an unknown component', { elasticsaerch: 'es-retention' }, /logRetentionCronJobs names unknown component "elasticsaerch"/],
    ['a component without the elasticsearch profile', { kafka: 'es-retention' }, /logRetentionCronJobs names component "kafka", whose alert profile is kafka: only the elasticsearch profile has the retention alert/],
  ])('fails synth for %s', (_what, logRetentionCronJobs, message) => {
    const { app, chart } = monitoringScope();
    new PlatformMonitoring(chart, 'M', { endpoints: PLATFORM_ENDPOINTS, logRetentionCronJobs });
    expect(() => app.synthYaml()).toThrow(message);
  });
});
