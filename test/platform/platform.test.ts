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
    // Files and directories (crds/: the vendored CRDs, copied byte for byte), one level deep.
    const read = (dir: string, prefix = ''): Array<[string, string]> => fs.readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .flatMap((e): Array<[string, string]> => (e.isDirectory() ? read(path.join(dir, e.name), `${prefix}${e.name}/`) : [[`${prefix}${e.name}`, fs.readFileSync(path.join(dir, e.name), 'utf8')]]));
    return Object.fromEntries(read(outdir));
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

  test('dist/ holds only numbered manifests, namespaces first, and the ten Prometheus Operator CRDs in crds/', () => {
    const all = Object.keys(synthToDir(options));
    const files = all.filter((f) => !f.startsWith('crds/'));
    expect(files).toEqual([...files].sort());
    expect(files[0]).toBe('0000-namespaces.k8s.yaml');
    for (const file of files) expect(file).toMatch(/^\d{4}-[a-z][a-z0-9-]*\.k8s\.yaml$/);
    expect(files).toContain('0002-observability.k8s.yaml');
    expect(all.filter((f) => f.startsWith('crds/'))).toHaveLength(10);
  });

  test('two synths are byte-identical', () => {
    expect(synthToDir(options)).toEqual(synthToDir(options));
  });

  test('every namespace an object lives in is created by the namespaces chart', () => {
    const charts = platformApp(options).charts;
    const created = new Set(charts[0].toJson().filter((o: Obj) => o.kind === 'Namespace').map((o: Obj) => o.metadata.name));
    const used = charts.flatMap((c) => c.toJson()).map((o: Obj) => o.metadata.namespace).filter(Boolean);
    // kube-system exists in every cluster: metrics-server's RoleBinding to the authentication reader lives there.
    for (const namespace of used.filter((ns: string) => ns !== 'kube-system')) expect(created).toContain(namespace);
  });
});

describe('flows come from the constructs (issue 11 item 4)', () => {
  test('the derived egress policies are the former hand-written set, plus the log retention installer and the monitoring namespace\'s', () => {
    const app = new App({ recordConstructMetadata: false });
    const { network, flows, openServices } = buildPlatform(app);
    const egress = network.toJson().filter((o: Obj) => o.metadata.name.startsWith('egress-')).map((o: Obj) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(egress.sort()).toEqual([
      // The apps send traces to Jaeger.
      'apps/egress-apps-jaeger-otlp-4317',
      'apps/egress-apps-jaeger-otlp-4318',
      'logging-agents/egress-fluentd-apiserver',
      'logging-agents/egress-fluentd-elasticsearch-http',
      'logging/egress-elasticsearch-elasticsearch-transport',
      'logging/egress-kibana-elasticsearch-http',
      'logging/egress-log-retention-elasticsearch-http',
      // The monitoring namespace default-denies too: the stack's own flows...
      'monitoring/egress-alertmanager-mesh-tcp',
      'monitoring/egress-alertmanager-mesh-udp',
      'monitoring/egress-grafana-prometheus-web',
      'monitoring/egress-jaeger-elasticsearch-http',
      // ...egress by address to the API server and the nodes...
      'monitoring/egress-kube-state-metrics-apiserver',
      'monitoring/egress-metrics-server-apiserver',
      'monitoring/egress-metrics-server-kubelets',
      // ...the scrapes as each target declares them (from the whole monitoring namespace)...
      'monitoring/egress-monitoring-alertmanager-metrics',
      'monitoring/egress-monitoring-elasticsearch-metrics',
      'monitoring/egress-monitoring-fluentd-metrics',
      'monitoring/egress-monitoring-grafana-metrics',
      'monitoring/egress-monitoring-jaeger-metrics',
      'monitoring/egress-monitoring-kafka-metrics',
      'monitoring/egress-monitoring-kube-state-metrics-metrics',
      'monitoring/egress-monitoring-kube-state-metrics-telemetry',
      'monitoring/egress-monitoring-podinfo-metrics',
      'monitoring/egress-monitoring-prometheus-metrics',
      'monitoring/egress-monitoring-prometheus-operator-metrics',
      'monitoring/egress-monitoring-zookeeper-metrics',
      // ...and as Prometheus declares them (its pods only), node-exporter on the host network by address as well.
      'monitoring/egress-prometheus-alertmanager-metrics',
      'monitoring/egress-prometheus-elasticsearch-metrics',
      'monitoring/egress-prometheus-fluentd-metrics',
      'monitoring/egress-prometheus-grafana-metrics',
      'monitoring/egress-prometheus-jaeger-metrics',
      'monitoring/egress-prometheus-kafka-metrics',
      'monitoring/egress-prometheus-kube-state-metrics-metrics',
      'monitoring/egress-prometheus-kube-state-metrics-telemetry',
      'monitoring/egress-prometheus-node-exporter',
      'monitoring/egress-prometheus-operator-apiserver',
      'monitoring/egress-prometheus-platform-apiserver',
      'monitoring/egress-prometheus-platform-node-exporter',
      'monitoring/egress-prometheus-podinfo-metrics',
      'monitoring/egress-prometheus-prometheus-metrics',
      'monitoring/egress-prometheus-prometheus-operator-metrics',
      'monitoring/egress-prometheus-zookeeper-metrics',
      'streaming/egress-kafka-broker-kafka-broker',
      'streaming/egress-kafka-zookeeper-client-port',
      'streaming/egress-zookeeper-peers-leader-election',
      'streaming/egress-zookeeper-peers-quorum',
    ]);
    // Scrapes from the monitoring namespace are declared by every construct (not only the EFK stack).
    expect(flows.filter((f) => f.name.startsWith('monitoring -> ')).map((f) => f.name).sort()).toEqual([
      'monitoring -> alertmanager metrics', 'monitoring -> elasticsearch metrics', 'monitoring -> fluentd metrics', 'monitoring -> grafana metrics',
      'monitoring -> jaeger metrics', 'monitoring -> kafka metrics', 'monitoring -> kube-state-metrics metrics', 'monitoring -> kube-state-metrics telemetry',
      'monitoring -> podinfo metrics', 'monitoring -> prometheus metrics', 'monitoring -> prometheus-operator metrics', 'monitoring -> zookeeper metrics',
    ]);
    // Grafana's UI asks for a login: open like Kibana's. Jaeger's UI has none: port-forward only.
    expect(openServices.map((o) => `${o.name} ${o.port}`).sort()).toEqual(['grafana ui 3000', 'kibana ui 5601', 'podinfo http 9898']);
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
