import { Manifest, Violation } from './types';
import { isClusterScoped } from './scope';

/** The namespace a namespaced object lands in (`default` when it names none, as kubectl does). */
export function namespaceOf(m: Manifest): string {
  return m.metadata?.namespace ?? 'default';
}

/** `Kind namespace/name` for namespaced objects, `Kind name` for cluster-scoped ones. */
export function resourceId(m: Manifest): string {
  const name = m.metadata?.name ?? '<unnamed>';
  if (isClusterScoped(m.kind) && !m.metadata?.namespace) return `${m.kind} ${name}`;
  return `${m.kind} ${namespaceOf(m)}/${name}`;
}

/** Builds a violation for `target` (an object, or an already formatted resource id). */
export function violation(rule: string, target: Manifest | string, message: string, fix: string): Violation {
  return { rule, resource: typeof target === 'string' ? target : resourceId(target), message, fix };
}

/**
 * Constant-time lookups over a manifest set: by kind, and by kind + namespace + name.
 * Build it once per check run; every rule then reads from it.
 */
export class ManifestIndex {
  private readonly kinds = new Map<string, Manifest[]>();
  private readonly named = new Map<string, Manifest>();

  constructor(public readonly manifests: Manifest[]) {
    for (const m of manifests) {
      if (!m || typeof m !== 'object' || typeof m.kind !== 'string') continue;
      const list = this.kinds.get(m.kind) ?? [];
      list.push(m);
      this.kinds.set(m.kind, list);
      this.named.set(ManifestIndex.key(m.kind, isClusterScoped(m.kind) ? undefined : namespaceOf(m), m.metadata?.name), m);
    }
  }

  private static key(kind: string, namespace: string | undefined, name: string | undefined): string {
    return `${kind}\u0000${namespace ?? ''}\u0000${name ?? ''}`;
  }

  /** Every object of `kind`. */
  public ofKind(kind: string): Manifest[] {
    return this.kinds.get(kind) ?? [];
  }

  /** Objects of `kind` in `namespace`. */
  public inNamespace(kind: string, namespace: string): Manifest[] {
    return this.ofKind(kind).filter((m) => namespaceOf(m) === namespace);
  }

  /** The object of `kind` named `name` (in `namespace`, unless the kind is cluster-scoped). */
  public find(kind: string, namespace: string | undefined, name: string): Manifest | undefined {
    return this.named.get(ManifestIndex.key(kind, isClusterScoped(kind) ? undefined : namespace, name));
  }

  /** The labels of Namespace `name` (undefined when the Namespace is not among the manifests). */
  public namespaceLabels(name: string): Record<string, string> | undefined {
    const ns = this.find('Namespace', undefined, name);
    return ns ? { ...(ns.metadata.labels ?? {}) } : undefined;
  }
}
