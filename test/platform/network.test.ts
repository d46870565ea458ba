import { Chart, Testing } from 'cdk8s';
import { NamespacesChart, NetworkChart, ZookeeperEnsemble } from '../../lib';

type Obj = Record<string, any>;

const flow = { name: 'kafka -> zookeeper client port', from: { namespace: 'streaming', labels: { app: 'kafka' } }, to: { namespace: 'streaming', labels: { app: 'zk' } }, port: 2181 };

function synth(props: Partial<ConstructorParameters<typeof NetworkChart>[2]> = {}): Obj[] {
  const chart = new NetworkChart(Testing.app(), 'network', { defaultDenyNamespaces: ['streaming'], flows: [flow], ...props });
  return Testing.synth(chart);
}

describe('NetworkChart', () => {
  test('each namespace denies all ingress and egress, then allows DNS', () => {
    const objects = synth();
    const deny = objects.find((o) => o.metadata.name === 'default-deny')!;
    expect(deny.metadata.namespace).toBe('streaming');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = objects.find((o) => o.metadata.name === 'allow-dns')!;
    expect(dns.spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    expect(dns.spec.egress[0].to[0].podSelector.matchLabels).toEqual({ 'k8s-app': 'kube-dns' });
  });

  test('a declared flow opens egress from its source to its target only, under a stable name', () => {
    const egress = synth().find((o) => o.metadata.name === 'egress-kafka-zookeeper-client-port')!;
    expect(egress.metadata.namespace).toBe('streaming');
    expect(egress.spec.podSelector).toEqual({ matchLabels: { app: 'kafka' } });
    expect(egress.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'streaming' } }, podSelector: { matchLabels: { app: 'zk' } } }],
      ports: [{ protocol: 'TCP', port: 2181 }],
    }]);
  });

  test('external egress goes to a CIDR on the given ports', () => {
    const objects = synth({ externalEgress: [{ name: 'fluentd-apiserver', namespace: 'agents', podLabels: { app: 'fluentd' }, cidr: '10.0.0.1/32', ports: [443] }] });
    const egress = objects.find((o) => o.metadata.name === 'egress-fluentd-apiserver')!;
    expect(egress.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
  });

  test('rejects duplicate flow names and bad namespaces', () => {
    expect(() => synth({ flows: [flow, flow] })).toThrow('network: invalid flows[].name "kafka -> zookeeper client port": must be unique per source namespace');
    expect(() => synth({ defaultDenyNamespaces: ['Bad'] })).toThrow('network: invalid defaultDenyNamespaces[] "Bad"');
  });
});

describe('NetworkChart: flows and egress are validated (issue 10 item 7)', () => {
  /** An app whose namespaces are known: a NamespacesChart defines `streaming` and `apps`. */
  function appWith(props: Partial<ConstructorParameters<typeof NetworkChart>[2]>) {
    const app = Testing.app();
    new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'streaming', podSecurity: 'restricted' }, { name: 'apps', podSecurity: 'restricted' }] });
    const chart = new NetworkChart(app, 'network', { defaultDenyNamespaces: ['streaming'], flows: [flow], ...props });
    return { app, chart };
  }

  test('a flow to a namespace no chart of the app defines fails synth, naming the prop and the namespaces it knows', () => {
    const { chart } = appWith({ flows: [flow, { ...flow, name: 'kafka -> typo', to: { namespace: 'streamng', labels: { app: 'zk' } } }] });
    expect(() => Testing.synth(chart)).toThrow(
      '[network] invalid flows[1].to.namespace "streamng": no chart of the app defines this namespace (defined: apps, streaming); fix the name, or list a namespace that exists outside the app in externalNamespaces');
  });

  test('unknown source, default-deny and egress namespaces fail too', () => {
    const { chart } = appWith({
      defaultDenyNamespaces: ['streaming', 'ghost'],
      externalEgress: [{ name: 'api', namespace: 'nowhere', podLabels: { app: 'x' }, cidr: '0.0.0.0/0', ports: [443] }],
    });
    expect(() => Testing.synth(chart)).toThrow(/invalid defaultDenyNamespaces\[\] "ghost"[\s\S]*invalid externalEgress\[0\].namespace "nowhere"/);
  });

  test('chart namespaces, built-in namespaces and externalNamespaces count as defined', () => {
    const { app, chart } = appWith({
      externalNamespaces: ['observability'],
      flows: [
        flow,
        { ...flow, name: 'to dns', to: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, port: 53, protocol: 'UDP' },
        { ...flow, name: 'to prometheus', to: { namespace: 'observability', labels: { app: 'prometheus' } }, port: 9090 },
        { ...flow, name: 'to web', to: { namespace: 'web', labels: { app: 'web' } }, port: 8080 },
      ],
    });
    new Chart(app, 'web', { namespace: 'web' });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('an app that defines no namespace cannot tell: nothing is refused', () => {
    expect(() => synth({ flows: [{ ...flow, to: { namespace: 'elsewhere', labels: { app: 'zk' } } }] })).not.toThrow();
  });

  test('two different flow names with the same slug get distinct, stable policy names instead of an error', () => {
    const objects = synth({ flows: [flow, { ...flow, name: 'Kafka -> ZooKeeper (client port)' }] });
    const names = objects.filter((o) => o.metadata.name.startsWith('egress-')).map((o) => o.metadata.name);
    expect(names).toHaveLength(2);
    for (const name of names) expect(name).toMatch(/^egress-kafka-zookeeper-client-port-[0-9a-f]{10}$/);
    expect(new Set(names).size).toBe(2);
  });

  test('a flow name without letters or digits still gives a valid policy name', () => {
    const names = synth({ flows: [{ ...flow, name: '->' }] }).map((o) => o.metadata.name);
    expect(names).toContain('egress-flow');
  });

  test('an external egress whose policy name equals a flow policy name is refused', () => {
    expect(() => synth({ flows: [{ ...flow, name: 'fluentd apiserver', from: { namespace: 'agents', labels: { app: 'f' } } }],
      externalEgress: [{ name: 'fluentd-apiserver', namespace: 'agents', podLabels: { app: 'f' }, cidr: '0.0.0.0/0', ports: [443] }] }))
      .toThrow('network: invalid externalEgress[0].name "fluentd-apiserver": must not give the policy name of flow "fluentd apiserver"');
  });

  test('valid CIDRs pass: IPv4, IPv6, single hosts, everything', () => {
    for (const cidr of ['0.0.0.0/0', '10.96.0.1/32', '192.168.0.0/16', '::/0', 'fd00::/8', '2001:db8::1/128']) {
      expect(() => synth({ externalEgress: [{ name: 'x', namespace: 'streaming', podLabels: { app: 'x' }, cidr, ports: [443] }] })).not.toThrow();
    }
  });
});

