import { App, Chart } from 'cdk8s';
import { parse } from 'yaml';
import { formatViolations, Manifest, manifestsOf, runAllChecks } from '../../lib/checks';
import { Jaeger, JaegerProps, JAEGER_IMAGE_CONTRACT } from '../../lib/observability';
import { NamespacesChart } from '../../lib/platform/namespaces';
import { checkImageContracts } from '../contracts/pod-contract';
import { find, Obj } from '../support/manifests';
import { DEV } from './prometheus-stack-support';


const ES = { url: 'https://elasticsearch-logging.logging.svc.cluster.local:9200', securityEnabled: true };
const PRODUCTION: JaegerProps = { storage: { type: 'elasticsearch', elasticsearch: ES, credentialsSecret: 'jaeger-es', caSecret: 'jaeger-es-ca' } };

function synth(props: JaegerProps = PRODUCTION): Manifest[] {
  const app = new App({ recordConstructMetadata: false });
  new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'monitoring', podSecurity: 'restricted' }] });
  new Jaeger(new Chart(app, 'monitoring', { namespace: 'monitoring' }), 'jaeger', props);
  return manifestsOf(app);
}
const configOf = (m: Obj[]) => parse(find(m, 'ConfigMap', 'jaeger-config').data['config.yaml']);
const podOf = (m: Obj[]) => find(m, 'Deployment', 'jaeger').spec.template.spec;

