import { parseQuantity } from '../../lib/core/quantity';
import { Manifest } from '../../lib/checks';

/**
 * What a set of workloads reserves and may use: the sum over every pod (replicas times the pod's
 * containers) of CPU and memory requests and limits, plus the storage their PVC templates claim.
 * Pods the Prometheus Operator creates count too: a Prometheus or Alertmanager resource's
 * `spec.resources` for its main container, plus the config-reloader sidecar the operator adds with
 * the resources given by the operator's `--config-reloader-*` arguments.
 */
export interface ResourceTotals {
  readonly pods: number;
  /** Cores. */
  readonly cpuRequests: number;
  readonly cpuLimits: number;
  /** Bytes. */
  readonly memoryRequests: number;
  readonly memoryLimits: number;
  /** Bytes of PersistentVolumeClaims. */
  readonly storage: number;
}

type Obj = Record<string, any>;

const q = (value: unknown): number => (typeof value === 'string' || typeof value === 'number' ? parseQuantity(String(value)) ?? 0 : 0);

/** Totals of the workloads among `manifests` for which `include` holds. */
export function resourceTotals(manifests: readonly Manifest[], include: (m: Manifest) => boolean = () => true): ResourceTotals {
  const t = { pods: 0, cpuRequests: 0, cpuLimits: 0, memoryRequests: 0, memoryLimits: 0, storage: 0 };
  const add = (replicas: number, containers: Obj[], claims: number) => {
    t.pods += replicas;
    for (const c of containers) {
      t.cpuRequests += replicas * q(c.resources?.requests?.cpu);
      t.cpuLimits += replicas * q(c.resources?.limits?.cpu);
      t.memoryRequests += replicas * q(c.resources?.requests?.memory);
      t.memoryLimits += replicas * q(c.resources?.limits?.memory);
    }
    t.storage += replicas * claims;
  };
  const operatorArgs: string[] = manifests
    .filter((m) => m.kind === 'Deployment')
    .flatMap((m) => (m.spec?.template?.spec?.containers ?? []) as Obj[])
    .filter((c) => (c.args ?? []).some((a: string) => a.startsWith('--prometheus-config-reloader=')))
    .flatMap((c) => c.args as string[]);
  const arg = (name: string) => operatorArgs.find((a) => a.startsWith(`--config-reloader-${name}=`))?.split('=')[1];
  const reloader = { resources: { requests: { cpu: arg('cpu-request'), memory: arg('memory-request') }, limits: { cpu: arg('cpu-limit'), memory: arg('memory-limit') } } };

  for (const m of manifests.filter(include)) {
    const replicas = m.kind === 'DaemonSet' ? 1 : (m.spec?.replicas ?? 1);
    if (['Deployment', 'StatefulSet', 'DaemonSet'].includes(m.kind)) {
      const claims = (m.spec?.volumeClaimTemplates ?? []).reduce((sum: number, v: Obj) => sum + q(v.spec?.resources?.requests?.storage), 0);
      add(replicas, m.spec?.template?.spec?.containers ?? [], claims);
    } else if (m.apiVersion === 'monitoring.coreos.com/v1' && (m.kind === 'Prometheus' || m.kind === 'Alertmanager')) {
      const claims = q(m.spec?.storage?.volumeClaimTemplate?.spec?.resources?.requests?.storage);
      add(replicas, [{ resources: m.spec?.resources }, reloader], claims);
    }
  }
  return t;
}

/** `1.25 CPU / 2.5 GiB` style figures for the README. */
export function formatTotals(t: ResourceTotals): string {
  const cpu = (n: number) => `${Math.round(n * 1000) / 1000}`;
  const gib = (n: number) => `${Math.round((n / 2 ** 30) * 100) / 100} GiB`;
  return `${t.pods} pods; requests ${cpu(t.cpuRequests)} CPU, ${gib(t.memoryRequests)}; limits ${cpu(t.cpuLimits)} CPU, ${gib(t.memoryLimits)}; storage ${gib(t.storage)}`;
}
