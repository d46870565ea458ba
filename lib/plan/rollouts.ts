/**
 * Which workloads roll when the new synth is applied, and how: StatefulSet partitions (pods with
 * ordinal >= partition roll, highest ordinal first, one at a time), OnDelete, Deployment
 * maxSurge/maxUnavailable, DaemonSet maxUnavailable; plus what a StatefulSet scale-down leaves.
 */
import { resourceId } from '../checks/objects';
import { Manifest } from '../checks/types';
import { deepEqual } from './field-diff';
import { nsFlag, planWarning } from './issues';
import { PlanIssue, WorkloadRollout } from './types';

/** Kinds {@link rolloutOf} describes. */
export const ROLLING_KINDS: ReadonlySet<string> = new Set(['StatefulSet', 'Deployment', 'DaemonSet']);

/** `spec.replicas` of a workload manifest (the API default 1 when unset). */
export function replicasOf(m: Manifest): number {
  return typeof m.spec?.replicas === 'number' ? m.spec.replicas : 1;
}

/** An IntOrString budget (`1`, `25%`) in pods, for `replicas` pods, rounded as the controllers round it. */
export function budget(value: unknown, fallback: number | string, replicas: number, roundUp: boolean): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const pct = /^(\d+)%$/.exec(String(v));
  if (!pct) return Number(v) || 0;
  const exact = (Number(pct[1]) * replicas) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** `a, b, c` or `a, b, ... (N)` for long lists. */
