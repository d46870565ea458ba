import { Manifest } from '../../lib/checks';
import { ObservabilityStack } from '../../lib/observability';
import { find, monitoringApp, Obj } from './prometheus-stack-support';

// Literal production defaults of every stack component: what a user relies on, pinned here and
// not read from the library's constants (a changed default must fail a test).

const ES = { url: 'http://elasticsearch.logging.svc:9200', securityEnabled: false };

function production(): Manifest[] {
  return monitoringApp((chart) => new ObservabilityStack(chart, 'stack', { clusterName: 'test', elasticsearch: ES })).manifests;
}

const pod = (m: Manifest[], name: string): Obj => find(m, 'Deployment', name).spec.template.spec;
const container = (m: Manifest[], name: string): Obj => pod(m, name).containers[0];
const probeTimings = (p: Obj) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'httpGet' && k !== 'tcpSocket'));

describe('observability stack production defaults (literal)', () => {
  const m = production();

  test('Prometheus Operator: one replica, resources, reloader resources, probes', () => {
    expect(find(m, 'Deployment', 'prometheus-operator').spec.replicas).toBe(1);
    const c = container(m, 'prometheus-operator');
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(c.args).toEqual(expect.arrayContaining([
      '--config-reloader-cpu-request=10m', '--config-reloader-cpu-limit=100m', '--config-reloader-memory-request=32Mi', '--config-reloader-memory-limit=64Mi',
    ]));
    expect(probeTimings(c.readinessProbe)).toEqual({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(probeTimings(c.livenessProbe)).toEqual({ initialDelaySeconds: 10, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 });
  });

  test('Prometheus: 2 replicas, hard anti-affinity, 15d retention, 50Gi, 40960MB retention size, 30s intervals, resources', () => {
    const s = find(m, 'Prometheus', 'platform').spec;
    expect(s.replicas).toBe(2);
    expect(s.retention).toBe('15d');
    expect(s.retentionSize).toBe('40960MB');
    expect(s.scrapeInterval).toBe('30s');
    expect(s.evaluationInterval).toBe('30s');
    expect(s.storage.volumeClaimTemplate.spec.resources.requests.storage).toBe('50Gi');
    expect(s.resources).toEqual({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(s.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(find(m, 'PodDisruptionBudget', 'prometheus-platform').spec.maxUnavailable).toBe(1);
  });

  test('Alertmanager: 2 replicas, hard anti-affinity, 120h retention, resources', () => {
    const s = find(m, 'Alertmanager', 'platform').spec;
    expect(s.replicas).toBe(2);
    expect(s.retention).toBe('120h');
    expect(s.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } });
    expect(s.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
  });

  test('Grafana: one replica, resources, probes (two-minute startup budget)', () => {
    expect(find(m, 'Deployment', 'grafana').spec.replicas).toBe(1);
    const c = container(m, 'grafana');
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(probeTimings(c.startupProbe)).toEqual({ periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 24 });
    expect(probeTimings(c.readinessProbe)).toEqual({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(probeTimings(c.livenessProbe)).toEqual({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 });
  });

  test('kube-state-metrics: one replica, resources, probes', () => {
    expect(find(m, 'Deployment', 'kube-state-metrics').spec.replicas).toBe(1);
    const c = container(m, 'kube-state-metrics');
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    expect(c.args.slice(0, 2)).toEqual(['--port=8080', '--telemetry-port=8081']);
    expect(probeTimings(c.readinessProbe)).toEqual({ initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(probeTimings(c.livenessProbe)).toEqual({ initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 });
  });

  test('metrics-server: 2 replicas, hard anti-affinity, resources, args, probes', () => {
    expect(find(m, 'Deployment', 'metrics-server').spec.replicas).toBe(2);
    expect(pod(m, 'metrics-server').affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    const c = container(m, 'metrics-server');
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '200Mi' }, limits: { cpu: '1', memory: '400Mi' } });
    expect(c.args).toEqual(['--cert-dir=/tmp', '--secure-port=10250', '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname', '--kubelet-use-node-status-port', '--metric-resolution=15s']);
    expect(probeTimings(c.readinessProbe)).toEqual({ initialDelaySeconds: 20, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(probeTimings(c.livenessProbe)).toEqual({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
  });

  test('Jaeger with Elasticsearch: 2 replicas, soft anti-affinity, resources, probes', () => {
    expect(find(m, 'Deployment', 'jaeger').spec.replicas).toBe(2);
    expect(pod(m, 'jaeger').affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    const c = container(m, 'jaeger');
    expect(c.resources).toEqual({ requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(c.args).toEqual(['--config=/etc/jaeger/config.yaml']);
    expect(probeTimings(c.readinessProbe)).toEqual({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(probeTimings(c.livenessProbe)).toEqual({ initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 });
    expect(find(m, 'PodDisruptionBudget', 'jaeger-pdb').spec.maxUnavailable).toBe(1);
  });
});
