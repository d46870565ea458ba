import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isClusterScoped } from './scope';

/** Apps (construct roots) that already carry the validation. */
const REGISTERED = new WeakSet<IConstruct>();

/**
 * Makes synth fail when two constructs anywhere in the app emit the same object: same API group
 * and kind, same namespace (none for cluster-scoped kinds) and same name, e.g. two WebApps named
 * `web` in one namespace, or two charts emitting one ClusterRole. `kubectl apply` would silently
 * keep only the last one. The validation is added once per app (to the chart of the first
 * construct that asks) and runs after the whole app is built; its error names both construct paths.
 * Constructs call this in their constructor; the `collisions` check of lib/checks covers the same
 * ground for any manifest set.
 */
export function checkUniqueObjectNames(scope: IConstruct): void {
  const root = scope.node.root;
  if (REGISTERED.has(root)) return;
  REGISTERED.add(root);
  Chart.of(scope).node.addValidation({ validate: () => duplicateObjects(root) });
}

/** `group/Kind namespace/name` of an ApiObject, as Kubernetes identifies it (any API version). */
function identity(obj: ApiObject): { key: string; shown: string } {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.slice(0, obj.apiVersion.indexOf('/')) : '';
  const namespace = isClusterScoped(obj.kind) ? undefined : obj.metadata.namespace;
  const shown = `${obj.kind} ${namespace === undefined ? '' : `${namespace}/`}${obj.name}`;
  return { key: `${group}\u0000${obj.kind}\u0000${namespace ?? ''}\u0000${obj.name}`, shown };
}

/** One message per object emitted more than once, naming every construct that emits it. */
export function duplicateObjects(root: IConstruct): string[] {
  const byKey = new Map<string, { shown: string; paths: string[] }>();
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    const { key, shown } = identity(c);
    const entry = byKey.get(key);
    if (entry) entry.paths.push(c.node.path);
    else byKey.set(key, { shown, paths: [c.node.path] });
  }
  return [...byKey.values()].filter((e) => e.paths.length > 1).map((e) =>
    `duplicate ${e.shown}: emitted by ${e.paths.join(' and ')}; Kubernetes keeps one object per kind, namespace and name, so one would silently replace the other: rename one of them`);
}
