/**
 * Changes the Kubernetes API server refuses on update (immutable fields), per kind, each with the
 * safe procedure. Sources: the API validation of Kubernetes 1.27 (`ValidateStatefulSetUpdate`,
 * `ValidateDeploymentUpdate`, `ValidateDaemonSetUpdate`, `ValidateJobSpecUpdate`,
 * `ValidateServiceUpdate`, `ValidateRoleBindingUpdate`, `ValidatePersistentVolumeClaimUpdate`,
 * `ValidateConfigMapUpdate`, `ValidateSecretUpdate`, `ValidatePersistentVolumeUpdate`,
 * `ValidateStorageClassUpdate`, `ValidatePriorityClassUpdate`, `ValidateIngressClassUpdate`,
 * `ValidatePodUpdate`) and the API reference.
 */
import { parseQuantity } from '../core/quantity';
import { Manifest } from '../checks/types';
import { changedPaths, deepEqual } from './field-diff';
import { kubectl, nsFlag, planError, planWarning, REAPPLY, show, steps } from './issues';
import { PlanIssue } from './types';

/** StatefulSet spec fields an update may change; every other spec field is immutable. */
const STATEFULSET_MUTABLE = new Set(['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals',
  'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy']);

/** Errors (and warnings) for the immutable fields of `next`'s kind that differ from `base`. */
export function immutableFieldIssues(base: Manifest, next: Manifest): PlanIssue[] {
  switch (next.kind) {
    case 'StatefulSet': return statefulSet(base, next);
    case 'Deployment':
    case 'DaemonSet':
    case 'ReplicaSet': return selectorOnly(base, next);
    case 'Job': return job(base, next);
    case 'Service': return service(base, next);
    case 'RoleBinding':
    case 'ClusterRoleBinding': return roleBinding(base, next);
    case 'PersistentVolumeClaim': return persistentVolumeClaim(base, next);
    case 'ConfigMap':
    case 'Secret': return immutableData(base, next);
    case 'PersistentVolume': return persistentVolume(base, next);
    case 'StorageClass': return fields(base, next, ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode'], 'plan/storageclass-immutable');
    case 'PriorityClass': return fields(base, next, ['value', 'preemptionPolicy'], 'plan/priorityclass-immutable');
    case 'IngressClass': return fields(base, next, ['spec.controller'], 'plan/ingressclass-immutable');
    case 'Pod': return pod(base, next);
    default: return [];
  }
}

function get(m: any, path: string): unknown {
  return path.split('.').reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), m);
}

/** Delete-and-recreate: the generic procedure for an object whose immutable field changes. */
function recreate(m: Manifest, note = ''): string {
  return steps(`${kubectl('delete', m)}${note ? ` (${note})` : ''}`, `re-apply: ${REAPPLY}`) +
    '; or keep the old value';
}

/** Errors for top-level `paths` of a kind that is immutable there (no extra knowledge). */
function fields(base: Manifest, next: Manifest, paths: string[], rule: string): PlanIssue[] {
  return paths.filter((p) => !deepEqual(get(base, p), get(next, p))).map((p) => planError(rule, next,
    `${p} ${show(get(base, p))} -> ${show(get(next, p))}: the API server refuses it (${next.kind} ${p} is immutable)`,
    recreate(next, 'objects that refer to it keep working only if it is re-created at once')));
}

// ----------------------------------------------------------------------------------------------
// StatefulSet
// ----------------------------------------------------------------------------------------------

function replicasOf(m: Manifest): number {
  return typeof m.spec?.replicas === 'number' ? m.spec.replicas : 1;
}

/** `data-kafka-0`, ...: the PVCs a claim template gave the pods of `base`. */
function claimNames(sts: Manifest, template: string): string[] {
  return Array.from({ length: replicasOf(sts) }, (_, i) => `${template}-${sts.metadata.name}-${i}`);
}

function claimName(t: any): string {
  return t?.metadata?.name ?? '<unnamed>';
}

function storageOf(t: any): string | undefined {
  return t?.spec?.resources?.requests?.storage;
}

/** The claim template with its storage request removed, to tell a size change from others. */
function withoutStorage(t: any): any {
  const copy = JSON.parse(JSON.stringify(t ?? {}));
  if (copy?.spec?.resources?.requests) delete copy.spec.resources.requests.storage;
  return copy;
}

