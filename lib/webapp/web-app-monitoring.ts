import { AlertContext, AlertRule } from '../core/alerting';
import { ComponentDashboardOptions, componentSeries, DashboardSpec, KSM_SERIES } from '../core/dashboard-model';
import { KUBE_STATE_METRIC, MetricsContract } from '../core/metrics-contract';
import { deploymentAlerts } from '../core/workload-alerts';

/**
 * The monitoring of a WebApp: its metrics contract, its alert rules and its Grafana dashboard,
 * next to its construct (kube-prometheus mixin style). lib/monitoring's alert catalogue and
 * lib/observability/dashboards only assemble these.
 */

/** The metric names podinfo (the demo web app) exports. Each name is written here once; the alerts and the dashboard read it from here. */
export const PODINFO_METRIC = Object.freeze({
  httpRequestsTotal: 'http_requests_total',
  httpRequestDurationSecondsBucket: 'http_request_duration_seconds_bucket',
  httpRequestDurationSecondsSum: 'http_request_duration_seconds_sum',
  httpRequestDurationSecondsCount: 'http_request_duration_seconds_count',
  goGoroutines: 'go_goroutines',
  processResidentMemoryBytes: 'process_resident_memory_bytes',
  processCpuSecondsTotal: 'process_cpu_seconds_total',
});

/** The metrics contract: the names of {@link PODINFO_METRIC} and where they were read. */
export const PODINFO_METRICS: MetricsContract = {
  source: 'stefanprodan/podinfo 6.9.2 pkg/api/http/metrics.go (http_request_duration_seconds histogram, http_requests_total counter) and the Go client default registry (go_*, process_*)',
  metrics: Object.values(PODINFO_METRIC),
};

const M = PODINFO_METRIC;

/**
 * A WebApp: availability and error rates are application-specific (add them with
 * `addRuleGroup`); the catalogue covers its target and its Deployment's replicas and rollout.
 */
export function webAppAlerts(ctx: AlertContext): AlertRule[] {
  return deploymentAlerts(ctx);
}

/** Options of {@link webAppDashboard}. */
export interface WebAppDashboardOptions extends ComponentDashboardOptions {
  /** Name of the Deployment (kube-state-metrics `deployment` label). @default - the job */
  readonly deployment?: string;
}

/**
 * The web app (podinfo's `http_requests_total` and `http_request_duration_seconds`, Go process
 * metrics) and its Deployment (kube-state-metrics).
 */
export function webAppDashboard(opts: WebAppDashboardOptions = {}): DashboardSpec {
  const job = opts.job ?? 'podinfo';
  const deployment = opts.deployment ?? job;
  const s = componentSeries(job);
  const ksm = `${KSM_SERIES},deployment="${deployment}"`;
  return {
    uid: 'platform-webapp',
    title: 'Web app',
    description: `The platform's web app (${job}): traffic, errors, latency, replicas and process resources.`,
    tags: ['platform', 'webapp'],
    job,
    rows: [
      {
        title: 'Traffic',
        panels: [
          { title: 'Requests', kind: 'timeseries', unit: 'reqps', targets: [{ expr: `sum by (status) (rate(${M.httpRequestsTotal}{${s}}[$__rate_interval]))`, legend: '{{status}}' }] },
          { title: 'Error ratio (5xx)', kind: 'timeseries', unit: 'percentunit', targets: [{ expr: `sum(rate(${M.httpRequestsTotal}{${s},status=~"5.."}[$__rate_interval])) / sum(rate(${M.httpRequestsTotal}{${s}}[$__rate_interval]))`, legend: '5xx' }] },
          { title: 'Latency', kind: 'timeseries', unit: 's', width: 24, targets: [
            { expr: `histogram_quantile(0.5, sum by (le) (rate(${M.httpRequestDurationSecondsBucket}{${s}}[$__rate_interval])))`, legend: 'p50' },
            { expr: `histogram_quantile(0.99, sum by (le) (rate(${M.httpRequestDurationSecondsBucket}{${s}}[$__rate_interval])))`, legend: 'p99' },
          ] },
        ],
      },
      {
        title: 'Replicas and resources',
        panels: [
          { title: 'Replicas available', kind: 'timeseries', targets: [{ expr: `${KUBE_STATE_METRIC.kubeDeploymentStatusReplicasAvailable}{${ksm}}`, legend: 'available' }, { expr: `${KUBE_STATE_METRIC.kubeDeploymentSpecReplicas}{${ksm}}`, legend: 'desired' }] },
          { title: 'Container restarts', kind: 'timeseries', targets: [{ expr: `sum by (pod) (increase(${KUBE_STATE_METRIC.kubePodContainerStatusRestartsTotal}{${KSM_SERIES},pod=~"${deployment}-.*"}[1h]))`, legend: '{{pod}}' }] },
          { title: 'Memory (RSS)', kind: 'timeseries', unit: 'bytes', targets: [{ expr: `${M.processResidentMemoryBytes}{${s}}`, legend: '{{pod}}' }] },
          { title: 'CPU', kind: 'timeseries', targets: [{ expr: `rate(${M.processCpuSecondsTotal}{${s}}[$__rate_interval])`, legend: '{{pod}}' }] },
          { title: 'Goroutines', kind: 'timeseries', targets: [{ expr: `${M.goGoroutines}{${s}}`, legend: '{{pod}}' }] },
        ],
      },
    ],
  };
}
