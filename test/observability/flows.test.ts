import { App, Chart } from 'cdk8s';
import { DeclaredFlow, Flow, formatViolations, hasLabels, Manifest, manifestsOf, monitorFlows, runAllChecks } from '../../lib/checks';
import { Elasticsearch } from '../../lib/logging/elasticsearch';
import { MetricsMonitor } from '../../lib/monitoring/metrics-monitor';
import {
  Alertmanager, defaultAlertmanagerConfiguration, Grafana, Jaeger, KubeStateMetrics, MetricsServer, notificationPorts, PrometheusStack, ReadOnlyViewer,
} from '../../lib/observability';
import { NamespacesChart } from '../../lib/platform/namespaces';
import { NetworkChart } from '../../lib/platform/network';
import { find, Obj } from '../support/manifests';

/**
 * The observability stack in a monitoring namespace that default-denies like every other: each
 * component declares its flows (pod to pod) and its egress by address (API server, kubelets,
 * receivers), the NetworkChart opens exactly those, and the flow check proves them.
 */
interface Options {
  /** Leave kube-state-metrics out of what Prometheus scrapes. */
  readonly forgetKsm?: boolean;
  /** Leave the egress by address out of the NetworkChart. */
  readonly noIpEgress?: boolean;
}

function observability(opts: Options = {}) {
  const app = new App({ recordConstructMetadata: false });
  new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'monitoring', podSecurity: 'restricted' }, { name: 'apps', podSecurity: 'restricted' }] });
  const chart = new Chart(app, 'monitoring', { namespace: 'monitoring' });
  const stack = new PrometheusStack(chart, 'stack', { clusterName: 'test', apiServerCidr: '10.96.0.0/12' });
  const grafana = new Grafana(chart, 'grafana', { admin: { secretName: 'grafana-admin' }, prometheus: stack.prometheus! });
  const ksm = new KubeStateMetrics(chart, 'ksm', { apiServerCidr: '10.96.0.0/12' });
  const metricsServer = new MetricsServer(chart, 'metrics-server', { apiServerCidr: '10.96.0.0/12', nodeCidr: '192.168.0.0/16' });
  const jaeger = new Jaeger(chart, 'jaeger', { storage: { type: 'memory' }, allowFrom: [{ namespace: 'apps', podLabels: {}, name: 'apps' }], uiAllowFrom: [] });
  new ReadOnlyViewer(chart, 'viewer');
  const scraped = [grafana, jaeger, ...(opts.forgetKsm ? [] : [ksm])];
  stack.scrape(...scraped);
  for (const endpoint of [grafana.metricsEndpoint, ksm.metricsEndpoint, jaeger.metricsEndpoint]) {
    new MetricsMonitor(chart, `monitor-${endpoint.component}`, { endpoint, labels: stack.discoveryLabels });
  }
  const declaring = [stack, grafana, ksm, metricsServer, jaeger];
  new NetworkChart(app, 'network', {
    defaultDenyNamespaces: ['monitoring', 'apps'],
    constructs: declaring,
    externalEgress: opts.noIpEgress ? [] : [stack, ksm, metricsServer].flatMap((c) => c.ipEgress()),
  });
  return { app, stack, grafana, ksm, metricsServer, jaeger, manifests: manifestsOf(app) };
}

/** True when one of `declared` names the connection `flow` (same ports and namespaces, its selectors match the pods). */
function covered(flow: Flow, declared: Flow[]): boolean {
  return declared.some((d) => d.port === flow.port && (d.protocol ?? 'TCP') === (flow.protocol ?? 'TCP')
    && d.from.namespace === flow.from.namespace && hasLabels(d.from.labels, flow.from.labels)
    && d.to.namespace === flow.to.namespace && hasLabels(d.to.labels, flow.to.labels));
}

const policies = (m: Manifest[]) => m.filter((o) => o.kind === 'NetworkPolicy') as Obj[];
const describeFlow = (f: DeclaredFlow) => `${f.name}: ${f.from.namespace}${JSON.stringify(f.from.labels)} -> ${f.to.namespace}${JSON.stringify(f.to.labels)} ${f.protocol ?? 'TCP'}/${f.port}`;

