import { Chart } from 'cdk8s';
import { formatViolations, runAllChecks } from '../../lib/checks';
import { DEFAULT_DISCOVERY_LABELS, MetricsMonitor } from '../../lib/monitoring';
import { Prometheus, PrometheusProps, PLATFORM_DISCOVERY_LABELS } from '../../lib/observability';
import { DEV, find, monitoringApp, Obj } from './prometheus-stack-support';

const build = (props: Partial<PrometheusProps> = {}) => monitoringApp((c: Chart) => new Prometheus(c, 'prometheus', { clusterName: 'prod-eu-1', ...props })).manifests;

describe('Prometheus', () => {
  const prod = build();
  const spec: Obj = find(prod, 'Prometheus').spec;

  test('the discovery label is one constant: what the monitors and rules carry by default', () => {
    expect(PLATFORM_DISCOVERY_LABELS).toBe(DEFAULT_DISCOVERY_LABELS);
    expect(PLATFORM_DISCOVERY_LABELS).toEqual({ prometheus: 'platform' });
    for (const k of ['serviceMonitorSelector', 'podMonitorSelector', 'ruleSelector', 'probeSelector']) expect(spec[k]).toEqual({ matchLabels: { prometheus: 'platform' } });
    for (const k of ['serviceMonitorNamespaceSelector', 'podMonitorNamespaceSelector', 'ruleNamespaceSelector', 'probeNamespaceSelector']) expect(spec[k]).toEqual({});
  });

  test('production: 2 replicas on separate nodes, a PDB, PVC, retention, cluster label, restricted identity', () => {
    expect(spec).toMatchObject({
      replicas: 2, retention: '15d', retentionSize: '40960MB', externalLabels: { cluster: 'prod-eu-1' }, image: 'quay.io/prometheus/prometheus:v3.13.2', version: 'v3.13.2',
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } },
      storage: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } } } },
      resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      serviceAccountName: 'prometheus-platform',
    });
    expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(find(prod, 'PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'platform' } } });
  });

  test('dev: one replica, no PDB, small', () => {
    const dev = build({ ...DEV.prometheusProps });
    expect(find(dev, 'Prometheus').spec).toMatchObject({ replicas: 1, retention: '2d', storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '5Gi' } } } } } });
    expect(dev.filter((m) => m.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(find(dev, 'Prometheus').spec.affinity).toBeUndefined();
  });

  test('discovery RBAC is read-only, cluster-wide, without wildcards', () => {
    const role = find(prod, 'ClusterRole');
    expect(role.metadata.name).toBe('monitoring-prometheus-platform');
    expect(JSON.stringify(role.rules)).not.toContain('*');
    expect(role.rules.flatMap((r: Obj) => r.verbs)).toEqual(expect.not.arrayContaining(['create', 'update', 'patch', 'delete']));
    expect(role.rules).toEqual(expect.arrayContaining([
      { apiGroups: [''], resources: ['services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      { nonResourceURLs: ['/metrics'], verbs: ['get'] },
    ]));
    expect(find(prod, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus-platform', namespace: 'monitoring' }]);
  });

  test('alerts go to the Alertmanager Service given', () => {
    const m = build({ alertmanager: { namespace: 'monitoring', serviceName: 'alertmanager-platform' } });
    expect(find(m, 'Prometheus').spec.alerting).toEqual({ alertmanagers: [{ apiVersion: 'v2', name: 'alertmanager-platform', namespace: 'monitoring', port: 'web' }] });
  });

  test.each<[string, Partial<PrometheusProps>]>([
    ['defaults', {}], ['dev', { ...DEV.prometheusProps }], ['custom storage', { storage: { size: '100Gi', storageClassName: 'fast-ssd' }, retentionSize: '80GB', replicas: 3 }],
  ])('%s: passes every check', (_, props) => {
    expect(formatViolations(runAllChecks(build(props)))).toBe('');
  });

  test('its metrics endpoint becomes a ServiceMonitor that selects its Service', () => {
    const { manifests } = monitoringApp((c) => {
      const p = new Prometheus(c, 'prometheus', { clusterName: 'x' });
      new MetricsMonitor(c, 'monitor', { endpoint: p.metricsEndpoint });
    });
    expect(formatViolations(runAllChecks(manifests))).toBe('');
    expect(find(manifests, 'ServiceMonitor').spec.endpoints[0].port).toBe('web');
  });

  test('the schema check rejects a misspelt spec field', () => {
    const m = JSON.parse(JSON.stringify(prod));
    m.find((o: Obj) => o.kind === 'Prometheus').spec.retension = '1d';
    expect(formatViolations(runAllChecks(m))).toMatch(/schema\/invalid\] Prometheus monitoring\/platform: spec: unknown field "retension"/);
  });

  test('the wiring check catches a Service that selects no operator pod', () => {
    const m = JSON.parse(JSON.stringify(prod));
    m.find((o: Obj) => o.kind === 'Service').spec.selector['operator.prometheus.io/name'] = 'other';
    expect(formatViolations(runAllChecks(m))).toMatch(/wiring\/service-selector\] Service monitoring\/prometheus-platform/);
  });

  test.each<[string, Partial<PrometheusProps>, RegExp]>([
    ['empty cluster name', { clusterName: '' }, /clusterName/],
    ['retention size above the volume', { storage: { size: '10Gi' }, retentionSize: '20GB' }, /retentionSize.*at most 90% of storage.size/],
    ['retention size with Kubernetes units', { retentionSize: '10Gi' }, /retentionSize.*Prometheus byte size/],
    ['tiny volume', { storage: { size: '100Mi' } }, /storage.size.*at least 1Gi/],
    ['retention below an hour', { retention: '10m' }, /retention/],
    ['latest image', { image: 'quay.io/prometheus/prometheus:latest' }, /image/],
    ['zero replicas', { replicas: 0 }, /replicas/],
    ['cluster as extra label', { externalLabels: { cluster: 'x' } }, /externalLabels key.*clusterName/],
    ['bad discovery label', { discoveryLabels: { 'bad key!': 'x' } }, /discoveryLabels/],
  ])('rejects %s', (_, props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
