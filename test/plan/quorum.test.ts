import { QUORUM_TYPE_ANNOTATION, QUORUM_VOTERS_ANNOTATION } from '../../lib/core/quorum';
import { KIP_853, planChanges } from '../../lib/plan';
import { rulesOf, statefulSet } from './helpers';

function kraft(replicas: number) {
  const voters = Array.from({ length: replicas }, (_, i) => `${1000 + i}@ctl-${i}.ctl-hs:9094`).join(',');
  return statefulSet({ name: 'ctl', replicas, annotations: { [QUORUM_TYPE_ANNOTATION]: 'kraft-static', [QUORUM_VOTERS_ANNOTATION]: voters } });
}

function zookeeper(replicas: number, partition = 0) {
  const voters = Array.from({ length: replicas }, (_, i) => `zk-${i}.zk-hs`).join(',');
  return statefulSet({ name: 'zk', replicas, partition, annotations: { [QUORUM_TYPE_ANNOTATION]: 'zookeeper', [QUORUM_VOTERS_ANNOTATION]: voters } });
}

function issues(base: any, next: any) {
  const plan = planChanges([base], [next]);
  return { errors: rulesOf(plan.errors), warnings: rulesOf(plan.warnings), plan };
}

describe('KRaft static voter set (KIP-853)', () => {
  test('a controller count change is an error whose procedure is the dynamic quorum, one voter at a time', () => {
    const { errors, plan } = issues(kraft(3), kraft(5));
    expect(errors).toEqual(['plan/kraft-static-voters StatefulSet data/ctl']);
    const [e] = plan.errors;
    expect(e.message).toContain('(replicas 3 -> 5)');
    expect(e.message).toContain('KIP-853');
    expect(e.procedure).toContain('keep the old voter set');
    expect(e.procedure).toContain('controller.quorum.bootstrap.servers');
    expect(e.procedure).toContain('kraft.version=1');
    expect(e.procedure).toContain('add-controller');
    expect(e.procedure).toContain('remove-controller');
    expect(e.procedure).toContain('one voter per step');
    expect(e.procedure).toContain(KIP_853);
  });

  test('the same voters with another image or resources: no error', () => {
    const next = kraft(3);
    next.spec.template.spec.containers[0].image = 'apache/kafka:4.1.2';
    expect(issues(kraft(3), next).errors).toEqual([]);
  });

  test('voters changed without a size change (e.g. another port): still an error', () => {
    const next = kraft(3);
    next.metadata.annotations![QUORUM_VOTERS_ANNOTATION] = next.metadata.annotations![QUORUM_VOTERS_ANNOTATION].replace(/9094/g, '9095');
    expect(issues(kraft(3), next).errors).toEqual(['plan/kraft-static-voters StatefulSet data/ctl']);
  });
});

describe('ZooKeeper static server list', () => {
  test.each([
    [3, 5, [], ['plan/zookeeper-resize StatefulSet data/zk']],
    [5, 7, [], ['plan/zookeeper-resize StatefulSet data/zk']],
    [5, 3, [], ['plan/statefulset-scale-down StatefulSet data/zk', 'plan/zookeeper-resize StatefulSet data/zk']],
    [3, 7, ['plan/zookeeper-resize StatefulSet data/zk'], []],
    [7, 3, ['plan/zookeeper-resize StatefulSet data/zk'], ['plan/statefulset-scale-down StatefulSet data/zk']],
    [3, 1, ['plan/zookeeper-resize StatefulSet data/zk'], ['plan/statefulset-scale-down StatefulSet data/zk']],
    [1, 3, ['plan/zookeeper-resize StatefulSet data/zk'], []],
  ])('%i -> %i servers', (from, to, errors, warnings) => {
    const found = issues(zookeeper(from), zookeeper(to));
    expect(found.errors).toEqual(errors);
    expect(found.warnings.sort()).toEqual(warnings);
  });

  test('more than one step: the error says to resize one step at a time', () => {
    const [e] = issues(zookeeper(3), zookeeper(7)).plan.errors;
    expect(e.message).toBe('replicas 3 -> 7 changes the ensemble by more than one step (ZooKeeper sizes are odd, one step is 2 servers): the 4 new servers are a majority of 7 on their own and can elect a second leader with empty data (split brain)');
    expect(e.procedure).toContain('3 -> 5 first');
  });

  test('one step: the warning gives the staged procedure (partition = old size, then down to 0)', () => {
    const [w] = issues(zookeeper(3), zookeeper(5, 3)).plan.warnings;
    expect(w.procedure).toContain("apply with zk's partition = 3 (as planned): only zk-3..zk-4 start");
    expect(w.procedure).toContain('zk_synced_followers = 4');
  });

  test('3 -> 1 loses the quorum', () => {
    const [e] = issues(zookeeper(3), zookeeper(1)).plan.errors;
    expect(e.message).toContain('quorum is lost');
  });

  test('the server list changing at the same size is a warning', () => {
    const next = zookeeper(3);
    next.metadata.annotations![QUORUM_VOTERS_ANNOTATION] = 'a,b,c';
    expect(issues(zookeeper(3), next).warnings).toEqual(['plan/zookeeper-servers StatefulSet data/zk']);
  });

  test('a StatefulSet without the annotations is no quorum: resizing it is only a scale', () => {
    expect(issues(statefulSet({ replicas: 3 }), statefulSet({ replicas: 7 })).errors).toEqual([]);
  });
});
