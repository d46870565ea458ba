import { Chart, Testing } from 'cdk8s';
import { efkProfileProps, PROFILES } from '../../lib/platform/profile';
import { EfkStack, EfkStackProps, installScript, LogRetention, retentionDocuments } from '../../lib/logging';
import { scriptPrograms } from '../contracts/pod-contract';
import { ELASTICSEARCH_IMAGE_CONTRACT } from '../../lib/logging/elasticsearch-image';
import { find, Obj } from './support';

/** Index retention (issue 13): the ILM policy, the index template and their installer. */

function stack(props: Partial<EfkStackProps> = {}): { efk: EfkStack; logging: Obj[] } {
  const app = Testing.app();
  const logging = new Chart(app, 'logging', { namespace: 'logging' });
  const agents = new Chart(app, 'logging-agents', { namespace: 'logging-agents' });
  const efk = new EfkStack(logging, 'efk', { agentScope: agents, ...props });
  return { efk, logging: Testing.synth(logging) };
}

const cronJob = (objects: Obj[]): Obj => find(objects, 'CronJob', 'elasticsearch-logging-retention');
const podSpec = (objects: Obj[]): Obj => cronJob(objects).spec.jobTemplate.spec.template.spec;
const bodies = (objects: Obj[]): Record<string, any> => {
  const volume = podSpec(objects).volumes.find((v: Obj) => v.name === 'bodies');
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap.name)!;
  return Object.fromEntries(Object.entries(cm.data as Record<string, string>).map(([k, v]) => [k, JSON.parse(v)]));
};

describe('LogRetention defaults', () => {
  test('production: 7 days, 1 shard, 1 replica on 3 nodes; dev: 1 day, 0 replicas on 1 node', () => {
    const prod = stack().efk.retention;
    expect({ days: prod.retentionDays, shards: prod.shards, replicas: prod.replicas }).toEqual({ days: 7, shards: 1, replicas: 1 });
    const dev = stack(efkProfileProps(PROFILES.dev)).efk.retention;
    expect({ days: dev.retentionDays, shards: dev.shards, replicas: dev.replicas }).toEqual({ days: 1, shards: 1, replicas: 0 });
  });

  test('the installed documents: delete phase at retentionDays, template of <prefix>-* with the policy, settings for existing indices', () => {
    const { logging } = stack({ retentionDays: 14, fluentd: { logstashPrefix: 'k8s' } });
    expect(bodies(logging)).toEqual({
      'policy.json': { policy: { _meta: { managed_by: 'cdk8s-platform', retention_days: 14 }, phases: { hot: { min_age: '0ms', actions: {} }, delete: { min_age: '14d', actions: { delete: {} } } } } },
      'template.json': {
        index_patterns: ['k8s-*'], priority: 200, _meta: { managed_by: 'cdk8s-platform', retention_days: 14 },
        template: { settings: { 'index.lifecycle.name': 'k8s-retention', 'index.number_of_shards': 1, 'index.number_of_replicas': 1 } },
      },
      'settings.json': { index: { 'lifecycle.name': 'k8s-retention', 'number_of_replicas': 1 } },
    });
  });

  test('the installer: a CronJob every 10 minutes, never overlapping, three PUTs to the client Service, restricted pod', () => {
    const { logging } = stack();
    const cj = cronJob(logging);
    expect(cj.spec).toMatchObject({ schedule: '*/10 * * * *', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { backoffLimit: 2, activeDeadlineSeconds: 300 } } });
    const spec = podSpec(logging);
    expect(spec).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, runAsUser: 1000 } });
    const [c] = spec.containers;
    expect(c.image).toBe('docker.elastic.co/elasticsearch/elasticsearch:8.19.21');
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const script: string = c.command[2];
    expect(c.command.slice(0, 2)).toEqual(['bash', '-c']);
    const urls = [...script.matchAll(/--data-binary @\/etc\/log-retention\/(\S+) '([^']+)'/g)].map((m) => `${m[1]} -> ${m[2]}`);
    expect(urls).toEqual([
      'policy.json -> http://elasticsearch-logging.logging.svc.cluster.local:9200/_ilm/policy/logstash-retention',
      'template.json -> http://elasticsearch-logging.logging.svc.cluster.local:9200/_index_template/logstash',
      'settings.json -> http://elasticsearch-logging.logging.svc.cluster.local:9200/logstash-*/_settings?allow_no_indices=true&expand_wildcards=open',
    ]);
    expect(script).toMatch(/^set -euo pipefail\n/);
    expect(script).toContain('--fail');
    // The image contract: every program the script calls is in the Elasticsearch image.
    for (const program of scriptPrograms(script)) expect(ELASTICSEARCH_IMAGE_CONTRACT.programs).toContain(program);
  });

  test('Elasticsearch admits the installer on 9200 and the stack declares the flow', () => {
    const { efk, logging } = stack();
    const policy = find(logging, 'NetworkPolicy', 'elasticsearch-logging');
    const http = policy.spec.ingress.find((r: Obj) => r.ports.some((p: Obj) => p.port === 9200));
    expect(http.from).toContainEqual(expect.objectContaining({ podSelector: { matchLabels: efk.retention.selectorLabels } }));
    expect(efk.flows).toContainEqual(expect.objectContaining({ name: 'log-retention -> elasticsearch http', from: { namespace: 'logging', labels: efk.retention.selectorLabels }, port: 9200 }));
  });

  test('a retention change edits the CronJob in place (same name) and gives the bodies a new ConfigMap', () => {
    const a = stack().logging;
    const b = stack({ retentionDays: 30 }).logging;
    expect(cronJob(b).metadata.name).toBe(cronJob(a).metadata.name);
    expect(podSpec(b).volumes[0].configMap.name).not.toBe(podSpec(a).volumes[0].configMap.name);
  });

  test('security on: the elastic user by default (netrc on stdin, never on a command line), the CA of the TLS Secret', () => {
    const { logging } = stack({ security: { enabled: true, elasticPasswordSecret: 'es-elastic', tlsSecret: 'es-tls', fluentdCredentialsSecret: 'fw', fluentdCaSecret: 'fca', kibanaCredentialsSecret: 'kb' } });
    const [c] = podSpec(logging).containers;
    expect(c.env).toEqual([
      { name: 'ES_USERNAME', value: 'elastic' },
      { name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: 'es-elastic', key: 'password' } } },
    ]);
    const script: string = c.command[2];
    expect(script).toContain('--cacert /etc/log-retention-certs/ca.crt --netrc-file /dev/stdin');
    expect(script).toContain('https://elasticsearch-logging.logging.svc.cluster.local:9200/_ilm/policy/logstash-retention');
    expect(script).not.toMatch(/-u |--user /);
    expect(podSpec(logging).volumes).toContainEqual({ name: 'certs', secret: { secretName: 'es-tls', defaultMode: 0o444, items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    const own = stack({ security: { enabled: true, elasticPasswordSecret: 'es-elastic', tlsSecret: 'es-tls', fluentdCredentialsSecret: 'fw', fluentdCaSecret: 'fca', kibanaCredentialsSecret: 'kb', retentionCredentialsSecret: 'ilm-admin' } });
    expect(podSpec(own.logging).containers[0].env).toEqual([
      { name: 'ES_USERNAME', valueFrom: { secretKeyRef: { name: 'ilm-admin', key: 'username' } } },
      { name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: 'ilm-admin', key: 'password' } } },
    ]);
  });
});

