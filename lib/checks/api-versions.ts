import { k8s } from 'cdk8s-plus-27';

/** The Prometheus Operator API group and the custom resources the platform emits. */
export const MONITORING_API_VERSION = 'monitoring.coreos.com/v1';
export const MONITORING_KINDS: readonly string[] = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'Prometheus', 'Alertmanager'];

/** `apiVersion kind`, the key of the allow-list. */
export function gvkKey(apiVersion: string, kind: string): string {
  return `${apiVersion} ${kind}`;
}

let allowed: Set<string> | undefined;

/**
 * Every apiVersion/kind a Kubernetes 1.27 API server serves as a top-level object: the static
 * `GVK` of each `k8s.Kube*` class of cdk8s-plus-27 (generated from the 1.27 OpenAPI), minus the
 * `*List` kinds, plus the Prometheus Operator's ServiceMonitor, PodMonitor, PrometheusRule, Prometheus and Alertmanager.
 * Removed APIs (`policy/v1beta1`, `autoscaling/v2beta2`, ...) are not in it.
 */
export function allowedApiVersions(): ReadonlySet<string> {
  if (!allowed) {
    allowed = new Set<string>();
    for (const value of Object.values(k8s) as unknown[]) {
      const gvk = (value as { GVK?: { apiVersion?: string; kind?: string } } | undefined)?.GVK;
      if (typeof value === 'function' && gvk?.apiVersion && gvk.kind && !gvk.kind.endsWith('List')) {
        allowed.add(gvkKey(gvk.apiVersion, gvk.kind));
      }
    }
    for (const kind of MONITORING_KINDS) allowed.add(gvkKey(MONITORING_API_VERSION, kind));
  }
  return allowed;
}

/** True when a 1.27 cluster (with the Prometheus Operator CRDs) accepts `apiVersion`/`kind`. */
export function isAllowedApiVersion(apiVersion: string, kind: string): boolean {
  return allowedApiVersions().has(gvkKey(apiVersion, kind));
}
