/**
 * Rollouts as code for a StatefulSet with `updateStrategy.rollingUpdate.partition` (SPEC §4).
 *
 * Only pods whose ordinal is >= `partition` get a new pod template; the controller replaces them
 * in reverse ordinal order, one at a time, each waiting for Ready, and stops when one does not
 * become Ready, so a bad image halts after one broker instead of spreading. The values below are
 * what a platform team puts in `KafkaClusterProps.partition`, one step per apply:
 *
 * 1. **Stage** (`KafkaRollout.stage(n)` = n): change the image (or any template field) together
 *    with `partition: n`. `kubectl apply` records the new revision but rolls no pod.
 * 2. **Canary** (`KafkaRollout.canary(n)` = n-1): only the highest broker `kafka-<n-1>` restarts on
 *    the new template. Watch it (under-replicated partitions back to 0, client errors, latency).
 *    Skipping step 1 and changing the image while `partition` is already n-1 is the one-prop canary.
 * 3. **Progress** (`rolloutPlan(n)`): lower the partition step by step, e.g. for 100 brokers
 *    100, 99, 90, 50, 0; at 0 every broker runs the new template.
 *
 * Rolling back is the same flow with the previous image. A partition never exceeds the replica
 * count (the construct rejects it).
 */
export class KafkaRollout {
  /** The partition that stages a template change without rolling any pod: `replicas`. */
  public static stage(replicas: number): number {
    return checkReplicas(replicas);
  }

  /** The partition that rolls only the highest ordinal (the canary): `replicas - 1`. */
  public static canary(replicas: number): number {
    return checkReplicas(replicas) - 1;
  }

  /** The partition that rolls every pod: 0. */
  public static complete(): number {
    return 0;
  }

  /**
   * The whole sequence of partitions, strictly decreasing from `replicas` (staged) through the
   * canary (`replicas - 1`) and the given fractions of updated pods down to 0 (complete).
   * Each fraction is the share of brokers already on the new template after that step, rounded up;
   * steps that would not update at least one more broker are skipped.
   *
   * @param replicas brokers in the StatefulSet
   * @param fractions shares of updated brokers between canary and complete, increasing, each in (0, 1)
   * @default fractions [0.1, 0.5]
   * @example KafkaRollout.progressive(100) // [100, 99, 90, 50, 0]
   * @example KafkaRollout.progressive(3)   // [3, 2, 1, 0]
   */
  public static progressive(replicas: number, fractions: readonly number[] = [0.1, 0.5]): number[] {
    checkReplicas(replicas);
    fractions.forEach((f, i) => {
      if (!(typeof f === 'number' && f > 0 && f < 1) || (i > 0 && f <= fractions[i - 1])) {
        throw new Error(`KafkaRollout: invalid fractions ${JSON.stringify(fractions)}: must be increasing numbers between 0 and 1 (exclusive)`);
      }
    });
    const plan = [replicas, replicas - 1];
    for (const f of fractions) plan.push(replicas - Math.ceil(replicas * f));
    plan.push(0);
    return plan.filter((p, i) => i === 0 || p < plan.slice(0, i).reduce((a, b) => Math.min(a, b)));
  }
}

/** `KafkaRollout.progressive`: the partition sequence for a staged, canaried, progressive rollout. */
export function rolloutPlan(replicas: number, fractions?: readonly number[]): number[] {
  return KafkaRollout.progressive(replicas, fractions);
}

function checkReplicas(replicas: number): number {
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new Error(`KafkaRollout: invalid replicas ${replicas}: must be an integer >= 1`);
  }
  return replicas;
}