function orphanAndReapply(sts: Manifest): string[] {
  return [
    `${kubectl('delete', sts, '--cascade=orphan')} (the pods and their PVCs keep running)`,
    `re-apply: ${REAPPLY} (the new StatefulSet adopts the running pods)`,
  ];
}

function statefulSet(base: Manifest, next: Manifest): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const b = base.spec ?? {};
  const n = next.spec ?? {};
  const name = next.metadata.name;
  if (!deepEqual(b.selector, n.selector)) {
    issues.push(planError('plan/statefulset-selector', next,
      `spec.selector ${show(b.selector)} -> ${show(n.selector)}: the API server refuses it (StatefulSet selectors are immutable)`,
      steps(...orphanAndReapply(next),
        `the new selector does not adopt pods it does not match: delete the old pods one at a time, highest ordinal first (kubectl ${nsFlag(next)}delete pod ${name}-<N>), waiting for each replacement to be Ready`) +
      '; or keep the old selector'));
  }
  if (b.serviceName !== n.serviceName) {
    issues.push(planError('plan/statefulset-service-name', next,
      `spec.serviceName ${show(b.serviceName)} -> ${show(n.serviceName)}: the API server refuses it (immutable); the pods' DNS names (${name}-N.${show(b.serviceName)}) would change`,
      steps(...orphanAndReapply(next),
        `restart the pods one at a time (kubectl ${nsFlag(next)}rollout restart statefulset/${name}) so they take the new subdomain; move clients of ${name}-N.${b.serviceName} to ${name}-N.${n.serviceName} first`) +
      '; or keep the old serviceName'));
  }
  if ((b.podManagementPolicy ?? 'OrderedReady') !== (n.podManagementPolicy ?? 'OrderedReady')) {
    issues.push(planError('plan/statefulset-pod-management-policy', next,
      `spec.podManagementPolicy ${b.podManagementPolicy ?? 'OrderedReady'} -> ${n.podManagementPolicy ?? 'OrderedReady'}: the API server refuses it (immutable)`,
      steps(...orphanAndReapply(next)) + '; or keep the old policy'));
  }
  issues.push(...volumeClaimTemplates(base, next));
  const known = new Set([...STATEFULSET_MUTABLE, 'selector', 'serviceName', 'podManagementPolicy', 'volumeClaimTemplates']);
  for (const key of new Set([...Object.keys(b), ...Object.keys(n)])) {
    if (known.has(key) || deepEqual(b[key], n[key])) continue;
    issues.push(planError('plan/statefulset-immutable', next,
      `spec.${key} ${show(b[key])} -> ${show(n[key])}: the API server refuses it (only replicas, template, updateStrategy, minReadySeconds, ordinals, revisionHistoryLimit and persistentVolumeClaimRetentionPolicy may change)`,
      steps(...orphanAndReapply(next))));
  }
  return issues;
}

