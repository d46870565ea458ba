import { isIPv4, isIPv6 } from 'net';
import { IConstruct } from 'constructs';

/**
 * Prop validation that fails synth with one clear message:
 * `<construct path>: invalid <prop> <value>: <what is allowed>`.
 * Constructs call these in their constructor, so a bad prop never reaches a manifest.
 */
export class PropError extends Error {
  /**
   * @param scope the construct whose prop is wrong, or the name of the function that takes it
   *   (e.g. `buildPlatform`) when the prop belongs to no construct
   */
  constructor(scope: IConstruct | string, prop: string, value: unknown, allowed: string) {
    super(`${typeof scope === 'string' ? scope : scope.node.path}: invalid ${prop} ${formatValue(value)}: ${allowed}`);
    this.name = 'PropError';
  }
}

function formatValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Throws a PropError unless `ok` holds. */
export function check(ok: boolean, scope: IConstruct | string, prop: string, value: unknown, allowed: string): void {
  if (!ok) throw new PropError(scope, prop, value, allowed);
}

/** An integer within `[min, max]`. */
export function checkInteger(scope: IConstruct, prop: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  check(Number.isInteger(value) && value >= min && value <= max, scope, prop, value,
    max === Number.MAX_SAFE_INTEGER ? `must be an integer >= ${min}` : `must be an integer from ${min} to ${max}`);
  return value;
}

/**
 * `"a"`, `"a" or "b"`, `one of "a", "b", "c"`: the allowed values of an enum prop, quoted.
 */
export function describeChoices(allowed: readonly string[]): string {
  const quoted = allowed.map((a) => JSON.stringify(a));
  if (quoted.length <= 1) return quoted.join('');
  if (quoted.length === 2) return `${quoted[0]} or ${quoted[1]}`;
  return `one of ${quoted.join(', ')}`;
}

/**
 * One of `allowed`, exactly: enum props are checked at runtime because JavaScript callers and
 * config files bypass the TypeScript types, and an unknown or mis-cased value must never fall
 * through to some other behaviour (`'Required'` is not `'required'`). A value that differs only in
 * case gets a hint. Returns the value, typed.
 */
export function checkOneOf<T extends string>(scope: IConstruct | string, prop: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const nearMiss = typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
  throw new PropError(scope, prop, value, `must be ${describeChoices(allowed)}${nearMiss ? ` (values are case-sensitive: did you mean ${JSON.stringify(nearMiss)}?)` : ''}`);
}

/** `true` or `false` (not `'false'`, which JavaScript treats as true); undefined passes. */
export function checkBoolean<T extends boolean | undefined>(scope: IConstruct | string, prop: string, value: T): T {
  check(value === undefined || typeof value === 'boolean', scope, prop, value, 'must be true or false');
  return value;
}

/** An odd integer >= 1 (quorum sizes). */
export function checkOddQuorum(scope: IConstruct, prop: string, value: number): number {
  check(Number.isInteger(value) && value >= 1 && value % 2 === 1, scope, prop, value,
    'must be an odd integer >= 1 (1, 3, 5, ...) so a majority quorum survives failures');
  return value;
}

