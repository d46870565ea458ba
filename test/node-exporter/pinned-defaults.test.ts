import { Chart, Testing } from 'cdk8s';
import { NodeExporter } from '../../lib/node-exporter';

// What only the snapshots pinned: literal args, probe timings, default resources and rollout.

function daemonSet(): Record<string, any> {
  const chart = new Chart(Testing.app(), 'metrics', { namespace: 'metrics' });
  new NodeExporter(chart, 'node-exporter', {});
  return Testing.synth(chart).find((m) => m.kind === 'DaemonSet')!;
}

describe('NodeExporter pinned defaults', () => {
  test('args', () => {
    expect(daemonSet().spec.template.spec.containers[0].args).toEqual([
      '--path.procfs=/host/proc',
      '--path.sysfs=/host/sys',
      '--path.rootfs=/host/root',
      '--path.udev.data=/host/root/run/udev/data',
      '--web.listen-address=[$(HOST_IP)]:9100',
      '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|run/k3s/containerd/.+|var/lib/docker/.+|var/lib/containerd/.+|var/lib/kubelet/pods/.+)($|/)',
      '--collector.netclass.ignored-devices=^(veth.*|cali.*|[a-f0-9]{15})$',
      '--collector.netdev.device-exclude=^(veth.*|cali.*|[a-f0-9]{15})$',
    ]);
  });

  test('probe timings, resources, rollout', () => {
    const ds = daemonSet();
    const c = ds.spec.template.spec.containers[0];
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/', port: 'scrape' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/', port: 'scrape' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 });
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '180Mi' } });
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
  });
});