function volumeClaimTemplates(base: Manifest, next: Manifest): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const before: any[] = base.spec?.volumeClaimTemplates ?? [];
  const after: any[] = next.spec?.volumeClaimTemplates ?? [];
  if (deepEqual(before, after)) return [];
  const byName = new Map(after.map((t) => [claimName(t), t]));
  const name = next.metadata.name;
  const other: string[] = [];
  for (const t of before) {
    const n = byName.get(claimName(t));
    if (n === undefined || deepEqual(t, n)) continue;
    const from = storageOf(t);
    const to = storageOf(n);
    if (from !== to && deepEqual(withoutStorage(t), withoutStorage(n))) {
      const pvcs = claimNames(base, claimName(t));
      const patch = `'{"spec":{"resources":{"requests":{"storage":"${to}"}}}}'`;
      const grows = (parseQuantity(to ?? '') ?? 0) > (parseQuantity(from ?? '') ?? 0);
      if (grows) {
        issues.push(planError('plan/statefulset-volume-size', next,
          `volumeClaimTemplates[${claimName(t)}] storage ${from} -> ${to}: the API server refuses it (StatefulSet volumeClaimTemplates are immutable, the size included), so \`kubectl apply\` fails`,
          steps(
            `expand each existing PVC (its StorageClass needs allowVolumeExpansion: true): ${pvcs.map((p) => `kubectl ${nsFlag(next)}patch pvc ${p} -p ${patch}`).join(' && ')}`,
            `wait until each PVC's status.capacity.storage shows ${to} (kubectl ${nsFlag(next)}get pvc ${pvcs.join(' ')})`,
            ...orphanAndReapply(next),
          )));
      } else {
        issues.push(planError('plan/statefulset-volume-shrink', next,
          `volumeClaimTemplates[${claimName(t)}] storage ${from} -> ${to}: the API server refuses it (volumeClaimTemplates are immutable) and a PersistentVolumeClaim can never shrink`,
          `keep the size at ${from} (or more); to really use smaller volumes, create a new StatefulSet under another name with ${to}, move the data, then delete ${name} and its PVCs ${pvcs.join(', ')}`));
      }
      continue;
    }
    other.push(...changedPaths(t, n, `volumeClaimTemplates[${claimName(t)}]`));
  }
  const removed = before.filter((t) => !after.some((a) => claimName(a) === claimName(t))).map((t) => `volumeClaimTemplates[${claimName(t)}] (removed)`);
  const added = after.filter((t) => !before.some((a) => claimName(a) === claimName(t))).map((t) => `volumeClaimTemplates[${claimName(t)}] (added)`);
  const changed = [...other, ...removed, ...added];
  if (changed.length) {
    issues.push(planError('plan/statefulset-volume-claim-templates', next,
      `${changed.join(', ')}: the API server refuses it (StatefulSet volumeClaimTemplates are immutable)`,
      steps(...orphanAndReapply(next),
        'existing PVCs keep their old spec (only pods with new ordinals get claims from the new template): to change them, move each pod\'s data to a new PVC') +
      '; or keep the old volumeClaimTemplates'));
  }
  return issues;
}

// ----------------------------------------------------------------------------------------------
// Deployment, DaemonSet, ReplicaSet, Job, Pod
// ----------------------------------------------------------------------------------------------

function selectorOnly(base: Manifest, next: Manifest): PlanIssue[] {
  if (deepEqual(base.spec?.selector, next.spec?.selector)) return [];
  const what = next.kind === 'DaemonSet' ? 'on each node, once its new pod is Ready' : 'once the new pods are Ready';
  return [planError(`plan/${next.kind.toLowerCase()}-selector`, next,
    `spec.selector ${show(base.spec?.selector)} -> ${show(next.spec?.selector)}: the API server refuses it (${next.kind} selectors are immutable in apps/v1)`,
    steps(`${kubectl('delete', next, '--cascade=orphan')} (the pods keep running)`, `re-apply: ${REAPPLY}`,
      `delete the orphaned old pods (and ReplicaSets) ${what}: kubectl ${nsFlag(next)}delete pods -l <old selector>`) +
    '; or keep the old selector')];
}

function job(base: Manifest, next: Manifest): PlanIssue[] {
  const b = base.spec ?? {};
  const n = next.spec ?? {};
  const changed: string[] = [];
  for (const key of ['selector', 'template', 'completionMode', 'podFailurePolicy', 'backoffLimitPerIndex']) {
    if (!deepEqual(b[key], n[key])) changed.push(...changedPaths(b[key], n[key], `spec.${key}`));
  }
  // Elastic indexed Jobs (1.27 beta) may change completions together with parallelism.
  const elastic = n.completionMode === 'Indexed' && n.completions === n.parallelism;
  if (b.completions !== n.completions && !elastic) changed.push('spec.completions');
  if (!changed.length) return [];
  return [planError('plan/job-immutable', next,
    `${changed.join(', ')}: the API server refuses it (a Job's template, selector, completions and completionMode are immutable)`,
    steps(`${kubectl('delete', next)} (its pods are deleted too; let a running Job finish first)`, `re-apply: ${REAPPLY}`) +
    '; or give the changed Job a new name so both can exist')];
}

