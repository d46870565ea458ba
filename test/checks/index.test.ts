import { App, Chart } from 'cdk8s';
import { checkFlows, formatViolations, Flow, manifestsOf, runAllChecks, synthYamlOf, Violation } from '../../lib/checks';
import { NamespacesChart } from '../../lib/platform/namespaces';
import { WebApp } from '../../lib/webapp';
import { ZookeeperEnsemble } from '../../lib/zookeeper/zookeeper-ensemble';
import { expectClean, fixture, rulesOf } from './fixtures';
import { stableName } from '../support/manifests';

const CLIENT = { 'app.kubernetes.io/name': 'producer', 'app.kubernetes.io/instance': 'producer', 'app.kubernetes.io/component': 'web' };
const PROMETHEUS = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };

/** The brief's reference composition: restricted namespace `streaming`, a default ZooKeeper ensemble and one client. */
function zookeeperApp(): { app: App; zk: ZookeeperEnsemble } {
  const app = new App();
  new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'streaming', podSecurity: 'restricted' }] });
  const chart = new Chart(app, 'streaming', { namespace: 'streaming' });
  const zk = new ZookeeperEnsemble(chart, 'zk');
  zk.allowClient(new WebApp(chart, 'producer', { name: 'producer', image: 'registry.example.com/producer:1.0.0', replicas: 1 }));
  return { app, zk };
}

function zookeeperFlows(zk: ZookeeperEnsemble): Flow[] {
  const servers = { namespace: 'streaming', labels: zk.selectorLabels };
  return [
    { name: 'producer -> zookeeper client', from: { namespace: 'streaming', labels: CLIENT }, to: servers, port: 2181 },
    { name: 'zookeeper -> zookeeper quorum', from: servers, to: servers, port: 2888 },
    { name: 'zookeeper -> zookeeper election', from: servers, to: servers, port: 3888 },
    { name: 'monitoring -> zookeeper metrics', from: PROMETHEUS, to: servers, port: 7000 },
  ];
}

describe('runAllChecks', () => {
  test('the fixture set passes every check', () => {
    expectClean(runAllChecks(fixture().all()));
  });

  test('combines schema, policy, wiring and flow violations', () => {
    const f = fixture();
    f.container.imagePullPolice = 'Always';
    f.container.image = 'nginx';
    f.service.spec.selector = { app: 'nothing' };
    const flows: Flow[] = [{ name: 'ghost', from: { namespace: 'web', labels: {} }, to: { namespace: 'web', labels: { app: 'ghost' } }, port: 80 }];
    expect(rulesOf(runAllChecks(f.all(), { flows }))).toEqual(['flows/unknown-target', 'policy/pinned-image', 'schema/invalid', 'wiring/service-selector']);
  });
});

describe('formatViolations', () => {
  test('one line per violation', () => {
    const v: Violation[] = [
      { rule: 'policy/probes', resource: 'StatefulSet streaming/zk', message: 'container zk has no livenessProbe', fix: 'add one' },
      { rule: 'policy/namespace-scope', resource: 'Namespace logging', message: 'has a namespace', fix: 'remove it' },
    ];
    expect(formatViolations(v)).toBe([
      '[policy/probes] StatefulSet streaming/zk: container zk has no livenessProbe (fix: add one)',
      '[policy/namespace-scope] Namespace logging: has a namespace (fix: remove it)',
    ].join('\n'));
    expect(formatViolations([])).toBe('');
  });
});

describe('ZookeeperEnsemble output', () => {
  test('passes every check, including its network flows', () => {
    const { app, zk } = zookeeperApp();
    expectClean(runAllChecks(manifestsOf(app), { flows: zookeeperFlows(zk) }));
  });

  test('manifestsOf returns every chart\'s objects', () => {
    const kinds = manifestsOf(zookeeperApp().app).map((m) => `${m.kind}/${stableName(m)}`);
    expect(kinds).toEqual(['Namespace/streaming', 'ConfigMap/zk-config-<hash>', 'Service/zk-hs', 'Service/zk-cs', 'ServiceAccount/zk',
      'StatefulSet/zk', 'PodDisruptionBudget/zk-pdb', 'NetworkPolicy/zk', 'ServiceAccount/producer', 'Deployment/producer', 'Service/producer',
      'NetworkPolicy/producer']);
  });

  test('its NetworkPolicy blocks undeclared clients', () => {
    const { app, zk } = zookeeperApp();
    const intruder: Flow = { name: 'web -> zookeeper', from: { namespace: 'streaming', labels: { app: 'web' } }, to: { namespace: 'streaming', labels: zk.selectorLabels }, port: 2181 };
    expect(rulesOf(checkFlows(manifestsOf(app), [intruder]))).toEqual(['flows/blocked']);
  });

  test('the checks see real output: a stray field and a missing namespace are caught', () => {
    const manifests = manifestsOf(zookeeperApp().app);
    manifests.find((m) => m.kind === 'StatefulSet')!.spec.template.spec.containers[0].startUpProbe = {};
    expect(rulesOf(runAllChecks(manifests.filter((m) => m.kind !== 'Namespace')))).toEqual(['policy/namespace-missing', 'schema/invalid']);
  });
});

describe('determinism', () => {
  test('two independently built apps synthesize byte-identical YAML', () => {
    const first = synthYamlOf(zookeeperApp().app);
    const second = synthYamlOf(zookeeperApp().app);
    expect(first.length).toBeGreaterThan(1000);
    expect(second).toBe(first);
  });
});
