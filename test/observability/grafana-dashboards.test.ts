import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { AlertContext, ALERT_CATALOGUE, AlertComponentKind, AlertThresholds, DEFAULT_ALERT_THRESHOLDS } from '../../lib/monitoring/alert-catalogue';
import {
  allExporterMetrics, dashboardExpressions, DashboardSpec, EXPORTER_METRICS, layoutDashboard, namespaceVariableSelector, platformDashboards,
  promqlMetricNames, substituteVariables,
} from '../../lib/observability/dashboards';
import { describeWithPrograms } from '../support/real-programs';

const DASHBOARDS = platformDashboards();

/** Every query of every dashboard (panel targets, then the namespace variable's selector), with where it comes from. */
function queries(dashboards: DashboardSpec[]): Array<{ where: string; expr: string }> {
  return dashboards.flatMap((d) => [
    ...d.rows.flatMap((r) => r.panels.flatMap((p) => p.targets.map((t) => ({ where: `${d.uid} / ${p.title}`, expr: t.expr })))),
    { where: `${d.uid} / variable namespace`, expr: namespaceVariableSelector(d) },
  ]);
}

const KINDS = Object.keys(ALERT_CATALOGUE) as AlertComponentKind[];

/** The metric names the alerts of one component kind read (retention alert included). */
function kindAlertMetrics(kind: AlertComponentKind): string[] {
  const ctx: AlertContext<Required<AlertThresholds>> = {
    component: 'c', namespace: 'ns', kubectlSelector: 'a=b', series: 'job="c",namespace="ns"',
    kubeStateMetrics: 'job="kube-state-metrics",namespace="ns"', thresholds: DEFAULT_ALERT_THRESHOLDS, logRetentionCronJob: 'retention',
  };
  return ALERT_CATALOGUE[kind]({ ...ctx, kind }).flatMap((r) => promqlMetricNames(r.expr));
}

/** The metric names every alert of the catalogue reads. */
function alertMetrics(): Set<string> {
  return new Set(KINDS.flatMap(kindAlertMetrics));
}

