/**
 * Field-level differences between two versions of a Kubernetes object, as paths people read:
 * `spec.template.spec.containers[kafka].image`, `metadata.labels["app.kubernetes.io/version"]`,
 * `data["server.properties"]`. Lists whose items all carry a distinct `name` (containers, env,
 * volumes, ports, volumeClaimTemplates' `metadata.name`) are matched by name, so inserting an item
 * does not report every item after it.
 */

/** Structural equality of two JSON values (key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao).filter((k) => ao[k] !== undefined);
  if (keys.length !== Object.keys(bo).filter((k) => bo[k] !== undefined).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && deepEqual(ao[k], bo[k]));
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `parent.key`, or `parent["key"]` when the key is not identifier-like (dots, slashes). */
export function childPath(parent: string, key: string): string {
  if (IDENTIFIER.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The key a list item is matched by: its `name`, or its `metadata.name` (volumeClaimTemplates). */
function itemName(item: unknown): string | undefined {
  if (!isPlainObject(item)) return undefined;
  if (typeof item.name === 'string') return item.name;
  const meta = item.metadata;
  return isPlainObject(meta) && typeof meta.name === 'string' ? meta.name : undefined;
}

/** Item names when every item of the list has one and they are distinct, else undefined. */
function namesOf(list: unknown[]): string[] | undefined {
  const names = list.map(itemName);
  if (names.some((n) => n === undefined)) return undefined;
  return new Set(names).size === names.length ? (names as string[]) : undefined;
}

/**
 * The paths of the leaves that differ between `a` and `b` (added, removed or changed), in document
 * order. A list of scalars (command, args) that differs is reported as one path.
 */
export function changedPaths(a: unknown, b: unknown, path = ''): string[] {
  if (deepEqual(a, b)) return [];
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    return keys.flatMap((k) => changedPaths(a[k], b[k], childPath(path, k)));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const an = namesOf(a);
    const bn = namesOf(b);
    if (an && bn && (a.length > 0 || b.length > 0)) {
      const byName = new Map(b.map((item, i) => [bn[i], item]));
      const seen = new Set(an);
      return [
        ...a.flatMap((item, i) => changedPaths(item, byName.get(an[i]), `${path}[${an[i]}]`)),
        ...bn.filter((name) => !seen.has(name)).map((name) => `${path}[${name}]`),
      ];
    }
    if (a.length === b.length && a.some(isPlainObject)) {
      return a.flatMap((item, i) => changedPaths(item, b[i], `${path}[${i}]`));
    }
  }
  return [path || '<root>'];
}
