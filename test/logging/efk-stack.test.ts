import { App, Chart, Testing } from 'cdk8s';
import { efkProfileProps, PROFILES } from '../../lib/platform/profile';
import { networkAllows } from '../../lib/checks';
import { EfkStack, EfkStackProps, ELASTIC_STACK_VERSION } from '../../lib/logging';
import { find, kindsAndNames, Obj, synthStack } from './support';

const SECURITY: EfkStackProps['security'] = {
  enabled: true,
  elasticPasswordSecret: 'es-elastic',
  tlsSecret: 'es-tls',
  kibanaCredentialsSecret: 'kibana-system',
  fluentdCredentialsSecret: 'fluentd-es-user',
  fluentdCaSecret: 'es-ca',
};

describe('EfkStack', () => {
  test('snapshot of the logging and agents charts', () => {
    const { logging, agents } = synthStack({ kibana: { apiServerProxy: true } });
    expect({ logging, agents }).toMatchSnapshot();
  });

  test('Elasticsearch and Kibana in the logging namespace, Fluentd in the agents namespace', () => {
    const { efk, logging, agents } = synthStack();
    expect(kindsAndNames(logging)).toEqual([
      'ConfigMap/elasticsearch-logging-config-<hash>', 'ConfigMap/elasticsearch-logging-retention-<hash>', 'ConfigMap/kibana-logging-config-<hash>',
      'CronJob/elasticsearch-logging-retention', 'Deployment/kibana-logging',
      'NetworkPolicy/elasticsearch-logging', 'NetworkPolicy/kibana-logging', 'PodDisruptionBudget/elasticsearch-logging-pdb',
      'Service/elasticsearch-logging', 'Service/elasticsearch-logging-headless', 'Service/kibana-logging',
      'ServiceAccount/elasticsearch-logging', 'ServiceAccount/kibana-logging', 'StatefulSet/elasticsearch-logging',
    ]);
    expect(logging.every((o) => o.metadata.namespace === 'logging')).toBe(true);
    expect(kindsAndNames(agents)).toEqual([
      'ClusterRole/logging-agents-fluentd-es', 'ClusterRoleBinding/logging-agents-fluentd-es', 'ConfigMap/fluentd-es-config-<hash>', 'DaemonSet/fluentd-es',
      'NetworkPolicy/fluentd-es', 'ServiceAccount/fluentd-es',
    ]);
    expect(efk.elasticsearch.namespace).toBe('logging');
    expect(efk.kibana.namespace).toBe('logging');
    expect(efk.fluentd.namespace).toBe('logging-agents');
  });

  test('one version in lockstep', () => {
    const { efk, logging } = synthStack({ version: '8.19.20' });
    expect(efk.version).toBe('8.19.20');
    expect(efk.elasticsearch.version).toBe('8.19.20');
    expect(efk.kibana.version).toBe('8.19.20');
    expect(find(logging, 'Deployment', 'kibana-logging').spec.template.spec.containers[0].image).toBe('docker.elastic.co/kibana/kibana:8.19.20');
    expect(synthStack().efk.version).toBe(ELASTIC_STACK_VERSION);
  });

  test('replicas, storage and profile reach Elasticsearch', () => {
    const sts = (o: Obj[]) => find(o, 'StatefulSet', 'elasticsearch-logging');
    const prod = synthStack({ replicas: 5, storage: { size: '100Gi' } }).logging;
    expect(sts(prod).spec.replicas).toBe(5);
    expect(sts(prod).spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('100Gi');
    const dev = synthStack(efkProfileProps(PROFILES.dev, { storage: { emptyDir: true } })).logging;
    expect(sts(dev).spec.replicas).toBe(1);
    expect(sts(dev).spec.volumeClaimTemplates).toBeUndefined();
  });

  test('parts stay customizable', () => {
    const { efk, logging, agents } = synthStack({
      elasticsearch: { clusterName: 'logs' },
      fluentd: { logstashPrefix: 'k8s' },
      kibana: { replicas: 2 },
    });
    expect(efk.elasticsearch.clusterName).toBe('logs');
    expect(find(agents, 'ConfigMap', 'fluentd-es-config').data['fluent.conf']).toContain('logstash_prefix k8s');
    expect(find(logging, 'PodDisruptionBudget', 'kibana-logging-pdb').spec.maxUnavailable).toBe(1);
  });

  test('namespace specs: restricted logging, privileged agents with the reason', () => {
    expect(synthStack().efk.namespaceSpecs).toEqual([
      { name: 'logging', podSecurity: 'restricted' },
      { name: 'logging-agents', podSecurity: 'privileged', reason: expect.stringMatching(/root/) },
    ]);
    const withSysctl = synthStack({ elasticsearch: { sysctlInitContainer: true } }).efk.namespaceSpecs;
    expect(withSysctl[0]).toEqual({ name: 'logging', podSecurity: 'privileged', reason: expect.stringMatching(/vm\.max_map_count/) });
  });

  test('one namespace for everything merges into one privileged spec with both reasons', () => {
    const chart = new Chart(Testing.app(), 'logging', { namespace: 'logging' });
    const efk = new EfkStack(chart, 'efk', { agentScope: chart });
    expect(efk.namespaceSpecs).toEqual([{ name: 'logging', podSecurity: 'privileged', reason: expect.stringMatching(/fluentd-es reads/) }]);
  });

  test('security Secrets reach each part', () => {
    const { logging, agents } = synthStack({ security: SECURITY });
    const annotation = (o: Obj) => o.spec.template.metadata.annotations['platform.cdk8s.io/external-secrets'];
    expect(annotation(find(logging, 'StatefulSet', 'elasticsearch-logging'))).toBe('es-elastic,es-tls');
    expect(annotation(find(logging, 'Deployment', 'kibana-logging'))).toBe('es-tls,kibana-system');
    expect(annotation(find(agents, 'DaemonSet', 'fluentd-es'))).toBe('es-ca,fluentd-es-user');
  });

  describe('network flows', () => {
    const { app, efk } = synthStack();
    const manifests = app.charts.flatMap((c) => c.toJson());
    const es = { namespace: 'logging', labels: efk.elasticsearch.selectorLabels };
    const fluentd = { namespace: 'logging-agents', labels: efk.fluentd.selectorLabels };
    const kibana = { namespace: 'logging', labels: efk.kibana.selectorLabels };
    const monitoring = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
    const stranger = { namespace: 'logging', labels: { app: 'curl' } };

    test.each(efk.flows.map((f) => [f.name, f] as const))('allows %s', (_, flow) => {
      expect(networkAllows(manifests, flow.from, flow.to, flow.port)).toBe(true);
    });

    test.each([
      ['another pod of the logging namespace -> 9200', stranger, es, 9200],
      ['a pod of another namespace with Fluentd\'s labels -> 9200', { namespace: 'default', labels: efk.fluentd.selectorLabels }, es, 9200],
      ['Fluentd -> 9300', fluentd, es, 9300],
      ['Kibana -> 9300', kibana, es, 9300],
      ['monitoring -> 9200', monitoring, es, 9200],
      ['another pod -> the exporter', stranger, es, 9114],
      ['another pod -> Fluentd metrics', stranger, fluentd, 24231],
    ])('denies %s', (_, from, to, port) => {
      expect(networkAllows(manifests, from, to, port)).toBe(false);
    });
  });
});

describe('EfkStack validation', () => {
  test.each<[string, Partial<EfkStackProps>, string]>([
    ['replicas 0', { replicas: 0 }, 'logging/efk/Elasticsearch: invalid replicas 0: must be an integer >= 1'],
    ['replicas 2 (origin)', { replicas: 2 }, 'logging/efk/Elasticsearch: invalid replicas 2: every node is master-eligible, so use an odd count'],
    ['a Kibana version other than the stack\'s', { kibana: { version: '8.18.0' } },
      `logging/efk/Kibana: invalid version "8.18.0": must equal the Elasticsearch version ${ELASTIC_STACK_VERSION}`],
    ['a 9.x stack', { version: '9.2.0' }, 'logging/efk: invalid version "9.2.0": must be an Elastic Stack 8.x release'],
    ['a bad size', { storage: { size: '0Gi' } }, 'logging/efk/Elasticsearch: invalid storage.size "0Gi": must be a positive Kubernetes quantity'],
    ['security on without Secret names', { security: { enabled: true } }, 'logging/efk/Elasticsearch: invalid security.elasticPasswordSecret undefined: required when security is enabled'],
    ['security on without Kibana credentials', { security: { ...SECURITY, kibanaCredentialsSecret: undefined } }, 'logging/efk/Kibana: invalid credentialsSecret undefined'],
    ['security on without Fluentd CA', { security: { ...SECURITY, fluentdCaSecret: undefined } }, 'logging-agents/efk-fluentd: invalid caSecret undefined'],
    ['a bad Elasticsearch name', { elasticsearch: { name: 'ES' } }, 'logging/efk/Elasticsearch: invalid name "ES": must be a DNS label'],
    ['a bad Fluentd name', { fluentd: { name: 'fluentd_es' } }, 'logging-agents/efk-fluentd: invalid name "fluentd_es": must be a DNS label'],
  ])('rejects %s', (_, props, message) => {
    expect(() => synthStack(props)).toThrow(message);
  });

  test('rejects an agent scope without a namespace', () => {
    const app = new App();
    const logging = new Chart(app, 'logging', { namespace: 'logging' });
    expect(() => new EfkStack(logging, 'efk', { agentScope: new Chart(app, 'agents') }))
      .toThrow('logging/efk: invalid agentScope "agents": must be inside a chart with a namespace');
  });
});
