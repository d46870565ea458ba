import { createHash } from 'crypto';

/**
 * A short, stable hash of content: names content-addressed ConfigMaps (lib/core/config-map.ts) and
 * keeps derived names unique.
 */
export function contentHash(content: unknown): string {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
