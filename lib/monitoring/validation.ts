import { IConstruct } from 'constructs';
import { check } from '../core/validation';

const LABEL_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** A Kubernetes label key: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
export function isKubeLabelKey(key: string): boolean {
  if (typeof key !== 'string') return false;
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return LABEL_NAME_PART.test(name) && (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)));
}

/** Kubernetes labels (metadata or selectors): valid keys and values; optionally at least one. */
export function checkKubeLabels(scope: IConstruct, prop: string, labels: Record<string, string>, nonEmpty = false): Record<string, string> {
  check(typeof labels === 'object' && labels !== null && !Array.isArray(labels), scope, prop, JSON.stringify(labels), 'must be a map of label keys to values');
  const entries = Object.entries(labels);
  check(!nonEmpty || entries.length > 0, scope, prop, '{}', 'must hold at least one label, or it would select every object in the namespace');
  for (const [key, value] of entries) {
    check(isKubeLabelKey(key), scope, `${prop} key`, key,
      'must be a Kubernetes label key: an optional DNS-subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
    check(typeof value === 'string' && LABEL_VALUE.test(value), scope, `${prop}[${key}]`, value,
      'must be a Kubernetes label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
  }
  return labels;
}

const PROMETHEUS_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A Prometheus label name (`severity`, `team`); names starting with `__` are reserved. */
export function checkPrometheusLabelName(scope: IConstruct, prop: string, name: string): string {
  check(typeof name === 'string' && PROMETHEUS_LABEL_NAME.test(name) && !name.startsWith('__'), scope, prop, name,
    'must be a Prometheus label name: letters, digits and "_", not starting with a digit or "__"');
  return name;
}

/** An alert name: what Prometheus accepts as a label value and what Alertmanager routes on. */
export function checkAlertName(scope: IConstruct, prop: string, name: string): string {
  check(typeof name === 'string' && PROMETHEUS_LABEL_NAME.test(name), scope, prop, name,
    'must be an alert name in PascalCase style: letters, digits and "_", not starting with a digit (e.g. "KafkaOfflinePartitions")');
  return name;
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
