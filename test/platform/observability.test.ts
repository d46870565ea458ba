import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { buildPlatform, PlatformOptions, PROFILES, synthApp } from '../../lib';
import { formatViolations, Manifest, manifestsOf, monitorFlows, runAllChecks } from '../../lib/checks';
import { StackAlertRules } from '../../lib/observability/stack-alerts';
import { checkImageContracts } from '../contracts/pod-contract';
import { ALL_IMAGE_CONTRACTS } from '../contracts/contracts';
import { formatTotals, resourceTotals } from '../observability/resource-totals';

/**
 * The observability stack in the cluster layer (issue 12): once per cluster, in `monitoring`,
 * default-deny with every flow declared, passing every check in both profiles and with tenants.
 */
type Obj = Record<string, any>;

function platform(options: PlatformOptions = {}, more?: (p: ReturnType<typeof buildPlatform>) => void) {
  const app = new App({ recordConstructMetadata: false });
  const p = buildPlatform(app, options);
  more?.(p);
  return { p, app, manifests: manifestsOf(app) as Array<Manifest & Obj> };
}
const kinds = (m: readonly Obj[], kind: string) => m.filter((o) => o.kind === kind).map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();

describe.each(['production', 'dev'] as const)('the %s platform runs its own monitoring', (profile) => {
  const { p, manifests } = platform({ profile: PROFILES[profile] });

  test('operator, Prometheus, Alertmanager, Grafana with six dashboards, kube-state-metrics, metrics-server, Jaeger and the viewer, in monitoring', () => {
    expect(kinds(manifests, 'Deployment').filter((d) => d.startsWith('monitoring/')))
      .toEqual(['monitoring/grafana', 'monitoring/jaeger', 'monitoring/kube-state-metrics', 'monitoring/metrics-server', 'monitoring/prometheus-operator']);
    expect(kinds(manifests, 'Prometheus')).toEqual(['monitoring/platform']);
    expect(kinds(manifests, 'Alertmanager')).toEqual(['monitoring/platform']);
    expect(kinds(manifests, 'APIService')).toEqual(['/v1beta1.metrics.k8s.io']);
    expect(manifests.filter((m) => m.kind === 'ConfigMap' && m.metadata.labels?.['grafana.com/dashboard-uid'])).toHaveLength(6);
    expect(kinds(manifests, 'ClusterRoleBinding')).toContain('/monitoring-viewer');
    expect(manifests.find((m) => m.kind === 'Prometheus')!.spec.replicas).toBe(profile === 'production' ? 2 : 1);
    // Jaeger: in-memory all-in-one in dev, the platform's Elasticsearch in production.
    const config = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('jaeger-config-'))!.data['config.yaml'];
    expect(config).toContain(profile === 'dev' ? 'memory' : 'http://elasticsearch-logging.logging.svc.cluster.local:9200');
  });

  test('every object passes every check; the monitoring namespace default-denies and every scrape is allowed', () => {
    const scrapes = monitorFlows(manifests, p.prometheus);
    expect(scrapes.length).toBeGreaterThanOrEqual(12);
    expect(formatViolations(runAllChecks(manifests, { flows: scrapes }))).toBe('');
    expect(kinds(manifests, 'NetworkPolicy')).toContain('monitoring/default-deny');
    expect(checkImageContracts(manifests, ALL_IMAGE_CONTRACTS)).toEqual([]);
  });

  test('Prometheus selects every monitor and rule of the platform by the discovery label prometheus: platform', () => {
    const prometheus = manifests.find((m) => m.kind === 'Prometheus')!;
    expect(prometheus.spec.serviceMonitorSelector).toEqual({ matchLabels: { prometheus: 'platform' } });
    for (const m of manifests.filter((o) => ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].includes(o.kind))) {
      expect([m.metadata.name, m.metadata.labels?.prometheus]).toEqual([m.metadata.name, 'platform']);
    }
    // kube-state-metrics keeps the series' own labels: the rollout alerts select namespace and statefulset.
    expect(manifests.find((m) => m.kind === 'ServiceMonitor' && m.metadata.name === 'kube-state-metrics')!.spec.endpoints[0].honorLabels).toBe(true);
  });
});

