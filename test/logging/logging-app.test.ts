import { App, Chart } from 'cdk8s';
import { efkProfileProps, PROFILES } from '../../lib/platform/profile';
import { formatViolations, manifestsOf, runAllChecks } from '../../lib/checks';
import { NamespacesChart, NamespaceSpec } from '../../lib/platform/namespaces';
import { EfkStack, EfkStackProps } from '../../lib/logging';
import { MonitoringChart } from '../../lib/monitoring';

const NAMESPACES: NamespaceSpec[] = [
  { name: 'logging', podSecurity: 'restricted' },
  { name: 'logging-agents', podSecurity: 'privileged', reason: 'fluentd-es runs as root with hostPath mounts to read the container logs of every node' },
  { name: 'monitoring', podSecurity: 'restricted' },
];

/** The whole logging app as the platform composes it: namespaces first, then the two logging charts. */
function loggingApp(props: Partial<EfkStackProps> = {}, namespaces: NamespaceSpec[] = NAMESPACES): { app: App; efk: EfkStack } {
  const app = new App({ recordConstructMetadata: false });
  const ns = new NamespacesChart(app, 'namespaces', { namespaces });
  const logging = new Chart(app, 'logging', { namespace: 'logging' });
  const agents = new Chart(app, 'logging-agents', { namespace: 'logging-agents' });
  logging.addDependency(ns);
  agents.addDependency(ns);
  const efk = new EfkStack(logging, 'efk', { agentScope: agents, ...props });
  return { app, efk };
}

function violations(app: App, efk: EfkStack): string {
  return formatViolations(runAllChecks(manifestsOf(app), { flows: efk.flows }));
}

describe('the logging app passes every check', () => {
  test.each<[string, Partial<EfkStackProps>]>([
    ['production defaults', {}],
    ['production with security on', {
      security: {
        enabled: true, elasticPasswordSecret: 'es-elastic', tlsSecret: 'es-tls', exporterCredentialsSecret: 'es-monitor',
        kibanaCredentialsSecret: 'kibana-system', fluentdCredentialsSecret: 'fluentd-es-user', fluentdCaSecret: 'es-ca',
      },
      kibana: { replicas: 2, apiServerProxy: true },
    }],
    ['dev with emptyDir storage', efkProfileProps(PROFILES.dev, { storage: { emptyDir: true } })],
  ])('%s', (_, props) => {
    const { app, efk } = loggingApp(props);
    expect(violations(app, efk)).toBe('');
  });

  test('monitors built from the metrics endpoints select what exists', () => {
    const { app, efk } = loggingApp();
    new MonitoringChart(app, 'monitoring', { endpoints: [efk.elasticsearch.metricsEndpoint, efk.fluentd.metricsEndpoint] });
    const manifests = manifestsOf(app);
    expect(manifests.map((m) => m.kind)).toEqual(expect.arrayContaining(['ServiceMonitor', 'PodMonitor']));
    expect(formatViolations(runAllChecks(manifests, { flows: efk.flows }))).toBe('');
  });

  test('the namespace specs the stack asks for are the ones the platform sets', () => {
    const { efk } = loggingApp();
    expect(efk.namespaceSpecs.map((s) => [s.name, s.podSecurity])).toEqual([['logging', 'restricted'], ['logging-agents', 'privileged']]);
  });

  test('the opt-in sysctl init container passes once the logging namespace gets the level the stack asks for', () => {
    const app = new App({ recordConstructMetadata: false });
    const ns = new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'monitoring', podSecurity: 'restricted' }] });
    const logging = new Chart(app, 'logging', { namespace: 'logging' });
    const agents = new Chart(app, 'logging-agents', { namespace: 'logging-agents' });
    const efk = new EfkStack(logging, 'efk', { agentScope: agents, elasticsearch: { sysctlInitContainer: true } });
    for (const spec of efk.namespaceSpecs) ns.addNamespace(spec);
    expect(violations(app, efk)).toBe('');
  });

  test('the checks catch a sysctl init container in a restricted logging namespace', () => {
    const { app, efk } = loggingApp({ elasticsearch: { sysctlInitContainer: true } });
    const found = runAllChecks(manifestsOf(app), { flows: efk.flows });
    expect(found.map((v) => `${v.rule} ${v.resource}`)).toEqual(expect.arrayContaining([
      'policy/pod-security StatefulSet logging/elasticsearch-logging',
      'policy/privilege-escalation StatefulSet logging/elasticsearch-logging',
    ]));
  });

  test('the checks catch Fluentd in a namespace that is not privileged', () => {
    const { app, efk } = loggingApp({}, NAMESPACES.map((n) => (n.name === 'logging-agents' ? { name: n.name, podSecurity: 'restricted' } : n)));
    const found = runAllChecks(manifestsOf(app), { flows: efk.flows });
    expect(found.map((v) => `${v.rule} ${v.resource}`)).toContain('policy/pod-security DaemonSet logging-agents/fluentd-es');
  });
});
