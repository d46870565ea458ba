import { App, Chart, Testing } from 'cdk8s';
import { KafkaCluster, KafkaClusterProps } from '../../lib/kafka';
import { ZookeeperEnsemble } from '../../lib/zookeeper/zookeeper-ensemble';
import { container, find, ids, Obj, runStartScript, serverProperties, synthZk } from './helpers';
import { configVolume, stableName } from '../support/manifests';

describe('KafkaCluster in ZooKeeper mode', () => {
  test('snapshot of the default cluster next to its ensemble', () => {
    expect(synthZk().objects).toMatchSnapshot();
  });

  test('uses the origin names and StatefulSet settings', () => {
    const { objects } = synthZk();
    expect(ids(objects).filter((id) => id.endsWith('kafka') || id.includes('kafka-'))).toEqual([
      'ConfigMap/kafka-config-<hash>', 'NetworkPolicy/kafka', 'PodDisruptionBudget/kafka-pdb', 'Service/kafka-hs', 'ServiceAccount/kafka', 'StatefulSet/kafka',
    ]);
    const sts = find(objects, 'StatefulSet', 'kafka');
    expect(sts.spec.serviceName).toBe('kafka-hs');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(container(objects, 'kafka').image).toBe('apache/kafka:3.9.1');
    expect(container(objects, 'kafka').command).toEqual(['sh', '/etc/kafka/config/start.sh']);
  });

  test('server.properties: listener 9093, ZooKeeper connect string with chroot, durable defaults', () => {
    const props = serverProperties(synthZk({}, {}, '/kafka').objects);
    expect(props).toEqual({
      'listeners': 'BROKER://:9093',
      'listener.security.protocol.map': 'BROKER:PLAINTEXT',
      'inter.broker.listener.name': 'BROKER',
      'zookeeper.connect': 'zk-cs.streaming.svc.cluster.local:2181/kafka',
      'zookeeper.connection.timeout.ms': '18000',
      'log.dirs': '/var/lib/kafka/data/logs',
      'default.replication.factor': '3',
      'min.insync.replicas': '2',
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
      'unclean.leader.election.enable': 'false',
      'auto.create.topics.enable': 'false',
    });
    expect(props['broker.id']).toBeUndefined(); // per pod, from the start script
  });

  test('the ZooKeeper connect string follows the ensemble name, namespace and domain', () => {
    const { kafka } = synthZk({ clusterDomain: 'example.internal' }, { name: 'meta', clusterDomain: 'example.internal' });
    expect(kafka.zookeeperConnect).toBe('meta-cs.streaming.svc.example.internal:2181');
  });

  test.each([0, 1, 2])('the start script gives kafka-%i its broker.id and advertised listener', (ordinal) => {
    const run = runStartScript(synthZk().objects, 'kafka-config', `kafka-${ordinal}`);
    expect(run.properties['broker.id']).toBe(String(ordinal));
    expect(run.properties['advertised.listeners']).toBe(`BROKER://kafka-${ordinal}.kafka-hs.streaming.svc.cluster.local:9093`);
    expect(run.properties['zookeeper.connect']).toBe('zk-cs.streaming.svc.cluster.local:2181');
    expect(run.format).toBeUndefined(); // no storage format in ZooKeeper mode
  });

  test('the start script refuses a hostname without an ordinal', () => {
    expect(() => runStartScript(synthZk().objects, 'kafka-config', 'kafka')).toThrow();
  });

  test('JVM settings reach the server only: heap from the memory limit, loopback JMX, stdout logging', () => {
    const run = runStartScript(synthZk({ resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2', memory: '3Gi' } } }).objects, 'kafka-config', 'kafka-0');
    expect(run.serverEnv.KAFKA_HEAP_OPTS).toBe('-Xms1536m -Xmx1536m');
    expect(run.serverEnv.KAFKA_JMX_OPTS).toContain('-Dcom.sun.management.jmxremote.host=127.0.0.1');
    expect(run.serverEnv.KAFKA_JMX_OPTS).toContain('-Dcom.sun.management.jmxremote.port=5555');
    expect(run.serverEnv.KAFKA_LOG4J_OPTS).toBe('-Dlog4j.configuration=file:/etc/kafka/config/log4j.properties');
    expect(run.serverEnv.LOG_DIR).toBe('/var/log/kafka');
    // Nothing server-only in the container env, so `kubectl exec ... kafka-topics.sh` does not bind the JMX port.
    expect(container(synthZk().objects, 'kafka').env).toBeUndefined();
  });

  test('ZooKeeper-mode images log with Log4j 1 (reload4j)', () => {
    const data = find(synthZk().objects, 'ConfigMap', 'kafka-config').data;
    expect(data['log4j.properties']).toContain('log4j.appender.stdout=org.apache.log4j.ConsoleAppender');
    expect(data['log4j2.yaml']).toBeUndefined();
  });

  test.each<[number, Record<string, string>]>([
    [1, { rf: '1', minIsr: '1', offsets: '1', txn: '1', txnIsr: '1' }],
    [2, { rf: '2', minIsr: '2', offsets: '2', txn: '2', txnIsr: '2' }],
    [3, { rf: '3', minIsr: '2', offsets: '3', txn: '3', txnIsr: '2' }],
    [5, { rf: '3', minIsr: '2', offsets: '3', txn: '3', txnIsr: '2' }],
  ])('durable defaults for %i brokers', (replicas, expected) => {
    const props = serverProperties(synthZk({ replicas }).objects);
    expect({
      rf: props['default.replication.factor'],
      minIsr: props['min.insync.replicas'],
      offsets: props['offsets.topic.replication.factor'],
      txn: props['transaction.state.log.replication.factor'],
      txnIsr: props['transaction.state.log.min.isr'],
    }).toEqual(expected);
    expect(props['unclean.leader.election.enable']).toBe('false');
  });

  test('durability props and extra config are honoured', () => {
    const props = serverProperties(synthZk({
      replicas: 5, replicationFactor: 5, minInsyncReplicas: 3, autoCreateTopics: true,
      config: { 'num.partitions': '6', 'log.retention.hours': '72' },
    }).objects);
    expect(props['default.replication.factor']).toBe('5');
    expect(props['min.insync.replicas']).toBe('3');
    expect(props['auto.create.topics.enable']).toBe('true');
    expect(props['num.partitions']).toBe('6');
    expect(props['log.retention.hours']).toBe('72');
  });

  test('listener name and port are props', () => {
    const { objects, kafka } = synthZk({ listeners: { broker: { name: 'INTERNAL', port: 19092 } } });
    const props = serverProperties(objects);
    expect(props.listeners).toBe('INTERNAL://:19092');
    expect(props['listener.security.protocol.map']).toBe('INTERNAL:PLAINTEXT');
    expect(props['inter.broker.listener.name']).toBe('INTERNAL');
    expect(runStartScript(objects, 'kafka-config', 'kafka-1').properties['advertised.listeners']).toBe('INTERNAL://kafka-1.kafka-hs.streaming.svc.cluster.local:19092');
    expect(find(objects, 'Service', 'kafka-hs').spec.ports[0]).toEqual({ name: 'broker', port: 19092, targetPort: 'broker' });
    expect(kafka.bootstrapServers.split(',')[0]).toBe('kafka-0.kafka-hs.streaming.svc.cluster.local:19092');
  });

  test('probes: TCP readiness on the broker port, liveness, and a startup budget for a JVM', () => {
    const kafka = container(synthZk().objects, 'kafka');
    expect(kafka.readinessProbe.tcpSocket).toEqual({ port: 'broker' });
    expect(kafka.livenessProbe.tcpSocket).toEqual({ port: 'broker' });
    expect(kafka.livenessProbe.periodSeconds * kafka.livenessProbe.failureThreshold).toBeGreaterThanOrEqual(60);
    expect(kafka.startupProbe.periodSeconds * kafka.startupProbe.failureThreshold).toBe(600);
    const custom = container(synthZk({ startupBudgetSeconds: 1200 }).objects, 'kafka').startupProbe;
    expect(custom.periodSeconds * custom.failureThreshold).toBe(1200);
  });

  test('requests 250m / 1Gi per broker with limits, and a grace period for controlled shutdown', () => {
    const { objects } = synthZk();
    expect(container(objects, 'kafka').resources).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(find(objects, 'StatefulSet', 'kafka').spec.template.spec.terminationGracePeriodSeconds).toBe(120);
    expect(find(synthZk({ terminationGracePeriodSeconds: 300 }).objects, 'StatefulSet', 'kafka').spec.template.spec.terminationGracePeriodSeconds).toBe(300);
  });

  test('runs non-root (appuser 1000) with a read-only root filesystem, explicit writable mounts and no token', () => {
    const pod = find(synthZk().objects, 'StatefulSet', 'kafka').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.serviceAccountName).toBe('kafka');
    for (const c of pod.containers) {
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
      expect(c.resources.requests).toBeDefined();
      expect(c.resources.limits).toBeDefined();
    }
    const kafka = pod.containers.find((c: Obj) => c.name === 'kafka');
    const writable = kafka.volumeMounts.filter((m: Obj) => !m.readOnly).map((m: Obj) => m.mountPath).sort();
    expect(writable).toEqual(['/etc/kafka/runtime', '/tmp', '/var/lib/kafka/data', '/var/log/kafka']);
    const emptyDirs = pod.volumes.filter((v: Obj) => v.emptyDir);
    expect(emptyDirs.every((v: Obj) => v.emptyDir.sizeLimit)).toBe(true);
  });

  test('anti-affinity is required by default and preferred on request; zone spread is optional', () => {
    const hard = find(synthZk().objects, 'StatefulSet', 'kafka').spec.template.spec;
    expect(hard.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]).toMatchObject({
      topologyKey: 'kubernetes.io/hostname',
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/component': 'broker' } },
    });
    expect(hard.topologySpreadConstraints).toBeUndefined();
    const soft = find(synthZk({ antiAffinity: 'preferred', zoneSpread: true }).objects, 'StatefulSet', 'kafka').spec.template.spec;
    expect(soft.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight).toBe(100);
    expect(soft.topologySpreadConstraints[0].topologyKey).toBe('topology.kubernetes.io/zone');
  });

  test('each broker gets a retained persistent volume named data', () => {
    const sts = find(synthZk({ storage: { size: '500Gi', storageClassName: 'fast-ssd' } }).objects, 'StatefulSet', 'kafka');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '500Gi' } } });
    expect(find(synthZk().objects, 'StatefulSet', 'kafka').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('100Gi');
  });

  test('PDB kafka-pdb allows one planned disruption and selects the brokers; none for a single broker', () => {
    const { objects } = synthZk({ replicas: 5 });
    const pdb = find(objects, 'PodDisruptionBudget', 'kafka-pdb');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(find(objects, 'StatefulSet', 'kafka').spec.selector.matchLabels);
    const single = synthZk({ replicas: 1 });
    expect(single.objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name.startsWith('kafka'))).toBe(false);
    expect(single.kafka.podDisruptionBudget).toBeUndefined();
  });

  test('headless service publishes not-ready brokers with the broker and metrics ports', () => {
    const hs = find(synthZk().objects, 'Service', 'kafka-hs');
    expect(hs.spec.clusterIP).toBe('None');
    expect(hs.spec.publishNotReadyAddresses).toBe(true);
    expect(hs.spec.ports.map((p: Obj) => `${p.name}:${p.port}`)).toEqual(['broker:9093', 'metrics:5556']);
    expect(hs.spec.selector).toEqual(find(synthZk().objects, 'StatefulSet', 'kafka').spec.selector.matchLabels);
  });

  test('network policy: brokers to brokers, declared clients to the broker port, monitoring to metrics', () => {
    const chart = new Chart(Testing.app(), 'streaming', { namespace: 'streaming' });
    const zk = new ZookeeperEnsemble(chart, 'zk');
    const kafka = new KafkaCluster(chart, 'kafka', { mode: { type: 'zookeeper', ensemble: zk } });
    const rulesFor = (port: number) => find(Testing.synth(chart), 'NetworkPolicy', 'kafka').spec.ingress
      .filter((r: Obj) => r.ports.some((p: Obj) => p.port === port)).map((r: Obj) => r.from);
    expect(rulesFor(9093)).toEqual([[{ podSelector: { matchLabels: kafka.selectorLabels } }]]);

    kafka.allowClient({ podLabels: { app: 'orders' } });
    kafka.allowClient({ podLabels: { app: 'billing' }, namespace: 'payments' });
    expect(rulesFor(9093)).toEqual([
      [{ podSelector: { matchLabels: kafka.selectorLabels } }],
      [
        { podSelector: { matchLabels: { app: 'orders' } } },
        { podSelector: { matchLabels: { app: 'billing' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } } },
      ],
    ]);
    expect(rulesFor(5556)).toEqual([[{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]]);
    expect(rulesFor(5555)).toEqual([]); // JMX stays on loopback
  });

  test('the ZooKeeper ensemble policy now admits the brokers on 2181 (same namespace: no namespace selector)', () => {
    const { objects, kafka } = synthZk();
    const zkRule = find(objects, 'NetworkPolicy', 'zk').spec.ingress.find((r: Obj) => r.ports.some((p: Obj) => p.port === 2181));
    expect(zkRule.from).toEqual([{ podSelector: { matchLabels: kafka.selectorLabels } }]);
  });

  test('an ensemble in another namespace admits the brokers from their namespace', () => {
    const app = Testing.app();
    const zk = new ZookeeperEnsemble(new Chart(app, 'meta', { namespace: 'metadata' }), 'zk');
    const chart = new Chart(app, 'streaming', { namespace: 'streaming' });
    const kafka = new KafkaCluster(chart, 'kafka', { mode: { type: 'zookeeper', ensemble: zk } });
    expect(kafka.zookeeperConnect).toBe('zk-cs.metadata.svc.cluster.local:2181');
    const zkRule = find(Testing.synth(zk.node.scope as Chart), 'NetworkPolicy', 'zk').spec.ingress.find((r: Obj) => r.ports.some((p: Obj) => p.port === 2181));
    expect(zkRule.from).toEqual([{ podSelector: { matchLabels: kafka.selectorLabels }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'streaming' } } }]);
  });

  test('exposes bootstrap servers, broker hosts, selector labels and the metrics endpoint', () => {
    const { kafka } = synthZk();
    expect(kafka.bootstrapServers).toBe([0, 1, 2].map((i) => `kafka-${i}.kafka-hs.streaming.svc.cluster.local:9093`).join(','));
    expect(kafka.brokerHosts).toHaveLength(3);
    expect(kafka.selectorLabels).toEqual({ 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': 'kafka', 'app.kubernetes.io/component': 'broker' });
    expect(kafka.metricsEndpoint).toEqual({
      component: 'kafka', namespace: 'streaming', via: 'service', portName: 'metrics',
      selector: { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': 'kafka' },
    });
    expect(kafka.statefulSet.name).toBe('kafka');
    expect(kafka.headlessService.name).toBe('kafka-hs');
  });

  test('the name prop renames everything consistently', () => {
    const { objects, kafka } = synthZk({ name: 'events' });
    expect(ids(objects).filter((id) => id.includes('events'))).toEqual([
      'ConfigMap/events-config-<hash>', 'NetworkPolicy/events', 'PodDisruptionBudget/events-pdb', 'Service/events-hs', 'ServiceAccount/events', 'StatefulSet/events',
    ]);
    expect(runStartScript(objects, 'events-config', 'events-2').properties['advertised.listeners']).toBe('BROKER://events-2.events-hs.streaming.svc.cluster.local:9093');
    expect(kafka.selectorLabels['app.kubernetes.io/instance']).toBe('events');
  });

  test('metrics can be turned off: no sidecar, no metrics port, no endpoint, no JMX', () => {
    const { objects, kafka } = synthZk({ metrics: { enabled: false } });
    const pod = find(objects, 'StatefulSet', 'kafka').spec.template.spec;
    expect(pod.containers.map((c: Obj) => c.name)).toEqual(['kafka']);
    expect(find(objects, 'Service', 'kafka-hs').spec.ports.map((p: Obj) => p.name)).toEqual(['broker']);
    expect(kafka.metricsEndpoint).toBeUndefined();
    expect(runStartScript(objects, 'kafka-config', 'kafka-0').serverEnv.KAFKA_JMX_OPTS).toBeUndefined();
    expect(find(objects, 'ConfigMap', 'kafka-config').data['jmx-exporter.yaml']).toBeUndefined();
  });

  test('partition stages a rollout', () => {
    expect(find(synthZk({ partition: 3 }).objects, 'StatefulSet', 'kafka').spec.updateStrategy.rollingUpdate.partition).toBe(3);
    expect(synthZk({ partition: 2 }).kafka.partition).toBe(2);
  });

  test('changing the configuration rolls the brokers through a new content-addressed ConfigMap; the image alone does not touch it', () => {
    const hash = (props: Partial<KafkaClusterProps>) => configVolume(find(synthZk(props).objects, 'StatefulSet', 'kafka'), 'config');
    expect(hash({})).toMatch(/^kafka-config-[0-9a-f]{10}$/);
    expect(hash({ config: { 'num.partitions': '6' } })).not.toBe(hash({}));
    expect(hash({ image: 'apache/kafka:3.9.0' })).toBe(hash({}));
  });

  test('changing image, replicas or resources keeps names, selectors, serviceName and claim templates', () => {
    const stable = (objects: Obj[]) => objects.map((o) => ({
      id: `${o.kind}/${stableName(o)}`,
      selector: o.spec?.selector,
      serviceName: o.spec?.serviceName,
      claims: o.spec?.volumeClaimTemplates,
    }));
    const before = stable(synthZk().objects);
    const after = stable(synthZk({
      image: 'apache/kafka:3.9.0',
      replicas: 5,
      resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '4', memory: '8Gi' } },
    }).objects);
    expect(after).toEqual(before);
  });

  test('two synths are identical', () => {
    expect(JSON.stringify(synthZk().objects)).toBe(JSON.stringify(synthZk().objects));
  });

  test('a chart without a namespace is rejected', () => {
    const app = new App();
    const zk = new ZookeeperEnsemble(new Chart(app, 'zkc', { namespace: 'streaming' }), 'zk');
    expect(() => new KafkaCluster(new Chart(app, 'nons'), 'kafka', { mode: { type: 'zookeeper', ensemble: zk } }))
      .toThrow(/nons\/kafka: needs a namespace to build stable DNS names/);
  });
});
