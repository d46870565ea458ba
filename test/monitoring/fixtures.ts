import { App, Chart, Testing } from 'cdk8s';
import { MetricsEndpoint } from '../../lib/core/metrics';

/** One endpoint per platform component, shaped like the ones the component constructs expose. */
export const PLATFORM_ENDPOINTS: MetricsEndpoint[] = [
  {
    component: 'zookeeper', namespace: 'streaming', via: 'service', portName: 'metrics',
    selector: { 'app.kubernetes.io/name': 'zookeeper', 'app.kubernetes.io/instance': 'zk', 'app.kubernetes.io/component': 'server' },
  },
  {
    component: 'kafka', namespace: 'streaming', via: 'service', portName: 'metrics',
    selector: { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': 'kafka', 'app.kubernetes.io/component': 'broker' },
  },
  {
    component: 'elasticsearch', namespace: 'logging', via: 'service', portName: 'metrics',
    selector: { 'app.kubernetes.io/name': 'elasticsearch', 'app.kubernetes.io/instance': 'elasticsearch-logging' },
  },
  {
    component: 'fluentd', namespace: 'logging-agents', via: 'pod', portName: 'metrics', interval: '1m',
    selector: { 'app.kubernetes.io/name': 'fluentd', 'app.kubernetes.io/instance': 'fluentd-es' },
  },
  {
    component: 'node-exporter', namespace: 'node-exporter', via: 'pod', portName: 'scrape', interval: '15s',
    selector: { app: 'node-exporter' },
  },
  {
    component: 'webapp', namespace: 'apps', via: 'service', portName: 'http', path: '/actuator/prometheus',
    selector: { 'app.kubernetes.io/name': 'webapp', 'app.kubernetes.io/instance': 'shop' },
  },
];

/** A fresh app and an empty chart in the `monitoring` namespace. */
export function monitoringScope(namespace = 'monitoring'): { app: App; chart: Chart } {
  const app = Testing.app();
  return { app, chart: new Chart(app, 'monitoring', { namespace }) };
}

/** Synthesized objects of a chart, validations included (they run in `synthYaml`). */
export function synthChecked(app: App, chart: Chart): any[] {
  app.synthYaml();
  return Testing.synth(chart);
}

/**
 * Metric names an expression reads: identifiers directly followed by a `{...}` selector, with
 * string literals and selector contents removed first (every metric in this library's PromQL
 * carries a selector).
 */
export function metricsOf(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const withoutSelectors = withoutStrings.replace(/\{[^{}]*\}/g, '{}');
  const names = [...withoutSelectors.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{\}/g)].map((m) => m[1]);
  return [...new Set(names)].sort();
}
