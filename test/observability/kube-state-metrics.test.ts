import { App, Chart } from 'cdk8s';
import { formatViolations, Manifest, manifestsOf, runAllChecks } from '../../lib/checks';
import { MetricsMonitor } from '../../lib/monitoring/metrics-monitor';
import {
  KubeStateMetrics, KubeStateMetricsProps, KUBE_STATE_METRICS_DEFAULT_RESOURCES, KUBE_STATE_METRICS_IMAGE_CONTRACT, KUBE_STATE_METRICS_RESOURCE_GROUPS,
} from '../../lib/observability';
import { NamespacesChart } from '../../lib/platform/namespaces';
import { checkImageContracts } from '../contracts/pod-contract';
import { find, Obj } from '../support/manifests';
import { DEV } from './prometheus-stack-support';


function synth(props: KubeStateMetricsProps = {}): { ksm: KubeStateMetrics; manifests: Manifest[] } {
  const app = new App({ recordConstructMetadata: false });
  new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'monitoring', podSecurity: 'restricted' }] });
  const ksm = new KubeStateMetrics(new Chart(app, 'monitoring', { namespace: 'monitoring' }), 'ksm', props);
  return { ksm, manifests: manifestsOf(app) };
}

describe('KubeStateMetrics', () => {
  test.each(['production', 'dev'] as const)('%s profile passes every check and its image contract', (profile) => {
    const { manifests } = synth(profile === 'dev' ? { ...DEV.kubeStateMetricsProps } : {});
    expect(formatViolations(runAllChecks(manifests))).toBe('');
    expect(checkImageContracts(manifests, [KUBE_STATE_METRICS_IMAGE_CONTRACT])).toEqual([]);
  });

  test('the ClusterRole grants list/watch on exactly the exported resources: no wildcard, no Secrets, no writes', () => {
    const { manifests, ksm } = synth();
    const role = find(manifests, 'ClusterRole', 'monitoring-kube-state-metrics');
    expect(role.metadata.namespace).toBeUndefined();
    const granted = role.rules.flatMap((r: Obj) => r.resources.map((res: string) => `${r.apiGroups[0]}/${res}`)).sort();
    expect(granted).toEqual(KUBE_STATE_METRICS_DEFAULT_RESOURCES.map((r) => `${KUBE_STATE_METRICS_RESOURCE_GROUPS[r]}/${r}`).sort());
    for (const rule of role.rules) expect(rule.verbs).toEqual(['list', 'watch']);
    expect(granted).not.toContain('/secrets');
    const args = find(manifests, 'Deployment', 'kube-state-metrics').spec.template.spec.containers[0].args;
    expect(args).toContain(`--resources=${ksm.exportedResources.join(',')}`);
    expect(find(manifests, 'ClusterRoleBinding', 'monitoring-kube-state-metrics').subjects)
      .toEqual([{ kind: 'ServiceAccount', name: 'kube-state-metrics', namespace: 'monitoring' }]);
  });

  test('opting into Secrets adds exactly that resource to the role and the flag', () => {
    const { manifests } = synth({ resources: [...KUBE_STATE_METRICS_DEFAULT_RESOURCES, 'secrets'] });
    const core = find(manifests, 'ClusterRole', 'monitoring-kube-state-metrics').rules.find((r: Obj) => r.apiGroups[0] === '');
    expect(core.resources).toContain('secrets');
  });

  test('pod: token mounted (it watches the API), restricted, upstream ports and probes', () => {
    const pod = find(synth().manifests, 'Deployment', 'kube-state-metrics').spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(true);
    const c = pod.containers[0];
    expect(c.image).toBe('registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0');
    expect(c.ports.map((p: Obj) => `${p.name}:${p.containerPort}`)).toEqual(['http-metrics:8080', 'telemetry:8081']);
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'telemetry' });
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/livez', port: 'http-metrics' });
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
  });

  test('without RBAC the policy check catches the mounted token (the check can fail)', () => {
    const manifests = synth().manifests.filter((m) => m.kind !== 'ClusterRoleBinding');
    expect(runAllChecks(manifests).map((v) => v.rule)).toContain('policy/token-without-rbac');
  });

  test('its monitor is a ServiceMonitor with honorLabels: true and job kube-state-metrics (what the rollout alerts select)', () => {
    const app = new App({ recordConstructMetadata: false });
    const ksm = new KubeStateMetrics(new Chart(app, 'workloads', { namespace: 'monitoring' }), 'ksm');
    new MetricsMonitor(new Chart(app, 'monitors', { namespace: 'monitoring' }), 'ksm', { endpoint: ksm.metricsEndpoint });
    const monitor = find(manifestsOf(app), 'ServiceMonitor', 'kube-state-metrics');
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: 'http-metrics', honorLabels: true });
    expect(monitor.spec.endpoints[0].relabelings).toEqual(expect.arrayContaining([expect.objectContaining({ targetLabel: 'job', replacement: 'kube-state-metrics' })]));
    expect(formatViolations(runAllChecks(manifestsOf(app)).filter((v) => v.rule.startsWith('wiring/') || v.rule.startsWith('schema/')))).toBe('');
  });

  test.each<[string, KubeStateMetricsProps, RegExp]>([
    ['an unknown resource', { resources: ['deployments', 'daemonsets', 'statefulsets', 'pods', 'widgets'] }, /invalid resources\[4\] "widgets": must be a kube-state-metrics v2.20 resource/],
    ['leaving out what the alerts read', { resources: ['pods', 'nodes'] }, /must include daemonsets, deployments, statefulsets/],
    ['an unpinned image', { image: 'registry.k8s.io/kube-state-metrics/kube-state-metrics' }, /invalid image/],
  ])('rejects %s', (_name, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