describe('NetworkChart: flows derived from the constructs (issue 11 item 4)', () => {
  function streaming(deny: string[] = ['streaming']) {
    const app = Testing.app();
    const chart = new Chart(app, 'streaming', { namespace: 'streaming' });
    const zk = new ZookeeperEnsemble(chart, 'zk');
    const network = new NetworkChart(app, 'network', { defaultDenyNamespaces: deny, constructs: [zk] });
    const policies = () => Testing.synth(network).filter((o) => o.metadata.name.startsWith('egress-'));
    return { app, zk, network, policies };
  }

  test('the egress half of each flow the construct declares out of a default-deny namespace; scrapes from monitoring are left alone', () => {
    const { zk, policies } = streaming();
    expect(policies().map((o) => o.metadata.name)).toEqual(['egress-zookeeper-peers-quorum', 'egress-zookeeper-peers-leader-election']);
    const quorum = policies()[0];
    expect(quorum.spec).toEqual({
      podSelector: { matchLabels: zk.selectorLabels },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'streaming' } }, podSelector: { matchLabels: zk.selectorLabels } }], ports: [{ protocol: 'TCP', port: 2888 }] }],
    });
  });

  test('clients added after the chart are included; equal flows are opened once; a clashing name gets a hash', () => {
    const { zk, network, policies } = streaming();
    zk.allowClient({ podLabels: { app: 'reader' }, name: 'client' });
    zk.allowClient({ podLabels: { app: 'writer' }, name: 'client' });
    network.addFlowsOf(zk); // the same flows again: nothing new
    const names = policies().map((o) => o.metadata.name);
    expect(names).toHaveLength(4);
    expect(names[2]).toBe('egress-client-zookeeper-client-port');
    expect(names[3]).toMatch(/^egress-client-zookeeper-client-port-[0-9a-f]{10}$/);
    expect(policies()[3].spec.podSelector).toEqual({ matchLabels: { app: 'writer' } });
  });

  test('a hand-written flow equal to a derived one is opened once, under the hand-written name', () => {
    const app = Testing.app();
    const zk = new ZookeeperEnsemble(new Chart(app, 'streaming', { namespace: 'streaming' }), 'zk');
    const servers = { namespace: 'streaming', labels: zk.selectorLabels };
    const network = new NetworkChart(app, 'network', {
      defaultDenyNamespaces: ['streaming'], flows: [{ name: 'quorum', from: servers, to: servers, port: 2888 }], constructs: [zk],
    });
    expect(Testing.synth(network).filter((o) => o.metadata.name.startsWith('egress-')).map((o) => o.metadata.name))
      .toEqual(['egress-quorum', 'egress-zookeeper-peers-leader-election']);
  });

  test('sources outside the default-deny namespaces get no egress policy (it would isolate them)', () => {
    const { app, zk, policies } = streaming(['other']);
    new Chart(app, 'other', { namespace: 'other' });
    zk.allowClient({ podLabels: { app: 'x' }, namespace: 'other' });
    expect(policies().map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['other/egress-x-zookeeper-client-port']);
  });

  test('refuses a construct that declares no flows', () => {
    const app = Testing.app();
    const plain = new Chart(app, 'plain');
    expect(() => new NetworkChart(app, 'network', { defaultDenyNamespaces: ['a'], constructs: [plain as any] }))
      .toThrow('network: invalid constructs[0] "plain": must declare its flows (a construct of this library: ZookeeperEnsemble, KafkaCluster, EfkStack, WebApp, ...)');
  });
});
