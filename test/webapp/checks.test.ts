import { App, Chart } from 'cdk8s';
import { Flow, formatViolations, manifestsOf, runAllChecks } from '../../lib/checks';
import { NamespacesChart } from '../../lib/platform/namespaces';
import { demoWebAppProps, WebApp, WebAppProps } from '../../lib/webapp';

function platformApp(props: WebAppProps): { app: App; web: WebApp } {
  const app = new App({ recordConstructMetadata: false });
  new NamespacesChart(app, 'namespaces', {
    namespaces: [
      { name: 'metrics', podSecurity: 'privileged', reason: 'node-exporter needs hostNetwork, hostPID and read-only hostPath mounts' },
      { name: 'apps', podSecurity: 'restricted' },
      { name: 'monitoring', podSecurity: 'restricted' },
    ],
  });
  const web = new WebApp(new Chart(app, 'apps', { namespace: 'apps' }), 'web', props);
  return { app, web };
}

const PROMETHEUS = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };

/** Flows the NetworkPolicy must allow: a client in another namespace to the app, Prometheus to metrics. */
function flowsOf(web: WebApp, port: number, metricsPort?: number): Flow[] {
  return [
    { name: 'client -> web', from: { namespace: 'monitoring', labels: { app: 'client' } }, to: { namespace: 'apps', labels: web.selectorLabels }, port },
    ...(metricsPort ? [{ name: 'prometheus -> web metrics', from: PROMETHEUS, to: { namespace: 'apps', labels: web.selectorLabels }, port: metricsPort }] : []),
  ];
}

describe('WebApp against the verification harness', () => {
  test.each<[string, WebAppProps, number, number | undefined]>([
    ['demo podinfo', demoWebAppProps(), 9898, 9797],
    ['single replica, no metrics', { name: 'tiny', image: 'registry.example.com/tiny:0.1.0', replicas: 1 }, 8080, undefined],
    ['NodePort, HPA, namespaced + cluster RBAC, separate metrics Service', {
      ...demoWebAppProps({ replicas: undefined }),
      serviceType: 'NodePort', nodePort: 30898,
      autoscaling: { minReplicas: 2, maxReplicas: 5 },
      apiAccess: {
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
        clusterRules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }],
      },
    }, 9898, 9797],
    ['cluster RBAC only', {
      name: 'lister', image: 'registry.example.com/lister:2.0.0', metricsPort: 9090,
      apiAccess: { clusterRules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['list'] }] },
    }, 8080, 9090],
  ])('%s: no violations, declared flows allowed', (_, props, port, metricsPort) => {
    const { app, web } = platformApp(props);
    const violations = runAllChecks(manifestsOf(app), { flows: flowsOf(web, port, metricsPort) });
    expect(formatViolations(violations)).toBe('');
  });

  test('declared peers: the flow from an undeclared client is reported', () => {
    const GATEWAY = { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/instance': 'gateway', 'app.kubernetes.io/component': 'web' };
    const { app, web } = platformApp({ ...demoWebAppProps(), allowFrom: [{ podLabels: GATEWAY, namespace: 'monitoring' }] });
    // The admitted client exists (a peer matching no pod would be a violation of its own).
    new WebApp(new Chart(app, 'edge', { namespace: 'monitoring' }), 'gateway', { name: 'gateway', image: 'registry.example.com/gateway:1.0.0', replicas: 1 });
    const gateway: Flow = { name: 'gateway -> web', from: { namespace: 'monitoring', labels: GATEWAY }, to: { namespace: 'apps', labels: web.selectorLabels }, port: 9898 };
    expect(formatViolations(runAllChecks(manifestsOf(app), { flows: [gateway] }))).toBe('');
    const stranger = { ...gateway, name: 'stranger -> web', from: { namespace: 'monitoring', labels: { app: 'stranger' } } };
    expect(runAllChecks(manifestsOf(app), { flows: [stranger] }).map((v) => v.rule)).toEqual([expect.stringMatching(/flow/)]);
  });
});
