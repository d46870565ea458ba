/**
 * Changes that break a running quorum although the API server accepts them. Quorum StatefulSets
 * carry two annotations (set by the constructs): `platform.cdk8s.io/quorum-type` (`zookeeper` or
 * `kraft-static`) and `platform.cdk8s.io/quorum-voters` (the exact server list).
 *
 * - KRaft with a static voter set (`controller.quorum.voters`): KIP-853 — a static voter set cannot
 *   change by a rolling update; each node would restart with a different voter set than the others.
 * - ZooKeeper with a static server list (`reconfigEnabled=false`): while pods roll, old and new
 *   servers count majorities over different lists. Growing by one step (+2, sizes are odd) keeps the
 *   new servers a minority; more, and they can elect a leader of their own (split brain). Shrinking
 *   must leave a majority of the old ensemble running, or the quorum is lost.
 */
import { Manifest } from '../checks/types';
import { QUORUM_TYPE_ANNOTATION, QUORUM_VOTERS_ANNOTATION } from '../core/quorum';
import { nsFlag, planError, planWarning, show, steps } from './issues';
import { partitionOf, replicasOf } from './rollouts';
import { PlanIssue } from './types';

/** KIP-853, the reference for KRaft controller membership changes. */
export const KIP_853 = 'https://cwiki.apache.org/confluence/display/KAFKA/KIP-853:+KRaft+Controller+Membership+Changes';

/** An annotation of the StatefulSet (or, failing that, of its pod template). */
export function quorumAnnotation(m: Manifest, key: string): string | undefined {
  return m.metadata?.annotations?.[key] ?? m.spec?.template?.metadata?.annotations?.[key];
}

/** Errors and warnings for a quorum StatefulSet present on both sides. */
export function quorumIssues(base: Manifest, next: Manifest): PlanIssue[] {
  if (next.kind !== 'StatefulSet') return [];
  const type = quorumAnnotation(base, QUORUM_TYPE_ANNOTATION);
  if (type === 'kraft-static') return kraftStatic(base, next);
  if (type === 'zookeeper') return zookeeper(base, next);
  return [];
}

function kraftStatic(base: Manifest, next: Manifest): PlanIssue[] {
  const before = quorumAnnotation(base, QUORUM_VOTERS_ANNOTATION);
  const after = quorumAnnotation(next, QUORUM_VOTERS_ANNOTATION);
  if (before === after) return [];
  const from = replicasOf(base);
  const to = replicasOf(next);
  const resized = from !== to ? ` (replicas ${from} -> ${to})` : '';
  const ns = nsFlag(next);
  return [planError('plan/kraft-static-voters', next,
    `the static KRaft voter set (controller.quorum.voters) changes${resized}: ${show(before)} -> ${show(after)}. ` +
    'A static voter set cannot change by a rolling update (KIP-853): restarted nodes would disagree with the others on the voters and the metadata quorum can split or stall',
    'keep the old voter set (revert the controller / combined-mode broker count, listeners and names); or, with Kafka 4.1+, migrate to a dynamic quorum and change one voter at a time: ' +
    steps(
      `upgrade the KRaft feature: kafka-features.sh --bootstrap-controller <controller host:port> upgrade --feature kraft.version=1`,
      'roll every node with controller.quorum.bootstrap.servers instead of controller.quorum.voters',
      'add a controller: start it (storage formatted with --no-initial-controllers), then from it run kafka-metadata-quorum.sh --command-config <its server.properties> --bootstrap-controller <controller host:port> add-controller, and wait until `kafka-metadata-quorum.sh describe --replication` shows it caught up',
      'remove a controller: kafka-metadata-quorum.sh --bootstrap-controller <controller host:port> remove-controller --controller-id <id> --controller-directory-id <directory id from describe --replication>, then scale down',
    ) + `; one voter per step, the quorum healthy in between (kubectl ${ns}exec <pod> -- kafka-metadata-quorum.sh describe --status). See KIP-853: ${KIP_853}`)];
}

