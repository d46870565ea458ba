import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { contentHash } from './hash';

/**
 * Label on every content-addressed ConfigMap. `npm run plan` and pruning use it: such a ConfigMap
 * is never pruned while a pod that has not rolled yet still mounts it (SPEC §14).
 */
export const CONTENT_ADDRESSED_LABEL = 'platform.cdk8s.io/content-addressed';

/** Label carrying the stable base name of a content-addressed ConfigMap (its name without the hash). */
export const CONFIG_BASE_LABEL = 'platform.cdk8s.io/config-base';

/** Hex characters of the content hash appended to the base name. */
export const CONTENT_HASH_LENGTH = 10;

/** Props of {@link contentAddressedConfigMap}. */
export interface ContentAddressedConfigMapProps {
  /** Stable base name; the object is named `<baseName>-<hash of data>`. At most 242 characters. */
  readonly baseName: string;
  /** Labels of the owning workload; the content-addressing labels are added. */
  readonly labels: Record<string, string>;
  /** File name -> content. */
  readonly data: Record<string, string>;
}

/** The hash suffix of `data`: independent of key order, so only content decides it. */
export function configDataHash(data: Record<string, string>): string {
  const canonical = Object.keys(data).sort().map((key) => [key, data[key]]);
  return contentHash(canonical).slice(0, CONTENT_HASH_LENGTH);
}

/**
 * A ConfigMap that a pod reads at start, named after its content (`zk-config-1a2b3c4d5e`) and
 * `immutable`. The pod template references the name, so:
 * - a configuration change is a template change: the workload rolls through its normal update
 *   strategy (partition, maxUnavailable), no config-hash annotation needed;
 * - a staged or partial rollout never changes what a not-yet-rolled pod reads: the old ConfigMap
 *   stays byte-identical under its old name, and kubelet never rewrites its mounted files
 *   (an in-place ConfigMap update is propagated to running pods and read by any pod that restarts,
 *   e.g. a new heap inside an old memory limit);
 * - the old ConfigMap must outlive the rollout: `kubectl apply` without `--prune` keeps it, and
 *   `npm run plan` reports which old ones are still mounted (never prune them by label while so).
 */
export function contentAddressedConfigMap(scope: Construct, id: string, props: ContentAddressedConfigMapProps): k8s.KubeConfigMap {
  return new k8s.KubeConfigMap(scope, id, {
    metadata: {
      name: `${props.baseName}-${configDataHash(props.data)}`,
      labels: { ...props.labels, [CONTENT_ADDRESSED_LABEL]: 'true', [CONFIG_BASE_LABEL]: props.baseName },
    },
    immutable: true,
    data: props.data,
  });
}
