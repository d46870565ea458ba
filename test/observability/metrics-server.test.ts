import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { formatViolations, Manifest, manifestsOf, runAllChecks } from '../../lib/checks';
import { METRICS_API_SERVICE_NAME, MetricsServer, MetricsServerProps, METRICS_SERVER_IMAGE_CONTRACT } from '../../lib/observability';
import { NamespacesChart } from '../../lib/platform/namespaces';
import { checkImageContracts } from '../contracts/pod-contract';
import { find } from '../support/manifests';
import { DEV } from './prometheus-stack-support';


function build(props: MetricsServerProps = {}): { app: App; chart: Chart; server: MetricsServer } {
  const app = new App({ recordConstructMetadata: false });
  new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'monitoring', podSecurity: 'restricted' }] });
  const chart = new Chart(app, 'monitoring', { namespace: 'monitoring' });
  return { app, chart, server: new MetricsServer(chart, 'metrics-server', props) };
}
const synth = (props: MetricsServerProps = {}) => manifestsOf(build(props).app);

describe('MetricsServer', () => {
  test.each(['production', 'dev'] as const)('%s profile passes every check and its image contract', (profile) => {
    const manifests = synth(profile === 'dev' ? { ...DEV.metricsServer } : {});
    expect(formatViolations(runAllChecks(manifests))).toBe('');
    expect(checkImageContracts(manifests, [METRICS_SERVER_IMAGE_CONTRACT])).toEqual([]);
    expect(find(manifests, 'Deployment', 'metrics-server').spec.replicas).toBe(profile === 'production' ? 2 : 1);
    expect(manifests.some((m) => m.kind === 'PodDisruptionBudget')).toBe(profile === 'production');
  });

  test('v0.8.1 (supports Kubernetes 1.31+), upstream args, uid 1000, read-only root with /tmp as cert dir', () => {
    const pod = find(synth(), 'Deployment', 'metrics-server').spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe('registry.k8s.io/metrics-server/metrics-server:v0.8.1');
    expect(c.args).toEqual(['--cert-dir=/tmp', '--secure-port=10250', '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
      '--kubelet-use-node-status-port', '--metric-resolution=15s']);
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsNonRoot: true });
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.volumeMounts).toEqual([{ name: 'tmp-dir', mountPath: '/tmp' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'https', scheme: 'HTTPS' });
    expect(pod.priorityClassName).toBe('system-cluster-critical');
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  test('the contract catches the cert dir moved onto the read-only root', () => {
    const manifests = synth();
    find(manifests, 'Deployment', 'metrics-server').spec.template.spec.containers[0].args[0] = '--cert-dir=/certs';
    expect(checkImageContracts(manifests, [METRICS_SERVER_IMAGE_CONTRACT]).join('\n')).toMatch(/writes \/certs .*read-only root filesystem/);
  });

  test('RBAC as upstream: aggregated reader (view/edit/admin), system:metrics-server, auth-delegator, auth-reader in kube-system', () => {
    const manifests = synth();
    const reader = find(manifests, 'ClusterRole', 'system:aggregated-metrics-reader');
    expect(reader.metadata.labels).toMatchObject({
      'rbac.authorization.k8s.io/aggregate-to-view': 'true', 'rbac.authorization.k8s.io/aggregate-to-edit': 'true', 'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
    });
    expect(reader.rules).toEqual([{ apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] }]);
    expect(find(manifests, 'ClusterRole', 'system:metrics-server').rules).toEqual([
      { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(find(manifests, 'ClusterRoleBinding', 'metrics-server:system:auth-delegator').roleRef.name).toBe('system:auth-delegator');
    const authReader = find(manifests, 'RoleBinding', 'metrics-server-auth-reader');
    expect(authReader.metadata.namespace).toBe('kube-system');
    expect(authReader.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' });
    expect(authReader.subjects).toEqual([{ kind: 'ServiceAccount', name: 'metrics-server', namespace: 'monitoring' }]);
    for (const m of manifests.filter((o) => o.kind.startsWith('Cluster'))) expect(m.metadata.namespace).toBeUndefined();
  });

  test('the wiring check knows the bootstrap Role in kube-system, and still flags any other missing Role there', () => {
    const manifests = synth();
    const binding = find(manifests, 'RoleBinding', 'metrics-server-auth-reader');
    const broken: Manifest = { ...binding as Manifest, metadata: { ...binding.metadata, name: 'typo' }, roleRef: { ...binding.roleRef, name: 'extension-apiserver-authentication-raeder' } };
    expect(runAllChecks([...manifests, broken]).map((v) => `${v.rule} ${v.resource}`)).toEqual(['wiring/role-ref RoleBinding kube-system/typo']);
  });

  test('APIService v1beta1.metrics.k8s.io (apiregistration.k8s.io/v1, in the 1.27 allow-list) points at the Service; insecureSkipTLSVerify as upstream', () => {
    const manifests = synth();
    const api = find(manifests, 'APIService', METRICS_API_SERVICE_NAME);
    expect(api.apiVersion).toBe('apiregistration.k8s.io/v1');
    expect(api.metadata.namespace).toBeUndefined();
    expect(api.spec).toEqual({
      service: { name: 'metrics-server', namespace: 'monitoring', port: 443 }, group: 'metrics.k8s.io', version: 'v1beta1',
      groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true,
    });
    expect(find(manifests, 'Service', 'metrics-server').spec.ports).toEqual([{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP', appProtocol: 'https' }]);
  });

  test('with a serving certificate the APIService pins the CA instead of skipping verification', () => {
    const manifests = synth({ servingCertificate: { secretName: 'metrics-server-tls', caBundle: Buffer.from('-----BEGIN CERTIFICATE-----').toString('base64') } });
    const api = find(manifests, 'APIService', METRICS_API_SERVICE_NAME);
    expect(api.spec.insecureSkipTLSVerify).toBeUndefined();
    expect(api.spec.caBundle).toBeDefined();
    const c = find(manifests, 'Deployment', 'metrics-server').spec.template.spec.containers[0];
    expect(c.args).toEqual(expect.arrayContaining(['--tls-cert-file=/etc/metrics-server/tls/tls.crt', '--tls-private-key-file=/etc/metrics-server/tls/tls.key']));
    expect(formatViolations(runAllChecks(manifests))).toBe('');
  });

  test('synth fails when anything else in the app registers v1beta1.metrics.k8s.io (prometheus-adapter)', () => {
    const { app } = build();
    const adapter = new Chart(app, 'adapter', { namespace: 'monitoring' });
    new k8s.KubeApiService(adapter, 'resource-metrics', {
      metadata: { name: METRICS_API_SERVICE_NAME },
      spec: { service: { name: 'prometheus-adapter', namespace: 'monitoring' }, group: 'metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100 },
    });
    expect(() => app.synth()).toThrow(/APIService v1beta1.metrics.k8s.io is also emitted by adapter\/resource-metrics .*keep metrics-server or the adapter's resource metrics, not both/);
  });

  test('the collisions check flags two APIServices of that name in any manifest set', () => {
    const manifests = synth();
    const api = find(manifests, 'APIService', METRICS_API_SERVICE_NAME);
    const adapter: Manifest = { ...api as Manifest, spec: { ...api.spec, service: { name: 'prometheus-adapter', namespace: 'monitoring' } } };
    const rules = runAllChecks([...manifests, adapter]).filter((v) => v.rule === 'collisions/duplicate-object');
    expect(rules.map((v) => v.resource)).toEqual([`APIService ${METRICS_API_SERVICE_NAME}`]);
  });

  test.each<[string, MetricsServerProps, RegExp]>([
    ['an unknown address type', { kubeletPreferredAddressTypes: ['InternalIp' as any] }, /kubeletPreferredAddressTypes\[0\] "InternalIp".*did you mean "InternalIP"/],
    ['a caBundle that is no base64', { servingCertificate: { secretName: 'tls', caBundle: '-----BEGIN' } }, /servingCertificate.caBundle "<redacted>": must be the base64/],
    ['a CIDR with host bits', { apiServerCidr: '10.0.0.1/8' }, /did you mean "10.0.0.0\/8"/],
  ])('rejects %s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
