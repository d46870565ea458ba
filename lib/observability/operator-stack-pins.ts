import { DEFAULT_DISCOVERY_LABELS } from '../monitoring/alert-rules';

/**
 * Shared pins and conventions of the Prometheus Operator stack (operator, Prometheus,
 * Alertmanager). Versions follow kube-prometheus' `versions.json` of 2026-08-10 (see
 * vendor/crds/SOURCES.md): the vendored CRDs are those of this operator release.
 */

/** Prometheus Operator release; its CRDs are vendored in `vendor/crds/prometheus-operator/`. */
export const PROMETHEUS_OPERATOR_VERSION = 'v0.93.1';
/** Pinned operator image. */
export const PROMETHEUS_OPERATOR_DEFAULT_IMAGE = `quay.io/prometheus-operator/prometheus-operator:${PROMETHEUS_OPERATOR_VERSION}`;
/** Pinned config-reloader sidecar image, passed to the operator (`--prometheus-config-reloader`). */
export const PROMETHEUS_CONFIG_RELOADER_DEFAULT_IMAGE = `quay.io/prometheus-operator/prometheus-config-reloader:${PROMETHEUS_OPERATOR_VERSION}`;
/** Prometheus release run by the Prometheus custom resource. */
export const PROMETHEUS_VERSION = 'v3.13.2';
/** Pinned Prometheus image. */
export const PROMETHEUS_DEFAULT_IMAGE = `quay.io/prometheus/prometheus:${PROMETHEUS_VERSION}`;
/** Alertmanager release run by the Alertmanager custom resource. */
export const ALERTMANAGER_VERSION = 'v0.33.1';
/** Pinned Alertmanager image. */
export const ALERTMANAGER_DEFAULT_IMAGE = `quay.io/prometheus/alertmanager:${ALERTMANAGER_VERSION}`;

/**
 * The label the platform's Prometheus selects every ServiceMonitor, PodMonitor and PrometheusRule
 * by: `prometheus: platform`. The monitors and rules of lib/monitoring carry it by default
 * (`DEFAULT_DISCOVERY_LABELS`, the same object). To be picked up by an existing
 * kube-prometheus-stack instead, give them its `release: <helm release name>` label (the
 * chart's default `serviceMonitorSelector`/`ruleSelector`).
 */
export const PLATFORM_DISCOVERY_LABELS: Readonly<Record<string, string>> = DEFAULT_DISCOVERY_LABELS;

/**
 * Labels the Prometheus Operator (v0.93) puts on the pods it creates for a Prometheus named
 * `name`, that a Service or PodDisruptionBudget can select (the operator's own governing Service
 * `prometheus-operated` selects `app.kubernetes.io/name`).
 */
export function prometheusPodSelector(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': name };
}

/** Labels the operator puts on the pods of an Alertmanager named `name` (selectable). */
export function alertmanagerPodSelector(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'alertmanager', alertmanager: name };
}

/** Container port names the operator gives Prometheus (`web` 9090) and Alertmanager (`web` 9093, `mesh-tcp`/`mesh-udp` 9094). */
export const OPERATOR_POD_PORTS = {
  prometheus: [{ name: 'web', containerPort: 9090, protocol: 'TCP' }, { name: 'reloader-web', containerPort: 8080, protocol: 'TCP' }],
  alertmanager: [
    { name: 'web', containerPort: 9093, protocol: 'TCP' },
    { name: 'mesh-tcp', containerPort: 9094, protocol: 'TCP' },
    { name: 'mesh-udp', containerPort: 9094, protocol: 'UDP' },
    { name: 'reloader-web', containerPort: 8080, protocol: 'TCP' },
  ],
} as const;
