import { parse } from 'yaml';
import { kafkaVersionOf, renderKafkaJmxExporterConfig, renderKafkaProperties, renderKafkaStartScript } from '../../lib/kafka';
import { container, find, Obj, synthKraft, synthZk } from './helpers';

interface Rule {
  pattern: string;
  name: string;
  type?: string;
  labels?: Record<string, string>;
}

/**
 * The naming half of the JMX exporter: first matching rule wins (patterns are unanchored), `$n`
 * substitution, lowercased names and label names, sanitised to [a-zA-Z0-9:_]. Input lines have the
 * exporter's form `domain<key=value, ...><composite keys>attribute: value`.
 */
function exported(config: { rules: Rule[]; lowercaseOutputName?: boolean; lowercaseOutputLabelNames?: boolean }, input: string):
  { name: string; labels: Record<string, string>; type?: string } | undefined {
  for (const rule of config.rules) {
    const match = new RegExp(`^.*(?:${rule.pattern}).*$`).exec(input);
    if (!match) continue;
    const sub = (template: string) => template.replace(/\$(\d+)/g, (_, n) => match[Number(n)] ?? '');
    let name = sub(rule.name);
    if (config.lowercaseOutputName) name = name.toLowerCase();
    name = name.replace(/[^a-zA-Z0-9:_]/g, '_').replace(/__+/g, '_');
    const labels = Object.fromEntries(Object.entries(rule.labels ?? {}).map(([k, v]) => [config.lowercaseOutputLabelNames ? k.toLowerCase() : k, sub(v)]));
    return { name, labels, type: rule.type };
  }
  return undefined;
}

