import { IConstruct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { check } from './validation';

/** One RBAC rule, spelled as in a Role: API groups (`''` is the core group), resources, verbs. */
export interface ApiAccessRule {
  /** API groups, e.g. `['']` for pods/configmaps or `['apps']` for deployments. No `*`. */
  readonly apiGroups: string[];
  /** Resources (plural, lowercase), optionally with a subresource: `pods`, `pods/log`. No `*`. */
  readonly resources: string[];
  /** Verbs from {@link ALLOWED_VERBS}. No `*`. */
  readonly verbs: string[];
  /** Limit the rule to named objects. @default - every object of the resources */
  readonly resourceNames?: string[];
}

/** What a workload that calls the Kubernetes API may do. */
export interface ApiAccess {
  /** Rules for the workload's own namespace (a Role + RoleBinding). @default [] */
  readonly rules?: ApiAccessRule[];
  /** Rules across the cluster (a ClusterRole + ClusterRoleBinding); ask only when a namespace is not enough. @default [] */
  readonly clusterRules?: ApiAccessRule[];
}

/**
 * Verbs a rule may grant. `*` and the privilege-escalation verbs (`bind`, `escalate`,
 * `impersonate`) are not offered: a workload that needs them needs a reviewed custom Role.
 */
export const ALLOWED_VERBS: readonly string[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

const API_GROUP = /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const RESOURCE = /^[a-z][a-z0-9]*(\/[a-z][a-z0-9]*)?$/;
const RESOURCE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Validates every rule (no wildcards, known verbs, well-formed groups/resources/names); returns the L1 rules. */
export function checkApiRules(scope: IConstruct, prop: string, rules: ApiAccessRule[]): k8s.PolicyRule[] {
  return rules.map((rule, i) => {
    const at = `${prop}[${i}]`;
    for (const field of ['apiGroups', 'resources', 'verbs'] as const) {
      const values = rule[field];
      check(Array.isArray(values) && values.length > 0, scope, `${at}.${field}`, JSON.stringify(values), 'must list at least one entry');
      const wildcard = values.find((v) => typeof v === 'string' && v.includes('*'));
      check(wildcard === undefined, scope, `${at}.${field}`, wildcard, 'must not use wildcards: grant exactly what the workload needs');
    }
    rule.apiGroups.forEach((g) => check(typeof g === 'string' && API_GROUP.test(g), scope, `${at}.apiGroups`, g, 'must be "" (core) or an API group such as "apps"'));
    rule.resources.forEach((r) => check(typeof r === 'string' && RESOURCE.test(r), scope, `${at}.resources`, r, 'must be a lowercase plural resource, optionally with a subresource ("pods", "pods/log")'));
    rule.verbs.forEach((v) => check(ALLOWED_VERBS.includes(v), scope, `${at}.verbs`, v, `must be one of ${ALLOWED_VERBS.join(', ')}`));
    (rule.resourceNames ?? []).forEach((n) => check(typeof n === 'string' && RESOURCE_NAME.test(n), scope, `${at}.resourceNames`, n, 'must be an object name (DNS subdomain)'));
    return {
      apiGroups: [...rule.apiGroups],
      resources: [...rule.resources],
      verbs: [...rule.verbs],
      ...(rule.resourceNames?.length ? { resourceNames: [...rule.resourceNames] } : {}),
    };
  });
}
