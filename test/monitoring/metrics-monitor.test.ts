import { Chart, JsonPatch, Testing } from 'cdk8s';
import { MetricsEndpoint } from '../../lib/core/metrics';
import { ZookeeperEnsemble } from '../../lib/zookeeper/zookeeper-ensemble';
import { MetricsMonitor } from '../../lib/monitoring';
import { monitoringScope, PLATFORM_ENDPOINTS, synthChecked } from './fixtures';

const zookeeper = PLATFORM_ENDPOINTS.find((e) => e.component === 'zookeeper')!;
const nodeExporter = PLATFORM_ENDPOINTS.find((e) => e.component === 'node-exporter')!;

function monitor(endpoint: MetricsEndpoint, labels?: Record<string, string>): { json: any; construct: MetricsMonitor } {
  const { app, chart } = monitoringScope();
  const construct = new MetricsMonitor(chart, 'Monitor', { endpoint, labels });
  const [json] = synthChecked(app, chart);
  return { json, construct };
}

describe('MetricsMonitor via service -> ServiceMonitor', () => {
  const { json, construct } = monitor(zookeeper);

  test('snapshot', () => {
    expect(json).toMatchSnapshot();
  });

  test('is a ServiceMonitor named after the component in the monitoring namespace, with discovery labels', () => {
    expect(json.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(json.kind).toBe('ServiceMonitor');
    expect(json.metadata).toMatchObject({ name: 'zookeeper', namespace: 'monitoring', labels: { prometheus: 'platform' } });
    expect(construct.kind).toBe('ServiceMonitor');
  });

  test('selects the Services by the endpoint selector in the endpoint namespace', () => {
    expect(json.spec.selector).toEqual({ matchLabels: zookeeper.selector });
    expect(json.spec.namespaceSelector).toEqual({ matchNames: ['streaming'] });
  });

  test('scrapes the named Service port at the default path and interval', () => {
    expect(json.spec.endpoints).toHaveLength(1);
    expect(json.spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics', interval: '30s' });
    expect(json.spec).not.toHaveProperty('podMetricsEndpoints');
  });

  test('sets the job label to the component and a node label, so alerts select {job="<component>"}', () => {
    expect(json.spec.endpoints[0].relabelings).toEqual([
      { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' },
      { action: 'replace', targetLabel: 'job', replacement: 'zookeeper' },
    ]);
    expect(construct.job).toBe('zookeeper');
    expect(construct.seriesSelector).toBe('job="zookeeper",namespace="streaming"');
  });
});

describe('MetricsMonitor via pod -> PodMonitor', () => {
  const { json } = monitor(nodeExporter, { release: 'kube-prometheus-stack' });

  test('snapshot', () => {
    expect(json).toMatchSnapshot();
  });

  test('is a PodMonitor with podMetricsEndpoints on the container port name, path and interval', () => {
    expect(json.kind).toBe('PodMonitor');
    expect(json.metadata).toMatchObject({ name: 'node-exporter', namespace: 'monitoring' });
    expect(json.spec.selector).toEqual({ matchLabels: { app: 'node-exporter' } });
    expect(json.spec.namespaceSelector).toEqual({ matchNames: ['node-exporter'] });
    expect(json.spec.podMetricsEndpoints).toEqual([{
      port: 'scrape', path: '/metrics', interval: '15s',
      relabelings: [
        { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' },
        { action: 'replace', targetLabel: 'job', replacement: 'node-exporter' },
      ],
    }]);
    expect(json.spec).not.toHaveProperty('endpoints');
  });

  test('custom discovery labels replace the default one', () => {
    expect(json.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect(json.metadata.labels).not.toHaveProperty('prometheus');
  });
});

test('a custom path reaches the JSON output', () => {
  const { json } = monitor(PLATFORM_ENDPOINTS.find((e) => e.component === 'webapp')!);
  expect(json.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/actuator/prometheus' });
});

test('selects a Service of a real ZookeeperEnsemble that declares the metrics port', () => {
  const app = Testing.app();
  const streaming = new Chart(app, 'streaming', { namespace: 'streaming' });
  const zk = new ZookeeperEnsemble(streaming, 'zk');
  const monitoring = new Chart(app, 'monitoring', { namespace: 'monitoring' });
  new MetricsMonitor(monitoring, 'zk', { endpoint: zk.metricsEndpoint });
  const [sm] = Testing.synth(monitoring);
  const services = Testing.synth(streaming).filter((o: any) => o.kind === 'Service');
  const selected = services.filter((svc: any) => svc.metadata.namespace === sm.spec.namespaceSelector.matchNames[0]
    && Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => svc.metadata.labels?.[k] === v));
  const withPort = selected.filter((svc: any) => svc.spec.ports.some((p: any) => p.name === sm.spec.endpoints[0].port));
  expect(withPort.map((svc: any) => svc.metadata.name)).toEqual(['zk-hs']);
});

test('synth fails when the typed class loses a field (verified output)', () => {
  const { app, chart } = monitoringScope();
  const m = new MetricsMonitor(chart, 'Monitor', { endpoint: zookeeper });
  m.apiObject.addJsonPatch(JsonPatch.replace('/spec/endpoints/0/port', 'other'));
  expect(() => app.synthYaml()).toThrow(/ServiceMonitor zookeeper did not come out with its selector, namespaceSelector, port, path, interval/);
});

describe('invalid endpoints are rejected with a clear message', () => {
  const cases: [string, Partial<MetricsEndpoint> & Record<string, unknown>, RegExp][] = [
    ['component with uppercase', { component: 'ZooKeeper' }, /invalid endpoint.component "ZooKeeper": must be a DNS label/],
    ['namespace with underscore', { namespace: 'my_ns' }, /invalid endpoint\[zookeeper\].namespace "my_ns": must be a DNS label/],
    ['via unknown', { via: 'node' as any }, /invalid endpoint\[zookeeper\].via "node": must be "service" \(ServiceMonitor\) or "pod" \(PodMonitor\)/],
    ['empty selector', { selector: {} }, /invalid endpoint\[zookeeper\].selector "{}": must hold at least one label/],
    ['bad selector key', { selector: { 'bad key': 'x' } }, /invalid endpoint\[zookeeper\].selector key "bad key": must be a Kubernetes label key/],
    ['bad selector value', { selector: { app: '-x-' } }, /invalid endpoint\[zookeeper\].selector\[app\] "-x-": must be a Kubernetes label value/],
    ['port name too long', { portName: 'metrics-endpoint-x' }, /invalid endpoint\[zookeeper\].portName "metrics-endpoint-x": must be a port name: at most 15/],
    ['numeric port name', { portName: '7000' }, /invalid endpoint\[zookeeper\].portName "7000": must be a port name/],
    ['relative path', { path: 'metrics' }, /invalid endpoint\[zookeeper\].path "metrics": must be an absolute HTTP path/],
    ['interval without unit', { interval: '30' }, /invalid endpoint\[zookeeper\].interval "30": must be a Prometheus duration of at least 1s/],
    ['fractional interval', { interval: '1.5m' }, /invalid endpoint\[zookeeper\].interval "1.5m": must be a Prometheus duration/],
    ['zero interval', { interval: '0s' }, /invalid endpoint\[zookeeper\].interval "0s": must be a Prometheus duration of at least 1s/],
    ['sub-second interval', { interval: '500ms' }, /invalid endpoint\[zookeeper\].interval "500ms"/],
  ];
  test.each(cases)('%s', (_name, override, message) => {
    const { chart } = monitoringScope();
    expect(() => new MetricsMonitor(chart, 'Monitor', { endpoint: { ...zookeeper, ...override } as MetricsEndpoint })).toThrow(message);
  });

  test('invalid discovery labels', () => {
    const { chart } = monitoringScope();
    expect(() => new MetricsMonitor(chart, 'Monitor', { endpoint: zookeeper, labels: { 'team/': 'x' } }))
      .toThrow(/monitoring\/Monitor: invalid labels key "team\/": must be a Kubernetes label key/);
  });

  test('a chart without namespace', () => {
    const chart = new Chart(Testing.app(), 'monitoring');
    expect(() => new MetricsMonitor(chart, 'Monitor', { endpoint: zookeeper }))
      .toThrow(/invalid chart namespace "undefined": monitors live in the monitoring namespace/);
  });
});
