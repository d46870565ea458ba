import { container, serverProperties, synthKraft, synthZk } from './helpers';

// What only the snapshots pinned: literal durability keys, probe timings and default resources.

describe('KafkaCluster pinned defaults', () => {
  test('server.properties durability keys (3 brokers)', () => {
    expect(serverProperties(synthZk().objects)).toMatchObject({
      'default.replication.factor': '3',
      'min.insync.replicas': '2',
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
      'unclean.leader.election.enable': 'false',
      'auto.create.topics.enable': 'false',
      'zookeeper.connection.timeout.ms': '18000',
      'log.dirs': '/var/lib/kafka/data/logs',
    });
  });

  test('broker probe timings', () => {
    const k = container(synthZk().objects, 'kafka');
    expect(k.startupProbe).toEqual({ tcpSocket: { port: 'broker' }, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 120 });
    expect(k.readinessProbe).toEqual({ tcpSocket: { port: 'broker' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(k.livenessProbe).toEqual({ tcpSocket: { port: 'broker' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 });
  });

  test('jmx-exporter probe timings and resources', () => {
    const j = container(synthZk().objects, 'kafka', 'jmx-exporter');
    expect(j.readinessProbe).toEqual({ tcpSocket: { port: 'metrics' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(j.livenessProbe).toEqual({ tcpSocket: { port: 'metrics' }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 });
    expect(j.resources).toEqual({ requests: { cpu: '50m', memory: '256Mi' }, limits: { cpu: '250m', memory: '256Mi' } });
  });

  test('default broker resources', () => {
    expect(container(synthZk().objects, 'kafka').resources).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(container(synthKraft().objects, 'kafka').resources).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } });
  });
});
