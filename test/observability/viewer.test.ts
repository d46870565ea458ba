import { App, Chart } from 'cdk8s';
import { formatViolations, manifestsOf, runAllChecks } from '../../lib/checks';
import { ReadOnlyViewer } from '../../lib/observability';
import { NamespacesChart } from '../../lib/platform/namespaces';
import { find } from '../support/manifests';

describe('ReadOnlyViewer', () => {
  const app = new App({ recordConstructMetadata: false });
  new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'monitoring', podSecurity: 'restricted' }] });
  const viewer = new ReadOnlyViewer(new Chart(app, 'monitoring', { namespace: 'monitoring' }), 'viewer');
  const manifests = manifestsOf(app);

  test('a ServiceAccount bound to the built-in view ClusterRole, never cluster-admin, no token Secret', () => {
    expect(formatViolations(runAllChecks(manifests))).toBe('');
    const binding = find(manifests, 'ClusterRoleBinding', 'monitoring-viewer');
    expect(binding.metadata.namespace).toBeUndefined();
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'viewer', namespace: 'monitoring' }]);
    expect(manifests.some((m) => m.kind === 'Secret' || m.roleRef?.name === 'cluster-admin' || m.kind === 'ClusterRole')).toBe(false);
    expect(find(manifests, 'ServiceAccount', 'viewer').automountServiceAccountToken).toBe(false);
  });

  test('documents the token command', () => {
    expect(viewer.tokenCommand).toBe('kubectl -n monitoring create token viewer --duration=1h');
  });
});
