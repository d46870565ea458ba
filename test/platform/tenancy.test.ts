import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { buildCluster, buildPlatform, NodeExporter, PlatformCharts, PlatformOptions, resolveTenants, WebApp } from '../../lib';
import { checkCollisions, checkOnlyDeclaredFlows, formatViolations, Manifest, manifestsOf, monitorFlows, networkAllows, PodRef, runAllChecks } from '../../lib/checks';
import { demoWebAppProps } from '../../lib/webapp/demo';

type Obj = Record<string, any>;
const TENANTS = ['team-a', 'team-b', 'team-c'];

function build(options: PlatformOptions = {}, extend?: (platform: PlatformCharts) => void): { platform: PlatformCharts; manifests: Manifest[] } {
  const app = new App({ recordConstructMetadata: false });
  const platform = buildPlatform(app, options);
  extend?.(platform);
  return { platform, manifests: manifestsOf(app) };
}

const ids = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind).map((m) => `${m.metadata.namespace ?? ''}/${m.metadata.name}`);

describe('a cluster plus three tenants (issue 11 item 6)', () => {
  const { platform, manifests } = build({ tenants: TENANTS });

  test('synthesizes with zero violations: schema, policy, wiring, collisions, declared flows and scrapes', () => {
    const scrapes = monitorFlows(manifests, platform.prometheus);
    // 3 cluster components + 3 per tenant, each scraped from the cluster's monitoring namespace.
    expect(scrapes.length).toBeGreaterThanOrEqual(3 + 3 * 3);
    expect(formatViolations(runAllChecks(manifests, { flows: [...platform.flows, ...scrapes] }))).toBe('');
    expect(checkCollisions(manifests)).toEqual([]);
  });

  test('the network opens exactly the declared flows', () => {
    const outsider: PodRef = { namespace: 'somewhere-else', labels: { app: 'curious' } };
    const clients = [outsider, platform.prometheus].flatMap((from) => platform.openServices.map((s) => ({ ...s, from })));
    const declared = [...platform.flows, ...monitorFlows(manifests, platform.prometheus), ...clients];
    expect(formatViolations(checkOnlyDeclaredFlows(manifests, declared, [platform.prometheus, outsider]))).toBe('');
  });

  test('cluster-wide parts exist once, tenant parts once per tenant, in prefixed namespaces', () => {
    expect(ids(manifests, 'Namespace').sort()).toEqual(['/logging', '/logging-agents', '/metrics', '/monitoring',
      ...TENANTS.flatMap((t) => [`/${t}-apps`, `/${t}-streaming`])].sort());
    expect(ids(manifests, 'DaemonSet').sort()).toEqual(['logging-agents/fluentd-es', 'metrics/node-exporter']);
    expect(ids(manifests, 'StatefulSet').sort()).toEqual(['logging/elasticsearch-logging', ...TENANTS.flatMap((t) => [`${t}-streaming/kafka`, `${t}-streaming/zk`])].sort());
    expect(ids(manifests, 'Deployment').filter((d) => d.endsWith('/podinfo')).sort()).toEqual(TENANTS.map((t) => `${t}-apps/podinfo`));
    expect(Object.keys(platform.tenants)).toEqual(TENANTS);
    expect(platform.charts.map((c) => c.node.id)).toEqual(['namespaces', 'network', ...TENANTS.map((t) => `${t}-streaming`), ...TENANTS.map((t) => `${t}-apps`),
      'observability', 'logging', 'logging-agents', 'metrics', 'monitoring']);
    // The observability stack exists once, whatever the number of tenants.
    for (const kind of ['Prometheus', 'Alertmanager', 'APIService']) expect(manifests.filter((m) => m.kind === kind)).toHaveLength(1);
    expect(ids(manifests, 'Deployment').filter((d) => d.startsWith('monitoring/')).sort())
      .toEqual(['monitoring/grafana', 'monitoring/jaeger', 'monitoring/kube-state-metrics', 'monitoring/metrics-server', 'monitoring/prometheus-operator']);
  });

  test('every tenant namespace and cluster namespace denies by default, monitoring too', () => {
    const denied = manifests.filter((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'default-deny').map((m) => m.metadata.namespace);
    expect(denied.sort()).toEqual(['logging', 'logging-agents', 'metrics', 'monitoring', ...TENANTS.flatMap((t) => [`${t}-apps`, `${t}-streaming`])].sort());
  });

  test('tenant monitors and rules live in the cluster monitoring namespace, prefixed, one rule per tenant', () => {
    expect([...ids(manifests, 'ServiceMonitor'), ...ids(manifests, 'PodMonitor')].sort()).toEqual(['monitoring/elasticsearch', 'monitoring/fluentd', 'monitoring/node-exporter',
      // The stack's own monitors, once.
      'monitoring/alertmanager', 'monitoring/grafana', 'monitoring/jaeger', 'monitoring/kube-state-metrics', 'monitoring/prometheus', 'monitoring/prometheus-operator',
      ...TENANTS.flatMap((t) => [`monitoring/${t}-kafka`, `monitoring/${t}-podinfo`, `monitoring/${t}-zookeeper`])].sort());
    expect(ids(manifests, 'PrometheusRule').sort()).toEqual(['monitoring/platform-alerts', 'monitoring/monitoring-stack-alerts', ...TENANTS.map((t) => `monitoring/${t}-platform-alerts`)].sort());
    const rule = manifests.find((m) => m.kind === 'PrometheusRule' && m.metadata.name === 'team-b-platform-alerts')!;
    expect(rule.spec.groups.map((g: Obj) => g.name)).toEqual(['team-b-zookeeper', 'team-b-kafka', 'team-b-podinfo']);
    const exprs = rule.spec.groups.flatMap((g: Obj) => g.rules.map((r: Obj) => r.expr)).join('\n');
    expect(exprs).toContain('namespace="team-b-streaming"');
    expect(exprs).not.toMatch(/namespace="(team-a|team-c)-/);
    // The catalogue alerts of each profile apply to the prefixed components too, named after the
    // component, with the runbook of the profile's canonical alert.
    const alerts = rule.spec.groups.flatMap((g: Obj) => g.rules);
    expect(alerts.map((r: Obj) => r.alert)).toEqual(expect.arrayContaining(['TeamBZookeeperNotServing', 'TeamBKafkaUnderReplicatedPartitions']));
    expect(alerts.find((r: Obj) => r.alert === 'TeamBZookeeperNotServing').annotations.runbook_url).toMatch(/\/zookeeper\.md#zookeepernotserving$/);
  });

  test('cluster-scoped names stay unique: the web apps\' ClusterRoles carry their tenant namespace', () => {
    const access = { apiAccess: { clusterRules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }] } };
    const { manifests: out } = build({ tenants: TENANTS, webApp: access });
    expect(ids(out, 'ClusterRole').sort()).toEqual(['/logging-agents-fluentd-es', ...TENANTS.map((t) => `/${t}-apps-podinfo`),
      // The observability stack's, once per cluster.
      '/monitoring-kube-state-metrics', '/monitoring-prometheus-operator', '/monitoring-prometheus-platform', '/system:aggregated-metrics-reader', '/system:metrics-server'].sort());
    expect(checkCollisions(out)).toEqual([]);
  });
});

describe('tenants are isolated from each other', () => {
  // Each tenant's web app is a Kafka client of its own cluster.
  const { platform, manifests } = build({ tenants: TENANTS }, (p) => {
    for (const t of Object.values(p.tenants)) t.kafka.allowClient(t.webApp);
  });
  const web = (t: string): PodRef => ({ namespace: `${t}-apps`, labels: platform.tenants[t].webApp.selectorLabels });
  const kafka = (t: string): PodRef => ({ namespace: `${t}-streaming`, labels: platform.tenants[t].kafka.selectorLabels });
  const port = platform.tenants['team-a'].kafka.brokerPort;

  test('each web app reaches its own Kafka, and every check still passes', () => {
    for (const t of TENANTS) expect([t, networkAllows(manifests, web(t), kafka(t), port)]).toEqual([t, true]);
    const scrapes = monitorFlows(manifests, platform.prometheus);
    expect(formatViolations(runAllChecks(manifests, { flows: [...platform.flows, ...scrapes] }))).toBe('');
  });

  test('no web app reaches another tenant\'s Kafka or ZooKeeper', () => {
    for (const from of TENANTS) {
      for (const to of TENANTS.filter((t) => t !== from)) {
        expect([from, to, networkAllows(manifests, web(from), kafka(to), port)]).toEqual([from, to, false]);
        const zk = platform.tenants[to].zookeeper;
        expect([from, to, networkAllows(manifests, kafka(from), { namespace: `${to}-streaming`, labels: zk.selectorLabels }, 2181)]).toEqual([from, to, false]);
      }
    }
  });
});

describe('per-tenant overrides, tenants added later', () => {
  test('platform-wide props apply to every tenant, a tenant\'s own props win', () => {
    const { manifests } = build({ tenants: ['team-a', { name: 'team-b', webApp: { replicas: 4 } }], webApp: { replicas: 3 } });
    const replicas = (ns: string) => manifests.find((m) => m.kind === 'Deployment' && m.metadata.namespace === ns && m.metadata.name === 'podinfo')!.spec.replicas;
    expect([replicas('team-a-apps'), replicas('team-b-apps')]).toEqual([3, 4]);
  });

  test('buildCluster alone has no tenant parts; addTenant adds them and every check passes', () => {
    const app = new App({ recordConstructMetadata: false });
    const cluster = buildCluster(app);
    expect(cluster.tenants).toEqual([]);
    expect(ids(manifestsOf(app), 'StatefulSet')).toEqual(['logging/elasticsearch-logging']);
    const shop = cluster.addTenant('shop', { kafka: { image: 'apache/kafka:3.9.1' } });
    expect(cluster.tenant('shop')).toBe(shop);
    expect(() => cluster.tenant('nope')).toThrow('the cluster has no tenant "nope" (tenants: shop)');
    const manifests = manifestsOf(app);
    expect(ids(manifests, 'StatefulSet').sort()).toEqual(['logging/elasticsearch-logging', 'shop-streaming/kafka', 'shop-streaming/zk']);
    const scrapes = monitorFlows(manifests, cluster.prometheus);
    expect(formatViolations(runAllChecks(manifests, { flows: [...cluster.declaredFlows(), ...scrapes] }))).toBe('');
  });

  test('without tenants the platform is the single-tenant one: unprefixed namespaces, today\'s charts', () => {
    const { platform, manifests } = build();
    expect(platform.charts.map((c) => c.node.id)).toEqual(['namespaces', 'network', 'observability', 'streaming', 'logging', 'logging-agents', 'metrics', 'apps', 'monitoring']);
    expect(ids(manifests, 'Namespace')).toEqual(['/streaming', '/logging', '/logging-agents', '/metrics', '/apps', '/monitoring']);
    expect(ids(manifests, 'PrometheusRule')).toEqual(['monitoring/monitoring-stack-alerts', 'monitoring/platform-alerts']);
    expect(platform.tenants).toEqual({});
    expect(platform.kafka.namespace).toBe('streaming');
  });

  test('PLATFORM_TENANTS: comma-separated names, blank means the single-tenant platform', () => {
    expect(resolveTenants('team-a, team-b,,')).toEqual(['team-a', 'team-b']);
    expect(resolveTenants(' ')).toBeUndefined();
    expect(resolveTenants(undefined)).toBeUndefined();
  });
});

describe('the compositions of issue 11 still fail the collision check', () => {
  test('two node-exporters in one app (e.g. a second cluster layer) clash on host port 9100', () => {
    const app = new App({ recordConstructMetadata: false });
    new NodeExporter(new Chart(app, 'one', { namespace: 'metrics' }), 'node-exporter', {});
    new NodeExporter(new Chart(app, 'two', { namespace: 'team-b-metrics' }), 'node-exporter', {});
    const rules = checkCollisions(manifestsOf(app)).map((v) => `${v.rule} ${v.resource}`);
    expect(rules).toContain('collisions/host-port DaemonSet metrics/node-exporter');
  });

  test('two Deployment team-a/shop in two charts (two files) are a duplicate', () => {
    const shop = () => {
      const app = new App({ recordConstructMetadata: false });
      new WebApp(new Chart(app, 'shop', { namespace: 'team-a' }), 'shop', demoWebAppProps({ name: 'shop' }));
      return manifestsOf(app);
    };
    const rules = checkCollisions([...shop(), ...shop()]).map((v) => `${v.rule} ${v.resource}`);
    expect(rules).toContain('collisions/duplicate-object Deployment team-a/shop');
  });

  test('cdk8s\' own app.synth() stays fast with tenants: tenant charts never depend on each other', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenancy-'));
    try {
      const app = new App({ recordConstructMetadata: false, outdir });
      buildPlatform(app, { tenants: ['t0', 't1', 't2'], monitoring: false });
      // A chain through the tenants made cdk8s' dependency walk exponential (2 tenants: > 2 minutes).
      app.synth();
      expect(fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml'))).toHaveLength(2 + 3 * 2 + 3);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 20_000);

  test('a second cluster layer in the same app is refused at construction (chart ids are the cluster\'s)', () => {
    const app = new App({ recordConstructMetadata: false });
    buildCluster(app);
    expect(() => buildCluster(app)).toThrow(/There is already a Construct with name 'namespaces'/);
  });
});
