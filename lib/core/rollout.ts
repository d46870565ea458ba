import { IConstruct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { check } from './validation';

/**
 * A rollout budget: an absolute number of pods (`1`) or a percentage of the desired pods (`'25%'`),
 * as Kubernetes accepts for `maxSurge` / `maxUnavailable`.
 */
export type IntOrPercent = number | string;

const PERCENT = /^(0|[1-9]\d*)%$/;

/**
 * Validates an int-or-percent budget: an integer >= `min`, or a percentage string from `min`% to
 * `maxPercent`% (`'10%'`). Kubernetes caps only `maxUnavailable` at 100%; `maxSurge` may exceed it
 * (`'200%'` triples the pods during a rollout), so pass `maxPercent: Infinity` there. Returns the
 * value unchanged.
 */
export function checkIntOrPercent(scope: IConstruct, prop: string, value: IntOrPercent, min: number, maxPercent = 100): IntOrPercent {
  const percent = typeof value === 'string' && PERCENT.test(value) ? Number(value.slice(0, -1)) : undefined;
  const ok = typeof value === 'number'
    ? Number.isInteger(value) && value >= min
    : percent !== undefined && Number.isSafeInteger(percent) && percent >= min && percent <= maxPercent;
  const percentages = maxPercent === Infinity ? `a percentage of at least "${min}%"` : `a percentage from "${min}%" to "${maxPercent}%"`;
  check(ok, scope, prop, value, `must be an integer >= ${min} or ${percentages} (e.g. 1 or "25%")`);
  return value;
}

/** True for `0` and `'0%'`: a budget that allows nothing. */
export function isZeroBudget(value: IntOrPercent): boolean {
  return value === 0 || value === '0%';
}

/** Wraps a budget for the generated classes, which expect an IntOrString. */
export function budgetToIntOrString(value: IntOrPercent): k8s.IntOrString {
  return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}

/** The annotation `kubectl rollout history` shows as CHANGE-CAUSE for a revision. */
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

/**
 * `{ 'kubernetes.io/change-cause': cause }`, or nothing when no cause is given. The Deployment
 * controller copies it onto the new ReplicaSet and the DaemonSet controller onto the new
 * ControllerRevision, so each revision in `kubectl rollout history` says why it exists.
 */
export function changeCauseAnnotations(scope: IConstruct, changeCause: string | undefined): Record<string, string> | undefined {
  if (changeCause === undefined) return undefined;
  check(typeof changeCause === 'string' && changeCause.trim().length > 0 && changeCause.length <= 1024 && !/[\r\n]/.test(changeCause),
    scope, 'changeCause', changeCause, 'must be a non-empty single line of at most 1024 characters');
  return { [CHANGE_CAUSE_ANNOTATION]: changeCause.trim() };
}
