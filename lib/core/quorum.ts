/**
 * Annotations that mark a StatefulSet as a consensus quorum, so day-2 tooling (`npm run plan`, the
 * validation plugin with a baseline) can refuse membership changes that a rolling update cannot
 * carry out safely.
 */

/** `zookeeper` (static server list, `reconfigEnabled=false`) or `kraft-static` (`controller.quorum.voters`). */
export const QUORUM_TYPE_ANNOTATION = 'platform.cdk8s.io/quorum-type';

/** The exact member list: ZooKeeper server DNS names, or the KRaft `controller.quorum.voters` value. */
export const QUORUM_VOTERS_ANNOTATION = 'platform.cdk8s.io/quorum-voters';

/** How a quorum's membership is configured. */
export type QuorumType = 'zookeeper' | 'kraft-static';

/** The two quorum annotations for a StatefulSet's metadata. */
export function quorumAnnotations(type: QuorumType, voters: string): Record<string, string> {
  return { [QUORUM_TYPE_ANNOTATION]: type, [QUORUM_VOTERS_ANNOTATION]: voters };
}
