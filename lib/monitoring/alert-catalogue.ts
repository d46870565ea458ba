import { IConstruct } from 'constructs';
import { AlertContext, AlertRule } from '../core/alerting';
import { targetAlerts } from '../core/workload-alerts';
import { kafkaAlerts } from '../kafka/kafka-monitoring';
import {
  checkElasticsearchAlertThresholds, DEFAULT_ELASTICSEARCH_ALERT_THRESHOLDS, elasticsearchAlerts, ElasticsearchAlertThresholds,
} from '../logging/elasticsearch-monitoring';
import { checkFluentdAlertThresholds, DEFAULT_FLUENTD_ALERT_THRESHOLDS, fluentdAlerts, FluentdAlertThresholds } from '../logging/fluentd-monitoring';
import {
  checkNodeExporterAlertThresholds, DEFAULT_NODE_EXPORTER_ALERT_THRESHOLDS, nodeExporterAlerts, NodeExporterAlertThresholds,
} from '../node-exporter/node-exporter-monitoring';
import { webAppAlerts } from '../webapp/web-app-monitoring';
import { checkZookeeperAlertThresholds, DEFAULT_ZOOKEEPER_ALERT_THRESHOLDS, zookeeperAlerts, ZookeeperAlertThresholds } from '../zookeeper/zookeeper-monitoring';

/**
 * The alert catalogue only assembles: each component module exports its own alert rules next to
 * its construct (`lib/<component>/<component>-monitoring.ts`), the shared building blocks live in
 * lib/core (alerting.ts, workload-alerts.ts, promql.ts). Re-exported here so `lib/monitoring`
 * keeps offering every name it offered.
 */
export type { AlertContext } from '../core/alerting';
export { alertPrefix, catalogueRule, COMMON_RUNBOOK_PAGE, DEFAULT_RUNBOOK_BASE_URL, runbookUrl } from '../core/alerting';
export { daemonSetAlerts, deploymentAlerts, statefulSetAlerts, targetAlerts } from '../core/workload-alerts';
export { kafkaAlerts, elasticsearchAlerts, fluentdAlerts, nodeExporterAlerts, webAppAlerts, zookeeperAlerts };

/** Thresholds of the catalogue alerts, each component's own; each has a production-minded default. */
export interface AlertThresholds extends NodeExporterAlertThresholds, ZookeeperAlertThresholds, FluentdAlertThresholds, ElasticsearchAlertThresholds {}

export const DEFAULT_ALERT_THRESHOLDS: Required<AlertThresholds> = Object.freeze({
  ...DEFAULT_NODE_EXPORTER_ALERT_THRESHOLDS,
  ...DEFAULT_ZOOKEEPER_ALERT_THRESHOLDS,
  ...DEFAULT_FLUENTD_ALERT_THRESHOLDS,
  ...DEFAULT_ELASTICSEARCH_ALERT_THRESHOLDS,
});

/** The defaults under `thresholds`, each component's checks applied; returns the merged thresholds. */
export function resolveAlertThresholds(scope: IConstruct, thresholds: AlertThresholds): Required<AlertThresholds> {
  const merged = { ...DEFAULT_ALERT_THRESHOLDS, ...thresholds };
  checkNodeExporterAlertThresholds(scope, merged);
  checkZookeeperAlertThresholds(scope, merged);
  checkFluentdAlertThresholds(scope, merged);
  checkElasticsearchAlertThresholds(scope, merged);
  return merged;
}

/**
 * The component kinds the catalogue has alerts for, keyed like `MetricsEndpoint.component` of the
 * platform's constructs. A component whose id is not a kind gets the target alerts only, unless it
 * is mapped to a kind (`PlatformMonitoringProps.alertKinds`).
 */
export type AlertComponentKind = 'node-exporter' | 'zookeeper' | 'kafka' | 'elasticsearch' | 'fluentd' | 'webapp';

/** Catalogue entries by component kind; each returns the kind's own rules (target alerts come separately). */
export const ALERT_CATALOGUE: Readonly<Record<AlertComponentKind, (ctx: AlertContext<Required<AlertThresholds>>) => AlertRule[]>> = Object.freeze({
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
export function componentAlerts(ctx: AlertContext<Required<AlertThresholds>>, kind?: AlertComponentKind): AlertRule[] {
  const withKind: AlertContext<Required<AlertThresholds>> = { ...ctx, kind };
  return [...targetAlerts(withKind), ...(kind ? ALERT_CATALOGUE[kind](withKind) : [])];
}
