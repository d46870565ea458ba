/**
 * ConfigMaps that pods read at start. A content-addressed ConfigMap (label
 * `platform.cdk8s.io/content-addressed: "true"`, name `<base>-<hash of the content>`) is never
 * changed: a new configuration is a new ConfigMap, and pods roll onto it. The old one must stay
 * while any pod that has not rolled still reads it (SPEC §14), so it is not "needs pruning" until
 * the rollout that replaces its readers has finished. A ConfigMap changed in place, by contrast,
 * reaches pods that do not roll (at their next restart, or live for mounted files).
 */
import { resourceId } from '../checks/objects';
import { podTemplateOf } from '../checks/pod-templates';
import { configRefsOf } from '../checks/references';
import { Manifest } from '../checks/types';
import { CONTENT_ADDRESSED_LABEL } from '../core/config-map';
import { changedPaths, deepEqual } from './field-diff';
import { planWarning } from './issues';
import { podsKeptOnCurrentTemplate } from './rollouts';
import { ConfigMapUser, PlanIssue, PruneAdvice } from './types';

/** True for a ConfigMap labelled `platform.cdk8s.io/content-addressed: "true"`. */
export function isContentAddressed(m: Manifest): boolean {
  return m.kind === 'ConfigMap' && m.metadata?.labels?.[CONTENT_ADDRESSED_LABEL] === 'true';
}

/** The workloads among `manifests` whose pod template reads the ConfigMap or Secret `kind` `name` in `namespace`. */
export function readersOf(manifests: Manifest[], kind: 'ConfigMap' | 'Secret', namespace: string, name: string): Manifest[] {
  return manifests.filter((m) => {
    const t = podTemplateOf(m);
    return t !== undefined && t.namespace === namespace && configRefsOf(t.spec).some((r) => r.kind === kind && r.name === name);
  });
}

function replicasOf(m: Manifest): number {
  return typeof m.spec?.replicas === 'number' ? m.spec.replicas : 1;
}

/**
 * The pods of workload `base` (baseline) that keep their current template after `next` is applied
 * (undefined: all of them, count unknown, e.g. a DaemonSet), or 0 when every pod is replaced.
 */
function podsKept(base: Manifest, next: Manifest | undefined): number | undefined {
  if (!next) return 0; // the workload is deleted with its pods
  if (deepEqual(base.spec?.template, next.spec?.template)) return next.kind === 'DaemonSet' ? undefined : replicasOf(next);
  if (next.kind === 'StatefulSet') return podsKeptOnCurrentTemplate(base, next);
  if (next.kind === 'DaemonSet' && next.spec?.updateStrategy?.type === 'OnDelete') return undefined;
  return 0; // Deployment, DaemonSet (RollingUpdate), Job, ...: the rollout replaces every pod
}

function describeUsers(users: ConfigMapUser[]): string {
  return users.map((u) => `${u.workload} (${u.pods < 0 ? 'its pods' : `${u.pods} ${u.pods === 1 ? 'pod' : 'pods'}`} not rolled)`).join(', ');
}

/** Kinds whose deletion can pull configuration from under running pods. */
const CONFIG_KINDS: ReadonlySet<string> = new Set(['ConfigMap', 'Secret']);

/**
 * What to do with `deleted`, an object of the baseline the new synth no longer emits. `nextById`
 * holds the new synth's objects by {@link resourceId}. A ConfigMap or Secret that pods keep reading
 * after the apply (pods below a StatefulSet partition, OnDelete pods, workloads whose template does
 * not change) is `in-use`; one that only pods being replaced read, or any content-addressed
 * ConfigMap (older revisions may still mount it), is `after-rollout`; anything else needs pruning.
 */
export function pruneAdvice(deleted: Manifest, baseline: Manifest[], nextById: ReadonlyMap<string, Manifest>): PruneAdvice {
  if (!CONFIG_KINDS.has(deleted.kind)) return { action: 'prune', users: [], text: 'needs pruning' };
  const users: ConfigMapUser[] = [];
  let rolling = false;
  for (const reader of readersOf(baseline, deleted.kind as 'ConfigMap' | 'Secret', deleted.metadata.namespace ?? 'default', deleted.metadata.name)) {
    const next = nextById.get(resourceId(reader));
    const kept = podsKept(reader, next);
    if (next) rolling = true;
    if (kept === undefined) users.push({ workload: resourceId(reader), pods: -1 });
    else if (kept > 0) users.push({ workload: resourceId(reader), pods: kept });
  }
  if (users.length) return { action: 'in-use', users, text: `still in use by ${describeUsers(users)}: keep it until they roll` };
  if (rolling || isContentAddressed(deleted)) return { action: 'after-rollout', users: [], text: 'safe to prune after the rollout finishes' };
  return { action: 'prune', users: [], text: 'needs pruning' };
}

/**
 * A warning for a ConfigMap whose data changes under the same name while pods that read it keep
 * running on their current template: they pick the change up at their next restart (mounted files
 * even while running), outside any rollout.
 */
export function inPlaceChangeIssues(base: Manifest, next: Manifest, baseline: Manifest[], nextById: ReadonlyMap<string, Manifest>): PlanIssue[] {
  if (next.kind !== 'ConfigMap' || next.immutable === true || base.immutable === true) return [];
  const changed = ['data', 'binaryData'].flatMap((k) => changedPaths(base[k], next[k], k));
  if (!changed.length) return [];
  const users: ConfigMapUser[] = [];
  for (const reader of readersOf(baseline, 'ConfigMap', next.metadata.namespace ?? 'default', next.metadata.name)) {
    const after = nextById.get(resourceId(reader));
    if (!after) continue;
    const kept = podsKept(reader, after);
    if (kept === undefined) users.push({ workload: resourceId(reader), pods: -1 });
    else if (kept > 0) users.push({ workload: resourceId(reader), pods: kept });
  }
  if (!users.length) return [];
  return [planWarning('plan/configmap-changed-in-place', next,
    `${changed.join(', ')} change in place, read by ${describeUsers(users)}: those pods get the new configuration at their next restart (mounted files even while running), outside any rollout`,
    'name configuration by its content (content-addressed ConfigMap referenced from the pod template) so that only pods that roll see it; ' +
    'or restart the readers right after the apply (kubectl rollout restart)')];
}