function list(names: string[]): string {
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 3).join(', ')}, ..., ${names[names.length - 1]} (${names.length})`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The StatefulSet's RollingUpdate partition (0 when unset) or undefined for OnDelete.
 */
export function partitionOf(m: Manifest): number | undefined {
  if ((m.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return undefined;
  const p = m.spec?.updateStrategy?.rollingUpdate?.partition;
  return typeof p === 'number' ? p : 0;
}

/**
 * How many existing pods of StatefulSet `next` keep their current template after the apply:
 * those below the partition (RollingUpdate) or all of them (OnDelete).
 */
export function podsKeptOnCurrentTemplate(base: Manifest, next: Manifest): number {
  const existing = Math.min(replicasOf(base), replicasOf(next));
  const partition = partitionOf(next);
  if (partition === undefined) return existing;
  const start = next.spec?.ordinals?.start ?? 0;
  return Math.max(0, Math.min(existing, partition - start));
}

/** The rollout of one workload present on both sides (undefined when its pods do not change), and its warnings. */
export function rolloutOf(base: Manifest, next: Manifest): { rollout?: WorkloadRollout; issues: PlanIssue[] } {
  switch (next.kind) {
    case 'StatefulSet': return statefulSetRollout(base, next);
    case 'Deployment': return { rollout: deploymentRollout(base, next), issues: [] };
    case 'DaemonSet': return { rollout: daemonSetRollout(base, next), issues: [] };
    default: return { issues: [] };
  }
}

function statefulSetRollout(base: Manifest, next: Manifest): { rollout?: WorkloadRollout; issues: PlanIssue[] } {
  const name = next.metadata.name;
  const from = replicasOf(base);
  const to = replicasOf(next);
  const start = next.spec?.ordinals?.start ?? 0;
  const pod = (i: number) => `${name}-${i}`;
  const existing = Array.from({ length: Math.min(from, to) }, (_, i) => start + i);
  const templateChanged = !deepEqual(base.spec?.template, next.spec?.template);
  const strategy = next.spec?.updateStrategy?.type ?? 'RollingUpdate';
  const p1 = partitionOf(next);
  const p0 = partitionOf(base) ?? 0;
  const issues: PlanIssue[] = [];
  const parts: string[] = [];
  let rolling: number[] = [];
  let remaining: number[] = [];

  if (p1 === undefined) {
    if (templateChanged) {
      remaining = existing;
      parts.push(`OnDelete: no pod restarts; each of the ${plural(existing.length, 'pod')} takes the new template only when you delete it`);
    }
  } else if (templateChanged || p1 < p0) {
    // Unchanged template, lower partition: only the pods between the partitions move (the ones at
    // or above the old partition already run the current template).
    rolling = existing.filter((i) => i >= p1 && (templateChanged || i < p0)).reverse();
    remaining = existing.filter((i) => i < p1);
    const pace = next.spec?.updateStrategy?.rollingUpdate?.maxUnavailable;
    const oneAtATime = pace === undefined ? 'one at a time, each after the previous is Ready' : `up to ${pace} at a time (maxUnavailable)`;
    const partition = p1 === p0 ? `partition ${p1}` : `partition ${p0} -> ${p1}`;
    const target = templateChanged ? 'the new template' : 'the current template (if not already on it)';
    parts.push(rolling.length
      ? `RollingUpdate, ${partition}: ${rolling.length} of ${plural(existing.length, 'pod')} ${rolling.length === 1 ? 'rolls' : 'roll'} to ${target} (${list(rolling.map(pod))}), in reverse ordinal order, ${oneAtATime}`
      : `RollingUpdate, ${partition}: the new template is recorded, no pod rolls (partition >= replicas)`);
    if (remaining.length) parts.push(`${remaining.length} stay on their current template (${list(remaining.map(pod))})`);
  }
  if (to > from) {
    parts.push(`replicas ${from} -> ${to}: ${list(Array.from({ length: to - from }, (_, i) => pod(start + from + i)))} created`);
  } else if (to < from) {
    const removed = Array.from({ length: from - to }, (_, i) => start + from - 1 - i);
    parts.push(`replicas ${from} -> ${to}: ${list(removed.map(pod))} removed`);
    issues.push(scaleDownWarning(next, removed.map(pod)));
  }
  if (!parts.length) return { issues };
  return {
    rollout: {
      workload: resourceId(next),
      kind: 'StatefulSet',
      strategy,
      templateChanged,
      replicas: { from, to },
      partition: p1,
      rolling: rolling.length,
      remaining: remaining.length,
      order: rolling.map(pod),
      summary: parts.join('; '),
    },
    issues,
  };
}

function scaleDownWarning(sts: Manifest, removed: string[]): PlanIssue {
  const claims: string[] = (sts.spec?.volumeClaimTemplates ?? []).map((t: any) => t?.metadata?.name).filter(Boolean);
  const pvcs = claims.flatMap((c) => removed.map((p) => `${c}-${p}`));
  const deleted = sts.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled === 'Delete';
  const volumes = !pvcs.length ? 'they have no PVCs'
    : deleted ? `their PVCs ${list(pvcs)} are DELETED with their data (persistentVolumeClaimRetentionPolicy.whenScaled: Delete)`
      : `their PVCs ${list(pvcs)} are kept (whenScaled: Retain) and re-attached if you scale up again`;
  return planWarning('plan/statefulset-scale-down', sts,
    `replicas ${replicasOf(sts) + removed.length} -> ${replicasOf(sts)}: ${list(removed)} are removed, highest ordinal first; ${volumes}`,
    'move their data off first (Kafka: reassign their partitions; Elasticsearch: exclude them from shard allocation); ' +
    (pvcs.length && !deleted ? `once the data is no longer needed: kubectl ${nsFlag(sts)}delete pvc ${pvcs.join(' ')}` : 'then apply'));
}

function deploymentRollout(base: Manifest, next: Manifest): WorkloadRollout | undefined {
  const from = replicasOf(base);
  const to = replicasOf(next);
  const templateChanged = !deepEqual(base.spec?.template, next.spec?.template);
  if (!templateChanged && from === to) return undefined;
  const strategy = next.spec?.strategy?.type ?? 'RollingUpdate';
  const parts: string[] = [];
  if (templateChanged) {
    if (strategy === 'Recreate') {
      parts.push(to === 1 ? 'Recreate: the pod stops before the new one starts (downtime)' : `Recreate: all ${to} pods stop before the new ones start (downtime)`);
    } else {
      const ru = next.spec?.strategy?.rollingUpdate ?? {};
      const surge = budget(ru.maxSurge, '25%', to, true);
      const unavailable = budget(ru.maxUnavailable, '25%', to, false);
      parts.push(`RollingUpdate: all ${plural(to, 'pod')} replaced, maxSurge ${ru.maxSurge ?? '25%'} (up to ${to + surge} pods), ` +
        `maxUnavailable ${ru.maxUnavailable ?? '25%'} (at least ${Math.max(0, to - unavailable)} available)`);
    }
  }
  if (from !== to) parts.push(`replicas ${from} -> ${to}`);
  return {
    workload: resourceId(next), kind: 'Deployment', strategy, templateChanged, replicas: { from, to },
    rolling: templateChanged ? Math.min(from, to) : 0, remaining: 0, summary: parts.join('; '),
  };
}

function daemonSetRollout(base: Manifest, next: Manifest): WorkloadRollout | undefined {
  if (deepEqual(base.spec?.template, next.spec?.template)) return undefined;
  const strategy = next.spec?.updateStrategy?.type ?? 'RollingUpdate';
  const ru = next.spec?.updateStrategy?.rollingUpdate ?? {};
  const summary = strategy === 'OnDelete'
    ? 'OnDelete: no pod restarts; each node\'s pod takes the new template only when you delete it'
    : `RollingUpdate: the pod on every node is replaced, maxUnavailable ${ru.maxUnavailable ?? 1} node(s) at a time, maxSurge ${ru.maxSurge ?? 0}`;
  return { workload: resourceId(next), kind: 'DaemonSet', strategy, templateChanged: true, summary };
}
