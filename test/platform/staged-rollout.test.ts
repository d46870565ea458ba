/**
 * Issue 10 item 3 / SPEC §14: a staged rollout never changes what a pod that has not rolled reads.
 * Configuration a pod reads at start lives in content-addressed ConfigMaps referenced from the pod
 * template, so applying a staged change (partition = replicas) or a canary leaves the effective
 * configuration of every not-yet-rolled pod byte-identical, even if that pod restarts.
 */
import { App } from 'cdk8s';
import { manifestsOf } from '../../lib/checks';
import { KafkaRollout } from '../../lib/kafka/kafka-rollout';
import { buildPlatform, PlatformOptions } from '../../lib/platform/platform';
import { PROFILES } from '../../lib/platform/profile';
import { apply, effectivePodConfig, freshCluster, statefulSet, templateOfPod } from '../support/cluster-state';
import { Obj } from '../support/manifests';

const synth = (options: PlatformOptions): Obj[] => {
  const app = new App({ outdir: '/tmp/unused' });
  buildPlatform(app, { profile: PROFILES.production, ...options });
  return manifestsOf(app) as Obj[];
};

const heavier = { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } };

type Row = [what: string, namespace: string, sts: string, before: PlatformOptions, after: PlatformOptions, rolled: number[]];
const rows: Row[] = [
  ['Kafka: memory (and so heap) staged with partition = replicas', 'streaming', 'kafka',
    {}, { kafka: { resources: heavier, partition: KafkaRollout.stage(3) } }, []],
  ['Kafka: broker configuration staged', 'streaming', 'kafka',
    {}, { kafka: { config: { 'num.partitions': '12' }, partition: KafkaRollout.stage(3) } }, []],
  ['Kafka: memory canaried on the highest broker', 'streaming', 'kafka',
    { kafka: { partition: KafkaRollout.canary(3) } }, { kafka: { resources: heavier, partition: KafkaRollout.canary(3) } }, [2]],
  ['Kafka: image and memory staged together', 'streaming', 'kafka',
    {}, { kafka: { image: 'apache/kafka:3.9.0', resources: heavier, partition: 3 } }, []],
  ['ZooKeeper: memory (heap) staged', 'streaming', 'zk',
    {}, { zookeeper: { resources: { requests: { cpu: '1', memory: '3Gi' }, limits: { cpu: '2', memory: '3Gi' } }, partition: 3 } }, []],
  ['ZooKeeper: memory canaried on zk-2', 'streaming', 'zk',
    { zookeeper: { partition: 2 } }, { zookeeper: { resources: { requests: { cpu: '1', memory: '3Gi' }, limits: { cpu: '2', memory: '3Gi' } }, partition: 2 } }, [2]],
];

describe('staged rollouts leave not-yet-rolled pods exactly as they were (content-addressed configuration)', () => {
  test.each(rows)('%s', (_what, namespace, name, beforeOptions, afterOptions, rolled) => {
    const before = freshCluster(synth(beforeOptions));
    const after = apply(before, synth(afterOptions));
    const oldSts = statefulSet(before, namespace, name);
    const newSts = statefulSet(after, namespace, name);
    expect(newSts.spec.template).not.toEqual(oldSts.spec.template); // the change reached the template
    for (let ordinal = 0; ordinal < newSts.spec.replicas; ordinal++) {
      const was = effectivePodConfig(before, namespace, oldSts.spec.template);
      const is = effectivePodConfig(after, namespace, templateOfPod(oldSts, newSts, ordinal));
      if (rolled.includes(ordinal)) {
        expect({ ordinal, changed: is !== was }).toEqual({ ordinal, changed: true });
        expect(is).not.toContain('<missing>');
      } else {
        // Byte-identical: same template, same ConfigMap and Secret contents, even after a restart.
        expect({ ordinal, config: is }).toEqual({ ordinal, config: was });
      }
    }
  });

  test('the old configuration survives the apply: the new one is a second object, not an update', () => {
    const before = synth({});
    const after = synth({ kafka: { resources: heavier, partition: 3 } });
    const configs = (objects: Obj[]) => objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.['platform.cdk8s.io/config-base'] === 'kafka-config');
    const [old] = configs(before);
    const [next] = configs(after);
    expect(next.metadata.name).not.toBe(old.metadata.name);
    expect(old.immutable).toBe(true);
    expect(next.immutable).toBe(true);
    // Both exist after `kubectl apply` (no prune): old pods keep reading the old one.
    const state = apply(freshCluster(before), after);
    expect(state.get(`ConfigMap/streaming/${old.metadata.name}`)).toEqual(old);
    expect(state.get(`ConfigMap/streaming/${next.metadata.name}`)).toEqual(next);
  });

  test('every ConfigMap a platform pod mounts is content-addressed and immutable', () => {
    for (const profile of [PROFILES.production, PROFILES.dev]) {
      const objects = synth({ profile });
      const mounted = new Set<string>();
      for (const o of objects) {
        for (const v of o.spec?.template?.spec?.volumes ?? []) if (v.configMap) mounted.add(`${o.metadata.namespace}/${v.configMap.name}`);
      }
      expect(mounted.size).toBeGreaterThan(0);
      for (const ref of mounted) {
        const [namespace, name] = ref.split('/');
        const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === namespace && o.metadata.name === name);
        expect({ ref, immutable: cm?.immutable, label: cm?.metadata.labels?.['platform.cdk8s.io/content-addressed'] })
          .toEqual({ ref, immutable: true, label: 'true' });
      }
    }
  });
});