/** A TCP/UDP port number. */
export function checkPort(scope: IConstruct, prop: string, value: number): number {
  return checkInteger(scope, prop, value, 1, 65535);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** An RFC 1123 DNS label: what Kubernetes accepts for Service and namespace names. */
export function checkDnsLabel(scope: IConstruct, prop: string, value: string, maxLength = 63): string {
  check(typeof value === 'string' && value.length <= maxLength && DNS_LABEL.test(value), scope, prop, value,
    `must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters`);
  return value;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** An RFC 1123 DNS subdomain (cluster domains, ConfigMap and Secret names). */
export function checkDnsSubdomain(scope: IConstruct, prop: string, value: string): string {
  check(typeof value === 'string' && value.length <= 253 && DNS_SUBDOMAIN.test(value), scope, prop, value,
    'must be a DNS subdomain: dot-separated DNS labels, at most 253 characters');
  return value;
}

/** What every unpinned image is told. */
const PINNED_IMAGE = 'must name an explicit tag or digest (e.g. "repo/name:1.2.3" or "repo/name@sha256:..."), never "latest"';

/** What every image that is no valid reference is told, before the detail. */
export const IMAGE_REFERENCE_GRAMMAR = 'must be a valid image reference [registry[:port]/]repository[:tag][@digest]';

/**
 * A container image Kubernetes can pull and that cannot move under the workload: a valid
 * distribution reference ({@link parseImageReference}) with an explicit tag other than `latest`,
 * or a digest.
 */
export function checkPinnedImage(scope: IConstruct, prop: string, value: string): string {
  const parsed = parseImageReference(value);
  if ('problem' in parsed) throw new PropError(scope, prop, value, `${IMAGE_REFERENCE_GRAMMAR}: ${parsed.problem}`);
  check(isPinnedReference(parsed), scope, prop, value, PINNED_IMAGE);
  return value;
}

/** True for a valid image reference with a tag other than `latest`, or with a digest. */
export function isPinnedImage(image: string): boolean {
  const parsed = parseImageReference(image);
  return !('problem' in parsed) && isPinnedReference(parsed);
}

function isPinnedReference(ref: ImageReference): boolean {
  return ref.digest !== undefined || (ref.tag !== undefined && ref.tag.toLowerCase() !== 'latest');
}

/** The parts of an image reference. */
export interface ImageReference {
  /** Registry host (and port), when the reference names one: `quay.io`, `localhost:5000`. */
  readonly domain?: string;
  /** Repository path below the registry: `prometheus/node-exporter`, `zookeeper`. */
  readonly repository: string;
  readonly tag?: string;
  /** `<algorithm>:<hex>`, e.g. `sha256:...`. */
  readonly digest?: string;
}

// The grammar of github.com/distribution/reference (regexp.go, reference.go), which the kubelet
// and container runtimes parse image names with:
//   reference := name [ ":" tag ] [ "@" digest ]
//   name      := [domain "/"] path-component ["/" path-component]*   (at most 255 characters)
//   domain    := host [":" port-number]; host := domain-name | "[" IPv6 "]"
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = new RegExp(`^${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*$`);
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_AND_PORT = new RegExp(`^(?:${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,})$/;
const NAME_TOTAL_LENGTH_MAX = 255;
/** Digest algorithms the runtimes verify (opencontainers/go-digest), with their hex lengths. */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/**
 * Parses an image reference by the distribution/reference grammar, as Docker-style names are
 * normalized: the first `/`-separated component is a registry when it contains `.` or `:`, is
 * `localhost` or has upper-case letters; every repository component is lower case. Digests must
 * be `sha256`, `sha384` or `sha512` with exactly 64, 96 or 128 lower-case hex digits (what the
 * runtimes verify). Returns the parts, or what is wrong.
 */
export function parseImageReference(image: unknown): ImageReference | { problem: string } {
  if (typeof image !== 'string' || image.length === 0) return { problem: 'it is empty or not a string' };
  if (/[\s]/.test(image)) return { problem: 'it contains whitespace' };
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  const digest = at < 0 ? undefined : image.slice(at + 1);
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > lastSlash ? name.slice(colon + 1) : undefined;
  const fullName = tag === undefined ? name : name.slice(0, colon);
  const firstSlash = fullName.indexOf('/');
  const first = firstSlash < 0 ? undefined : fullName.slice(0, firstSlash);
  const isDomain = first !== undefined && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  const domain = isDomain ? first : undefined;
  const repository = isDomain ? fullName.slice(firstSlash + 1) : fullName;

  if (fullName.length > NAME_TOTAL_LENGTH_MAX) return { problem: `the name is longer than ${NAME_TOTAL_LENGTH_MAX} characters` };
  if (domain !== undefined && !DOMAIN_AND_PORT.test(domain)) {
    return { problem: `registry ${JSON.stringify(domain)} is no host[:port] (letters, digits, "-" and ".", or [IPv6], then an optional numeric port)` };
  }
  for (const component of repository.split('/')) {
    if (component.length === 0) return { problem: `repository ${JSON.stringify(repository)} has an empty path component` };
    if (component !== component.toLowerCase() && PATH_COMPONENT.test(component.toLowerCase())) {
      return { problem: `repository ${JSON.stringify(repository)} must be lowercase` };
    }
    if (!PATH_COMPONENT.test(component)) {
      return { problem: `repository component ${JSON.stringify(component)} must be lowercase letters and digits, separated by ".", "_", "__" or "-"` };
    }
  }
  if (tag !== undefined && !TAG.test(tag)) {
    return { problem: `tag ${JSON.stringify(tag)} must be 1-128 letters, digits, "_", "." or "-", not starting with "." or "-"` };
  }
  if (digest !== undefined) {
    const match = DIGEST.exec(digest);
    const length = match ? DIGEST_HEX_LENGTH[match[1]] : undefined;
    if (!match || length === undefined || match[2].length !== length || !/^[a-f0-9]+$/.test(match[2])) {
      return { problem: `digest ${JSON.stringify(digest)} must be "sha256:" and 64 lowercase hex digits (or sha384 / sha512 with 96 / 128)` };
    }
  }
  return { domain, repository, tag, digest };
}

const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A label value (at most 63 characters: alphanumerics, '-', '_', '.', alphanumeric at both ends); undefined passes. */
export function checkLabelValue<T extends string | undefined>(scope: IConstruct, prop: string, value: T): T {
  if (value === undefined) return value;
  check(typeof value === 'string' && LABEL_VALUE.test(value), scope, prop, value,
    "must be a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
  return value;
}

/** A label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export function isLabelKey(key: string): boolean {
  if (typeof key !== 'string') return false;
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && LABEL_PREFIX.test(prefix)));
}

/**
 * Label keys and values of a selector or label set (metadata or selectors); with `nonEmpty`, at
 * least one label (an empty selector selects every object in the namespace).
 */
export function checkLabels(scope: IConstruct, prop: string, labels: Record<string, string>, nonEmpty = false): Record<string, string> {
  check(typeof labels === 'object' && labels !== null && !Array.isArray(labels), scope, prop, JSON.stringify(labels), 'must be a map of label keys to values');
  const entries = Object.entries(labels);
  check(!nonEmpty || entries.length > 0, scope, prop, '{}', 'must hold at least one label, or it would select every object in the namespace');
  for (const [key, value] of entries) {
    check(isLabelKey(key), scope, `${prop} key`, key,
      'must be a Kubernetes label key: an optional DNS-subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
    check(typeof value === 'string' && LABEL_VALUE.test(value), scope, `${prop}[${key}]`, value,
      'must be a Kubernetes label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
  }
  return labels;
}

const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A named port (IANA service name, what Services and containers use): at most 15 lowercase
 * letters, digits and '-', at least one letter, no leading, trailing or doubled '-'.
 */
export function checkPortName(scope: IConstruct, prop: string, name: string): string {
  check(typeof name === 'string' && name.length <= 15 && PORT_NAME.test(name) && /[a-z]/.test(name) && !name.includes('--'), scope, prop, name,
    'must be a port name: at most 15 lowercase letters, digits and "-", with at least one letter and no leading, trailing or doubled "-"');
  return name;
}

/** An absolute HTTP path (`/metrics`). */
export function checkHttpPath(scope: IConstruct, prop: string, path: string): string {
  check(typeof path === 'string' && /^\/[^\s?#]*$/.test(path), scope, prop, path, 'must be an absolute HTTP path such as "/metrics", without spaces, query or fragment');
  return path;
}

/** The bytes of an IPv4 or IPv6 address (no zone), or undefined when it is neither. */
function addressBytes(address: string): number[] | undefined {
  if (isIPv4(address)) return address.split('.').map(Number);
  if (!isIPv6(address) || address.includes('%')) return undefined;
  let text = address;
  const tail: number[] = [];
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    tail.push(...v4[1].split('.').map(Number));
    text = `${text.slice(0, v4.index)}:0:0`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (part: string | undefined) => (part ? part.split(':').filter((g) => g !== '') : []);
  const left = groups(head);
  const right = groups(rest);
  const all = rest === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const bytes = all.flatMap((g) => { const n = parseInt(g, 16); return [n >> 8, n & 0xff]; });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes.length === 16 ? bytes : undefined;
}

/**
 * An IPv4 or IPv6 CIDR (`10.0.0.0/8`, `0.0.0.0/0`, `fd00::/8`) whose host bits are zero: a CIDR
 * like `10.0.0.1/8` is ambiguous (the host `/32`, or the network?) and is refused with the
 * network it would mean. Returns the value.
 */
export function checkCidr(scope: IConstruct | string, prop: string, value: string): string {
  const allowed = 'must be an IPv4 or IPv6 CIDR such as "10.0.0.0/8", "192.168.1.10/32" or "fd00::/8"';
  check(typeof value === 'string' && /^[^/]+\/(0|[1-9]\d{0,2})$/.test(value), scope, prop, value, allowed);
  const [address, length] = value.split('/');
  const bytes = addressBytes(address);
  const bits = Number(length);
  check(bytes !== undefined && bits <= bytes.length * 8, scope, prop, value, allowed);
  const network = bytes!.map((byte, i) => byte & ((0xff << (8 - Math.max(0, Math.min(8, bits - i * 8)))) & 0xff));
  const hostBitsSet = network.some((byte, i) => byte !== bytes![i]);
  if (hostBitsSet) {
    const shown = bytes!.length === 4 ? network.join('.')
      : Array.from({ length: 8 }, (_, i) => ((network[2 * i] << 8) | network[2 * i + 1]).toString(16)).join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
    throw new PropError(scope, prop, value, `${allowed}, with the host bits zero: did you mean "${shown}/${bits}" (or "${address}/${bytes!.length * 8}" for the one address)?`);
  }
  return value;
}