/** Pod spec fields an update may change (ValidatePodUpdate): images, activeDeadlineSeconds, tolerations (added), terminationGracePeriodSeconds. */
function pod(base: Manifest, next: Manifest): PlanIssue[] {
  const b = JSON.parse(JSON.stringify(base.spec ?? {}));
  const n = JSON.parse(JSON.stringify(next.spec ?? {}));
  for (const list of ['containers', 'initContainers']) {
    for (const c of n[list] ?? []) {
      const old = (b[list] ?? []).find((o: any) => o?.name === c?.name);
      if (old) c.image = old.image;
    }
  }
  for (const key of ['activeDeadlineSeconds', 'tolerations', 'terminationGracePeriodSeconds']) n[key] = b[key];
  if (deepEqual(b, n)) return [];
  return [planError('plan/pod-immutable', next,
    `${changedPaths(b, n, 'spec').join(', ')}: the API server refuses it (a Pod's spec is immutable except container images, activeDeadlineSeconds, tolerations and terminationGracePeriodSeconds)`,
    recreate(next) + '; better, run it under a Deployment or StatefulSet')];
}

// ----------------------------------------------------------------------------------------------
// Service
// ----------------------------------------------------------------------------------------------

function clusterIpOf(spec: any): string | undefined {
  return spec?.clusterIP ?? (Array.isArray(spec?.clusterIPs) ? spec.clusterIPs[0] : undefined);
}

function service(base: Manifest, next: Manifest): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const b = base.spec ?? {};
  const n = next.spec ?? {};
  const typeB = b.type ?? 'ClusterIP';
  const typeN = n.type ?? 'ClusterIP';
  const ipB = clusterIpOf(b);
  const ipN = clusterIpOf(n);
  const procedure = steps(`${kubectl('delete', next)} (clients lose the Service until it is re-created; its cluster IP changes, its DNS name does not)`,
    `re-apply: ${REAPPLY}`) + '; or keep the old value';
  // ExternalName Services have no cluster IP: changing to or from ExternalName allocates or releases one.
  if (typeB !== 'ExternalName' && typeN !== 'ExternalName') {
    const headlessB = ipB === 'None';
    const headlessN = ipN === 'None';
    if (headlessB !== headlessN && (headlessB || ipN !== undefined)) {
      issues.push(planError('plan/service-cluster-ip', next,
        headlessB
          ? `spec.clusterIP None -> ${ipN ?? '(allocated)'}: a headless Service cannot get a cluster IP in place (spec.clusterIP is immutable${ipN === undefined ? '; left unset, the Service silently stays headless' : ''})`
          : `spec.clusterIP ${ipB ?? '(allocated)'} -> None: a Service with a cluster IP cannot become headless in place (spec.clusterIP is immutable)`,
        procedure));
    } else if (!headlessB && !headlessN && ipB !== undefined && ipN !== undefined && ipB !== ipN) {
      issues.push(planError('plan/service-cluster-ip', next, `spec.clusterIP ${ipB} -> ${ipN}: the API server refuses it (spec.clusterIP is immutable)`, procedure));
    }
    if (headlessB && headlessN && typeB !== typeN && (typeN === 'NodePort' || typeN === 'LoadBalancer')) {
      issues.push(planError('plan/service-type', next,
        `spec.type ${typeB} -> ${typeN}: a headless Service (clusterIP: None) cannot be a ${typeN}, and its clusterIP cannot change in place`,
        procedure));
    }
  }
  const familyB = Array.isArray(b.ipFamilies) ? b.ipFamilies[0] : undefined;
  const familyN = Array.isArray(n.ipFamilies) ? n.ipFamilies[0] : undefined;
  if (familyB && familyN && familyB !== familyN) {
    issues.push(planError('plan/service-ip-family', next, `spec.ipFamilies[0] ${familyB} -> ${familyN}: the API server refuses it (a Service's primary IP family is immutable)`, procedure));
  }
  if (typeB === 'LoadBalancer' && typeN === 'LoadBalancer' && b.loadBalancerClass !== n.loadBalancerClass) {
    issues.push(planError('plan/service-load-balancer-class', next,
      `spec.loadBalancerClass ${show(b.loadBalancerClass)} -> ${show(n.loadBalancerClass)}: the API server refuses it (immutable while the type stays LoadBalancer)`, procedure));
  }
  if (typeB === 'LoadBalancer' && typeN !== 'LoadBalancer') {
    issues.push(planWarning('plan/service-load-balancer-released', next,
      `spec.type LoadBalancer -> ${typeN}: the load balancer and its external address are released`,
      'point external clients elsewhere first; the address cannot be recovered once released'));
  }
  return issues;
}

// ----------------------------------------------------------------------------------------------
// RBAC, storage, configuration
// ----------------------------------------------------------------------------------------------

