import { planChanges } from '../../lib/plan';
import { daemonSet, deployment, edited, rulesOf, statefulSet } from './helpers';

function rolloutOf(base: any, next: any) {
  const plan = planChanges([base], [next]);
  expect(plan.rollouts.length).toBeLessThanOrEqual(1);
  return { rollout: plan.rollouts[0], plan };
}

describe('StatefulSet rollouts', () => {
  test('template change, partition 0: every pod rolls, highest ordinal first, one at a time', () => {
    const { rollout, plan } = rolloutOf(statefulSet(), statefulSet({ image: 'db:2' }));
    expect(rollout).toMatchObject({ workload: 'StatefulSet data/db', strategy: 'RollingUpdate', templateChanged: true, partition: 0, rolling: 3, remaining: 0, order: ['db-2', 'db-1', 'db-0'] });
    expect(rollout.summary).toBe('RollingUpdate, partition 0: 3 of 3 pods roll to the new template (db-2, db-1, db-0), in reverse ordinal order, one at a time, each after the previous is Ready');
    expect(plan.summary.rolling).toBe(1);
  });

  test('staged (partition = replicas): the template is recorded, no pod rolls', () => {
    const { rollout, plan } = rolloutOf(statefulSet(), statefulSet({ image: 'db:2', partition: 3 }));
    expect(rollout).toMatchObject({ rolling: 0, remaining: 3, partition: 3, order: [] });
    expect(rollout.summary).toBe('RollingUpdate, partition 0 -> 3: the new template is recorded, no pod rolls (partition >= replicas); 3 stay on their current template (db-0, db-1, db-2)');
    expect(plan.summary.rolling).toBe(0);
  });

  test('canary: lowering the partition with the same template rolls the pods at or above it', () => {
    const { rollout } = rolloutOf(statefulSet({ image: 'db:2', partition: 3 }), statefulSet({ image: 'db:2', partition: 2 }));
    expect(rollout).toMatchObject({ templateChanged: false, rolling: 1, remaining: 2, order: ['db-2'] });
    expect(rollout.summary).toContain('partition 3 -> 2: 1 of 3 pods rolls to the current template (if not already on it) (db-2)');
  });

  test('raising the partition alone rolls nothing', () => {
    expect(rolloutOf(statefulSet(), statefulSet({ partition: 2 })).rollout).toBeUndefined();
  });

  test('OnDelete: nothing restarts, every pod stays', () => {
    const { rollout, plan } = rolloutOf(statefulSet({ onDelete: true }), statefulSet({ onDelete: true, image: 'db:2' }));
    expect(rollout).toMatchObject({ strategy: 'OnDelete', rolling: 0, remaining: 3 });
    expect(rollout.summary).toContain('only when you delete it');
    expect(plan.summary.rolling).toBe(0);
  });

  test('scale up creates the new ordinals; scale down removes the highest ones and warns about the PVCs', () => {
    expect(rolloutOf(statefulSet(), statefulSet({ replicas: 5 })).rollout.summary).toBe('replicas 3 -> 5: db-3, db-4 created');
    const { rollout, plan } = rolloutOf(statefulSet({ replicas: 5 }), statefulSet({ replicas: 3 }));
    expect(rollout.summary).toBe('replicas 5 -> 3: db-4, db-3 removed');
    expect(rulesOf(plan.warnings)).toEqual(['plan/statefulset-scale-down StatefulSet data/db']);
    expect(plan.warnings[0].message).toContain('PVCs data-db-4, data-db-3 are kept');
    expect(plan.warnings[0].procedure).toContain('kubectl -n data delete pvc data-db-4 data-db-3');
    const deleting = rolloutOf(statefulSet({ replicas: 5 }), edited(statefulSet({ replicas: 3 }), (s) => { s.spec.persistentVolumeClaimRetentionPolicy.whenScaled = 'Delete'; }));
    expect(deleting.plan.warnings[0].message).toContain('DELETED with their data');
  });
});

describe('Deployment and DaemonSet rollouts', () => {
  test('Deployment RollingUpdate: maxSurge / maxUnavailable in pods (defaults 25%)', () => {
    expect(rolloutOf(deployment({ replicas: 4 }), deployment({ replicas: 4, image: 'web:2' })).rollout.summary)
      .toBe('RollingUpdate: all 4 pods replaced, maxSurge 25% (up to 5 pods), maxUnavailable 25% (at least 3 available)');
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    expect(rolloutOf(deployment({ strategy }), deployment({ strategy, image: 'web:2' })).rollout)
      .toMatchObject({ rolling: 2, summary: 'RollingUpdate: all 2 pods replaced, maxSurge 1 (up to 3 pods), maxUnavailable 0 (at least 2 available)' });
  });

  test('Deployment Recreate: downtime is stated; a scale alone is not a roll', () => {
    const strategy = { type: 'Recreate' };
    expect(rolloutOf(deployment({ strategy }), deployment({ strategy, image: 'web:2' })).rollout.summary).toBe('Recreate: all 2 pods stop before the new ones start (downtime)');
    const { rollout, plan } = rolloutOf(deployment(), deployment({ replicas: 3 }));
    expect(rollout).toMatchObject({ rolling: 0, summary: 'replicas 2 -> 3' });
    expect(plan.summary.rolling).toBe(0);
  });

  test('DaemonSet: maxUnavailable nodes at a time, or OnDelete', () => {
    expect(rolloutOf(daemonSet(), daemonSet({ image: 'agent:2' })).rollout.summary)
      .toBe('RollingUpdate: the pod on every node is replaced, maxUnavailable 1 node(s) at a time, maxSurge 0');
    const onDelete = { type: 'OnDelete' };
    const { rollout, plan } = rolloutOf(daemonSet({ updateStrategy: onDelete }), daemonSet({ updateStrategy: onDelete, image: 'agent:2' }));
    expect(rollout.strategy).toBe('OnDelete');
    expect(plan.summary.rolling).toBe(0);
  });

  test('a metadata-only change rolls nothing', () => {
    expect(rolloutOf(deployment(), edited(deployment(), (d) => { d.metadata.labels = { a: 'b' }; })).rollout).toBeUndefined();
  });
});
