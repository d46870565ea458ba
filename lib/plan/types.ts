/**
 * Types of the day-2 change plan (SPEC §14): what applying a new synth over the manifests currently
 * applied does to each object and to the running workloads, and which changes the API server refuses
 * or that break a running system.
 */

/** What happens to one object. */
export type ChangeKind = 'created' | 'changed' | 'deleted' | 'unchanged';

/**
 * What to do with an object the new synth no longer emits.
 * - `prune`: delete it (`kubectl apply --prune` or a label-selected delete);
 * - `in-use`: a content-addressed ConfigMap that pods keep reading after the apply: keep it;
 * - `after-rollout`: a content-addressed ConfigMap that only pods being replaced read: delete it
 *   once the rollout has finished.
 */
export type PruneAction = 'prune' | 'in-use' | 'after-rollout';

/** A workload whose pods still read a ConfigMap (or Secret) after the apply. */
export interface ConfigMapUser {
  /** `Kind namespace/name` of the workload. */
  readonly workload: string;
  /** Pods that keep their current template (and so keep reading it); -1: all its pods, count unknown (a DaemonSet). */
  readonly pods: number;
}

/** Advice for a deleted object. */
export interface PruneAdvice {
  readonly action: PruneAction;
  /** `in-use`: who still reads it. */
  readonly users: ConfigMapUser[];
  /** One line for people: `needs pruning`, `still in use by ...`, `safe to prune after the rollout finishes`. */
  readonly text: string;
}

/** One object of the baseline or the new synth, and what the apply does to it. */
export interface ObjectChange {
  /** `Kind namespace/name` (`Kind name` for cluster-scoped objects): the key objects are matched by. */
  readonly id: string;
  readonly kind: string;
  /** Namespace (undefined for cluster-scoped objects). */
  readonly namespace?: string;
  readonly name: string;
  readonly change: ChangeKind;
  /** `changed`: the changed field paths, e.g. `spec.template.spec.containers[kafka].image`. */
  readonly fields: string[];
  /** `deleted`: whether and when to prune it. */
  readonly prune?: PruneAdvice;
}

/** How a workload's pods change when the new synth is applied. */
export interface WorkloadRollout {
  /** `Kind namespace/name`. */
  readonly workload: string;
  readonly kind: 'StatefulSet' | 'Deployment' | 'DaemonSet';
  /** `RollingUpdate`, `OnDelete` or `Recreate`. */
  readonly strategy: string;
  /** The pod template changed. */
  readonly templateChanged: boolean;
  /** Replicas before and after (undefined for DaemonSets: one pod per node). */
  readonly replicas?: { readonly from: number; readonly to: number };
  /** StatefulSet RollingUpdate: the partition after the apply (pods with ordinal >= partition roll). */
  readonly partition?: number;
  /** Existing pods this apply replaces (undefined for DaemonSets: every selected node). */
  readonly rolling?: number;
  /** Existing pods that keep their current template (StatefulSet partition, OnDelete). */
  readonly remaining?: number;
  /** StatefulSet: the pods that roll, in the order they roll. */
  readonly order?: string[];
  /** One sentence for people. */
  readonly summary: string;
}

/** An error (the API server refuses it, or it breaks a running system) or a warning. */
export interface PlanIssue {
  readonly severity: 'error' | 'warning';
  /** Stable rule id, e.g. `plan/statefulset-volume-size`. */
  readonly rule: string;
  /** `Kind namespace/name` of the object. */
  readonly resource: string;
  /** What is wrong, in one or two sentences. */
  readonly message: string;
  /** The safe procedure: commands an operator can follow. */
  readonly procedure: string;
}

/** Counts for the summary line. */
export interface PlanSummary {
  readonly created: number;
  readonly changed: number;
  readonly deleted: number;
  readonly unchanged: number;
  /** Workloads whose pods are replaced by this apply. */
  readonly rolling: number;
  readonly errors: number;
  readonly warnings: number;
}

/** The result of {@link planChanges}. */
export interface Plan {
  /** Every object of both sides: the new synth's in order, then the deleted ones in baseline order. */
  readonly objects: ObjectChange[];
  /** Workloads whose pods or replicas change. */
  readonly rollouts: WorkloadRollout[];
  readonly errors: PlanIssue[];
  readonly warnings: PlanIssue[];
  readonly summary: PlanSummary;
}
