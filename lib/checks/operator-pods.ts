import { namespaceOf, resourceId } from './objects';
import { PodTemplate } from './pod-templates';
import { Manifest } from './types';

/**
 * The pods the Prometheus Operator (v0.93) creates for Prometheus and Alertmanager resources,
 * modelled for the wiring checks: a Service or PodDisruptionBudget may select them. Labels are
 * the ones the operator always sets plus `spec.podMetadata.labels`; containers carry the ports
 * the operator gives them (`web`, `reloader-web`, Alertmanager's `mesh-tcp`/`mesh-udp`). Policy
 * checks do not apply to them (the operator writes their containers).
 */
export function operatorPodTemplates(manifests: Manifest[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const m of manifests) {
    if (m?.apiVersion !== 'monitoring.coreos.com/v1' || (m.kind !== 'Prometheus' && m.kind !== 'Alertmanager')) continue;
    const name: string = m.metadata?.name;
    const isPrometheus = m.kind === 'Prometheus';
    const app = isPrometheus ? 'prometheus' : 'alertmanager';
    const labels: Record<string, string> = {
      ...(m.spec?.podMetadata?.labels ?? {}),
      'app.kubernetes.io/name': app,
      'app.kubernetes.io/instance': name,
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      ...(isPrometheus
        ? { 'prometheus': name, 'operator.prometheus.io/name': name, 'operator.prometheus.io/shard': '0' }
        : { alertmanager: name }),
    };
    const main = isPrometheus
      ? { name: 'prometheus', ports: [{ name: 'web', containerPort: 9090, protocol: 'TCP' }] }
      : {
        name: 'alertmanager',
        ports: [
          { name: 'web', containerPort: 9093, protocol: 'TCP' },
          { name: 'mesh-tcp', containerPort: 9094, protocol: 'TCP' },
          { name: 'mesh-udp', containerPort: 9094, protocol: 'UDP' },
        ],
      };
    out.push({
      owner: m,
      resource: resourceId(m),
      namespace: namespaceOf(m),
      labels,
      annotations: { ...(m.spec?.podMetadata?.annotations ?? {}) },
      spec: { containers: [main, { name: 'config-reloader', ports: [{ name: 'reloader-web', containerPort: 8080, protocol: 'TCP' }] }] },
      claimTemplates: [],
    });
  }
  return out;
}
