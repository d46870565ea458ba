import { ManifestIndex, namespaceOf } from './objects';
import { Manifest } from './types';

/** The ServiceAccount a pod runs as, and whether it was named explicitly. */
export function serviceAccountOf(spec: any): { name: string; explicit: boolean } {
  const explicit = spec?.serviceAccountName ?? spec?.serviceAccount;
  return typeof explicit === 'string' && explicit.length > 0 ? { name: explicit, explicit: true } : { name: 'default', explicit: false };
}

/**
 * Whether the pod gets an API token: the pod's `automountServiceAccountToken` wins when set, else the
 * ServiceAccount's, else true (Kubernetes' default). A projected `serviceAccountToken` volume is a token too.
 */
export function mountsToken(spec: any, serviceAccount: Manifest | undefined): boolean {
  const automount = spec?.automountServiceAccountToken ?? serviceAccount?.automountServiceAccountToken ?? true;
  const projected = (spec?.volumes ?? []).some((v: any) => (v?.projected?.sources ?? []).some((s: any) => s?.serviceAccountToken));
  return automount !== false || projected;
}

/** The namespace a binding subject of kind ServiceAccount refers to (RoleBindings default to their own). */
export function subjectNamespace(binding: Manifest, subject: any): string | undefined {
  return subject?.namespace ?? (binding.kind === 'RoleBinding' ? namespaceOf(binding) : undefined);
}

/**
 * True when ServiceAccount `namespace/name` is a subject of some RoleBinding or ClusterRoleBinding
 * (directly, or through the `system:serviceaccounts[:<namespace>]` groups).
 */
export function isBoundServiceAccount(index: ManifestIndex, namespace: string, name: string): boolean {
  const groups = new Set(['system:serviceaccounts', `system:serviceaccounts:${namespace}`]);
  return [...index.ofKind('RoleBinding'), ...index.ofKind('ClusterRoleBinding')].some((binding) => (binding.subjects ?? []).some((s: any) =>
    (s?.kind === 'ServiceAccount' && s.name === name && subjectNamespace(binding, s) === namespace)
    || (s?.kind === 'Group' && groups.has(s.name))));
}
