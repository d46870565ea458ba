import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { EfkStack, Elasticsearch, KafkaCluster, Kibana, NamespacesChart, WebApp, ZookeeperEnsemble } from '../../lib';
import { formatViolations, manifestsOf, runAllChecks } from '../../lib/checks';

/**
 * cdk8s-plus-27 interop (SPEC §13, issue 11 item 3): our constructs accept its workloads as clients
 * and are targets of its network policies and `connections`.
 */

type Obj = Record<string, any>;

const ADDR = 'cdk8s.io/metadata.addr';

function streaming(): { app: App; chart: Chart; zk: ZookeeperEnsemble; kafka: KafkaCluster } {
  const app = Testing.app();
  const chart = new Chart(app, 'streaming', { namespace: 'streaming' });
  const zk = new ZookeeperEnsemble(chart, 'zk');
  const kafka = new KafkaCluster(chart, 'kafka', { mode: { type: 'zookeeper', ensemble: zk } });
  return { app, chart, zk, kafka };
}

const policyOf = (chart: Chart, name: string): Obj => chart.toJson().find((o: Obj) => o.kind === 'NetworkPolicy' && o.metadata.name === name);
const clientRule = (policy: Obj, port: number): Obj => policy.spec.ingress.find((r: Obj) => r.ports?.[0]?.port === port && r.from?.some((p: Obj) => p.podSelector?.matchLabels?.[ADDR] || p.podSelector?.matchLabels?.app));

function container(): kplus.ContainerProps {
  return { image: 'registry.example.com/app:1.0.0', portNumber: 8080 };
}

describe('allowClient accepts cdk8s-plus-27 workloads', () => {
  test.each<[string, (scope: Chart) => kplus.AbstractPod]>([
    ['Deployment', (s) => new kplus.Deployment(s, 'client', { containers: [container()] })],
    ['StatefulSet', (s) => new kplus.StatefulSet(s, 'client', { containers: [container()], service: new kplus.Service(s, 'client-svc', { ports: [{ port: 8080 }] }) })],
    ['DaemonSet', (s) => new kplus.DaemonSet(s, 'client', { containers: [container()] })],
    ['Job', (s) => new kplus.Job(s, 'client', { containers: [container()] })],
    ['Pod', (s) => new kplus.Pod(s, 'client', { containers: [container()] })],
  ])('%s in the same namespace: its pod selector label, no namespace selector', (_, make) => {
    const { chart, kafka } = streaming();
    const client = make(chart);
    kafka.allowClient(client);
    const addr = client.toPodSelectorConfig().labelSelector._toKube().matchLabels![ADDR];
    expect(clientRule(policyOf(chart, 'kafka'), 9093).from).toEqual([{ podSelector: { matchLabels: { [ADDR]: addr } } }]);
    const flow = kafka.declaredFlows().find((f) => f.client)!;
    expect(flow).toMatchObject({ from: { namespace: 'streaming', labels: { [ADDR]: addr } }, to: kafka.podRef, port: 9093 });
    expect(flow.name).toBe(`${(client as unknown as { name: string }).name} -> kafka broker port`);
  });

  test('a workload in another namespace gets that namespace\'s selector', () => {
    const { app, chart, zk } = streaming();
    const client = new kplus.Deployment(new Chart(app, 'apps', { namespace: 'apps' }), 'reader', { containers: [container()] });
    zk.allowClient(client);
    const rules = policyOf(chart, 'zk').spec.ingress.find((r: Obj) => r.ports[0].port === 2181);
    expect(rules.from).toContainEqual({
      podSelector: { matchLabels: { [ADDR]: client.toPodSelectorConfig().labelSelector._toKube().matchLabels![ADDR] } },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } },
    });
  });

  test('a Pods.select selector, and plain label selectors as before', () => {
    const { chart, kafka } = streaming();
    kafka.allowClient(kplus.Pods.select(chart, 'orders', { labels: { app: 'orders' } }));
    kafka.allowClient({ podLabels: { app: 'billing' }, namespace: 'payments' });
    expect(clientRule(policyOf(chart, 'kafka'), 9093).from).toEqual([
      { podSelector: { matchLabels: { app: 'orders' } } },
      { podSelector: { matchLabels: { app: 'billing' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } } },
    ]);
  });

  test('selectors the flow check cannot resolve to pods are refused with a clear message', () => {
    const { chart, kafka } = streaming();
    expect(() => kafka.allowClient(kplus.Pods.select(chart, 'expr', { expressions: [kplus.LabelExpression.in('app', ['a', 'b'])] })))
      .toThrow('streaming/kafka: invalid allowClient "streaming/expr": selects pods with label expressions, which the flow check cannot resolve: select them by labels');
    expect(() => kafka.allowClient(kplus.NetworkPolicyIpBlock.anyIpv4(chart, 'any')))
      .toThrow(/invalid allowClient "streaming\/any": is not a pod selector \(an IP block\?\)/);
    const byLabel = kplus.Namespaces.select(chart, 'prod', { labels: { env: 'prod' } });
    expect(() => kafka.allowClient(kplus.Pods.select(chart, 'in-prod', { labels: { app: 'x' }, namespaces: byLabel })))
      .toThrow(/selects namespaces by labels/);
  });
});

