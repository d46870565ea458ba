import { createHash } from 'crypto';

/**
 * A short, stable hash of configuration content. Put on a pod template as an annotation, it rolls
 * the pods when their configuration changes (a mounted ConfigMap alone does not restart anything).
 */
export function contentHash(content: unknown): string {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export const CONFIG_HASH_ANNOTATION = 'platform.cdk8s.io/config-hash';