test('the stack alerts the platform emits are exactly those test/observability/stack-alerts.promtool.test.ts runs through promtool', () => {
  const { manifests } = platform();
  const emitted = manifests.find((m) => m.kind === 'PrometheusRule' && m.metadata.name === 'monitoring-stack-alerts')!;
  const app = new App({ recordConstructMetadata: false });
  new StackAlertRules(new Chart(app, 'monitoring', { namespace: 'monitoring' }), 'alerts', { namespace: 'monitoring' });
  const tested = manifestsOf(app).find((m) => m.kind === 'PrometheusRule')!;
  expect(emitted.spec).toEqual(tested.spec);
  expect(emitted.spec.groups.flatMap((g: Obj) => g.rules.map((r: Obj) => r.alert))).toHaveLength(11);
});

test('with tenants, one added later, the stack exists once and every check passes', () => {
  const { p, manifests } = platform({ profile: PROFILES.dev, tenants: ['team-a', 'team-b'] }, (pl) => { pl.cluster.addTenant('team-c'); });
  expect(manifests.filter((m) => m.kind === 'Prometheus')).toHaveLength(1);
  expect(kinds(manifests, 'NetworkPolicy').filter((n) => n.startsWith('monitoring/jaeger-otlp-')))
    .toEqual(['monitoring/jaeger-otlp-team-a-apps', 'monitoring/jaeger-otlp-team-b-apps', 'monitoring/jaeger-otlp-team-c-apps']);
  expect(formatViolations(runAllChecks(manifests, { flows: monitorFlows(manifests, p.prometheus) }))).toBe('');
});

test('an existing operator (kube-prometheus-stack release kps): no operator, Prometheus, Grafana or CRDs; every monitor and rule labelled release: kps', () => {
  const { manifests, app } = platform({ monitoringOperator: 'existing', monitoringDiscoveryLabels: { release: 'kps' } });
  expect(manifests.filter((m) => ['Prometheus', 'Alertmanager'].includes(m.kind))).toEqual([]);
  expect(kinds(manifests, 'Deployment').filter((d) => d.startsWith('monitoring/'))).toEqual(['monitoring/jaeger', 'monitoring/metrics-server']);
  for (const m of manifests.filter((o) => ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].includes(o.kind))) {
    expect([m.metadata.name, m.metadata.labels]).toEqual([m.metadata.name, expect.objectContaining({ release: 'kps' })]);
    expect(m.metadata.labels?.prometheus).toBeUndefined();
  }
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'existing-'));
  try {
    synthApp(app, outdir);
    expect(fs.existsSync(path.join(outdir, 'crds'))).toBe(false);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test('metrics-server can be left out (a cluster that ships one): nothing else emits the metrics APIService', () => {
  const { manifests } = platform({ metricsServer: false });
  expect(manifests.filter((m) => m.kind === 'APIService')).toEqual([]);
});

test('resources the stack adds (the README figures)', () => {
  const inMonitoring = (m: Manifest) => m.metadata?.namespace === 'monitoring';
  const totals = Object.fromEntries((['production', 'dev'] as const).map((profile) => [profile, formatTotals(resourceTotals(platform({ profile: PROFILES[profile] }).manifests, inMonitoring))]));
  expect(totals).toEqual({
    production: '11 pods; requests 1.99 CPU, 5.77 GiB; limits 10.8 CPU, 12.78 GiB; storage 100 GiB',
    dev: '7 pods; requests 0.31 CPU, 0.91 GiB; limits 2.35 CPU, 2.41 GiB; storage 5 GiB',
  });
});
