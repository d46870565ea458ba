/** `promqlMetricNames` lives in lib/core/promql.ts (components check their dashboards and alerts with it). */
export { promqlMetricNames } from '../../core/promql';
