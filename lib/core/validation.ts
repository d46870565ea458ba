import { IConstruct } from 'constructs';

/**
 * Prop validation that fails synth with one clear message:
 * `<construct path>: invalid <prop> <value>: <what is allowed>`.
 * Constructs call these in their constructor, so a bad prop never reaches a manifest.
 */
export class PropError extends Error {
  constructor(scope: IConstruct, prop: string, value: unknown, allowed: string) {
    super(`${scope.node.path}: invalid ${prop} ${formatValue(value)}: ${allowed}`);
    this.name = 'PropError';
  }
}

function formatValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Throws a PropError unless `ok` holds. */
export function check(ok: boolean, scope: IConstruct, prop: string, value: unknown, allowed: string): void {
  if (!ok) throw new PropError(scope, prop, value, allowed);
}

/** An integer within `[min, max]`. */
export function checkInteger(scope: IConstruct, prop: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  check(Number.isInteger(value) && value >= min && value <= max, scope, prop, value,
    max === Number.MAX_SAFE_INTEGER ? `must be an integer >= ${min}` : `must be an integer from ${min} to ${max}`);
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

/** A container image with an explicit tag or digest, never `latest`. */
export function checkPinnedImage(scope: IConstruct, prop: string, value: string): string {
  check(isPinnedImage(value), scope, prop, value,
    'must name an explicit tag or digest (e.g. "repo/name:1.2.3" or "repo/name@sha256:..."), never "latest"');
  return value;
}

/** True for `repo:tag` (tag not `latest`) or `repo@sha256:...`. */
export function isPinnedImage(image: string): boolean {
  if (typeof image !== 'string' || /\s/.test(image) || image.length === 0) return false;
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon <= 0) return false;
  const tag = lastSegment.slice(colon + 1);
  return /^[\w][\w.-]{0,127}$/.test(tag) && tag !== 'latest';
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
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && LABEL_PREFIX.test(prefix)));
}

/** Label keys and values of a selector or label set. */
export function checkLabels(scope: IConstruct, prop: string, labels: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(labels)) {
    check(isLabelKey(key), scope, `${prop} key`, key, "must be a label key: an optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.'");
    checkLabelValue(scope, `${prop}[${key}]`, value);
  }
  return labels;
}
