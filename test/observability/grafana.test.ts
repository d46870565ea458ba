import { App, Chart } from 'cdk8s';
import { parse } from 'yaml';
import { formatViolations, Manifest, manifestsOf, runAllChecks } from '../../lib/checks';
import { Grafana, GrafanaProps, GRAFANA_IMAGE_CONTRACT, platformDashboards } from '../../lib/observability';
import { NamespacesChart } from '../../lib/platform/namespaces';
import { checkImageContracts, containersWithoutContract } from '../contracts/pod-contract';
import { find, Obj, stableName } from '../support/manifests';
import { DEV } from './prometheus-stack-support';


const BASE: GrafanaProps = { admin: { secretName: 'grafana-admin' }, prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090' };

function synth(props: Partial<GrafanaProps> = {}): { grafana: Grafana; manifests: Manifest[] } {
  const app = new App({ recordConstructMetadata: false });
  new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'monitoring', podSecurity: 'restricted' }] });
  const grafana = new Grafana(new Chart(app, 'monitoring', { namespace: 'monitoring' }), 'grafana', { ...BASE, ...props });
  return { grafana, manifests: manifestsOf(app) };
}

const container = (m: Obj[]) => find(m, 'Deployment', 'grafana').spec.template.spec.containers[0];

describe('Grafana', () => {
  test('objects: Deployment, Service, ServiceAccount, NetworkPolicy, provisioning ConfigMap and one ConfigMap per dashboard', () => {
    const { manifests } = synth();
    expect(manifests.filter((m) => m.kind !== 'Namespace').map((m) => `${m.kind}/${stableName(m)}`).sort()).toEqual([
      'ConfigMap/grafana-dashboard-platform-elasticsearch-<hash>', 'ConfigMap/grafana-dashboard-platform-fluentd-<hash>',
      'ConfigMap/grafana-dashboard-platform-kafka-<hash>', 'ConfigMap/grafana-dashboard-platform-nodes-<hash>',
      'ConfigMap/grafana-dashboard-platform-webapp-<hash>', 'ConfigMap/grafana-dashboard-platform-zookeeper-<hash>',
      'ConfigMap/grafana-provisioning-<hash>', 'Deployment/grafana', 'NetworkPolicy/grafana', 'Service/grafana', 'ServiceAccount/grafana',
    ]);
  });

  test.each(['production', 'dev'] as const)('%s profile passes every check (schema, policy, wiring, collisions) and the image contract', (profile) => {
    const { manifests } = synth(profile === 'dev' ? { ...DEV.grafanaProps } : {});
    expect(formatViolations(runAllChecks(manifests))).toBe('');
    expect(containersWithoutContract(manifests, [GRAFANA_IMAGE_CONTRACT])).toEqual([]);
    expect(checkImageContracts(manifests, [GRAFANA_IMAGE_CONTRACT])).toEqual([]);
    expect(container(manifests).resources.limits.memory).toBe({ production: '512Mi', dev: '384Mi' }[profile]);
  });

  test('the image contract catches a Grafana without a writable data directory', () => {
    const { manifests } = synth();
    const c = container(manifests);
    c.volumeMounts = c.volumeMounts.filter((m: Obj) => m.mountPath !== '/var/lib/grafana');
    expect(checkImageContracts(manifests, [GRAFANA_IMAGE_CONTRACT]).join('\n')).toMatch(/writes \/var\/lib\/grafana .*read-only root filesystem/);
  });

  test('restricted, uid 472, pinned image, /api/health probes, no API token', () => {
    const { manifests } = synth();
    const pod = find(manifests, 'Deployment', 'grafana').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 472, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    const c = pod.containers[0];
    expect(c.image).toBe('grafana/grafana:13.1.3');
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) expect(c[probe].httpGet).toMatchObject({ path: '/api/health', port: 'http' });
  });

  test('admin credentials only from the existing Secret, as __FILE variables', () => {
    const { manifests } = synth({ admin: { secretName: 'my-admin', userKey: 'user', passwordKey: 'pass' } });
    const deployment = find(manifests, 'Deployment', 'grafana');
    const c = container(manifests);
    expect(c.env).toEqual(expect.arrayContaining([
      { name: 'GF_SECURITY_ADMIN_USER__FILE', value: '/etc/grafana/admin/admin-user' },
      { name: 'GF_SECURITY_ADMIN_PASSWORD__FILE', value: '/etc/grafana/admin/admin-password' },
    ]));
    expect(c.env.some((e: Obj) => e.name === 'GF_SECURITY_ADMIN_PASSWORD')).toBe(false);
    expect(deployment.spec.template.spec.volumes.find((v: Obj) => v.name === 'admin').secret).toEqual({
      secretName: 'my-admin', defaultMode: 0o440, items: [{ key: 'user', path: 'admin-user' }, { key: 'pass', path: 'admin-password' }],
    });
    expect(deployment.spec.template.metadata.annotations['platform.cdk8s.io/external-secrets']).toBe('my-admin');
    expect(manifests.some((m) => m.kind === 'Secret')).toBe(false);
  });

  test('datasource and dashboard provider are provisioned from the content-addressed ConfigMap', () => {
    const { manifests } = synth();
    const cm = find(manifests, 'ConfigMap', 'grafana-provisioning');
    expect(cm.immutable).toBe(true);
    expect(parse(cm.data['datasources.yaml']).datasources).toEqual([expect.objectContaining({
      type: 'prometheus', uid: 'prometheus', url: 'http://prometheus-operated.monitoring.svc:9090', access: 'proxy', isDefault: true,
    })]);
    const provider = parse(cm.data['dashboards.yaml']).providers[0];
    expect(provider).toMatchObject({ type: 'file', folder: 'Platform', options: { path: '/var/lib/grafana-dashboards' } });
    const pod = find(manifests, 'Deployment', 'grafana').spec.template.spec;
    const projected = pod.volumes.find((v: Obj) => v.name === 'dashboards').projected.sources.map((s: Obj) => s.configMap.name);
    const dashboardMaps = manifests.filter((m) => m.kind === 'ConfigMap' && m.metadata.labels?.['grafana.com/dashboard-uid']);
    expect(projected.sort()).toEqual(dashboardMaps.map((m) => m.metadata.name).sort());
    expect(pod.containers[0].volumeMounts).toEqual(expect.arrayContaining([{ name: 'dashboards', mountPath: '/var/lib/grafana-dashboards', readOnly: true }]));
  });

  test('six dashboards, each a Grafana JSON model whose panels query the provisioned datasource', () => {
    const { manifests } = synth();
    const dashboards = manifests.filter((m) => m.kind === 'ConfigMap' && m.metadata.labels?.['grafana.com/dashboard-uid'])
      .map((m) => JSON.parse(Object.values(m.data as Record<string, string>)[0]));
    expect(dashboards.map((d) => d.title).sort()).toEqual(['Elasticsearch', 'Fluentd', 'Kafka', 'Nodes', 'Web app', 'ZooKeeper']);
    for (const d of dashboards) {
      const panels = d.panels.filter((p: Obj) => p.type !== 'row');
      expect(panels.length).toBeGreaterThan(3);
      for (const p of panels) {
        expect(p.datasource).toEqual({ type: 'prometheus', uid: 'prometheus' });
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      }
    }
  });

  test('a dashboard change renames only its ConfigMap, so the Deployment rolls', () => {
    const before = synth().manifests;
    const changed = platformDashboards();
    changed[0] = { ...changed[0], title: 'ZooKeeper ensemble' };
    const after = synth({ dashboards: changed }).manifests;
    const names = (m: Obj[]) => m.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name).sort();
    const diff = names(after).filter((n) => !names(before).includes(n));
    expect(diff).toEqual([expect.stringMatching(/^grafana-dashboard-platform-zookeeper-[0-9a-f]{10}$/)]);
  });

  test('NetworkPolicy: the UI from any pod by default, only from allowFrom (plus allowClient) when given; /metrics from monitoring', () => {
    const open = find(synth().manifests, 'NetworkPolicy', 'grafana').spec.ingress;
    expect(open[0]).toEqual({ from: [{ namespaceSelector: {} }], ports: [{ port: 3000, protocol: 'TCP' }] });
    const app = new App({ recordConstructMetadata: false });
    const grafana = new Grafana(new Chart(app, 'monitoring', { namespace: 'monitoring' }), 'grafana', { ...BASE, allowFrom: [{ podLabels: { app: 'proxy' }, namespace: 'ingress' }] });
    grafana.allowClient({ podLabels: { app: 'bastion' } });
    const rules = find(manifestsOf(app), 'NetworkPolicy', 'grafana').spec.ingress;
    expect(rules[0].from).toHaveLength(2);
    expect(rules[1].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
  });

  test.each<[string, Partial<GrafanaProps>, RegExp]>([
    ['no Prometheus URL', { prometheusUrl: 'prometheus:9090' }, /invalid prometheusUrl "prometheus:9090": must be an http\(s\) URL/],
    ['a Secret name that is no DNS name', { admin: { secretName: 'Admin_Secret' } }, /invalid admin.secretName "Admin_Secret"/],
    ['an unpinned image', { image: 'grafana/grafana:latest' }, /invalid image "grafana\/grafana:latest"/],
    ['two dashboards with one uid', { dashboards: [platformDashboards()[0], platformDashboards()[0]] }, /invalid dashboards\[1\].uid "platform-zookeeper": must be unique/],
    ['a panel wider than the grid', { dashboards: [{ ...platformDashboards()[0], rows: [{ title: 'r', panels: [{ title: 'p', kind: 'stat', width: 30, targets: [{ expr: 'up' }] }] }] }] }, /width 30 must be an integer from 1 to 24/],
    ['an unbalanced query', { dashboards: [{ ...platformDashboards()[0], rows: [{ title: 'r', panels: [{ title: 'p', kind: 'stat', targets: [{ expr: 'sum(up' }] }] }] }] }, /query "sum\(up" has an unclosed '\('/],
    ['an unknown Grafana variable', { dashboards: [{ ...platformDashboards()[0], rows: [{ title: 'r', panels: [{ title: 'p', kind: 'stat', targets: [{ expr: 'up{pod="$pod"}' }] }] }] }] }, /unknown variable \$pod/],
  ])('rejects %s', (_name, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
