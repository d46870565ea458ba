/**
 * Kinds that live outside namespaces in Kubernetes 1.27 (plus the Prometheus Operator has none).
 * Everything else, custom resources included, is namespaced unless a CustomResourceDefinition in the
 * same manifest set says `scope: Cluster` (see {@link clusterScopedCustomKinds}).
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterCIDR',
  'ClusterRole',
  'ClusterRoleBinding',
  'ClusterTrustBundle',
  'ComponentStatus',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'FlowSchema',
  'IngressClass',
  'IPAddress',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'ResourceClass',
  'RuntimeClass',
  'SelfSubjectAccessReview',
  'SelfSubjectReview',
  'SelfSubjectRulesReview',
  'StorageClass',
  'StorageVersion',
  'SubjectAccessReview',
  'TokenReview',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

/** True when `kind` is a built-in cluster-scoped kind. */
export function isClusterScoped(kind: string, extraClusterKinds?: ReadonlySet<string>): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind) || (extraClusterKinds?.has(kind) ?? false);
}

/** Kinds that CustomResourceDefinitions among `manifests` declare with `scope: Cluster`. */
export function clusterScopedCustomKinds(manifests: Array<{ kind: string; [key: string]: any }>): Set<string> {
  return new Set(manifests
    .filter((m) => m.kind === 'CustomResourceDefinition' && m.spec?.scope === 'Cluster' && m.spec?.names?.kind)
    .map((m) => m.spec.names.kind as string));
}