describe('Jaeger v2', () => {
  test.each<[string, JaegerProps]>([
    ['production with Elasticsearch', PRODUCTION],
    ['dev, all-in-one in memory', { storage: { type: 'memory' }, ...DEV.jaegerProps }],
  ])('%s passes every check and its image contract', (_name, props) => {
    const manifests = synth(props);
    expect(formatViolations(runAllChecks(manifests))).toBe('');
    expect(checkImageContracts(manifests, [JAEGER_IMAGE_CONTRACT])).toEqual([]);
  });

  test('dev: one replica, in-memory storage, the configuration from a content-addressed ConfigMap', () => {
    const manifests = synth({ storage: { type: 'memory' }, ...DEV.jaegerProps });
    const deployment = find(manifests, 'Deployment', 'jaeger');
    expect(deployment.spec.replicas).toBe(1);
    expect(manifests.some((m) => m.kind === 'PodDisruptionBudget')).toBe(false);
    const cm = find(manifests, 'ConfigMap', 'jaeger-config');
    expect(cm.immutable).toBe(true);
    expect(podOf(manifests).volumes.find((v: Obj) => v.name === 'config').configMap.name).toBe(cm.metadata.name);
    expect(podOf(manifests).containers[0].args).toEqual(['--config=/etc/jaeger/config.yaml']);
    expect(configOf(manifests).extensions.jaeger_storage.backends.traces).toEqual({ memory: { max_traces: 20000 } });
  });

  test('every listener binds 0.0.0.0 (never localhost): OTLP 4317/4318, UI 16686, health 13133, metrics 8888', () => {
    const config = configOf(synth());
    expect(config.receivers.otlp.protocols).toEqual({ grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } });
    expect(config.extensions.jaeger_query.http.endpoint).toBe('0.0.0.0:16686');
    expect(config.extensions.healthcheckv2.http.endpoint).toBe('0.0.0.0:13133');
    expect(config.service.telemetry.metrics.readers[0].pull.exporter.prometheus.host).toBe('0.0.0.0');
    const text = find(synth(), 'ConfigMap', 'jaeger-config').data['config.yaml'];
    expect(text).not.toMatch(/localhost|127\.0\.0\.1/);
    expect(config.service.pipelines.traces).toEqual({ receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] });
  });

  test('production: Elasticsearch storage with the password from a mounted Secret and the CA verified; 2 replicas and a PDB', () => {
    const manifests = synth();
    const backend = configOf(manifests).extensions.jaeger_storage.backends.traces.elasticsearch;
    expect(backend.server_urls).toEqual([ES.url]);
    expect(backend.auth.basic).toEqual({ username: '${env:ES_USERNAME}', password_file: '/etc/jaeger/es-auth/password' });
    expect(backend.tls).toEqual({ ca_file: '/etc/jaeger/es-ca/ca.crt' });
    expect(backend.indices.index_prefix).toBe('jaeger');
    const pod = podOf(manifests);
    expect(pod.containers[0].env).toEqual([{ name: 'ES_USERNAME', valueFrom: { secretKeyRef: { name: 'jaeger-es', key: 'username' } } }]);
    expect(JSON.stringify(manifests)).not.toMatch(/"password"\s*:\s*"[^$]/);
    expect(find(manifests, 'Deployment', 'jaeger').spec.replicas).toBe(2);
    expect(find(manifests, 'PodDisruptionBudget', 'jaeger-pdb').spec.maxUnavailable).toBe(1);
    expect(find(manifests, 'Deployment', 'jaeger').spec.template.metadata.annotations['platform.cdk8s.io/external-secrets']).toBe('jaeger-es,jaeger-es-ca');
  });

  test('the platform\'s Elasticsearch construct fits as the target (url + securityEnabled)', () => {
    const manifests = synth({ storage: { type: 'elasticsearch', elasticsearch: { url: 'http://elasticsearch-logging.logging.svc.cluster.local:9200', securityEnabled: false } } });
    const backend = configOf(manifests).extensions.jaeger_storage.backends.traces.elasticsearch;
    expect(backend.auth).toBeUndefined();
    expect(backend.tls).toBeUndefined();
  });

  test('Service ports 4317/4318/16686 (+16685, 8888); probes on the healthcheckv2 /status; restricted uid 10001', () => {
    const manifests = synth();
    expect(find(manifests, 'Service', 'jaeger').spec.ports.map((p: Obj) => `${p.name}:${p.port}`))
      .toEqual(['otlp-grpc:4317', 'otlp-http:4318', 'query:16686', 'query-grpc:16685', 'metrics:8888']);
    const pod = podOf(manifests);
    expect(pod.containers[0].readinessProbe.httpGet).toEqual({ path: '/status', port: 'health' });
    expect(pod.containers[0].ports.find((p: Obj) => p.name === 'health').containerPort).toBe(13133);
    expect(pod.securityContext).toMatchObject({ runAsUser: 10001, runAsNonRoot: true });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('NetworkPolicy: OTLP and UI from any pod by default, OTLP only from allowFrom/allowClient when given, metrics from monitoring', () => {
    const app = new App({ recordConstructMetadata: false });
    const jaeger = new Jaeger(new Chart(app, 'monitoring', { namespace: 'monitoring' }), 'jaeger', { storage: { type: 'memory' }, allowFrom: [] });
    jaeger.allowClient({ podLabels: { app: 'shop' }, namespace: 'apps' });
    const ingress = find(manifestsOf(app), 'NetworkPolicy', 'jaeger').spec.ingress;
    expect(ingress[0]).toEqual({
      from: [{ podSelector: { matchLabels: { app: 'shop' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } } }],
      ports: [{ port: 4317, protocol: 'TCP' }, { port: 4318, protocol: 'TCP' }],
    });
    expect(ingress[1].from).toEqual([{ namespaceSelector: {} }]);
  });

  test.each<[string, JaegerProps, RegExp]>([
    ['production without storage', {} as JaegerProps, /invalid storage "undefined": is required/],
    ['memory storage with 2 replicas', { storage: { type: 'memory' }, replicas: 2 }, /invalid replicas 2: must be 1 with memory storage/],
    ['secured Elasticsearch without credentials', { storage: { type: 'elasticsearch', elasticsearch: ES, caSecret: 'ca' } }, /invalid storage.credentialsSecret undefined: is required/],
    ['https without a CA', { storage: { type: 'elasticsearch', elasticsearch: ES, credentialsSecret: 'c' } }, /invalid storage.caSecret undefined: is required for https/],
    ['a bad URL', { storage: { type: 'elasticsearch', elasticsearch: { url: 'elasticsearch:9200' } } }, /invalid storage.elasticsearch.url "elasticsearch:9200"/],
  ])('rejects %s', (_name, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});

describe('Jaeger clients', () => {
  test('without allowFrom/uiAllowFrom: OTLP and query open to any pod, declared as open ports, rules in order', () => {
    const app = new App({ recordConstructMetadata: false });
    const jaeger = new Jaeger(new Chart(app, 'monitoring', { namespace: 'monitoring' }), 'jaeger', { storage: { type: 'memory' } });
    jaeger.allowClient({ namespace: 'apps', podLabels: {}, name: 'apps' });
    expect(jaeger.openPorts().map((o) => `${o.name} ${o.port}`)).toEqual(['jaeger otlp 4317', 'jaeger otlp 4318', 'jaeger query 16686', 'jaeger query 16685']);
    expect(jaeger.declaredFlows().map((f) => f.name)).toEqual(['monitoring -> jaeger metrics', 'apps -> jaeger otlp 4317', 'apps -> jaeger otlp 4318']);
    const policy = find(manifestsOf(app), 'NetworkPolicy', 'jaeger');
    expect(policy.spec.ingress.map((r: Obj) => [r.from, r.ports.map((p: Obj) => p.port)])).toEqual([
      [[{ namespaceSelector: {} }], [4317, 4318]],
      [[{ namespaceSelector: {} }], [16686, 16685]],
      [[{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], [8888]],
    ]);
  });
});