describe('observability flows', () => {
  test('a default-denying monitoring namespace with every component passes every check', () => {
    expect(formatViolations(runAllChecks(observability().manifests))).toBe('');
  });

  test('Prometheus declares a flow to every target its monitors scrape (the same set monitorFlows derives from the manifests)', () => {
    const { manifests, stack } = observability();
    const declared = stack.declaredFlows().filter((f) => f.from.labels['app.kubernetes.io/name'] === 'prometheus');
    const scrapes = monitorFlows(manifests, stack.prometheus!.podRef);
    expect(scrapes).toHaveLength(6);
    expect(scrapes.filter((f) => !covered(f, declared)).map((f) => f.name)).toEqual([]);
    // ...and the NetworkPolicies allow each of them.
    expect(formatViolations(runAllChecks(manifests, { flows: scrapes }))).toBe('');
  });

  test('a target Prometheus was not told about is caught (the comparison can fail)', () => {
    const { manifests, stack } = observability({ forgetKsm: true });
    const declared = stack.declaredFlows();
    expect(monitorFlows(manifests, stack.prometheus!.podRef).filter((f) => !covered(f, declared)).map((f) => f.name))
      .toEqual(['monitoring -> Deployment monitoring/kube-state-metrics port 8080 (ServiceMonitor monitoring/kube-state-metrics)']);
  });

  test('the pod-to-pod flows of the stack', () => {
    const { stack, grafana, jaeger, ksm } = observability();
    const flows = [stack, grafana, jaeger, ksm].flatMap((c) => c.declaredFlows()).map(describeFlow);
    const prometheus = '{"app.kubernetes.io/name":"prometheus","operator.prometheus.io/name":"platform"}';
    const alertmanager = '{"app.kubernetes.io/name":"alertmanager","alertmanager":"platform"}';
    expect(flows).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^prometheus -> alertmanager (web|metrics): monitoring${escape(prometheus)} -> monitoring${escape(alertmanager)} TCP/9093$`)),
      `alertmanager mesh (TCP): monitoring${alertmanager} -> monitoring${alertmanager} TCP/9094`,
      `alertmanager mesh (UDP): monitoring${alertmanager} -> monitoring${alertmanager} UDP/9094`,
      expect.stringMatching(/^grafana -> prometheus web: monitoring\{.*"app.kubernetes.io\/name":"grafana".*\} -> monitoring\{"app.kubernetes.io\/name":"prometheus","operator.prometheus.io\/name":"platform"\} TCP\/9090$/),
      expect.stringMatching(/^prometheus -> kube-state-metrics metrics: .* TCP\/8080$/),
      expect.stringMatching(/^prometheus -> jaeger metrics: .* TCP\/8888$/),
      expect.stringMatching(/^prometheus -> grafana metrics: .* TCP\/3000$/),
      expect.stringMatching(/^prometheus -> prometheus-operator metrics: .* TCP\/8080$/),
      expect.stringMatching(/^apps -> jaeger otlp 4317: apps\{\} -> monitoring\{.*\} TCP\/4317$/),
      expect.stringMatching(/^apps -> jaeger otlp 4318: apps\{\} -> monitoring\{.*\} TCP\/4318$/),
    ]));
  });

  test('OTLP only from the apps namespace, the UI from no pod (port-forward), Prometheus only from its namespace', () => {
    const { manifests } = observability();
    const jaeger = find(manifests, 'NetworkPolicy', 'jaeger').spec.ingress;
    expect(jaeger).toEqual([
      { from: [{ podSelector: { matchLabels: {} }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } } }], ports: [{ port: 4317, protocol: 'TCP' }, { port: 4318, protocol: 'TCP' }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 8888, protocol: 'TCP' }] },
    ]);
    const prometheus = find(manifests, 'NetworkPolicy', 'prometheus-platform').spec;
    expect(prometheus.ingress.flatMap((r: Obj) => r.ports.map((p: Obj) => p.port))).toEqual([9090, 9090]);
  });

  test('egress by address: API server for the operator, Prometheus, kube-state-metrics and metrics-server; kubelets for metrics-server', () => {
    const { stack, ksm, metricsServer, manifests } = observability();
    const egress = [stack, ksm, metricsServer].flatMap((c) => c.ipEgress()).map((e) => `${e.name} ${e.cidr} ${e.ports.join(',')}`);
    expect(egress).toEqual([
      'prometheus-operator-apiserver 10.96.0.0/12 443,6443',
      'prometheus-platform-apiserver 10.96.0.0/12 443,6443',
      'kube-state-metrics-apiserver 10.96.0.0/12 443,6443',
      'metrics-server-apiserver 10.96.0.0/12 443,6443',
      'metrics-server-kubelets 192.168.0.0/16 10250',
    ]);
    const kubelets = find(manifests, 'NetworkPolicy', 'egress-metrics-server-kubelets').spec;
    expect(kubelets).toMatchObject({ podSelector: { matchLabels: metricsServer.selectorLabels }, egress: [{ to: [{ ipBlock: { cidr: '192.168.0.0/16' } }], ports: [{ port: 10250 }] }] });
    // The API server reaches metrics-server (the aggregated API) by address too.
    expect(find(manifests, 'NetworkPolicy', 'metrics-server').spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '10.96.0.0/12' } }], ports: [{ port: 10250, protocol: 'TCP' }] }]);
    // Without them the namespace's default-deny would cut every API client off.
    expect(policies(observability({ noIpEgress: true }).manifests).some((p) => p.metadata.name.endsWith('-apiserver'))).toBe(false);
  });

  test('Alertmanager: egress to the receivers on the ports its configuration needs, none for the null receiver', () => {
    const configuration = defaultAlertmanagerConfiguration({
      receiver: { name: 'team', slack: [{ apiUrlFrom: { secret: 'slack', key: 'url' }, channel: '#alerts' }], email: [{ to: 'a@example.com', from: 'am@example.com', smarthost: 'smtp.example.com:587' }] },
      deadMansSwitch: { name: 'dms', webhooks: [{ url: 'http://healthchecks.example.com:8000/ping' }] },
    });
    expect(notificationPorts(configuration)).toEqual([443, 587, 8000]);
    const app = new App({ recordConstructMetadata: false });
    const chart = new Chart(app, 'monitoring', { namespace: 'monitoring' });
    expect(new Alertmanager(chart, 'am', { configuration, receiverCidr: '203.0.113.0/24' }).ipEgress()).toEqual([
      { name: 'alertmanager-platform-receivers', namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'alertmanager', alertmanager: 'platform' }, cidr: '203.0.113.0/24', ports: [443, 587, 8000] },
    ]);
    expect(new Alertmanager(chart, 'null', { name: 'other' }).ipEgress()).toEqual([]);
  });

  test('Jaeger in production stores in the platform\'s Elasticsearch: the flow is declared and Elasticsearch admits it', () => {
    const app = new App({ recordConstructMetadata: false });
    new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'monitoring', podSecurity: 'restricted' }, { name: 'logging', podSecurity: 'restricted' }] });
    const es = new Elasticsearch(new Chart(app, 'logging', { namespace: 'logging' }), 'es', { security: { enabled: false } } as any);
    const jaeger = new Jaeger(new Chart(app, 'monitoring', { namespace: 'monitoring' }), 'jaeger', { storage: { type: 'elasticsearch', elasticsearch: es } });
    expect(jaeger.declaredFlows().map(describeFlow)).toContainEqual(expect.stringMatching(/^jaeger -> elasticsearch http: monitoring\{.*\} -> logging\{.*\} TCP\/9200$/));
    expect(es.declaredFlows().filter((f) => f.client).map((f) => f.from.namespace)).toEqual(['monitoring']);
    expect(formatViolations(runAllChecks(manifestsOf(app)).filter((v) => v.rule.startsWith('flows/')))).toBe('');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
