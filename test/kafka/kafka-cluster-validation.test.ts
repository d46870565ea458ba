import { Chart, Testing } from 'cdk8s';
import { isKafkaClusterId, KafkaCluster, KafkaClusterProps } from '../../lib/kafka';
import { ZookeeperEnsemble } from '../../lib/zookeeper/zookeeper-ensemble';
import { BAD_CLUSTER_IDS, BAD_PROPS_EITHER_MODE, BAD_PROPS_KRAFT, BAD_PROPS_ZOOKEEPER } from './bad-props';
import { CLUSTER_ID, synthKraft, synthZk } from './helpers';

describe('KafkaCluster rejects bad props with a clear message', () => {
  describe('in either mode', () => {
    test.each(BAD_PROPS_EITHER_MODE)('%s', (_case, props, message) => {
      expect(() => synthZk(props)).toThrow(message);
    });
  });

  describe('in ZooKeeper mode', () => {
    test.each(BAD_PROPS_ZOOKEEPER)('%s', (_case, chroot, props, message) => {
      expect(() => synthZk(props, {}, chroot)).toThrow(message);
    });

    test('nested chroots are fine', () => {
      expect(synthZk({}, {}, '/clusters/kafka-a').kafka.zookeeperConnect).toBe('zk-cs.streaming.svc.cluster.local:2181/clusters/kafka-a');
    });

    test('an ensemble that is not a ZookeeperEnsemble', () => {
      const chart = new Chart(Testing.app(), 'streaming', { namespace: 'streaming' });
      const fake = { connectString: 'zk:2181', allowClient: () => undefined } as unknown as ZookeeperEnsemble;
      expect(() => new KafkaCluster(chart, 'kafka', { mode: { type: 'zookeeper', ensemble: fake } }))
        .toThrow(/invalid mode.ensemble .*: must be a ZookeeperEnsemble construct/);
    });

    test('a missing or unknown mode', () => {
      const chart = new Chart(Testing.app(), 'streaming', { namespace: 'streaming' });
      expect(() => new KafkaCluster(chart, 'a', {} as KafkaClusterProps)).toThrow(/streaming\/a: invalid mode.type undefined: must be "zookeeper" \(with an ensemble\) or "kraft"/);
      expect(() => new KafkaCluster(chart, 'b', { mode: { type: 'raft' } } as unknown as KafkaClusterProps)).toThrow(/invalid mode.type "raft"/);
    });
  });

  describe('in KRaft mode', () => {
    test.each(BAD_PROPS_KRAFT)('%s', (_case, props, controllers, message) => {
      expect(() => synthKraft(props, controllers)).toThrow(message);
    });

    test.each(BAD_CLUSTER_IDS)('a cluster id that is %s', (_case, clusterId) => {
      const chart = new Chart(Testing.app(), 'streaming', { namespace: 'streaming' });
      expect(() => new KafkaCluster(chart, 'kafka', { mode: { type: 'kraft', clusterId } }))
        .toThrow(/invalid mode.clusterId .*: must be a Kafka cluster id: 22 base64url characters encoding 16 bytes/);
    });

    test('valid cluster ids', () => {
      for (const id of [CLUSTER_ID, '4L6g3nShT-eMCtK--X86sw', 'q6Wklx3BQF6RxKTRElZYUA']) expect(isKafkaClusterId(id)).toBe(true);
    });
  });
});
