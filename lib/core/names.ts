import { contentHash } from './hash';

/** Options of {@link derivedDnsLabels}. */
export interface DerivedDnsLabelOptions {
  /** Put before every label, e.g. `egress-`. @default '' */
  readonly prefix?: string;
  /** Longest label, prefix included; at most 63 (a DNS label). @default 63 */
  readonly maxLength?: number;
  /** Used when a source has no letter or digit at all (`/`, `!!!`). @default 'x' */
  readonly fallback?: string;
}

/** Characters of the hash suffix that tells colliding labels apart. */
const HASH_LENGTH = 10;

/** `/var/cache/app` -> `var-cache-app`: lower case, runs of other characters become one `-`, none at either end. */
export function slugOf(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * Valid, unique DNS labels derived from distinct source strings (writable paths, flow names):
 * `prefix` + {@link slugOf} of each source, cut to `maxLength` and never ending in `-`, when no
 * other source gives the same label; otherwise the label cut shorter plus `-` and 10 hex
 * characters of the source's hash. So `/var/cache/app` and `/var/cache-app` both stay valid and get different,
 * deterministic names that depend only on the sources (not their order). Throws on duplicate
 * sources: whether those are an error is the caller's decision, made before.
 */
export function derivedDnsLabels(sources: readonly string[], options: DerivedDnsLabelOptions = {}): Map<string, string> {
  const prefix = options.prefix ?? '';
  const maxLength = Math.min(options.maxLength ?? 63, 63);
  const fallback = options.fallback ?? 'x';
  if (new Set(sources).size !== sources.length) throw new Error(`derivedDnsLabels: duplicate sources in ${JSON.stringify(sources)}`);
  const plain = new Map(sources.map((source) => [source, `${prefix}${slugOf(source) || fallback}`.slice(0, maxLength).replace(/-+$/, '')]));
  const counts = new Map<string, number>();
  for (const label of plain.values()) counts.set(label, (counts.get(label) ?? 0) + 1);
  const labels = new Map<string, string>();
  for (const [source, label] of plain) {
    if (counts.get(label) === 1) {
      labels.set(source, label);
    } else {
      const head = label.slice(0, maxLength - HASH_LENGTH - 1).replace(/-+$/, '');
      labels.set(source, `${head}-${contentHash(source).slice(0, HASH_LENGTH)}`);
    }
  }
  const taken = new Set(labels.values());
  if (taken.size !== labels.size) throw new Error(`derivedDnsLabels: labels collide for ${JSON.stringify(sources)}`);
  return labels;
}