function roleBinding(base: Manifest, next: Manifest): PlanIssue[] {
  if (deepEqual(base.roleRef, next.roleRef)) return [];
  return [planError(`plan/${next.kind.toLowerCase()}-roleref`, next,
    `roleRef ${show(base.roleRef)} -> ${show(next.roleRef)}: the API server refuses it (a ${next.kind}'s roleRef is immutable)`,
    steps(`${kubectl('delete', next)} (its subjects lose these permissions until it is re-created)`, `re-apply: ${REAPPLY}`) +
    '; or, without a gap, emit the new binding under a new name, apply, then prune the old one')];
}

function persistentVolumeClaim(base: Manifest, next: Manifest): PlanIssue[] {
  const from = base.spec?.resources?.requests?.storage;
  const to = next.spec?.resources?.requests?.storage;
  const issues: PlanIssue[] = [];
  const rest = (m: Manifest) => withoutStorage({ spec: m.spec });
  const other = changedPaths(rest(base), rest(next));
  if (other.length) {
    issues.push(planError('plan/pvc-immutable', next,
      `${other.join(', ')}: the API server refuses it (a PersistentVolumeClaim's spec is immutable except a larger storage request)`,
      'create a PVC under a new name with the new spec, move the data, point the workload at it, then delete the old PVC; or keep the old spec'));
  }
  if (from !== to) {
    const grows = (parseQuantity(to ?? '') ?? 0) > (parseQuantity(from ?? '') ?? 0);
    issues.push(grows
      ? planWarning('plan/pvc-expand', next, `storage ${from} -> ${to}: the volume is expanded in place only if its StorageClass has allowVolumeExpansion: true`,
        `check: kubectl get storageclass ${next.spec?.storageClassName ?? '<default class>'} -o jsonpath='{.allowVolumeExpansion}'; then watch kubectl ${nsFlag(next)}get pvc ${next.metadata.name} until status.capacity.storage is ${to}`)
      : planError('plan/pvc-shrink', next, `storage ${from} -> ${to}: the API server refuses it (a PersistentVolumeClaim cannot shrink)`,
        `keep ${from}; or create a smaller PVC under a new name and move the data`));
  }
  return issues;
}

function immutableData(base: Manifest, next: Manifest): PlanIssue[] {
  const issues: PlanIssue[] = [];
  if (next.kind === 'Secret' && (base.type ?? 'Opaque') !== (next.type ?? 'Opaque')) {
    issues.push(planError('plan/secret-type', next, `type ${base.type ?? 'Opaque'} -> ${next.type ?? 'Opaque'}: the API server refuses it (a Secret's type is immutable)`,
      recreate(next, 'pods that read it keep their copy until they restart')));
  }
  if (base.immutable !== true) return issues;
  const changed = ['data', 'binaryData', 'stringData'].flatMap((k) => changedPaths(base[k], next[k], k));
  if (next.immutable !== true) changed.push(`immutable true -> ${show(next.immutable)}`);
  if (changed.length) {
    const rule = next.kind === 'Secret' ? 'plan/immutable-secret' : 'plan/immutable-configmap';
    issues.push(planError(rule, next,
      `${changed.join(', ')}: the API server refuses it (the ${next.kind} is immutable: true, so its data cannot change under the same name)`,
      'give the new content a new name (content-addressed: `<base>-<hash of the content>`) and point the pod templates at it, so pods roll onto it and the old one stays for pods that have not rolled; ' +
      `or ${kubectl('delete', next)}, re-apply (${REAPPLY}) and restart every pod that reads it`));
  }
  return issues;
}

/** Volume sources of a PersistentVolume spec: immutable after creation. */
const PV_MUTABLE = new Set(['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions', 'nodeAffinity']);

function persistentVolume(base: Manifest, next: Manifest): PlanIssue[] {
  const b = base.spec ?? {};
  const n = next.spec ?? {};
  const changed = [...new Set([...Object.keys(b), ...Object.keys(n)])].filter((k) => !PV_MUTABLE.has(k) && !deepEqual(b[k], n[k]));
  if (!changed.length) return [];
  return [planError('plan/persistentvolume-immutable', next,
    `${changed.map((k) => `spec.${k}`).join(', ')}: the API server refuses it (a PersistentVolume's volume source and volumeMode are immutable)`,
    'create a PersistentVolume under a new name and bind a new claim to it; or keep the old source')];
}
