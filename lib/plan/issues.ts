import { resourceId } from '../checks/objects';
import { Manifest } from '../checks/types';
import { PlanIssue } from './types';

/** An error: the API server refuses the change, or it breaks a running system. */
export function planError(rule: string, target: Manifest | string, message: string, procedure: string): PlanIssue {
  return { severity: 'error', rule, resource: typeof target === 'string' ? target : resourceId(target), message, procedure };
}

/** A warning: the apply works, but an operator must know this. */
export function planWarning(rule: string, target: Manifest | string, message: string, procedure: string): PlanIssue {
  return { severity: 'warning', rule, resource: typeof target === 'string' ? target : resourceId(target), message, procedure };
}

/** `-n <namespace> ` for namespaced objects, '' for cluster-scoped ones. */
export function nsFlag(m: Manifest): string {
  return m.metadata?.namespace ? `-n ${m.metadata.namespace} ` : '';
}

/** `kubectl <verb> -n <ns> <kind> <name>` (lower-case kind, as kubectl takes it). */
export function kubectl(verb: string, m: Manifest, extra = ''): string {
  return `kubectl ${nsFlag(m)}${verb} ${m.kind.toLowerCase()} ${m.metadata.name}${extra ? ` ${extra}` : ''}`;
}

/** The command that re-applies the synthesized manifests. */
export const REAPPLY = 'kubectl apply --server-side -f dist/';

/** `1. a; 2. b; ...`: numbered steps in one line. */
export function steps(...items: string[]): string {
  return items.map((s, i) => `${i + 1}. ${s}`).join('; ');
}

/** A JSON value for messages, short. */
export function show(value: unknown): string {
  if (value === undefined) return '(unset)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
