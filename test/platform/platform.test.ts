import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { buildPlatform, KafkaRollout, synthApp, PlatformOptions, PROFILES, resolveProfile } from '../../lib';
import { checkOnlyDeclaredFlows, formatViolations, manifestsOf, monitorFlows, PodRef, runAllChecks } from '../../lib/checks';

type Obj = Record<string, any>;

function platformApp(options: PlatformOptions = {}, outdir?: string): App {
  const app = new App({ recordConstructMetadata: false, outdir });
  buildPlatform(app, options);
  return app;
}

function synthToDir(options: PlatformOptions = {}): Record<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-'));
  try {
    synthApp(platformApp(options, outdir));
    return Object.fromEntries(fs.readdirSync(outdir).sort().map((f) => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe.each(['production', 'dev'] as const)('platform (%s profile)', (profileName) => {
  const options = { profile: PROFILES[profileName] };

  test('snapshot of every chart', () => {
    for (const chart of platformApp(options).charts) {
      expect(chart.toJson()).toMatchSnapshot(chart.node.id);
    }
  });

  test('every object passes every check and the declared flows are allowed', () => {
    const app = new App({ recordConstructMetadata: false });
    const { flows, prometheus } = buildPlatform(app, options);
    const manifests = manifestsOf(app);
    const scrapes = monitorFlows(manifests, prometheus);
    expect(scrapes.length).toBeGreaterThanOrEqual(6);
    expect(formatViolations(runAllChecks(manifests, { flows: [...flows, ...scrapes] }))).toBe('');
  });

  test('the network opens exactly the declared flows', () => {
    const app = new App({ recordConstructMetadata: false });
    const { flows, prometheus, openServices } = buildPlatform(app, options);
    const manifests = manifestsOf(app);
    const outsider: PodRef = { namespace: 'somewhere-else', labels: { app: 'curious' } };
    const clients = [outsider, prometheus].flatMap((from) => openServices.map((s) => ({ ...s, from })));
    const declared = [...flows, ...monitorFlows(manifests, prometheus), ...clients];
    expect(formatViolations(checkOnlyDeclaredFlows(manifests, declared, [prometheus, outsider]))).toBe('');
  });

  test('dist/ holds only numbered manifests, namespaces first', () => {
    const files = Object.keys(synthToDir(options));
    expect(files).toEqual([...files].sort());
    expect(files[0]).toBe('0000-namespaces.k8s.yaml');
    for (const file of files) expect(file).toMatch(/^\d{4}-[a-z][a-z0-9-]*\.k8s\.yaml$/);
  });

  test('two synths are byte-identical', () => {
    expect(synthToDir(options)).toEqual(synthToDir(options));
  });

  test('every namespace an object lives in is created by the namespaces chart', () => {
    const charts = platformApp(options).charts;
    const created = new Set(charts[0].toJson().filter((o: Obj) => o.kind === 'Namespace').map((o: Obj) => o.metadata.name));
    const used = charts.flatMap((c) => c.toJson()).map((o: Obj) => o.metadata.namespace).filter(Boolean);
    for (const namespace of used) expect(created).toContain(namespace);
  });
});

describe('flows come from the constructs (issue 11 item 4)', () => {
  test('the derived egress policies are the former hand-written set, plus the log retention installer', () => {
    const app = new App({ recordConstructMetadata: false });
    const { network, flows, openServices } = buildPlatform(app);
    const egress = network.toJson().filter((o: Obj) => o.metadata.name.startsWith('egress-')).map((o: Obj) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(egress.sort()).toEqual([
      'logging-agents/egress-fluentd-apiserver',
      'logging-agents/egress-fluentd-elasticsearch-http',
      'logging/egress-elasticsearch-elasticsearch-transport',
      'logging/egress-kibana-elasticsearch-http',
      'logging/egress-log-retention-elasticsearch-http',
      'streaming/egress-kafka-broker-kafka-broker',
      'streaming/egress-kafka-zookeeper-client-port',
      'streaming/egress-zookeeper-peers-leader-election',
      'streaming/egress-zookeeper-peers-quorum',
    ]);
    // Scrapes from the monitoring namespace are declared by every construct (not only the EFK stack).
    expect(flows.filter((f) => f.name.startsWith('monitoring -> ')).map((f) => f.name).sort()).toEqual([
      'monitoring -> elasticsearch metrics', 'monitoring -> fluentd metrics', 'monitoring -> kafka metrics',
      'monitoring -> podinfo metrics', 'monitoring -> zookeeper metrics',
    ]);
    expect(openServices.map((o) => `${o.name} ${o.port}`).sort()).toEqual(['kibana ui 5601', 'podinfo http 9898']);
  });
});

describe('component overrides', () => {
  test('a Kafka canary is one override: new image, partition = replicas - 1', () => {
    const kafka = (options: PlatformOptions): Obj => buildPlatform(new App(), options).streaming.toJson()
      .find((o: Obj) => o.kind === 'StatefulSet' && o.metadata.name === 'kafka');
    const before = kafka({});
    const canary = kafka({ kafka: { image: 'apache/kafka:3.9.2', partition: KafkaRollout.canary(3) } });
    expect(canary.spec.updateStrategy.rollingUpdate.partition).toBe(2);
    expect(canary.spec.template.spec.containers[0].image).toBe('apache/kafka:3.9.2');
    expect(canary.spec.selector).toEqual(before.spec.selector);
    expect(canary.spec.volumeClaimTemplates).toEqual(before.spec.volumeClaimTemplates);
  });
});

describe('profiles', () => {
  test('production runs 3-server quorums with hard anti-affinity; dev one server with soft affinity', () => {
    const zk = (name: 'production' | 'dev'): Obj => buildPlatform(new App(), { profile: PROFILES[name] }).streaming.toJson()
      .find((o: Obj) => o.kind === 'StatefulSet' && o.metadata.name === 'zk');
    expect(zk('production').spec.replicas).toBe(3);
    expect(zk('production').spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(zk('dev').spec.replicas).toBe(1);
    expect(zk('dev').spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
  });

  test('the switch defaults to production and rejects unknown names', () => {
    expect(resolveProfile(undefined).name).toBe('production');
    expect(resolveProfile('dev').name).toBe('dev');
    expect(() => resolveProfile('prod')).toThrow('PLATFORM_PROFILE: invalid profile "prod": must be "production" or "dev"');
  });
});
