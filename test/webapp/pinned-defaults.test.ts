import { Chart, Testing } from 'cdk8s';
import { WebApp, WebAppProps } from '../../lib/webapp';

// What only the snapshots pinned: literal rollout defaults, probe timings and default resources.

type Manifest = Record<string, any>;

function deployment(props: Partial<WebAppProps> = {}): Manifest {
  const chart = new Chart(Testing.app(), 'apps', { namespace: 'apps' });
  new WebApp(chart, 'web', { name: 'shop', image: 'registry.example.com/shop:1.4.2', ...props });
  return Testing.synth(chart).find((m) => m.kind === 'Deployment')!;
}

describe('WebApp pinned defaults', () => {
  test('rollout defaults', () => {
    const spec = deployment().spec;
    expect(spec.replicas).toBe(2);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } });
    expect(spec.minReadySeconds).toBe(10);
    expect(spec.progressDeadlineSeconds).toBe(600);
    expect(spec.revisionHistoryLimit).toBe(10);
    expect(spec.template.spec.terminationGracePeriodSeconds).toBe(30);
  });

  test('probe timings', () => {
    const c = deployment().spec.template.spec.containers[0];
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 });
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/', port: 'http' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 });
  });

  test('default resources', () => {
    expect(deployment().spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' },
    });
  });
});
