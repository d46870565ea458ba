/**
 * One synthesized Kubernetes object, as plain JSON (what `Chart.toJson()` returns).
 * Everything below `metadata` is deliberately loose: the checks read it defensively.
 */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: any;
}

/** One broken rule on one object. */
export interface Violation {
  /** Stable rule id, e.g. `policy/resources` or `wiring/service-selector`. */
  rule: string;
  /** The object, e.g. `StatefulSet streaming/zk` or `Namespace logging` (cluster-scoped). */
  resource: string;
  /** What is wrong, in one sentence. */
  message: string;
  /** What to change to make it right. */
  fix: string;
}
