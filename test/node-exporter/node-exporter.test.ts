import { App, Chart, Testing } from 'cdk8s';
import { NodeExporter, NodeExporterProps, NODE_EXPORTER_DEFAULT_IMAGE } from '../../lib/node-exporter';

type Manifest = Record<string, any>;

function synth(props: NodeExporterProps = {}): { exporter: NodeExporter; manifests: Manifest[] } {
  const app = Testing.app();
  const chart = new Chart(app, 'metrics', { namespace: 'metrics' });
  const exporter = new NodeExporter(chart, 'node-exporter', props);
  return { exporter, manifests: Testing.synth(chart) };
}

function find(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (!found) throw new Error(`no ${kind}${name ? `/${name}` : ''} in ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
}

const daemonSetOf = (props: NodeExporterProps = {}) => find(synth(props).manifests, 'DaemonSet');
const containerOf = (props: NodeExporterProps = {}) => daemonSetOf(props).spec.template.spec.containers[0];

describe('NodeExporter', () => {
  test('snapshot', () => {
    expect(synth({ changeCause: 'initial install' }).manifests).toMatchSnapshot();
  });

  test('creates DaemonSet, headless Service and token-less ServiceAccount named node-exporter, no PDB or NetworkPolicy', () => {
    const { manifests } = synth();
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'DaemonSet/node-exporter', 'Service/node-exporter', 'ServiceAccount/node-exporter',
    ]);
    for (const m of manifests) expect(m.metadata.namespace).toBe('metrics');
  });

  test('host namespaces, DNS policy and update strategy come out in the synthesized JSON', () => {
    const ds = daemonSetOf();
    expect(ds.apiVersion).toBe('apps/v1');
    expect(ds.spec.template.spec).toMatchObject({ hostNetwork: true, hostPID: true, dnsPolicy: 'ClusterFirstWithHostNet' });
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
  });

  test('maxUnavailable accepts a percentage and revisionHistoryLimit is configurable', () => {
    const ds = daemonSetOf({ maxUnavailable: '10%', revisionHistoryLimit: 3 });
    expect(ds.spec.updateStrategy.rollingUpdate.maxUnavailable).toBe('10%');
    expect(ds.spec.revisionHistoryLimit).toBe(3);
    expect(daemonSetOf({ maxUnavailable: 2 }).spec.updateStrategy.rollingUpdate.maxUnavailable).toBe(2);
  });

  test('port 9100 is published as hostPort 9100 named scrape, bound to the node InternalIP', () => {
    const c = containerOf();
    expect(c.ports).toEqual([{ name: 'scrape', containerPort: 9100, hostPort: 9100, protocol: 'TCP' }]);
    expect(c.args).toContain('--web.listen-address=[$(HOST_IP)]:9100');
    expect(c.env).toEqual([{ name: 'HOST_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.hostIP' } } }]);
  });

  test('a custom port moves container port, hostPort, listen address and Service together', () => {
    const { manifests } = synth({ port: 9200, listenOnAllInterfaces: true });
    const c = find(manifests, 'DaemonSet').spec.template.spec.containers[0];
    expect(c.ports[0]).toMatchObject({ containerPort: 9200, hostPort: 9200 });
    expect(c.args).toContain('--web.listen-address=:9200');
    expect(c.env).toBeUndefined();
    expect(find(manifests, 'Service').spec.ports).toEqual([{ name: 'scrape', port: 9200, targetPort: 'scrape', protocol: 'TCP' }]);
  });

  test('image is pinned and the path flags point at read-only host mounts; root uses HostToContainer', () => {
    const ds = daemonSetOf();
    const c = ds.spec.template.spec.containers[0];
    expect(c.image).toBe(NODE_EXPORTER_DEFAULT_IMAGE);
    expect(c.image).toMatch(/^quay\.io\/prometheus\/node-exporter:v1\.\d+\.\d+$/);
    expect(c.args.slice(0, 3)).toEqual(['--path.procfs=/host/proc', '--path.sysfs=/host/sys', '--path.rootfs=/host/root']);
    expect(c.args.some((a: string) => a.startsWith('--collector.filesystem.mount-points-exclude='))).toBe(true);
    expect(c.volumeMounts).toEqual([
      { name: 'proc', mountPath: '/host/proc', readOnly: true },
      { name: 'sys', mountPath: '/host/sys', readOnly: true, mountPropagation: 'HostToContainer' },
      { name: 'root', mountPath: '/host/root', readOnly: true, mountPropagation: 'HostToContainer' },
    ]);
    expect(ds.spec.template.spec.volumes).toEqual([
      { name: 'proc', hostPath: { path: '/proc', type: 'Directory' } },
      { name: 'sys', hostPath: { path: '/sys', type: 'Directory' } },
      { name: 'root', hostPath: { path: '/', type: 'Directory' } },
    ]);
  });

  test('collector flags are replaceable', () => {
    const c = containerOf({ collectorArgs: ['--no-collector.wifi'] });
    expect(c.args.slice(5)).toEqual(['--no-collector.wifi']);
  });

  test('tolerates every taint, runs on Linux nodes, system-node-critical by default', () => {
    const spec = daemonSetOf().spec.template.spec;
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(spec.priorityClassName).toBe('system-node-critical');
    expect(daemonSetOf({ priorityClassName: null }).spec.template.spec).not.toHaveProperty('priorityClassName');
    expect(daemonSetOf({ priorityClassName: 'node-agents' }).spec.template.spec.priorityClassName).toBe('node-agents');
  });

  test('container stays at the restricted baseline: uid 65534, read-only root, drop ALL, no token', () => {
    const { manifests } = synth();
    const spec = find(manifests, 'DaemonSet').spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, privileged: false,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe('node-exporter');
    expect(find(manifests, 'ServiceAccount').automountServiceAccountToken).toBe(false);
  });

  test('the host access is recorded as a security exception on the pod template', () => {
    const annotations = daemonSetOf().spec.template.metadata.annotations;
    expect(annotations['platform.cdk8s.io/security-exception']).toMatch(/hostNetwork.*hostPID.*hostPath/);
  });

  test('requests, limits, readiness and liveness on / at the scrape port', () => {
    const c = containerOf();
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '180Mi' } });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/', port: 'scrape' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/', port: 'scrape' });
  });

  test('change cause is an annotation on the DaemonSet (copied to its ControllerRevisions)', () => {
    expect(daemonSetOf({ changeCause: 'update to v1.9.1' }).metadata.annotations).toEqual({ 'kubernetes.io/change-cause': 'update to v1.9.1' });
    expect(daemonSetOf().metadata).not.toHaveProperty('annotations');
  });

  test('selectors use the stable app.kubernetes.io labels, never the version or the origin app label', () => {
    const { manifests, exporter } = synth();
    const ds = find(manifests, 'DaemonSet');
    const expected = {
      'app.kubernetes.io/name': 'node-exporter',
      'app.kubernetes.io/instance': 'node-exporter',
      'app.kubernetes.io/component': 'exporter',
    };
    expect(ds.spec.selector).toEqual({ matchLabels: expected });
    expect(find(manifests, 'Service').spec.selector).toEqual(expected);
    expect(exporter.selectorLabels).toEqual(expected);
    expect(ds.spec.template.metadata.labels).toMatchObject({ ...expected, app: 'node-exporter', 'app.kubernetes.io/version': 'v1.9.1' });
  });

  test('headless discovery Service publishes not-ready exporters and is the metrics endpoint', () => {
    const { manifests, exporter } = synth();
    const svc = find(manifests, 'Service');
    expect(svc.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(svc.spec.ports).toEqual([{ name: 'scrape', port: 9100, targetPort: 'scrape', protocol: 'TCP' }]);
    expect(svc.metadata.labels).toMatchObject(exporter.metricsEndpoint.selector);
    expect(exporter.metricsEndpoint).toEqual({
      component: 'node-exporter', namespace: 'metrics', via: 'service', selector: exporter.selectorLabels, portName: 'scrape', path: '/metrics',
    });
  });

  test('upgrade safety: image, resources, maxUnavailable and change cause change no name or selector', () => {
    const identity = (ms: Manifest[]) => ms.map((m) => ({ kind: m.kind, name: m.metadata.name, selector: m.spec?.selector }));
    const before = synth().manifests;
    const after = synth({
      image: 'quay.io/prometheus/node-exporter:v1.9.0',
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      maxUnavailable: '20%',
      changeCause: 'roll back to v1.9.0',
    }).manifests;
    expect(identity(after)).toEqual(identity(before));
    expect(find(after, 'DaemonSet').spec.template.metadata.labels['app.kubernetes.io/version']).toBe('v1.9.0');
  });

  test('two synths are identical', () => {
    expect(JSON.stringify(synth().manifests)).toBe(JSON.stringify(synth().manifests));
  });

  test('needs a chart namespace', () => {
    expect(() => new NodeExporter(new Chart(Testing.app(), 'nons'), 'ne')).toThrow(/needs a namespace/);
  });

  const bad: [string, NodeExporterProps, RegExp][] = [
    ['hostPort differs from the container port', { hostPort: 19100 },
      /node-exporter: invalid hostPort 19100: must equal the container port \(9100\): with hostNetwork/],
    ['hostPort differs from a custom port', { port: 9200 , hostPort: 9100 }, /invalid hostPort 9100: must equal the container port \(9200\)/],
    ['port out of range', { port: 70000 }, /invalid port 70000: must be an integer from 1 to 65535/],
    ['maxUnavailable 0', { maxUnavailable: 0 }, /invalid maxUnavailable 0: must be an integer >= 1 or a percentage from "1%" to "100%"/],
    ['maxUnavailable 0%', { maxUnavailable: '0%' }, /invalid maxUnavailable "0%": must be an integer >= 1/],
    ['maxUnavailable 150%', { maxUnavailable: '150%' }, /invalid maxUnavailable "150%"/],
    ['maxUnavailable not a number', { maxUnavailable: 'one' }, /invalid maxUnavailable "one"/],
    ['maxUnavailable fractional', { maxUnavailable: 1.5 }, /invalid maxUnavailable 1.5/],
    ['revisionHistoryLimit negative', { revisionHistoryLimit: -1 }, /invalid revisionHistoryLimit -1: must be an integer >= 0/],
    ['latest image', { image: 'quay.io/prometheus/node-exporter:latest' }, /invalid image "quay.io\/prometheus\/node-exporter:latest": must name an explicit tag/],
    ['untagged image', { image: 'quay.io/prometheus/node-exporter' }, /invalid image/],
    ['bad name', { name: 'Node_Exporter' }, /invalid name "Node_Exporter": must be a DNS label/],
    ['bad quantity', { resources: { requests: { cpu: '50 m', memory: '64Mi' }, limits: { cpu: '250m', memory: '180Mi' } } },
      /invalid resources.requests.cpu "50 m": must be a positive Kubernetes quantity/],
    ['request above limit', { resources: { requests: { cpu: '1', memory: '64Mi' }, limits: { cpu: '250m', memory: '180Mi' } } },
      /invalid resources.requests.cpu "1": must not exceed resources.limits.cpu \(250m\)/],
    ['bad priority class', { priorityClassName: 'System Node' }, /invalid priorityClassName "System Node"/],
    ['collector arg without --', { collectorArgs: ['collector.wifi'] }, /invalid collectorArgs\[0\] "collector.wifi": must be a node-exporter flag/],
    ['collector arg overriding a path', { collectorArgs: ['--path.rootfs=/'] }, /invalid collectorArgs "--path.rootfs=\/": must not set --path/],
    ['empty change cause', { changeCause: ' ' }, /invalid changeCause " ": must be a non-empty single line/],
    ['multi-line change cause', { changeCause: 'a\nb' }, /invalid changeCause/],
  ];
  test.each(bad)('rejects %s', (_, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  test('errors name the construct path', () => {
    const app = new App();
    const chart = new Chart(app, 'metrics', { namespace: 'metrics' });
    expect(() => new NodeExporter(chart, 'ne', { hostPort: 1 })).toThrow(/^metrics\/ne: invalid hostPort 1: /);
  });
});
