import { checkCollisions, Manifest, runAllChecks } from '../../lib/checks';

const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}) });
const configMap = (name: string, namespace?: string): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, namespace), data: {} });
const clusterRole = (name: string): Manifest => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta(name), rules: [] });

function daemonSet(name: string, namespace: string, pod: { hostNetwork?: boolean; ports?: any[]; hostPaths?: Array<{ path: string; readOnly?: boolean; subPath?: string }> }): Manifest {
  const volumes = (pod.hostPaths ?? []).map((h, i) => ({ name: `v${i}`, hostPath: { path: h.path } }));
  const volumeMounts = (pod.hostPaths ?? []).map((h, i) => ({ name: `v${i}`, mountPath: `/mnt/${i}`, readOnly: h.readOnly, subPath: h.subPath }));
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta(name, namespace),
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { hostNetwork: pod.hostNetwork, containers: [{ name, image: 'x:1', ports: pod.ports ?? [], volumeMounts }], volumes },
      },
    },
  };
}

const rules = (manifests: Manifest[]) => checkCollisions(manifests).map((v) => `${v.rule} ${v.resource}`);

describe('collisions (SPEC §10.8)', () => {
  test('the same kind/namespace/name twice is a violation, also when the files differ only in API version', () => {
    expect(rules([configMap('app-config', 'apps'), configMap('app-config', 'apps')])).toEqual(['collisions/duplicate-object ConfigMap apps/app-config']);
    const v2 = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web', 'apps') };
    const v1 = { ...v2, apiVersion: 'autoscaling/v1' };
    const [violation] = checkCollisions([v2, v1]);
    expect(violation.message).toBe('emitted 2 times (as autoscaling/v2 and autoscaling/v1): Kubernetes keeps one object per kind, namespace and name, so the last applied silently replaces the others');
  });

  test('the same name in two namespaces, or as two kinds, is fine; a missing namespace is "default"', () => {
    expect(rules([configMap('c', 'a'), configMap('c', 'b'), { ...configMap('c', 'a'), kind: 'Secret' }])).toEqual([]);
    expect(rules([configMap('c'), configMap('c', 'default')])).toEqual(['collisions/duplicate-object ConfigMap default/c']);
  });

  test('cluster-scoped names are unique in the whole output, whatever namespace was stamped on them', () => {
    expect(rules([clusterRole('fluentd-es'), { ...clusterRole('fluentd-es'), metadata: meta('fluentd-es', 'tenant-b') }]))
      .toEqual(['collisions/duplicate-object ClusterRole fluentd-es']);
  });

  test('custom kinds that a CRD in the output declares cluster-scoped are too', () => {
    const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: meta('widgets.example.com'), spec: { scope: 'Cluster', names: { kind: 'Widget' } } };
    const widget = (ns: string) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w', ns) });
    expect(rules([crd, widget('a'), widget('b')])).toEqual(['collisions/duplicate-object Widget a/w']);
    expect(rules([widget('a'), widget('b')])).toEqual([]);
  });

  test('two workloads on one host port (hostPort, or any port of a hostNetwork pod) collide; protocols are separate', () => {
    const a = daemonSet('node-exporter', 'metrics', { hostNetwork: true, ports: [{ containerPort: 9100 }] });
    const b = daemonSet('node-exporter', 'tenant-metrics', { ports: [{ containerPort: 9100, hostPort: 9100 }] });
    const udp = daemonSet('dns', 'x', { ports: [{ containerPort: 9100, hostPort: 9100, protocol: 'UDP' }] });
    const [violation, ...rest] = checkCollisions([a, b, udp]);
    expect(rest).toEqual([]);
    expect(violation.rule).toBe('collisions/host-port');
    expect(violation.resource).toBe('DaemonSet metrics/node-exporter');
    expect(violation.message).toContain('host port 9100/TCP is also published by DaemonSet tenant-metrics/node-exporter');
    expect(rules([a, daemonSet('other', 'x', { ports: [{ containerPort: 9100 }] })])).toEqual([]);
  });

  test('two DaemonSets writing one host directory (or one inside the other) collide; read-only mounts do not', () => {
    const fluentdA = daemonSet('fluentd', 'a', { hostPaths: [{ path: '/var/log', readOnly: true }, { path: '/var/lib/fluentd' }] });
    const fluentdB = daemonSet('fluentd', 'b', { hostPaths: [{ path: '/var/log', readOnly: true }, { path: '/var/lib/fluentd/' }] });
    expect(rules([fluentdA, fluentdB])).toEqual(['collisions/host-path DaemonSet a/fluentd']);
    const nested = daemonSet('agent', 'c', { hostPaths: [{ path: '/var/lib', subPath: 'fluentd/pos' }] });
    expect(rules([fluentdA, nested])).toEqual(['collisions/host-path DaemonSet a/fluentd']);
    const own = daemonSet('fluentd', 'b', { hostPaths: [{ path: '/var/log', readOnly: true }, { path: '/var/lib/fluentd-b' }] });
    expect(rules([fluentdA, own])).toEqual([]);
  });

  test('runAllChecks (and so the validation plugin) reports collisions', () => {
    expect(runAllChecks([configMap('c', 'a'), configMap('c', 'a')]).map((v) => v.rule)).toContain('collisions/duplicate-object');
  });
});
