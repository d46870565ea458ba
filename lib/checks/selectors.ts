/** A Kubernetes `LabelSelector` (matchLabels AND matchExpressions). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** True when every `key: value` of `required` is in `labels` (a Service's or ReplicaSet's selector). */
export function hasLabels(required: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const have = labels ?? {};
  return Object.entries(required ?? {}).every(([key, value]) => have[key] === value);
}

/**
 * Evaluates a LabelSelector against `labels`. An empty selector (`{}`) selects everything;
 * an absent one (`undefined`) selects nothing, as for PodDisruptionBudgets and NetworkPolicy peers.
 */
export function selectorMatches(selector: LabelSelector | undefined | null, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  if (!hasLabels(selector.matchLabels, have)) return false;
  return (selector.matchExpressions ?? []).every((expr) => expressionMatches(expr, have));
}

function expressionMatches(expr: { key: string; operator: string; values?: string[] }, labels: Record<string, string>): boolean {
  const present = Object.prototype.hasOwnProperty.call(labels, expr.key);
  const values = expr.values ?? [];
  switch (expr.operator) {
    case 'In': return present && values.includes(labels[expr.key]);
    case 'NotIn': return !present || !values.includes(labels[expr.key]);
    case 'Exists': return present;
    case 'DoesNotExist': return !present;
    default: return false;
  }
}

/** True when the selector has no terms at all (it selects every object). */
export function isEmptySelector(selector: LabelSelector | undefined | null): boolean {
  return !!selector && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}