describe('LogRetention sizing', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => { warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined); });
  afterEach(() => warn.mockRestore());

  test('dailyVolume: (days + 1) x daily x (1 + replicas) / nodes per node, warned above 85% of the volume', () => {
    const fits = stack({ dailyVolume: '2Gi' }).efk.retention; // 8 x 2 x 2 / 3 = 10.7Gi of 30Gi
    expect(fits.expectedBytesPerNode! / 2 ** 30).toBeCloseTo(10.67, 1);
    expect(fits.warnings).toEqual([]);
    const tooMuch = stack({ dailyVolume: '5Gi' }).efk.retention; // 8 x 5 x 2 / 3 = 26.7Gi > 25.5Gi
    expect(tooMuch.warnings).toHaveLength(1);
    expect(tooMuch.warnings[0]).toContain('8 days of 5Gi a day with 1 replica(s) on 3 node(s) need 26.7Gi per node, more than 85% (the low disk watermark) of its 30.0Gi volume');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('26.7Gi per node'));
    expect(stack({ dailyVolume: '5Gi', storage: { size: '100Gi' } }).efk.retention.warnings).toEqual([]);
  });

  test('primary shards from dailyVolume: one per 30Gi, at most one per node', () => {
    expect(stack({ dailyVolume: '40Gi', storage: { size: '2Ti' } }).efk.retention.shards).toBe(2);
    expect(stack({ dailyVolume: '500Gi', storage: { size: '20Ti' } }).efk.retention.shards).toBe(3);
  });
});

describe('LogRetention validation', () => {
  const P = 'logging/efk/Retention: invalid';
  test.each<[string, Partial<EfkStackProps>, string]>([
    ['zero days', { retentionDays: 0 }, `${P} retentionDays 0: must be an integer from 1 to 3650`],
    ['half a day', { retentionDays: 1.5 }, `${P} retentionDays 1.5: must be an integer from 1 to 3650`],
    ['a daily volume that is no quantity', { dailyVolume: '2 GB' }, `${P} dailyVolume "2 GB": must be a positive Kubernetes quantity`],
    ['a replica on a single node', efkProfileProps(PROFILES.dev, { retention: { replicas: 1 } }), `${P} replicas 1: must be an integer from 0 to 0`],
    ['a bad schedule', { retention: { schedule: 'hourly' } }, `${P} schedule "hourly": must be a five-field cron expression`],
  ])('%s', (_what, props, message) => {
    expect(() => stack(props)).toThrow(message);
  });

  test('security on without any credentials is refused', () => {
    const app = Testing.app();
    const logging = new Chart(app, 'logging', { namespace: 'logging' });
    const { Elasticsearch } = jest.requireActual('../../lib/logging');
    const es = new Elasticsearch(logging, 'es', { security: { enabled: true, elasticPasswordSecret: 'es-elastic', tlsSecret: 'es-tls' } });
    expect(() => new LogRetention(logging, 'r', { elasticsearch: es, indexPrefix: 'logstash' }))
      .toThrow('logging/r: invalid elasticPasswordSecret undefined: required when security is enabled');
  });
});

test('retentionDocuments and installScript are pure functions of their input', () => {
  expect(retentionDocuments({ indexPrefix: 'a', policyName: 'a-retention', retentionDays: 3, shards: 2, replicas: 0 }))
    .toEqual(retentionDocuments({ indexPrefix: 'a', policyName: 'a-retention', retentionDays: 3, shards: 2, replicas: 0 }));
  const script = installScript({ url: 'http://es:9200', policyName: 'p', templateName: 't', indexPrefix: 'x', authenticated: false });
  expect(script.split('\n')).toHaveLength(5);
});