describe('platform dashboards', () => {
  test('one dashboard per component: ZooKeeper, Kafka, Elasticsearch, Fluentd, nodes, web app', () => {
    expect(DASHBOARDS.map((d) => d.title)).toEqual(['ZooKeeper', 'Kafka', 'Elasticsearch', 'Fluentd', 'Nodes', 'Web app']);
    expect(new Set(DASHBOARDS.map((d) => d.uid)).size).toBe(6);
  });

  test('every metric a panel reads is produced by an exporter of the platform', () => {
    const known = allExporterMetrics();
    const unknown = queries(DASHBOARDS).flatMap((q) => promqlMetricNames(q.expr).filter((m) => !known.has(m)).map((m) => `${q.where}: ${m}`));
    expect(unknown).toEqual([]);
  });

  test('each dashboard reads only its own exporter, Prometheus\' up and kube-state-metrics', () => {
    const exporterOf: Record<string, keyof typeof EXPORTER_METRICS> = {
      'platform-zookeeper': 'zookeeper', 'platform-kafka': 'kafka-jmx-exporter', 'platform-elasticsearch': 'elasticsearch-exporter',
      'platform-fluentd': 'fluentd', 'platform-nodes': 'node-exporter', 'platform-webapp': 'podinfo',
    };
    for (const d of DASHBOARDS) {
      const allowed = new Set([...EXPORTER_METRICS[exporterOf[d.uid]].metrics, ...EXPORTER_METRICS.prometheus.metrics, ...EXPORTER_METRICS['kube-state-metrics'].metrics]);
      const foreign = dashboardExpressions(d).flatMap(promqlMetricNames).filter((m) => !allowed.has(m));
      expect({ dashboard: d.uid, foreign }).toEqual({ dashboard: d.uid, foreign: [] });
    }
  });

  test('each component kind\'s alerts read only its own metrics contract, Prometheus\' up and kube-state-metrics', () => {
    const exporterOf: Record<AlertComponentKind, keyof typeof EXPORTER_METRICS> = {
      'zookeeper': 'zookeeper', 'kafka': 'kafka-jmx-exporter', 'elasticsearch': 'elasticsearch-exporter',
      'fluentd': 'fluentd', 'node-exporter': 'node-exporter', 'webapp': 'podinfo',
    };
    expect(KINDS).toEqual(['node-exporter', 'zookeeper', 'kafka', 'elasticsearch', 'fluentd', 'webapp']);
    for (const kind of KINDS) {
      const allowed = new Set([...EXPORTER_METRICS[exporterOf[kind]].metrics, ...EXPORTER_METRICS.prometheus.metrics, ...EXPORTER_METRICS['kube-state-metrics'].metrics]);
      const foreign = kindAlertMetrics(kind).filter((m) => !allowed.has(m));
      expect({ kind, foreign }).toEqual({ kind, foreign: [] });
    }
  });

  test('the exporter lists cover every metric the alert catalogue reads (the lists are not made up)', () => {
    const known = allExporterMetrics();
    const missing = [...alertMetrics()].filter((m) => !known.has(m));
    expect(missing).toEqual([]);
    // The dashboards share most metrics with the alerts: the alerts' metrics are read by some panel.
    const panelMetrics = new Set(DASHBOARDS.flatMap((d) => dashboardExpressions(d).flatMap(promqlMetricNames)));
    const sharedWithAlerts = [...alertMetrics()].filter((m) => panelMetrics.has(m));
    expect(sharedWithAlerts.length).toBeGreaterThanOrEqual(20);
  });

  test('the metric-name extractor skips functions, modifiers, labels, strings and durations', () => {
    expect(promqlMetricNames('sum by (pod, le) (rate(http_request_duration_seconds_bucket{job="a",status=~"5.."}[5m])) / on (pod) group_left count(up offset 1h) > bool 1e3'))
      .toEqual(['http_request_duration_seconds_bucket', 'up']);
    expect(promqlMetricNames('histogram_quantile(0.99, sum without (instance) (x_bucket)) and y or vector(0) unless z')).toEqual(['x_bucket', 'y', 'z']);
  });

  test('panels never overlap and stay inside the 24-column grid', () => {
    for (const d of DASHBOARDS) {
      const boxes = layoutDashboard(d).map((i) => i.gridPos);
      boxes.forEach((a, i) => {
        expect(a.x + a.w).toBeLessThanOrEqual(24);
        for (const b of boxes.slice(i + 1)) {
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect({ dashboard: d.uid, a, b, overlap }).toEqual({ dashboard: d.uid, a, b, overlap: false });
        }
      });
    }
  });
});

describeWithPrograms(['promtool'], 'every dashboard query parsed by promtool')('promtool parses every dashboard query', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboards-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** One rule file: each query a recording rule (promtool parses a rule's expr with the real PromQL parser). */
  function check(list: Array<{ where: string; expr: string }>): { status: number | null; output: string } {
    const file = path.join(dir, 'dashboards.rules.yml');
    fs.writeFileSync(file, stringify({
      groups: [{ name: 'dashboards', rules: list.map((q, i) => ({ record: `dashboard:query:${i}`, expr: substituteVariables(q.expr) })) }],
    }));
    const result = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8', timeout: 60_000 });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  test('all queries of the six dashboards, in one promtool run', () => {
    const list = queries(DASHBOARDS);
    expect(list.length).toBeGreaterThan(80);
    const result = check(list);
    expect(result.output).toContain(`SUCCESS: ${list.length} rules found`);
    expect(result.status).toBe(0);
  });

  test('a query promtool rejects fails the check (the harness can fail)', () => {
    const result = check([{ where: 'x', expr: 'rate(up{job="a"})' }]);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/expected type range vector/);
  });
});