describe('JMX exporter configuration', () => {
  const config = parse(renderKafkaJmxExporterConfig(5555));

  test('reads the broker over loopback JMX and queries only Kafka and JVM MBeans', () => {
    expect(config.hostPort).toBe('127.0.0.1:5555');
    expect(config.includeObjectNames).toEqual(['kafka.server:*', 'kafka.controller:*', 'kafka.network:*', 'kafka.log:*', 'kafka.cluster:*', 'java.lang:*']);
  });

  test.each([
    ['kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value: 0', 'kafka_server_replicamanager_underreplicatedpartitions'],
    ['kafka.controller<type=KafkaController, name=OfflinePartitionsCount><>Value: 0', 'kafka_controller_kafkacontroller_offlinepartitionscount'],
    ['kafka.controller<type=KafkaController, name=ActiveControllerCount><>Value: 1', 'kafka_controller_kafkacontroller_activecontrollercount'],
    ['kafka.server<type=ReplicaManager, name=UnderMinIsrPartitionCount><>Value: 0', 'kafka_server_replicamanager_underminisrpartitioncount'],
    ['kafka.server<type=BrokerTopicMetrics, name=MessagesInPerSec><>Count: 12', 'kafka_server_brokertopicmetrics_messagesinpersec_total'],
  ])('alert metric %s -> %s', (input, name) => {
    expect(exported(config, input)).toMatchObject({ name, labels: {} });
  });

  test('per-topic, per-partition and per-request metrics keep their labels', () => {
    expect(exported(config, 'kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec, topic=orders><>Count: 42'))
      .toEqual({ name: 'kafka_server_brokertopicmetrics_bytesinpersec_total', labels: { topic: 'orders' }, type: 'COUNTER' });
    expect(exported(config, 'kafka.cluster<type=Partition, name=UnderReplicated, topic=orders, partition=3><>Value: 1'))
      .toEqual({ name: 'kafka_cluster_partition_underreplicated', labels: { topic: 'orders', partition: '3' }, type: 'GAUGE' });
    expect(exported(config, 'kafka.network<type=RequestMetrics, name=TotalTimeMs, request=Produce><>99thPercentile: 3.5'))
      .toEqual({ name: 'kafka_network_requestmetrics_totaltimems', labels: { request: 'Produce', quantile: '0.99' }, type: 'GAUGE' });
    expect(exported(config, 'java.lang<type=GarbageCollector, name=G1 Young Generation><>CollectionCount: 7'))
      .toEqual({ name: 'jvm_gc_collection_count_total', labels: { gc: 'G1 Young Generation' }, type: 'COUNTER' });
  });

  test('unmatched attributes are dropped', () => {
    expect(exported(config, 'kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec, topic=orders><>OneMinuteRate: 1.0')).toBeUndefined();
    expect(exported(config, 'java.lang<type=Threading><>ThreadCount: 80')).toBeUndefined();
  });

  test('the sidecar runs the standalone server on the named metrics port with the mounted config', () => {
    const { objects } = synthZk({ metrics: { port: 9404, jmxPort: 9999 } });
    const exporter = container(objects, 'kafka', 'jmx-exporter');
    expect(exporter.image).toBe('docker.io/bitnamilegacy/jmx-exporter:1.1.0-debian-12-r0');
    expect(exporter.command).toEqual(['java', '-XX:MaxRAMPercentage=50', '-XX:+ExitOnOutOfMemoryError', '-jar',
      '/opt/bitnami/jmx-exporter/jmx_prometheus_standalone.jar', '9404', '/etc/jmx-exporter/jmx-exporter.yaml']);
    expect(exporter.ports).toEqual([{ name: 'metrics', containerPort: 9404 }]);
    expect(exporter.readinessProbe.tcpSocket).toEqual({ port: 'metrics' });
    expect(exporter.livenessProbe.tcpSocket).toEqual({ port: 'metrics' });
    expect(exporter.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/jmx-exporter', readOnly: true });
    expect(parse(find(objects, 'ConfigMap', 'kafka-config').data['jmx-exporter.yaml']).hostPort).toBe('127.0.0.1:9999');
  });

  test('dedicated controllers run the exporter too (they own the controller metrics)', () => {
    const { objects } = synthKraft({}, {});
    expect(container(objects, 'kafka-controller', 'jmx-exporter')).toBeDefined();
    expect(find(objects, 'ConfigMap', 'kafka-controller-config').data['jmx-exporter.yaml']).toBeDefined();
  });
});

describe('helpers', () => {
  test.each<[string, object | undefined]>([
    ['apache/kafka:3.9.1', { major: 3, minor: 9 }],
    ['apache/kafka:4.1.1', { major: 4, minor: 1 }],
    ['registry:5000/mirror/kafka:4.0.0-rc1', { major: 4, minor: 0 }],
    ['apache/kafka@sha256:' + 'a'.repeat(64), undefined],
    ['internal/kafka:stable-2025', undefined],
  ])('kafkaVersionOf(%s)', (image, version) => {
    expect(kafkaVersionOf(image)).toEqual(version);
  });

  test('renderKafkaProperties keeps the caller order under a header', () => {
    expect(renderKafkaProperties('h', [['b', '1'], ['a', '2']])).toBe('# h\nb=1\na=2\n');
  });

  test('a digest-pinned image is accepted and logs per the mode default', () => {
    const image = 'apache/kafka@sha256:' + 'b'.repeat(64);
    expect(find(synthZk({ image }).objects, 'ConfigMap', 'kafka-config').data['log4j.properties']).toBeDefined();
    expect(find(synthKraft({ image }).objects, 'ConfigMap', 'kafka-config').data['log4j2.yaml']).toBeDefined();
    expect((find(synthKraft({ image }).objects, 'StatefulSet', 'kafka').metadata.labels as Obj)['app.kubernetes.io/version']).toBeUndefined();
  });
});

describe('start script', () => {
  const broker = {
    idProperty: 'broker.id' as const, idOffset: 0, advertised: { listenerName: 'BROKER', port: 9093 },
    podDomain: 'kafka-hs.streaming.svc.cluster.local', serverEnv: [['LOG_DIR', '/var/log/kafka']] as const,
  };

  // The ConfigMap is mounted with defaultMode 0444: a `cp` keeps that mode, and appending to the
  // copy as uid 1000 failed with "Permission denied" under `set -eu` (every Kafka pod crash-looped).
  // test/sandbox runs the generated scripts as the pods do; these pin the shape of the fix.
  test('writes the runtime server.properties fresh in one redirection and renames it: never a cp of the ConfigMap file, never an append', () => {
    const script = renderKafkaStartScript(broker);
    expect(script).not.toMatch(/\bcp\b/);
    expect(script).not.toContain('>>');
    expect(script).toContain([
      'config=/etc/kafka/runtime/server.properties',
      '{',
      '  cat /etc/kafka/config/server.properties',
      '  echo "broker.id=$node_id"',
      '  echo "advertised.listeners=BROKER://$HOSTNAME.kafka-hs.streaming.svc.cluster.local:9093"',
      '} > "$config.new"',
      'mv -f "$config.new" "$config"',
    ].join('\n'));
    expect(script.trimEnd().split('\n').pop()).toBe('exec /opt/kafka/bin/kafka-server-start.sh "$config"');
  });

  test('a KRaft controller adds only its offset id and formats its storage with the written file before the exec', () => {
    const script = renderKafkaStartScript({ ...broker, idProperty: 'node.id', idOffset: 1000, advertised: undefined, clusterId: 'q1Sh-9_ISia_zwGINzRvyQ' });
    expect(script).toContain('node_id=$((ordinal + 1000))');
    expect(script).not.toContain('advertised.listeners');
    const lines = script.split('\n');
    const written = lines.indexOf('mv -f "$config.new" "$config"');
    const format = lines.indexOf('/opt/kafka/bin/kafka-storage.sh format --cluster-id=q1Sh-9_ISia_zwGINzRvyQ --config="$config" --ignore-formatted');
    const exec = lines.indexOf('exec /opt/kafka/bin/kafka-server-start.sh "$config"');
    expect(written).toBeGreaterThan(0);
    expect(format).toBeGreaterThan(written);
    expect(exec).toBeGreaterThan(format);
  });
});
