import { Chart, Testing } from 'cdk8s';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { MonitoringChart } from '../../lib/monitoring';
import { NamespacesChart } from '../../lib/platform/namespaces';
import { PLATFORM_ENDPOINTS } from './fixtures';

describe('MonitoringChart', () => {
  test('puts every monitor and the PrometheusRule in the monitoring namespace by default', () => {
    const app = Testing.app();
    const chart = new MonitoringChart(app, 'monitoring', { endpoints: PLATFORM_ENDPOINTS });
    const objects = Testing.synth(chart);
    expect(chart.namespace).toBe('monitoring');
    expect(chart.enabled).toBe(true);
    expect(objects.map((o: any) => o.kind).sort()).toEqual([
      'PodMonitor', 'PodMonitor', 'PrometheusRule', 'ServiceMonitor', 'ServiceMonitor', 'ServiceMonitor', 'ServiceMonitor',
    ]);
    expect(objects.every((o: any) => o.metadata.namespace === 'monitoring')).toBe(true);
    expect(objects.every((o: any) => o.apiVersion === 'monitoring.coreos.com/v1')).toBe(true);
    expect(chart.monitoring?.monitors).toHaveLength(PLATFORM_ENDPOINTS.length);
  });

  test('enabled: false emits nothing', () => {
    const app = Testing.app();
    const chart = new MonitoringChart(app, 'monitoring', { endpoints: PLATFORM_ENDPOINTS, enabled: false });
    expect(Testing.synth(chart)).toEqual([]);
    expect(chart.monitoring).toBeUndefined();
    expect(chart.enabled).toBe(false);
    expect(app.synthYaml()).toBe('');
  });

  test('is applied last: its file comes after every chart created before it', () => {
    const app = Testing.app();
    new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'streaming', podSecurity: 'restricted' }] });
    new Chart(app, 'streaming', { namespace: 'streaming' });
    new Chart(app, 'apps', { namespace: 'apps' });
    const monitoring = new MonitoringChart(app, 'monitoring', { endpoints: PLATFORM_ENDPOINTS });
    app.synth();
    const files = readdirSync(app.outdir).filter((f) => f.endsWith('.k8s.yaml')).sort();
    expect(files[files.length - 1]).toMatch(/^\d{4}-monitoring\.k8s\.yaml$/);
    expect(files).toHaveLength(4);
    expect(monitoring.node.dependencies.map((d) => d.node.id).sort()).toEqual(['apps', 'namespaces', 'streaming']);
    expect(readFileSync(join(app.outdir, files[files.length - 1]), 'utf8')).toContain('kind: PrometheusRule');
  });

  test('applyLast: false adds no dependency', () => {
    const app = Testing.app();
    new Chart(app, 'apps', { namespace: 'apps' });
    const monitoring = new MonitoringChart(app, 'monitoring', { endpoints: [], applyLast: false });
    expect(monitoring.node.dependencies).toEqual([]);
  });

  test('namespace and monitoring props pass through', () => {
    const app = Testing.app();
    const chart = new MonitoringChart(app, 'monitoring', {
      namespace: 'observability', endpoints: PLATFORM_ENDPOINTS.slice(0, 1), monitorLabels: { release: 'kps' }, ruleLabels: { release: 'kps' }, alerts: true,
    });
    const objects = Testing.synth(chart);
    expect(objects.map((o: any) => [o.kind, o.metadata.namespace, o.metadata.labels.release])).toEqual([
      ['PrometheusRule', 'observability', 'kps'],
      ['ServiceMonitor', 'observability', 'kps'],
    ]);
  });

  test('rejects an invalid namespace', () => {
    expect(() => new MonitoringChart(Testing.app(), 'monitoring', { namespace: 'Monitoring', endpoints: [] }))
      .toThrow(/^monitoring: invalid namespace "Monitoring": must be a DNS label/);
  });
});
