/**
 * Every rule id the validation plugin can report, so `ignoreRules` entries can be checked: a typo in
 * cdk8s.yaml (`policy/pdb-mising`) would otherwise silently ignore nothing, or a group typo
 * (`polcy/`) nothing at all. test/validation-plugin/rules.test.ts scans lib/ and the plugin for the
 * rule ids they emit and fails when this list misses one or lists one nothing emits.
 */

/** Rule groups: the part of a rule id before the `/`, usable as an `ignoreRules` prefix (`policy/`). */
export const RULE_GROUPS = ['schema', 'policy', 'wiring', 'collisions', 'flows', 'plan', 'plugin'] as const;

/** The kinds whose selector change is a plan error (`plan/<kind>-selector`, lib/plan/immutable-fields.ts). */
const SELECTOR_KINDS = ['deployment', 'daemonset', 'replicaset'];
/** The kinds whose roleRef change is a plan error (`plan/<kind>-roleref`). */
const ROLE_BINDING_KINDS = ['rolebinding', 'clusterrolebinding'];

/** Every rule id, by group. */
export const KNOWN_RULES: readonly string[] = [
  // lib/checks/schema.ts
  'schema/invalid', 'schema/no-schema', 'schema/unknown-api',
  // lib/checks/policy.ts, pod-security.ts, service-accounts.ts, scope.ts
  'policy/default-sa-token', 'policy/namespace-missing', 'policy/namespace-scope', 'policy/pdb-missing',
  'policy/pinned-image', 'policy/pod-security', 'policy/privilege-escalation', 'policy/probes',
  'policy/rbac-wildcard', 'policy/resources', 'policy/security-exception', 'policy/subject-namespace',
  'policy/token-without-rbac',
  // lib/checks/wiring.ts, references.ts, monitors.ts
  'wiring/binding-subject', 'wiring/configmap-ref', 'wiring/hpa-target', 'wiring/pdb-selector', 'wiring/pod-monitor',
  'wiring/pvc-ref', 'wiring/role-ref', 'wiring/secret-ref', 'wiring/service-account', 'wiring/service-monitor',
  'wiring/service-port', 'wiring/service-selector', 'wiring/statefulset-service', 'wiring/volume-mount',
  // lib/checks/collisions.ts
  'collisions/duplicate-object', 'collisions/host-path', 'collisions/host-port',
  // lib/checks/network-flows.ts, declared-flows.ts
  'flows/bad-declaration', 'flows/blocked', 'flows/dns', 'flows/peer-matches-nothing', 'flows/undeclared', 'flows/unknown-target',
  // lib/plan (the `baseline` gate)
  'plan/baseline', 'plan/configmap-changed-in-place', 'plan/immutable-configmap', 'plan/immutable-secret',
  'plan/ingressclass-immutable', 'plan/job-immutable', 'plan/kraft-static-voters', 'plan/namespace-deleted',
  'plan/persistentvolume-immutable', 'plan/pod-immutable', 'plan/priorityclass-immutable', 'plan/pvc-expand',
  'plan/pvc-immutable', 'plan/pvc-shrink', 'plan/secret-type', 'plan/service-cluster-ip', 'plan/service-ip-family',
  'plan/service-load-balancer-class', 'plan/service-load-balancer-released', 'plan/service-type',
  'plan/statefulset-deleted', 'plan/statefulset-immutable', 'plan/statefulset-pod-management-policy',
  'plan/statefulset-scale-down', 'plan/statefulset-selector', 'plan/statefulset-service-name',
  'plan/statefulset-volume-claim-templates', 'plan/statefulset-volume-shrink', 'plan/statefulset-volume-size',
  'plan/storageclass-immutable', 'plan/zookeeper-resize', 'plan/zookeeper-servers',
  ...SELECTOR_KINDS.map((k) => `plan/${k}-selector`),
  ...ROLE_BINDING_KINDS.map((k) => `plan/${k}-roleref`),
  // plugins/validation/plugin.ts
  'plugin/error', 'plugin/yaml',
];

/** What is wrong with one `ignoreRules` entry, or undefined when it names a known rule or group. */
export function ignoreRuleProblem(entry: string): string | undefined {
  if (entry.endsWith('/')) {
    return (RULE_GROUPS as readonly string[]).includes(entry.slice(0, -1)) ? undefined : `"${entry}" is not a rule group`;
  }
  if (KNOWN_RULES.includes(entry)) return undefined;
  const near = closest(entry);
  return `"${entry}" is not a rule id${near ? ` (did you mean ${near}?)` : ''}`;
}

/** The known rule id closest to `entry` (edit distance at most 3), if any. */
function closest(entry: string): string | undefined {
  let best: { id: string; d: number } | undefined;
  for (const id of KNOWN_RULES) {
    const d = editDistance(entry, id);
    if (d <= 3 && (!best || d < best.d)) best = { id, d };
  }
  return best?.id;
}

/** Levenshtein distance of two short strings. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/** The known groups and rule ids, for error messages: `schema/ (invalid, no-schema, ...); policy/ (...)`. */
export function describeKnownRules(): string {
  return RULE_GROUPS.map((g) => `${g}/ (${KNOWN_RULES.filter((r) => r.startsWith(`${g}/`)).map((r) => r.slice(g.length + 1)).join(', ')})`).join('; ');
}
