import { KafkaClusterProps, KafkaControllerOptions } from '../../lib/kafka';
import { CLUSTER_ID } from './helpers';

// Bad KafkaCluster props with the message each must be rejected with: kafka-cluster-validation.test.ts
// checks the messages, kafka-cluster-resolve.test.ts that each is rejected before any object exists.

/** Props that are wrong in either mode (tried in ZooKeeper mode): case, props, message. */
export const BAD_PROPS_EITHER_MODE: Array<[string, Partial<KafkaClusterProps>, RegExp]> = [
  ['zero brokers', { replicas: 0 }, /^streaming\/kafka: invalid replicas 0: must be an integer from 1 to 1000$/],
  ['fractional brokers', { replicas: 2.5 }, /invalid replicas 2.5: must be an integer/],
  ['replication factor above the broker count', { replicas: 3, replicationFactor: 4 }, /invalid replicationFactor 4: default.replication.factor must be an integer from 1 to 3 \(the broker count\)/],
  ['replication factor 0', { replicationFactor: 0 }, /invalid replicationFactor 0: default.replication.factor must be an integer from 1 to 3/],
  ['min.insync.replicas above the replication factor', { replicas: 3, replicationFactor: 2, minInsyncReplicas: 3 }, /invalid minInsyncReplicas 3: min.insync.replicas must be an integer from 1 to 2 \(the replication factor\), or every acks=all write fails/],
  ['min.insync.replicas above a default replication factor', { replicas: 1, minInsyncReplicas: 2 }, /invalid minInsyncReplicas 2: min.insync.replicas must be an integer from 1 to 1/],
  ['partition above replicas', { replicas: 3, partition: 4 }, /invalid partition 4: must be an integer from 0 to 3/],
  ['negative partition', { partition: -1 }, /invalid partition -1: must be an integer from 0 to 3/],
  ['bad storage size', { storage: { size: '100GB' } }, /invalid storage.size "100GB": must be a positive Kubernetes quantity/],
  ['negative storage size', { storage: { size: '-1Gi' } }, /invalid storage.size "-1Gi"/],
  ['bad storage class', { storage: { storageClassName: 'Fast SSD' } }, /invalid storage.storageClassName "Fast SSD"/],
  ['bad memory limit', { resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2', memory: 'lots' } } }, /invalid resources.limits.memory "lots": must be a positive Kubernetes quantity/],
  ['request above limit', { resources: { requests: { cpu: '250m', memory: '4Gi' }, limits: { cpu: '2', memory: '2Gi' } } }, /invalid resources.requests.memory "4Gi": must not exceed resources.limits.memory \(2Gi\)/],
  ['name that is not a DNS label', { name: 'Kafka_Main' }, /invalid name "Kafka_Main": must be a DNS label/],
  ['name too long for derived names', { name: 'k'.repeat(42) }, /invalid name "k{42}": must be a DNS label.*at most 41 characters/],
  ['unpinned image', { image: 'apache/kafka:latest' }, /invalid image "apache\/kafka:latest": must name an explicit tag or digest/],
  ['untagged image', { image: 'apache/kafka' }, /invalid image "apache\/kafka"/],
  ['bad cluster domain', { clusterDomain: 'Cluster_Local' }, /invalid clusterDomain "Cluster_Local"/],
  ['broker port 0', { listeners: { broker: { port: 0 } } }, /invalid listeners.broker.port 0: must be an integer from 1 to 65535/],
  ['broker port above 65535', { listeners: { broker: { port: 70000 } } }, /invalid listeners.broker.port 70000/],
  ['lower-case listener name', { listeners: { broker: { name: 'plain' } } }, /invalid listeners.broker.name "plain": must be a Kafka listener name/],
  ['listener name with a dash', { listeners: { broker: { name: 'MY-LISTENER' } } }, /invalid listeners.broker.name "MY-LISTENER"/],
  ['metrics port clashing with the broker port', { metrics: { port: 9093 } }, /invalid metrics.port 9093: must differ from listeners.broker.port \(9093\)/],
  ['JMX port clashing with the metrics port', { metrics: { jmxPort: 5556 } }, /invalid metrics.jmxPort 5556: must differ from metrics.port \(5556\)/],
  ['unpinned exporter image', { metrics: { image: 'bitnami/jmx-exporter' } }, /invalid metrics.image "bitnami\/jmx-exporter"/],
  ['relative exporter jar', { metrics: { jarPath: 'exporter.jar' } }, /invalid metrics.jarPath "exporter.jar": must be an absolute path to a .jar file/],
  ['bad exporter memory', { metrics: { resources: { requests: { cpu: '50m', memory: '1Gx' }, limits: { cpu: '250m', memory: '256Mi' } } } }, /invalid metrics.resources.requests.memory "1Gx"/],
  ['grace period too short for controlled shutdown', { terminationGracePeriodSeconds: 5 }, /invalid terminationGracePeriodSeconds 5: must be an integer >= 30/],
  ['startup budget too short for a JVM', { startupBudgetSeconds: 10 }, /invalid startupBudgetSeconds 10: must be an integer >= 30/],
  ['bad monitoring namespace', { monitoringNamespace: 'Monitoring' }, /invalid monitoringNamespace "Monitoring"/],
  ['config key the construct manages', { config: { 'broker.id': '7' } }, /invalid config key "broker.id": is managed by KafkaCluster/],
  ['config overriding unclean leader election', { config: { 'unclean.leader.election.enable': 'true' } }, /invalid config key "unclean.leader.election.enable": is managed by KafkaCluster/],
  ['config key that is not a property name', { config: { 'Num Partitions': '3' } }, /invalid config key "Num Partitions": must be a Kafka property name/],
  ['config value with a line break', { config: { 'num.partitions': '3\nbroker.id=9' } }, /invalid config\["num.partitions"\] "3\\nbroker.id=9": must be a non-empty string without line breaks/],
  ['config value that is empty', { config: { 'num.partitions': '' } }, /invalid config\["num.partitions"\] "": must be a non-empty string/],
  ['a capitalised anti-affinity mode', { antiAffinity: 'Required' as never }, /invalid antiAffinity "Required": must be/],
  ['a zoneSpread that is no boolean', { zoneSpread: 'yes' as never }, /invalid zoneSpread "yes": must be true or false/],
  ['autoCreateTopics that is no boolean', { autoCreateTopics: 'false' as never }, /invalid autoCreateTopics "false": must be true or false/],
  ['partOf that is no label value', { partOf: 'streaming platform' }, /invalid partOf "streaming platform": must be a label value/],
];

/** ZooKeeper mode: case, chroot, props, message. */
export const BAD_PROPS_ZOOKEEPER: Array<[string, string | undefined, Partial<KafkaClusterProps>, RegExp]> = [
  ['a Kafka 4 image (ZooKeeper mode was removed)', undefined, { image: 'apache/kafka:4.1.1' }, /invalid image "apache\/kafka:4.1.1": Kafka 4.0 removed ZooKeeper mode: use a 3.x image \(default apache\/kafka:3.9.1\) or KRaft mode/],
  ['a relative chroot', 'kafka', {}, /invalid mode.chroot "kafka": must be an absolute ZooKeeper path such as "\/kafka"/],
  ['a chroot with a trailing slash', '/kafka/', {}, /invalid mode.chroot "\/kafka\/"/],
  ['the root as chroot', '/', {}, /invalid mode.chroot "\/"/],
  ['a chroot with a dot segment', '/kafka/../other', {}, /invalid mode.chroot "\/kafka\/..\/other"/],
  ['a chroot with spaces', '/my kafka', {}, /invalid mode.chroot "\/my kafka"/],
  ['a chroot under the reserved /zookeeper', '/zookeeper/kafka', {}, /invalid mode.chroot "\/zookeeper\/kafka".*reserved \/zookeeper/],
];

/** KRaft mode: case, props, dedicated controllers, message. */
export const BAD_PROPS_KRAFT: Array<[string, Partial<KafkaClusterProps>, KafkaControllerOptions | undefined, RegExp]> = [
  ['an even broker count in combined mode', { replicas: 4 }, undefined, /invalid replicas 4: in combined KRaft mode every broker is also a controller: must be an odd integer/],
  ['2 combined nodes', { replicas: 2 }, undefined, /invalid replicas 2: in combined KRaft mode/],
  ['an even controller count', {}, { replicas: 4 }, /invalid mode.controllers.replicas 4: must be 1, 3 or 5/],
  ['zero controllers', {}, { replicas: 0 }, /invalid mode.controllers.replicas 0: must be 1, 3 or 5/],
  ['7 controllers', {}, { replicas: 7 }, /invalid mode.controllers.replicas 7/],
  ['a controller partition above the controller count', {}, { replicas: 3, partition: 4 }, /invalid mode.controllers.partition 4: must be an integer from 0 to 3/],
  ['bad controller storage', {}, { storage: { size: 'big' } }, /invalid mode.controllers.storage.size "big"/],
  ['bad controller resources', {}, { resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }, /invalid mode.controllers.resources.requests.cpu "2": must not exceed/],
  ['brokers above the controller id offset', { replicas: 1001 }, {}, /invalid replicas 1001: must be an integer from 1 to 1000/],
  ['a Kafka image older than 3.3', { image: 'apache/kafka:3.2.3' }, undefined, /invalid image "apache\/kafka:3.2.3": KRaft mode needs Kafka 3.3 or later/],
  ['the same name for both listeners', { listeners: { broker: { name: 'CONTROLLER' } } }, undefined, /invalid listeners.controller.name "CONTROLLER": must differ from listeners.broker.name/],
  ['the same port for both listeners', { listeners: { controller: { port: 9093 } } }, undefined, /invalid listeners.controller.port 9093: must differ from listeners.broker.port \(9093\)/],
  ['a bad controller listener name', { listeners: { controller: { name: 'ctl' } } }, undefined, /invalid listeners.controller.name "ctl"/],
];

/** Cluster ids that are not canonical, non-reserved base64url of 16 bytes: case, id. */
export const BAD_CLUSTER_IDS: Array<[string, string]> = [
  ['too short', 'MkU3OEVBNTcwNTJENDM2'],
  ['too long', `${CLUSTER_ID}AA`],
  ['a UUID with dashes', '5f0b9a43-3c8e-4b7a-9d8e-1f2e3d4c5b6a'],
  ['not base64url', 'MkU3OEVBNTcwNTJENDM2Q+'],
  ['non-canonical trailing bits', 'MkU3OEVBNTcwNTJENDM2Qh'],
  ['the reserved all-zero id', 'AAAAAAAAAAAAAAAAAAAAAA'],
  ['the reserved metadata topic id', 'AAAAAAAAAAAAAAAAAAAAAQ'],
  ['empty', ''],
];
