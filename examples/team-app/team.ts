import { App, Chart } from 'cdk8s';
import { demoWebAppProps, KafkaCluster, NamespacesChart, WebApp, ZookeeperEnsemble } from 'cdk8s-platform';

/** The team's namespace. */
export const TEAM = 'team-a';

/**
 * The KRaft cluster id: generated once (`kafka-storage.sh random-uuid`) and kept in code, so every
 * synth and every restart agree.
 */
export const KAFKA_CLUSTER_ID = 'dGVhbS1hLWthZmthLWlkMQ';

/** What {@link buildTeam} created, for tests and for the team's own wiring. */
export interface Team {
  readonly namespaces: NamespacesChart;
  readonly chart: Chart;
  readonly zookeeper: ZookeeperEnsemble;
  readonly kafka: KafkaCluster;
  readonly web: WebApp;
}

/**
 * The team's composition: its namespace (Pod Security `restricted`), a 3-server ZooKeeper ensemble
 * the web app uses for coordination, a 3-broker Kafka cluster in KRaft mode (no ZooKeeper) and a
 * web app that is allowed to reach both.
 */
export function buildTeam(app: App): Team {
  const namespaces = new NamespacesChart(app, 'namespaces', {
    namespaces: [{ name: TEAM, podSecurity: 'restricted' }],
  });
  const chart = new Chart(app, TEAM, { namespace: TEAM }); // stateful constructs need a namespace
  chart.addDependency(namespaces); // numbered files: the namespace is applied first

  const zookeeper = new ZookeeperEnsemble(chart, 'zk', { replicas: 3, storage: { size: '10Gi' } });
  const kafka = new KafkaCluster(chart, 'kafka', {
    mode: { type: 'kraft', clusterId: KAFKA_CLUSTER_ID },
    replicas: 3,
    storage: { size: '50Gi' },
  });
  const web = new WebApp(chart, 'shop', demoWebAppProps({
    name: 'shop',
    env: { KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrapServers, ZOOKEEPER_CONNECT: zookeeper.connectString },
  }));
  kafka.allowClient(web); // also a cdk8s-plus-27 workload, or { podLabels, namespace }
  zookeeper.allowClient(web);
  return { namespaces, chart, zookeeper, kafka, web };
}
