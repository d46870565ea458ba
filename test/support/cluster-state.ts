/**
 * A tiny model of what the API server holds and what a pod reads, for day-2 tests: `kubectl apply`
 * (without prune) upserts every object and keeps the ones no longer emitted; a StatefulSet pod runs
 * the old or the new template according to the RollingUpdate partition; what a pod reads at start
 * is its template plus the data of every ConfigMap and Secret the template references.
 */
import { Obj } from './manifests';

/** Objects by `kind/namespace/name`. */
export type ClusterState = Map<string, Obj>;

const key = (o: Obj) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

/** The state after `kubectl apply -f` of `manifests` over `state` (no `--prune`: nothing is deleted). */
export function apply(state: ClusterState, manifests: Obj[]): ClusterState {
  const next = new Map(state);
  for (const o of manifests) next.set(key(o), o);
  return next;
}

/** The state of a fresh cluster after applying `manifests`. */
export function freshCluster(manifests: Obj[]): ClusterState {
  return apply(new Map(), manifests);
}

/** The StatefulSet `namespace/name` in `state`. */
export function statefulSet(state: ClusterState, namespace: string, name: string): Obj {
  const sts = state.get(`StatefulSet/${namespace}/${name}`);
  if (!sts) throw new Error(`no StatefulSet ${namespace}/${name}`);
  return sts;
}

/**
 * The pod template StatefulSet pod `ordinal` runs after `after` is applied over `before`: with a
 * RollingUpdate, ordinals below the partition keep the current revision (the controller never
 * replaces them, and a restart or reschedule recreates them from the current revision), the rest
 * get the update revision.
 */
export function templateOfPod(before: Obj, after: Obj, ordinal: number): Obj {
  const strategy = after.spec.updateStrategy ?? { type: 'RollingUpdate' };
  if (strategy.type === 'OnDelete') return before.spec.template;
  const partition = strategy.rollingUpdate?.partition ?? 0;
  return ordinal < partition ? before.spec.template : after.spec.template;
}

/**
 * Everything a pod built from `template` in `namespace` reads at start, as one canonical string:
 * the template itself and the data of every ConfigMap and Secret it references (volumes, projected
 * volumes, env and envFrom), looked up in `state`. A missing object reads as `<missing>`.
 */
export function effectivePodConfig(state: ClusterState, namespace: string, template: Obj): string {
  const refs = new Set<string>();
  const add = (kind: 'ConfigMap' | 'Secret', name?: string) => { if (name) refs.add(`${kind}/${namespace}/${name}`); };
  const spec = template.spec ?? {};
  for (const v of spec.volumes ?? []) {
    add('ConfigMap', v.configMap?.name);
    add('Secret', v.secret?.secretName);
    for (const s of v.projected?.sources ?? []) { add('ConfigMap', s.configMap?.name); add('Secret', s.secret?.name); }
  }
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const e of c.env ?? []) { add('ConfigMap', e.valueFrom?.configMapKeyRef?.name); add('Secret', e.valueFrom?.secretKeyRef?.name); }
    for (const e of c.envFrom ?? []) { add('ConfigMap', e.configMapRef?.name); add('Secret', e.secretRef?.name); }
  }
  const data = [...refs].sort().map((ref) => {
    const o = state.get(ref);
    return [ref, o ? { data: o.data ?? {}, binaryData: o.binaryData ?? {}, stringData: o.stringData ?? {} } : '<missing>'];
  });
  return JSON.stringify({ template, data });
}