describe('allowClient accepts this library\'s constructs', () => {
  test('a WebApp as a Kafka client, Kafka as a ZooKeeper client (what KafkaCluster does itself)', () => {
    const { chart, zk, kafka } = streaming();
    const web = new WebApp(chart, 'shop', { name: 'shop', image: 'registry.example.com/shop:1.0.0' });
    kafka.allowClient(web);
    const kafkaPolicy = policyOf(chart, 'kafka').spec.ingress;
    expect(kafkaPolicy).toContainEqual({ from: [{ podSelector: { matchLabels: web.selectorLabels } }], ports: [{ port: 9093, protocol: 'TCP' }] });
    expect(policyOf(chart, 'zk').spec.ingress).toContainEqual({ from: [{ podSelector: { matchLabels: kafka.selectorLabels } }], ports: [{ port: 2181, protocol: 'TCP' }] });
    expect(kafka.declaredFlows().map((f) => f.name)).toContain('shop -> kafka broker port');
    expect(zk.declaredFlows().map((f) => f.name)).toContain('kafka -> zookeeper client port');
  });

  test('WebApp.allowFrom takes a cdk8s-plus-27 workload', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    const gateway = new kplus.Deployment(chart, 'gateway', { containers: [container()] });
    const web = new WebApp(chart, 'web', { name: 'shop', image: 'registry.example.com/shop:1.0.0', allowFrom: [gateway] });
    const rules = policyOf(chart, 'shop').spec.ingress;
    expect(rules[0].from).toEqual([{ podSelector: { matchLabels: gateway.toPodSelectorConfig().labelSelector._toKube().matchLabels } }]);
    expect(web.openPorts()).toEqual([]);
  });
});

describe('our constructs as targets of cdk8s-plus-27', () => {
  test('a kplus.NetworkPolicy selecting a construct selects its pods in its namespace', () => {
    const { app, kafka, zk } = streaming();
    const policies = new Chart(app, 'policies');
    new kplus.NetworkPolicy(policies, 'kafka-ingress', { selector: kafka, ingress: { rules: [{ peer: zk, ports: [kplus.NetworkPolicyPort.tcp(9093)] }] } });
    const [policy] = policies.toJson();
    expect(policy.metadata.namespace).toBe('streaming');
    expect(policy.spec.podSelector).toEqual({ matchLabels: kafka.selectorLabels });
    expect(policy.spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: zk.selectorLabels }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'streaming' } } }],
      ports: [{ port: 9093, protocol: 'TCP' }],
    }]);
  });

  test('deployment.connections.allowTo(kafka) opens the deployment\'s egress and the brokers\' ingress; the checks accept it', () => {
    const app = new App({ recordConstructMetadata: false });
    new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'streaming', podSecurity: 'restricted' }, { name: 'apps', podSecurity: 'restricted' }] });
    const chart = new Chart(app, 'streaming', { namespace: 'streaming' });
    const zk = new ZookeeperEnsemble(chart, 'zk');
    const kafka = new KafkaCluster(chart, 'kafka', { mode: { type: 'zookeeper', ensemble: zk } });
    const apps = new Chart(app, 'apps', { namespace: 'apps' });
    const producer = new WebApp(apps, 'producer', { name: 'producer', image: 'registry.example.com/producer:1.0.0', replicas: 1 });
    const deployment = new kplus.Deployment(apps, 'orders', { replicas: 1, containers: [{ image: 'registry.example.com/orders:1.0.0', portNumber: 8080 }] });
    deployment.connections.allowTo(kafka, { ports: [kplus.NetworkPolicyPort.tcp(kafka.brokerPort)] });
    kafka.allowClient(producer);

    const objects = [...apps.toJson(), ...chart.toJson()].filter((o: Obj) => o.kind === 'NetworkPolicy');
    const egress = objects.find((o: Obj) => o.metadata.namespace === 'apps' && o.spec.policyTypes?.includes('Egress'))!;
    expect(egress.spec.egress).toEqual([{
      to: [{ podSelector: { matchLabels: kafka.selectorLabels }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'streaming' } } }],
      ports: [{ port: 9093, protocol: 'TCP' }],
    }]);
    const ingress = objects.find((o: Obj) => o.metadata.namespace === 'streaming' && o.spec.podSelector?.matchLabels?.['app.kubernetes.io/component'] === 'broker' && !o.metadata.labels)!;
    expect(ingress.spec.ingress[0].ports).toEqual([{ port: 9093, protocol: 'TCP' }]);

    // The connection the user opened with cdk8s-plus-27 is theirs: no flows/undeclared for it.
    const flowViolations = runAllChecks(manifestsOf(app)).filter((v) => v.rule.startsWith('flows/'));
    expect(formatViolations(flowViolations)).toBe('');
  });

  test('Elasticsearch and Kibana are pod selectors too', () => {
    const app = Testing.app();
    const logging = new Chart(app, 'logging', { namespace: 'logging' });
    const efk = new EfkStack(logging, 'efk', { agentScope: new Chart(app, 'agents', { namespace: 'agents' }) });
    const targets: Array<Elasticsearch | Kibana> = [efk.elasticsearch, efk.kibana];
    for (const target of targets) {
      const config = target.toPodSelectorConfig();
      expect(config.labelSelector._toKube()).toEqual({ matchLabels: target.selectorLabels });
      expect(config.namespaces?.names).toEqual(['logging']);
      expect(target.toPodSelector()).toBe(target);
    }
    const reader = new kplus.Deployment(new Chart(app, 'apps', { namespace: 'apps' }), 'reader', { containers: [container()] });
    efk.elasticsearch.allowClient(reader);
    expect(efk.declaredFlows().map((f) => f.name)).toEqual(expect.arrayContaining([
      'fluentd -> elasticsearch http', 'kibana -> elasticsearch http', `${reader.name} -> elasticsearch http`, 'elasticsearch -> elasticsearch transport',
    ]));
  });
});
