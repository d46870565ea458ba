import { Chart, Testing } from 'cdk8s';
import { KafkaCluster, KafkaClusterProps, KafkaControllerOptions } from '../../lib/kafka';
import { ZookeeperEnsemble } from '../../lib/zookeeper/zookeeper-ensemble';
import { BAD_CLUSTER_IDS, BAD_PROPS_EITHER_MODE, BAD_PROPS_KRAFT, BAD_PROPS_ZOOKEEPER } from './bad-props';
import { CLUSTER_ID } from './helpers';

// KafkaCluster resolves (validates and defaults) every prop before it renders any object: a bad
// prop throws with nothing half-built in the tree, and the ZooKeeper ensemble has not been told to
// admit brokers that do not exist.

function chart(): Chart {
  return new Chart(Testing.app(), 'streaming', { namespace: 'streaming' });
}

/** Ids of the objects the failed construct left under its node. */
function leftBehind(scope: Chart, id = 'kafka'): string[] {
  return scope.node.findChild(id).node.children.map((c) => c.node.id);
}

describe('KafkaCluster validates every prop before rendering any object', () => {
  test.each([
    ...BAD_PROPS_EITHER_MODE.map(([name, props, message]) => [name, undefined, props, message] as const),
    ...BAD_PROPS_ZOOKEEPER,
  ])('ZooKeeper mode: %s', (_case, chroot, props, message) => {
    const c = chart();
    const zk = new ZookeeperEnsemble(c, 'zk');
    const flowsBefore = zk.declaredFlows();
    expect(() => new KafkaCluster(c, 'kafka', { mode: { type: 'zookeeper', ensemble: zk, chroot }, ...props as Partial<KafkaClusterProps> })).toThrow(message);
    expect(leftBehind(c)).toEqual([]);
    expect(zk.declaredFlows()).toEqual(flowsBefore);
  });

  test.each<[string, Partial<KafkaClusterProps>, KafkaControllerOptions | undefined, RegExp]>([
    ...BAD_PROPS_KRAFT,
    ...BAD_CLUSTER_IDS.map(([name, clusterId]) => [`cluster id ${name}`, { clusterId } as never, undefined, /invalid mode.clusterId/] as [string, Partial<KafkaClusterProps>, undefined, RegExp]),
    ['a bad anti-affinity with dedicated controllers', { antiAffinity: 'sometimes' as never }, {}, /invalid antiAffinity "sometimes"/],
  ])('KRaft mode: %s', (_case, props, controllers, message) => {
    const { clusterId, ...rest } = props as Partial<KafkaClusterProps> & { clusterId?: string };
    const c = chart();
    expect(() => new KafkaCluster(c, 'kafka', { mode: { type: 'kraft', clusterId: clusterId ?? CLUSTER_ID, controllers }, ...rest })).toThrow(message);
    expect(leftBehind(c)).toEqual([]);
  });

  test('a valid cluster renders its objects (so the checks above can fail)', () => {
    const c = chart();
    new KafkaCluster(c, 'kafka', { mode: { type: 'kraft', clusterId: CLUSTER_ID, controllers: {} } });
    expect(leftBehind(c)).toEqual(expect.arrayContaining(['ServiceAccount', 'Resource', 'ControllerResource', 'NetworkPolicy', 'ControllerNetworkPolicy']));
  });
});
