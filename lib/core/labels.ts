/** The `app.kubernetes.io/managed-by` value on everything this library creates. */
export const MANAGED_BY = 'cdk8s-platform';

/** Who a workload is, in the terms of the Kubernetes recommended labels. */
export interface WorkloadIdentity {
  /** `app.kubernetes.io/name`: the application, e.g. `zookeeper`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`: this installation, e.g. `zk`. */
  readonly instance: string;
  /** `app.kubernetes.io/component`: the role inside the application, e.g. `server`. */
  readonly component: string;
  /** `app.kubernetes.io/part-of`: the larger system, e.g. `streaming`. @default - not set */
  readonly partOf?: string;
  /** `app.kubernetes.io/version`: informational only, never part of a selector. @default - not set */
  readonly version?: string;
}

/**
 * Labels a selector may use. They never carry a version or anything a user changes during an
 * upgrade: selectors (and StatefulSet volumeClaimTemplates) are immutable in Kubernetes.
 */
export function selectorLabels(id: WorkloadIdentity): Record<string, string> {
  return {
    'app.kubernetes.io/name': id.name,
    'app.kubernetes.io/instance': id.instance,
    'app.kubernetes.io/component': id.component,
  };
}

/** Selector labels plus the descriptive ones (part-of, managed-by, version) for metadata. */
export function standardLabels(id: WorkloadIdentity): Record<string, string> {
  return {
    ...selectorLabels(id),
    ...(id.partOf ? { 'app.kubernetes.io/part-of': id.partOf } : {}),
    ...(id.version ? { 'app.kubernetes.io/version': id.version } : {}),
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** The tag of an image reference (`repo:1.2.3` -> `1.2.3`), used as the informational version label. */
export function imageVersion(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon > 0 ? lastSegment.slice(colon + 1) : undefined;
  return tag && /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(tag) ? tag : undefined;
}