function zookeeper(base: Manifest, next: Manifest): PlanIssue[] {
  const from = replicasOf(base);
  const to = replicasOf(next);
  const name = next.metadata.name;
  const ns = nsFlag(next);
  if (from === to) {
    const before = quorumAnnotation(base, QUORUM_VOTERS_ANNOTATION);
    const after = quorumAnnotation(next, QUORUM_VOTERS_ANNOTATION);
    if (before === after) return [];
    return [planWarning('plan/zookeeper-servers', next,
      `the ZooKeeper server list changes without a size change: ${show(before)} -> ${show(after)}; while the pods roll, servers run with different lists`,
      `roll one server at a time (lower ${name}'s partition step by step) and check after each that every server answers \`echo srvr | nc <pod> 2181\` with a Mode: line`)];
  }
  const majority = (n: number) => Math.floor(n / 2) + 1;
  const oneStep = steps(
    `${from} -> ${from < to ? from + 2 : from - 2} first, apply, wait until every server answers \`echo srvr | nc <pod> 2181\` with Mode: leader or follower`,
    'then the next step',
  );
  if (Math.abs(to - from) > 2) {
    return [planError('plan/zookeeper-resize', next,
      `replicas ${from} -> ${to} changes the ensemble by more than one step (ZooKeeper sizes are odd, one step is 2 servers): ` +
      (to > from
        ? (to - from >= majority(to)
          ? `the ${to - from} new servers are a majority of ${to} on their own and can elect a second leader with empty data (split brain)`
          : `the ${to - from} new servers and the first rolled ones form a majority of the new list while the others still hold one of the old list (split brain)`)
        : (to < majority(from)
          ? `removing ${from - to} servers at once leaves ${to}, no majority of the ${from} the others still count (quorum lost)`
          : `removing ${from - to} servers at once leaves the ensemble one failure away from losing its quorum while the rest roll`)),
      `resize one step at a time: ${oneStep}`)];
  }
  if (to > from && to - from >= majority(to)) {
    return [planError('plan/zookeeper-resize', next,
      `replicas ${from} -> ${to}: the ${to - from} new servers are a majority of ${to} on their own and can elect a second leader with empty data (split brain)`,
      steps(`grow to ${from + 2} only when the current servers hold the data: stage with ${name}'s partition = ${from}`,
        'or start the new ensemble empty and move the data (a new ZooKeeper under a new name, then switch the clients)'))];
  }
  if (to < from && to < majority(from)) {
    return [planError('plan/zookeeper-resize', next,
      `replicas ${from} -> ${to}: the ${to} remaining ${to === 1 ? 'server is' : 'servers are'} no majority of the ${from} ${to === 1 ? 'it still counts' : 'they still count'} until ${to === 1 ? 'it restarts' : 'they restart'}, so the quorum is lost and clients fail`,
      `keep ${from} servers; a smaller ensemble means a new ZooKeeper (new name, new data) that the clients move to`)];
  }
  const partition = partitionOf(next);
  return [planWarning('plan/zookeeper-resize', next,
    `replicas ${from} -> ${to}: one step, but ZooKeeper's server list is static (reconfigEnabled=false), so old and new servers count majorities over different lists until every server has rolled`,
    steps(
      `back up (copy each server's /data)`,
      to > from
        ? `apply with ${name}'s partition = ${from}${partition === from ? ' (as planned)' : ''}: only ${name}-${from}..${name}-${to - 1} start, with the new list, and join the running ensemble; check each answers \`echo srvr | nc <pod> 2181\` with Mode: follower`
        : `apply: ${name}-${to}..${name}-${from - 1} stop first; the remaining ${to} keep a majority of ${from}`,
      `lower the partition one pod at a time to 0; after each step wait until every server answers srvr with a Mode: line and the leader's \`echo mntr | nc <leader> 2181\` shows zk_synced_followers = ${to - 1}`,
      `restart the leader last if you can (kubectl ${ns}exec <pod> -- sh -c 'echo srvr | nc localhost 2181' shows Mode: leader)`,
    ))];
}
