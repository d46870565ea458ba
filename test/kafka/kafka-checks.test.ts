import { App, Chart } from 'cdk8s';
import { Flow, formatViolations, manifestsOf, runAllChecks } from '../../lib/checks';
import { KafkaCluster, KafkaMode } from '../../lib/kafka';
import { NamespacesChart } from '../../lib/platform/namespaces';
import { WebApp } from '../../lib/webapp';
import { ZookeeperEnsemble } from '../../lib/zookeeper/zookeeper-ensemble';
import { CLUSTER_ID } from './helpers';

const PROMETHEUS = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
/** The client the compositions admit: a WebApp `orders` next to the brokers. */
const CLIENT = { namespace: 'streaming', labels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders', 'app.kubernetes.io/component': 'web' } };

/** The reference composition: restricted namespace `streaming`, a ZooKeeper ensemble, a Kafka cluster and its client. */
function compose(mode: (zk: ZookeeperEnsemble) => KafkaMode): { app: App; zk: ZookeeperEnsemble; kafka: KafkaCluster } {
  const app = new App({ recordConstructMetadata: false });
  new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'streaming', podSecurity: 'restricted' }] });
  const chart = new Chart(app, 'streaming', { namespace: 'streaming' });
  const zk = new ZookeeperEnsemble(chart, 'zk');
  const kafka = new KafkaCluster(chart, 'kafka', { mode: mode(zk) });
  kafka.allowClient(new WebApp(chart, 'orders', { name: 'orders', image: 'registry.example.com/orders:1.0.0', replicas: 1 }));
  return { app, zk, kafka };
}

function expectNoViolations(app: App, flows: Flow[]): void {
  const violations = runAllChecks(manifestsOf(app), { flows });
  expect(formatViolations(violations)).toBe('');
}

describe('KafkaCluster passes the platform checks (schema, policy, wiring, flows)', () => {
  test('ZooKeeper mode, next to its ensemble', () => {
    const { app, zk, kafka } = compose((ensemble) => ({ type: 'zookeeper', ensemble, chroot: '/kafka' }));
    const brokers = { namespace: 'streaming', labels: kafka.selectorLabels };
    expectNoViolations(app, [
      { name: 'kafka -> zookeeper client', from: brokers, to: { namespace: 'streaming', labels: zk.selectorLabels }, port: 2181 },
      { name: 'kafka -> kafka replication', from: brokers, to: brokers, port: 9093 },
      { name: 'client -> kafka', from: CLIENT, to: brokers, port: 9093 },
      { name: 'monitoring -> kafka metrics', from: PROMETHEUS, to: brokers, port: 5556 },
    ]);
  });

  test('KRaft combined mode', () => {
    const { app, kafka } = compose(() => ({ type: 'kraft', clusterId: CLUSTER_ID }));
    const brokers = { namespace: 'streaming', labels: kafka.selectorLabels };
    expectNoViolations(app, [
      { name: 'kafka -> kafka replication', from: brokers, to: brokers, port: 9093 },
      { name: 'kafka -> kafka quorum', from: brokers, to: brokers, port: 9094 },
      { name: 'client -> kafka', from: CLIENT, to: brokers, port: 9093 },
      { name: 'monitoring -> kafka metrics', from: PROMETHEUS, to: brokers, port: 5556 },
    ]);
  });

  test('KRaft with dedicated controllers', () => {
    const { app, kafka } = compose(() => ({ type: 'kraft', clusterId: CLUSTER_ID, controllers: { replicas: 3 } }));
    const brokers = { namespace: 'streaming', labels: kafka.selectorLabels };
    const controllers = { namespace: 'streaming', labels: kafka.controllerSelectorLabels! };
    expectNoViolations(app, [
      { name: 'kafka -> controllers', from: brokers, to: controllers, port: 9094 },
      { name: 'controllers -> controllers', from: controllers, to: controllers, port: 9094 },
      { name: 'kafka -> kafka replication', from: brokers, to: brokers, port: 9093 },
      { name: 'client -> kafka', from: CLIENT, to: brokers, port: 9093 },
      { name: 'monitoring -> controller metrics', from: PROMETHEUS, to: controllers, port: 5556 },
    ]);
  });

  test('the flow checks do catch a blocked client and a blocked quorum', () => {
    const { app, kafka } = compose(() => ({ type: 'kraft', clusterId: CLUSTER_ID, controllers: {} }));
    const brokers = { namespace: 'streaming', labels: kafka.selectorLabels };
    const violations = runAllChecks(manifestsOf(app), {
      flows: [
        { name: 'stranger -> kafka', from: { namespace: 'streaming', labels: { app: 'stranger' } }, to: brokers, port: 9093 },
        { name: 'client -> controllers', from: CLIENT, to: { namespace: 'streaming', labels: kafka.controllerSelectorLabels! }, port: 9094 },
      ],
    });
    expect(violations.map((v) => `${v.rule} ${v.resource}`)).toEqual(['flows/blocked Flow stranger -> kafka', 'flows/blocked Flow client -> controllers']);
  });
});
