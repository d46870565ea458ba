import { App, Chart } from 'cdk8s';
import { formatViolations, manifestsOf, runAllChecks } from '../../lib/checks';
import { NodeExporter, NodeExporterProps } from '../../lib/node-exporter';
import { NamespacesChart } from '../../lib/platform/namespaces';

function platformApp(props: NodeExporterProps = {}, podSecurity: 'privileged' | 'restricted' = 'privileged'): App {
  const app = new App({ recordConstructMetadata: false });
  new NamespacesChart(app, 'namespaces', {
    namespaces: [
      { name: 'metrics', podSecurity, reason: 'node-exporter needs hostNetwork, hostPID and read-only hostPath mounts' },
      { name: 'apps', podSecurity: 'restricted' },
      { name: 'monitoring', podSecurity: 'restricted' },
    ],
  });
  new NodeExporter(new Chart(app, 'metrics', { namespace: 'metrics' }), 'node-exporter', props);
  return app;
}

describe('NodeExporter against the verification harness', () => {
  test.each<[string, NodeExporterProps]>([
    ['defaults', {}],
    ['custom port, percentage budget, change cause, no priority class', { port: 9200, maxUnavailable: '10%', changeCause: 'move to 9200', priorityClassName: null }],
  ])('%s: no violations in a privileged-labelled namespace', (_, props) => {
    expect(formatViolations(runAllChecks(manifestsOf(platformApp(props))))).toBe('');
  });

  test('the harness rejects it in a restricted namespace (the host access is real)', () => {
    const rules = runAllChecks(manifestsOf(platformApp({}, 'restricted'))).map((v) => v.rule);
    expect(rules).toContain('policy/pod-security');
  });
});
