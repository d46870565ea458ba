import { KafkaRollout, rolloutPlan } from '../../lib/kafka';
import { find, synthZk } from './helpers';

describe('KafkaRollout', () => {
  test('stage holds every pod, canary rolls only the highest ordinal, complete rolls all', () => {
    expect(KafkaRollout.stage(3)).toBe(3);
    expect(KafkaRollout.canary(3)).toBe(2);
    expect(KafkaRollout.complete()).toBe(0);
    expect(KafkaRollout.stage(1)).toBe(1);
    expect(KafkaRollout.canary(1)).toBe(0);
  });

  test.each<[number, number[]]>([
    [100, [100, 99, 90, 50, 0]],
    [10, [10, 9, 5, 0]],
    [5, [5, 4, 2, 0]],
    [3, [3, 2, 1, 0]],
    [2, [2, 1, 0]],
    [1, [1, 0]],
  ])('progressive plan for %i brokers', (replicas, plan) => {
    expect(KafkaRollout.progressive(replicas)).toEqual(plan);
    expect(rolloutPlan(replicas)).toEqual(plan);
  });

  test('custom steps', () => {
    expect(rolloutPlan(100, [0.25, 0.5, 0.75])).toEqual([100, 99, 75, 50, 25, 0]);
    expect(rolloutPlan(20, [])).toEqual([20, 19, 0]);
  });

  test('every plan starts staged, canaries one broker, strictly decreases and ends at 0', () => {
    for (let n = 1; n <= 60; n++) {
      const plan = rolloutPlan(n);
      expect(plan[0]).toBe(n);
      expect(plan[1]).toBe(n - 1);
      expect(plan[plan.length - 1]).toBe(0);
      plan.slice(1).forEach((p, i) => expect(p).toBeLessThan(plan[i]));
    }
  });

  test.each([0, -1, 2.5, NaN])('rejects replicas %p', (replicas) => {
    expect(() => rolloutPlan(replicas)).toThrow(/KafkaRollout: invalid replicas .*: must be an integer >= 1/);
    expect(() => KafkaRollout.canary(replicas)).toThrow(/invalid replicas/);
  });

  test.each<[number[]]>([[[0.5, 0.1]], [[0, 0.5]], [[0.5, 1]], [[0.5, 0.5]]])('rejects fractions %p', (fractions) => {
    expect(() => rolloutPlan(10, fractions)).toThrow(/KafkaRollout: invalid fractions .*: must be increasing numbers between 0 and 1/);
  });

  test('every step of the plan is a valid partition of the cluster, and the cluster offers its own plan', () => {
    const { kafka } = synthZk({ replicas: 5 });
    expect(kafka.rolloutPlan()).toEqual([5, 4, 2, 0]);
    for (const partition of kafka.rolloutPlan()) {
      const sts = find(synthZk({ replicas: 5, partition, image: 'apache/kafka:3.9.0' }).objects, 'StatefulSet', 'kafka');
      expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition } });
    }
  });

  test('the canary flow changes only the image and the partition between applies', () => {
    const diff = (a: object, b: object): string[] => {
      const out: string[] = [];
      const walk = (x: any, y: any, path: string) => {
        if (typeof x === 'object' && x !== null && typeof y === 'object' && y !== null) {
          for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(x[k], y[k], `${path}/${k}`);
        } else if (x !== y) out.push(path);
      };
      walk(a, b, '');
      return out;
    };
    const current = find(synthZk({ image: 'apache/kafka:3.9.0' }).objects, 'StatefulSet', 'kafka');
    const canary = find(synthZk({ image: 'apache/kafka:3.9.1', partition: KafkaRollout.canary(3) }).objects, 'StatefulSet', 'kafka');
    expect(diff(current, canary).sort()).toEqual([
      '/metadata/labels/app.kubernetes.io/version',
      '/spec/template/metadata/labels/app.kubernetes.io/version',
      '/spec/template/spec/containers/0/image',
      '/spec/updateStrategy/rollingUpdate/partition',
    ].sort());
  });
});
