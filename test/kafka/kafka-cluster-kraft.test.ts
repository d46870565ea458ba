import { KafkaClusterProps } from '../../lib/kafka';
import { CLUSTER_ID, container, find, ids, Obj, runStartScript, serverProperties, synthKraft } from './helpers';
import { stableName } from '../support/manifests';

const host = (sts: string, service: string, i: number) => `${sts}-${i}.${service}.streaming.svc.cluster.local`;

describe('KafkaCluster in KRaft combined mode', () => {
  test('snapshot', () => {
    expect(synthKraft().objects).toMatchSnapshot();
  });

  test('every broker is a controller: one StatefulSet, voters from the broker DNS names', () => {
    const { objects, kafka } = synthKraft();
    expect(ids(objects)).toEqual([
      'ConfigMap/kafka-config-<hash>', 'NetworkPolicy/kafka', 'PodDisruptionBudget/kafka-pdb', 'Service/kafka-hs', 'ServiceAccount/kafka', 'StatefulSet/kafka',
    ]);
    const props = serverProperties(objects);
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['controller.quorum.voters']).toBe([0, 1, 2].map((i) => `${i}@${host('kafka', 'kafka-hs', i)}:9094`).join(','));
    expect(props['controller.listener.names']).toBe('CONTROLLER');
    expect(props.listeners).toBe('BROKER://:9093,CONTROLLER://:9094');
    expect(props['listener.security.protocol.map']).toBe('BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT');
    expect(props['inter.broker.listener.name']).toBe('BROKER');
    expect(props['zookeeper.connect']).toBeUndefined();
    expect(kafka.controllerQuorumVoters).toBe(props['controller.quorum.voters']);
    expect(container(objects, 'kafka').image).toBe('apache/kafka:4.1.1');
    expect(container(objects, 'kafka').ports.map((p: Obj) => `${p.name}:${p.containerPort}`)).toEqual(['broker:9093', 'controller:9094']);
    expect(find(objects, 'Service', 'kafka-hs').spec.ports.map((p: Obj) => p.name)).toEqual(['broker', 'controller', 'metrics']);
  });

  test.each([0, 2])('the start script formats the storage with the fixed cluster id and sets node.id for kafka-%i', (ordinal) => {
    const run = runStartScript(synthKraft().objects, 'kafka-config', `kafka-${ordinal}`);
    expect(run.properties['node.id']).toBe(String(ordinal));
    expect(run.properties['broker.id']).toBeUndefined();
    expect(run.properties['advertised.listeners']).toBe(`BROKER://${host('kafka', 'kafka-hs', ordinal)}:9093`);
    expect(run.format).toBe(`format --cluster-id=${CLUSTER_ID} --config=/etc/kafka/runtime/server.properties --ignore-formatted`);
    expect(run.formatJmxOpts).toBe('unset'); // the format tool never binds the JMX port
    expect(run.serverEnv.KAFKA_LOG4J_OPTS).toBe('-Dlog4j2.configurationFile=/etc/kafka/config/log4j2.yaml');
  });

  test('Kafka 4 images log with Log4j 2; a 3.x image in KRaft mode keeps Log4j 1', () => {
    expect(find(synthKraft().objects, 'ConfigMap', 'kafka-config').data['log4j2.yaml']).toContain('name: STDOUT');
    const old = find(synthKraft({ image: 'apache/kafka:3.9.1' }).objects, 'ConfigMap', 'kafka-config').data;
    expect(old['log4j.properties']).toBeDefined();
    expect(old['log4j2.yaml']).toBeUndefined();
  });

  test('the cluster id is never random: two synths agree', () => {
    expect(JSON.stringify(synthKraft().objects)).toBe(JSON.stringify(synthKraft().objects));
  });

  test('network policy: the controller port is open between the nodes only', () => {
    const { objects, kafka } = synthKraft();
    const ingress = find(objects, 'NetworkPolicy', 'kafka').spec.ingress;
    const internal = ingress.find((r: Obj) => r.ports.some((p: Obj) => p.port === 9094));
    expect(internal.from).toEqual([{ podSelector: { matchLabels: kafka.selectorLabels } }]);
    expect(internal.ports.map((p: Obj) => p.port)).toEqual([9093, 9094]);
  });

  test('a single combined node has no PDB', () => {
    const { objects } = synthKraft({ replicas: 1 });
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
    expect(serverProperties(objects)['controller.quorum.voters']).toBe(`0@${host('kafka', 'kafka-hs', 0)}:9094`);
  });

  test('listener names and ports are props', () => {
    const { objects } = synthKraft({ listeners: { broker: { name: 'CLIENT', port: 9092 }, controller: { name: 'QUORUM', port: 9095 } } });
    const props = serverProperties(objects);
    expect(props.listeners).toBe('CLIENT://:9092,QUORUM://:9095');
    expect(props['controller.listener.names']).toBe('QUORUM');
    expect(props['controller.quorum.voters'].split(',')[0]).toBe(`0@${host('kafka', 'kafka-hs', 0)}:9095`);
  });
});

