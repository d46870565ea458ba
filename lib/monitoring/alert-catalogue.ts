import { AlertContext, AlertRule } from '../core/alerting';
import { targetAlerts } from '../core/workload-alerts';
import { kafkaAlerts } from '../kafka/kafka-monitoring';
import { elasticsearchAlerts } from '../logging/elasticsearch-monitoring';
import { fluentdAlerts } from '../logging/fluentd-monitoring';
import { nodeExporterAlerts } from '../node-exporter/node-exporter-monitoring';
import { webAppAlerts } from '../webapp/web-app-monitoring';
import { zookeeperAlerts } from '../zookeeper/zookeeper-monitoring';

/**
 * The alert catalogue only assembles: each component module exports its own alert rules next to
 * its construct (`lib/<component>/<component>-monitoring.ts`), the shared building blocks live in
 * lib/core (alerting.ts, workload-alerts.ts, promql.ts). Re-exported here so `lib/monitoring`
 * keeps offering every name it offered.
 */
export type { AlertContext, AlertThresholds } from '../core/alerting';
export { alertPrefix, catalogueRule, COMMON_RUNBOOK_PAGE, DEFAULT_ALERT_THRESHOLDS, DEFAULT_RUNBOOK_BASE_URL, runbookUrl } from '../core/alerting';
export { daemonSetAlerts, deploymentAlerts, statefulSetAlerts, targetAlerts } from '../core/workload-alerts';
export { kafkaAlerts, elasticsearchAlerts, fluentdAlerts, nodeExporterAlerts, webAppAlerts, zookeeperAlerts };

/**
 * The component kinds the catalogue has alerts for, keyed like `MetricsEndpoint.component` of the
 * platform's constructs. A component whose id is not a kind gets the target alerts only, unless it
 * is mapped to a kind (`PlatformMonitoringProps.alertKinds`).
 */
export type AlertComponentKind = 'node-exporter' | 'zookeeper' | 'kafka' | 'elasticsearch' | 'fluentd' | 'webapp';

/** Catalogue entries by component kind; each returns the kind's own rules (target alerts come separately). */
export const ALERT_CATALOGUE: Readonly<Record<AlertComponentKind, (ctx: AlertContext) => AlertRule[]>> = Object.freeze({
  'node-exporter': nodeExporterAlerts,
  'zookeeper': zookeeperAlerts,
  'kafka': kafkaAlerts,
  'elasticsearch': elasticsearchAlerts,
  'fluentd': fluentdAlerts,
  'webapp': webAppAlerts,
});

/** True if `name` is a component kind of the catalogue. */
export function isAlertComponentKind(name: string): name is AlertComponentKind {
  return Object.prototype.hasOwnProperty.call(ALERT_CATALOGUE, name);
}

/** Target alerts plus the kind's alerts (none for a component without kind). */
export function componentAlerts(ctx: AlertContext, kind?: AlertComponentKind): AlertRule[] {
  const withKind: AlertContext = { ...ctx, kind };
  return [...targetAlerts(withKind), ...(kind ? ALERT_CATALOGUE[kind](withKind) : [])];
}
