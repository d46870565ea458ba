import { IConstruct } from 'constructs';
import { check } from './validation';

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)((?:[KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;

const SUFFIX_FACTORS: Record<string, number> = {
  'n': 1e-9, 'u': 1e-6, 'm': 1e-3, '': 1,
  'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

export const MIB = 2 ** 20;

/**
 * Parses a Kubernetes quantity ("250m", "1.5", "2Gi", "1e9") into base units (cores or bytes).
 * Returns undefined when the string is not a quantity Kubernetes would accept.
 */
export function parseQuantity(value: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value);
  if (!match) return undefined;
  const [, sign, digits, suffix = ''] = match;
  const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX_FACTORS[suffix];
  const magnitude = Number(digits) * factor;
  return sign === '-' ? -magnitude : magnitude;
}

/** A positive quantity (a size, a CPU amount); returns its value in base units. */
export function checkQuantity(scope: IConstruct, prop: string, value: string): number {
  const parsed = parseQuantity(value);
  check(parsed !== undefined && parsed > 0, scope, prop, value,
    'must be a positive Kubernetes quantity such as "500m", "2", "512Mi" or "10Gi"');
  return parsed!;
}

/**
 * JVM heap in MiB for a container memory limit: `fraction` of the limit, leaving the rest for
 * metaspace, thread stacks, direct buffers and the page cache. Never below 64 MiB.
 */
export function jvmHeapMiB(memoryLimit: string, fraction = 0.5): number {
  const bytes = parseQuantity(memoryLimit);
  if (bytes === undefined || bytes <= 0) throw new Error(`jvmHeapMiB: "${memoryLimit}" is not a positive memory quantity`);
  return Math.max(64, Math.floor((bytes * fraction) / MIB));
}

/** `-Xms<n>m -Xmx<n>m` for a memory limit (equal sizes avoid heap resizing pauses). */
export function jvmHeapFlags(memoryLimit: string, fraction = 0.5): string {
  const heap = jvmHeapMiB(memoryLimit, fraction);
  return `-Xms${heap}m -Xmx${heap}m`;
}

/** Smallest container memory limit a JVM workload accepts: its heap takes half, never below 64 MiB. */
export const MIN_JVM_MEMORY = '256Mi';

/** A JVM container's memory limit of at least {@link MIN_JVM_MEMORY}. */
export function checkJvmMemoryLimit(scope: IConstruct, prop: string, value: string): string {
  const bytes = checkQuantity(scope, prop, value);
  check(bytes >= parseQuantity(MIN_JVM_MEMORY)!, scope, prop, value, `must be at least ${MIN_JVM_MEMORY} for a JVM (the heap is half the limit)`);
  return value;
}
