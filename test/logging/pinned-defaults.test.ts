import { Chart, Testing } from 'cdk8s';
import { EfkStack, EfkStackProps } from '../../lib/logging';
import { container, find, Obj } from './support';

/**
 * Behaviour users rely on that only the snapshots pinned: default resources, probe timings, the
 * transport verification mode, the retention schedule. Literal values on purpose.
 */
const SECURE: EfkStackProps['security'] = {
  enabled: true, elasticPasswordSecret: 'es-elastic', tlsSecret: 'es-tls', kibanaCredentialsSecret: 'kibana-creds',
  fluentdCredentialsSecret: 'fluentd-creds', fluentdCaSecret: 'fluentd-ca',
};

function synth(props: Partial<EfkStackProps> = {}): Obj[] {
  const app = Testing.app();
  const logging = new Chart(app, 'logging', { namespace: 'logging' });
  const agents = new Chart(app, 'logging-agents', { namespace: 'logging-agents' });
  new EfkStack(logging, 'efk', { agentScope: agents, ...props });
  return [...Testing.synth(logging), ...Testing.synth(agents)];
}

describe('pinned defaults of the logging stack', () => {
  const objects = synth();
  const secure = synth({ security: SECURE });
  const es = (objs: Obj[]) => find(objs, 'StatefulSet', 'elasticsearch-logging');

  test('Elasticsearch resources, probes and replicas', () => {
    const sts = es(objects);
    expect(sts.spec.replicas).toBe(3);
    const c = container(sts, 'elasticsearch');
    expect(c.resources).toEqual({ requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(c.env).toContainEqual({ name: 'ES_JAVA_OPTS', value: '-Xms2048m -Xmx2048m' });
    expect(c.startupProbe).toEqual({ httpGet: { path: '/_cluster/health?local=true', port: 'http' }, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/_cluster/health?local=true', port: 'http' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 'transport' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 });
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('30Gi');
    expect(sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeDefined();
    const exporter = container(sts, 'exporter');
    expect(exporter.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
    expect(exporter.livenessProbe).toEqual({ httpGet: { path: '/healthz', port: 'metrics' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 });
  });

  test('Elasticsearch with security: transport verification_mode certificate, authenticated probe', () => {
    const yml: string = find(secure, 'ConfigMap', 'elasticsearch-logging-config').data['elasticsearch.yml'];
    expect(yml).toContain('xpack.security.transport.ssl.verification_mode: "certificate"\n');
    expect(yml).toContain('xpack.security.http.ssl.enabled: true\n');
    const c = container(es(secure), 'elasticsearch');
    expect(c.readinessProbe).toEqual({
      exec: { command: ['sh', '-c', 'printf \'machine 127.0.0.1 login %s password %s\\n\' "$ELASTIC_USERNAME" "$ELASTIC_PASSWORD" | curl --silent --fail --max-time 4 --insecure --netrc-file /dev/stdin -o /dev/null \'https://127.0.0.1:9200/_cluster/health?local=true\''] },
      periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3,
    });
  });

  test('Kibana heap, resources and probes', () => {
    const c = container(find(objects, 'Deployment', 'kibana-logging'), 'kibana');
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(c.env).toContainEqual({ name: 'NODE_OPTIONS', value: '--max-old-space-size=652' });
    expect(c.startupProbe).toEqual({ tcpSocket: { port: 'ui' }, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/api/status', port: 'ui' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 'ui' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 });
  });

  test('Fluentd resources, probes and buffer', () => {
    const ds = find(objects, 'DaemonSet', 'fluentd-es');
    const c = container(ds, 'fluentd');
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(c.startupProbe).toEqual({ httpGet: { path: '/api/plugins.json', port: 'monitor' }, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 24 });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/api/plugins.json', port: 'monitor' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/api/plugins.json', port: 'monitor' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 });
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    expect(ds.spec.template.spec.priorityClassName).toBe('system-node-critical');
    const conf: string = Object.values(find(objects, 'ConfigMap', 'fluentd-es-config').data)[0] as string;
    expect(conf).toMatch(/chunk_limit_size 8m\n/);
    expect(conf).toMatch(/total_limit_size 2g\n/);
    expect(conf).toMatch(/flush_interval 5s\n/);
    expect(conf).toMatch(/retry_max_interval 60s\n/);
  });

  test('retention: schedule, days, resources', () => {
    const cj = find(objects, 'CronJob', 'elasticsearch-logging-retention');
    expect(cj.spec.schedule).toBe('*/10 * * * *');
    expect(cj.spec.jobTemplate.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } });
    const policy = JSON.parse(find(objects, 'ConfigMap', 'elasticsearch-logging-retention').data['policy.json']);
    expect(policy.policy.phases.delete.min_age).toBe('7d');
  });
});
