/**
 * Compatibility names for imports outside lib/monitoring: the label, port and path checks live
 * in lib/core/validation.ts, the Prometheus name checks in lib/core/promql.ts (one implementation each).
 */
export { checkLabels as checkKubeLabels, isLabelKey as isKubeLabelKey, checkPortName, checkHttpPath } from '../core/validation';
export { checkPrometheusLabelName, checkAlertName } from '../core/promql';
