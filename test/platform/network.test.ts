import { Testing } from 'cdk8s';
import { NetworkChart } from '../../lib';

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
