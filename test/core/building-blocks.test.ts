import { ApiObject, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import {
  addField, contentHash, execProbe, httpProbe, makeClusterScoped, namespaceOf, PodDisruptionBudget,
  podAntiAffinity, startupBudget, tcpProbe, tolerateEverything, toPolicyPeer,
} from '../../lib';

const chart = (namespace?: string) => new Chart(Testing.app(), 'c', { namespace });

describe('PodDisruptionBudget', () => {
  test('policy/v1 with maxUnavailable and AlwaysAllow for unhealthy pods', () => {
    const c = chart('ns');
    new PodDisruptionBudget(c, 'pdb', { name: 'x-pdb', selector: { app: 'x' }, maxUnavailable: 1 });
    expect(Testing.synth(c)).toEqual([{
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'x-pdb', namespace: 'ns' },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'x' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    }]);
  });

  test('rejects an empty selector and a zero budget', () => {
    expect(() => new PodDisruptionBudget(chart(), 'pdb', { name: 'p', selector: {}, maxUnavailable: 1 })).toThrow('c/pdb: invalid selector "{}"');
    expect(() => new PodDisruptionBudget(chart(), 'pdb', { name: 'p', selector: { a: 'b' }, maxUnavailable: 0 })).toThrow('c/pdb: invalid maxUnavailable 0');
  });
});

describe('escape hatches', () => {
  test('a patched field comes out', () => {
    const c = chart('ns');
    const ds = new k8s.KubeDaemonSet(c, 'ds', { metadata: { name: 'ds' }, spec: { selector: {}, template: { spec: { containers: [] } } } });
    addField(ds, '/spec/template/spec/hostPid', true, '/spec/template/spec/hostPID');
    expect(Testing.synth(c)[0].spec.template.spec.hostPID).toBe(true);
  });

  test('a field in API spelling, which the generated class drops, fails synth', () => {
    const c = chart('ns');
    const ds = new k8s.KubeDaemonSet(c, 'ds', { metadata: { name: 'ds' }, spec: { selector: {}, template: { spec: { containers: [] } } } });
    addField(ds, '/spec/template/spec/hostPID', true);
    expect(() => Testing.synth(c)).toThrow(/escape hatch \/spec\/template\/spec\/hostPID = true did not come out at \/spec\/template\/spec\/hostPID in DaemonSet\/ds \(got undefined\)/);
  });

  test('a patch on a plain ApiObject is kept', () => {
    const c = chart('ns');
    const obj = new ApiObject(c, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o' }, data: {} });
    addField(obj, '/data/key', 'value');
    expect(Testing.synth(c)[0].data).toEqual({ key: 'value' });
  });

  test('cluster-scoped objects lose the chart namespace', () => {
    const c = chart('ns');
    makeClusterScoped(new k8s.KubeClusterRole(c, 'role', { metadata: { name: 'r' } }));
    expect(Testing.synth(c)[0].metadata).toEqual({ name: 'r' });
  });
});

describe('probes, scheduling, network, hashing', () => {
  test('probe builders', () => {
    expect(execProbe(['true'])).toEqual({ exec: { command: ['true'] }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(tcpProbe('broker').tcpSocket!.port.value).toBe('broker');
    expect(httpProbe('/ready', 8080, { scheme: 'HTTPS' }).httpGet).toMatchObject({ path: '/ready', scheme: 'HTTPS' });
    const startup = startupBudget(execProbe(['true'], { initialDelaySeconds: 30 }), 300);
    expect(startup.periodSeconds! * startup.failureThreshold!).toBe(300);
    expect(startup.initialDelaySeconds).toBeUndefined();
  });

  test('anti-affinity and tolerations', () => {
    expect(podAntiAffinity({ a: 'b' }, 'required').podAntiAffinity!.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(podAntiAffinity({ a: 'b' }, 'preferred').podAntiAffinity!.preferredDuringSchedulingIgnoredDuringExecution![0].weight).toBe(100);
    expect(tolerateEverything()).toEqual([{ operator: 'Exists' }]);
  });

  test('network peers select pods, in another namespace only when asked', () => {
    expect(toPolicyPeer({ podLabels: { a: 'b' } })).toEqual({ podSelector: { matchLabels: { a: 'b' } } });
    expect(toPolicyPeer({ podLabels: { a: 'b' }, namespace: 'x' }).namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'x' } });
  });

  test('content hashes are stable and change with the content', () => {
    expect(contentHash({ a: '1' })).toBe(contentHash({ a: '1' }));
    expect(contentHash({ a: '1' })).not.toBe(contentHash({ a: '2' }));
  });

  test('namespaceOf requires a DNS-label chart namespace', () => {
    expect(namespaceOf(chart('streaming'))).toBe('streaming');
    expect(() => namespaceOf(chart())).toThrow('c: needs a namespace');
    expect(() => namespaceOf(chart('Bad_NS'))).toThrow('invalid chart namespace "Bad_NS"');
  });
});
