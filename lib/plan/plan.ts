import { resourceId } from '../checks/objects';
import { isClusterScoped } from '../checks/scope';
import { Manifest, Violation } from '../checks/types';
import { inPlaceChangeIssues, pruneAdvice } from './config-maps';
import { changedPaths } from './field-diff';
import { immutableFieldIssues } from './immutable-fields';
import { nsFlag, planWarning } from './issues';
import { quorumIssues } from './quorum';
import { ROLLING_KINDS, rolloutOf } from './rollouts';
import { ObjectChange, Plan, PlanIssue, WorkloadRollout } from './types';

function isObject(m: unknown): m is Manifest {
  return typeof m === 'object' && m !== null && typeof (m as Manifest).kind === 'string' && typeof (m as Manifest).metadata?.name === 'string';
}

/** The objects of `manifests` by `Kind namespace/name`, in order (the first of duplicates wins). */
function byId(manifests: readonly Manifest[]): Map<string, Manifest> {
  const map = new Map<string, Manifest>();
  for (const m of manifests) {
    if (!isObject(m)) continue;
    const id = resourceId(m);
    if (!map.has(id)) map.set(id, m);
  }
  return map;
}

function describe(m: Manifest, change: ObjectChange['change'], fields: string[] = []): ObjectChange {
  const namespace = isClusterScoped(m.kind) && !m.metadata.namespace ? undefined : (m.metadata.namespace ?? 'default');
  return { id: resourceId(m), kind: m.kind, namespace, name: m.metadata.name, change, fields };
}

/** Warnings for objects the new synth no longer emits. */
function deletionIssues(m: Manifest): PlanIssue[] {
  if (m.kind === 'Namespace') {
    return [planWarning('plan/namespace-deleted', m,
      `pruning Namespace ${m.metadata.name} deletes everything in it, objects the platform does not manage and PersistentVolumeClaims included`,
      `look first: kubectl get all,pvc,configmap,secret -n ${m.metadata.name}; prune the Namespace last, after its workloads are gone, or keep it`)];
  }
  const claims: string[] = m.kind === 'StatefulSet' ? (m.spec?.volumeClaimTemplates ?? []).map((t: any) => t?.metadata?.name).filter(Boolean) : [];
  if (claims.length) {
    const replicas = typeof m.spec?.replicas === 'number' ? m.spec.replicas : 1;
    const pvcs = claims.flatMap((c) => Array.from({ length: replicas }, (_, i) => `${c}-${m.metadata.name}-${i}`));
    const deleted = m.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
    return [planWarning('plan/statefulset-deleted', m,
      `pruning it stops its ${replicas} pods; their PVCs ${pvcs.join(', ')} ${deleted ? 'are DELETED with their data (whenDeleted: Delete)' : 'are kept (whenDeleted: Retain)'}`,
      (deleted ? 'back the data up first. ' : `delete the PVCs by hand once the data is no longer needed (kubectl ${nsFlag(m)}delete pvc ${pvcs.join(' ')}). `) +
      'A StatefulSet re-created under another name does not reuse them (claim names derive from the StatefulSet name)')];
  }
  return [];
}

/**
 * What applying `next` (a new synth) over `baseline` (the manifests currently applied) does (SPEC §14):
 * per object (matched by kind, namespace and name) created / changed (field paths) / deleted (needs
 * pruning, or, for content-addressed ConfigMaps, whether pods still read it) / unchanged; which
 * workloads roll and how; errors for changes the API server refuses or that break a running system
 * (each with the safe procedure); warnings an operator must know. Pure: no cluster access.
 */
export function planChanges(baseline: readonly Manifest[], next: readonly Manifest[]): Plan {
  const baseById = byId(baseline);
  const nextById = byId(next);
  const baseList = [...baseById.values()];
  const objects: ObjectChange[] = [];
  const rollouts: WorkloadRollout[] = [];
  const issues: PlanIssue[] = [];

  for (const [id, after] of nextById) {
    const before = baseById.get(id);
    if (!before) {
      objects.push(describe(after, 'created'));
      continue;
    }
    const fields = changedPaths(before, after);
    objects.push(describe(after, fields.length ? 'changed' : 'unchanged', fields));
    if (!fields.length) continue;
    issues.push(...immutableFieldIssues(before, after), ...quorumIssues(before, after),
      ...inPlaceChangeIssues(before, after, baseList, nextById));
    if (ROLLING_KINDS.has(after.kind)) {
      const { rollout, issues: found } = rolloutOf(before, after);
      if (rollout) rollouts.push(rollout);
      issues.push(...found);
    }
  }
  for (const [id, before] of baseById) {
    if (nextById.has(id)) continue;
    objects.push({ ...describe(before, 'deleted'), prune: pruneAdvice(before, baseList, nextById) });
    issues.push(...deletionIssues(before));
  }

  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  const count = (change: ObjectChange['change']) => objects.filter((o) => o.change === change).length;
  return {
    objects,
    rollouts,
    errors,
    warnings,
    summary: {
      created: count('created'),
      changed: count('changed'),
      deleted: count('deleted'),
      unchanged: count('unchanged'),
      rolling: rollouts.filter((r) => (r.kind === 'DaemonSet' ? r.strategy !== 'OnDelete' : (r.rolling ?? 0) > 0)).length,
      errors: errors.length,
      warnings: warnings.length,
    },
  };
}

/** The plan's errors as harness violations (rule, resource, message; the procedure is the fix). */
export function planViolations(plan: Plan): Violation[] {
  return plan.errors.map((e) => ({ rule: e.rule, resource: e.resource, message: e.message, fix: e.procedure }));
}