describe('KafkaCluster in KRaft mode with dedicated controllers', () => {
  const dedicated = (props: Partial<KafkaClusterProps> = {}, replicas?: number) => synthKraft(props, replicas === undefined ? {} : { replicas });

  test('snapshot', () => {
    expect(dedicated().objects).toMatchSnapshot();
  });

  test('a second StatefulSet kafka-controller with its own headless Service, PDB, config and policy', () => {
    const { objects, kafka } = dedicated();
    expect(ids(objects)).toEqual([
      'ConfigMap/kafka-config-<hash>', 'ConfigMap/kafka-controller-config-<hash>',
      'NetworkPolicy/kafka', 'NetworkPolicy/kafka-controller',
      'PodDisruptionBudget/kafka-controller-pdb', 'PodDisruptionBudget/kafka-pdb',
      'Service/kafka-controller-hs', 'Service/kafka-hs',
      'ServiceAccount/kafka',
      'StatefulSet/kafka', 'StatefulSet/kafka-controller',
    ]);
    const sts = find(objects, 'StatefulSet', 'kafka-controller');
    expect(sts.spec.serviceName).toBe('kafka-controller-hs');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    expect(sts.spec.selector.matchLabels).toEqual(kafka.controllerSelectorLabels);
    expect(kafka.controllerSelectorLabels!['app.kubernetes.io/component']).toBe('controller');
    expect(find(objects, 'PodDisruptionBudget', 'kafka-controller-pdb').spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: kafka.controllerSelectorLabels } });
    const hs = find(objects, 'Service', 'kafka-controller-hs');
    expect(hs.spec.publishNotReadyAddresses).toBe(true);
    expect(hs.spec.ports.map((p: Obj) => `${p.name}:${p.port}`)).toEqual(['controller:9094', 'metrics:5556']);
    expect(container(objects, 'kafka-controller').readinessProbe.tcpSocket).toEqual({ port: 'controller' });
  });

  test('voters are the controllers with ids offset by 1000; brokers are broker-only', () => {
    const { objects } = dedicated();
    const voters = [0, 1, 2].map((i) => `${1000 + i}@${host('kafka-controller', 'kafka-controller-hs', i)}:9094`).join(',');
    const brokers = serverProperties(objects);
    expect(brokers['process.roles']).toBe('broker');
    expect(brokers['controller.quorum.voters']).toBe(voters);
    expect(brokers.listeners).toBe('BROKER://:9093');
    expect(brokers['listener.security.protocol.map']).toBe('BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT');
    const controllers = serverProperties(objects, 'kafka-controller-config');
    expect(controllers['process.roles']).toBe('controller');
    expect(controllers['controller.quorum.voters']).toBe(voters);
    expect(controllers.listeners).toBe('CONTROLLER://:9094');
    // In KRaft the controllers apply topic defaults and elect leaders, so durability is set there too.
    expect(controllers['unclean.leader.election.enable']).toBe('false');
    expect(controllers['default.replication.factor']).toBe('3');
    expect(controllers['min.insync.replicas']).toBe('2');
  });

  test('controller node ids never collide with broker ids', () => {
    const { objects } = dedicated({ replicas: 5 });
    const brokerIds = [0, 1, 2, 3, 4].map((i) => runStartScript(objects, 'kafka-config', `kafka-${i}`).properties['node.id']);
    const controllerRuns = [0, 1, 2].map((i) => runStartScript(objects, 'kafka-controller-config', `kafka-controller-${i}`));
    const controllerIds = controllerRuns.map((r) => r.properties['node.id']);
    expect(brokerIds).toEqual(['0', '1', '2', '3', '4']);
    expect(controllerIds).toEqual(['1000', '1001', '1002']);
    expect(controllerRuns[0].properties['advertised.listeners']).toBeUndefined();
    expect(controllerRuns[0].format).toBe(`format --cluster-id=${CLUSTER_ID} --config=/etc/kafka/runtime/server.properties --ignore-formatted`);
  });

  test('brokers may be even when the controllers are dedicated', () => {
    expect(dedicated({ replicas: 4 }).kafka.replicas).toBe(4);
  });

  test.each([1, 5])('%i controllers', (replicas) => {
    const { objects } = dedicated({}, replicas);
    expect(find(objects, 'StatefulSet', 'kafka-controller').spec.replicas).toBe(replicas);
    expect(serverProperties(objects)['controller.quorum.voters'].split(',')).toHaveLength(replicas);
    expect(objects.some((o) => o.metadata.name === 'kafka-controller-pdb')).toBe(replicas > 1);
  });

  test('controller resources, storage and partition are props', () => {
    const { objects } = synthKraft({}, {
      resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } },
      storage: { size: '20Gi', storageClassName: 'fast' },
      partition: 2,
    });
    const sts = find(objects, 'StatefulSet', 'kafka-controller');
    expect(sts.spec.updateStrategy.rollingUpdate.partition).toBe(2);
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '20Gi' } } });
    expect(runStartScript(objects, 'kafka-controller-config', 'kafka-controller-0').serverEnv.KAFKA_HEAP_OPTS).toBe('-Xms1024m -Xmx1024m');
  });

  test('network policy: brokers and controllers reach the quorum port, monitoring the metrics port', () => {
    const { objects, kafka } = dedicated();
    const ingress = find(objects, 'NetworkPolicy', 'kafka-controller').spec.ingress;
    expect(find(objects, 'NetworkPolicy', 'kafka-controller').spec.podSelector.matchLabels).toEqual(kafka.controllerSelectorLabels);
    expect(ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: kafka.selectorLabels } }, { podSelector: { matchLabels: kafka.controllerSelectorLabels } }],
        ports: [{ port: 9094, protocol: 'TCP' }],
      },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 5556, protocol: 'TCP' }] },
    ]);
    const brokerPorts = find(objects, 'NetworkPolicy', 'kafka').spec.ingress.flatMap((r: Obj) => r.ports.map((p: Obj) => p.port));
    expect(brokerPorts).not.toContain(9094);
  });

  test('one metrics endpoint covers brokers and controllers (both headless Services carry the selector)', () => {
    const { objects, kafka } = dedicated();
    const selected = objects.filter((o) => o.kind === 'Service'
      && Object.entries(kafka.metricsEndpoint!.selector).every(([k, v]) => o.metadata.labels[k] === v));
    expect(selected.map((s) => s.metadata.name).sort()).toEqual(['kafka-controller-hs', 'kafka-hs']);
    for (const s of selected) expect(s.spec.ports.some((p: Obj) => p.name === 'metrics')).toBe(true);
  });

  test('changing image, replicas or resources keeps names, selectors, serviceName and claim templates', () => {
    const stable = (objects: Obj[]) => objects.map((o) => ({
      id: `${o.kind}/${stableName(o)}`,
      selector: o.spec?.selector,
      serviceName: o.spec?.serviceName,
      claims: o.spec?.volumeClaimTemplates,
    }));
    const before = stable(dedicated().objects);
    const after = stable(synthKraft({
      image: 'apache/kafka:4.1.0',
      replicas: 6,
      resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '4', memory: '8Gi' } },
    }, { resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } } }).objects);
    expect(after).toEqual(before);
  });
});
