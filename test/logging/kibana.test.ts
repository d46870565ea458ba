import { Chart, Testing } from 'cdk8s';
import { Elasticsearch, ElasticsearchProps, EXTERNAL_SECRETS_ANNOTATION, Kibana, KibanaProps } from '../../lib/logging';
import { container, find, kindsAndNames, Obj, parseFlatYaml } from './support';

type Props = Omit<KibanaProps, 'elasticsearch'>;

function synth(props: Props = {}, esProps: ElasticsearchProps = {}, namespace = 'logging'): { es: Elasticsearch; kibana: Kibana; objects: Obj[]; logging: Obj[] } {
  const app = Testing.app();
  const logging = new Chart(app, 'logging', { namespace: 'logging' });
  const es = new Elasticsearch(logging, 'es', esProps);
  const chart = namespace === 'logging' ? logging : new Chart(app, 'ui', { namespace });
  const kibana = new Kibana(chart, 'kibana', { elasticsearch: es, ...props });
  const logs = Testing.synth(logging);
  return { es, kibana, objects: namespace === 'logging' ? logs.filter((o) => o.metadata.name.startsWith('kibana')) : Testing.synth(chart), logging: logs };
}

const deploy = (objects: Obj[]): Obj => find(objects, 'Deployment', 'kibana-logging');
const kibanaYml = (objects: Obj[]): Record<string, unknown> => parseFlatYaml(find(objects, 'ConfigMap', 'kibana-logging-config').data['kibana.yml']);
const SECURE_ES: ElasticsearchProps = { security: { enabled: true, elasticPasswordSecret: 'es-elastic', tlsSecret: 'es-tls' } };

describe('Kibana', () => {
  test('snapshot of the default Kibana', () => {
    expect(synth().objects).toMatchSnapshot();
  });

  test('Deployment and Service kibana-logging on 5601 ui', () => {
    const { objects } = synth();
    expect(kindsAndNames(objects)).toEqual([
      'ConfigMap/kibana-logging-config-<hash>', 'Deployment/kibana-logging', 'NetworkPolicy/kibana-logging', 'Service/kibana-logging', 'ServiceAccount/kibana-logging',
    ]);
    const svc = find(objects, 'Service', 'kibana-logging');
    expect(svc.spec.ports).toEqual([{ name: 'ui', port: 5601, targetPort: 'ui' }]);
    expect(svc.spec.selector).toEqual(deploy(objects).spec.selector.matchLabels);
    expect(container(deploy(objects), 'kibana').ports).toEqual([{ name: 'ui', containerPort: 5601 }]);
  });

  test('same version as Elasticsearch, URL from the Elasticsearch construct', () => {
    const { es, kibana, objects } = synth();
    expect(kibana.version).toBe(es.version);
    expect(container(deploy(objects), 'kibana').image).toBe(`docker.elastic.co/kibana/kibana:${es.version}`);
    expect(kibanaYml(objects)['elasticsearch.hosts']).toEqual(['http://elasticsearch-logging.logging.svc.cluster.local:9200']);
    expect(kibanaYml(objects)['server.basePath']).toBeUndefined();
  });

  test('readiness on /api/status, liveness and a startup budget on the port', () => {
    const c = container(deploy(synth().objects), 'kibana');
    expect(c.readinessProbe.httpGet).toEqual({ path: '/api/status', port: 'ui' });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'ui' });
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300);
  });

  test('API-server proxy: the proxy path is the base path and Kibana does not rewrite it', () => {
    const { kibana, objects } = synth({ apiServerProxy: true });
    expect(kibana.apiServerProxyPath).toBe('/api/v1/namespaces/logging/services/kibana-logging/proxy');
    const yml = kibanaYml(objects);
    expect(yml['server.basePath']).toBe('/api/v1/namespaces/logging/services/kibana-logging/proxy');
    expect(yml['server.rewriteBasePath']).toBe(false);
    // The proxy strips the prefix, so the probe path stays at the root.
    expect(container(deploy(objects), 'kibana').readinessProbe.httpGet.path).toBe('/api/status');
  });

  test('a base path of its own is rewritten by Kibana, and the probe goes below it', () => {
    const { objects } = synth({ basePath: '/kibana' });
    expect(kibanaYml(objects)['server.basePath']).toBe('/kibana');
    expect(kibanaYml(objects)['server.rewriteBasePath']).toBe(true);
    expect(container(deploy(objects), 'kibana').readinessProbe.httpGet.path).toBe('/kibana/api/status');
  });

  test('non-root, read-only root filesystem with writable data and tmp, no token, resources, Recreate', () => {
    const workload = deploy(synth().objects);
    const spec = workload.spec.template.spec;
    expect(workload.spec.strategy).toEqual({ type: 'Recreate' });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
    const c = container(workload, 'kibana');
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.volumeMounts.filter((m: Obj) => !m.readOnly).map((m: Obj) => m.mountPath)).toEqual(['/usr/share/kibana/data', '/tmp']);
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    // 1Gi * 0.95 - 320Mi outside the heap (KIBANA_IMAGE_CONTRACT): not 3/4 of the limit (768Mi).
    expect(c.env).toContainEqual({ name: 'NODE_OPTIONS', value: '--max-old-space-size=652' });
  });

  test.each([['896Mi', 531], ['1Gi', 652], ['2Gi', 1625]])('the heap leaves room outside it: a %s limit gives a %i MiB heap', (memory, heap) => {
    const c = container(deploy(synth({ resources: { requests: { cpu: '500m', memory }, limits: { cpu: '1', memory } } }).objects), 'kibana');
    expect(c.env).toContainEqual({ name: 'NODE_OPTIONS', value: `--max-old-space-size=${heap}` });
  });

  test('a PodDisruptionBudget only with more than one replica', () => {
    expect(synth().objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
    const { objects } = synth({ replicas: 2 });
    const pdb = find(objects, 'PodDisruptionBudget', 'kibana-logging-pdb');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(deploy(objects).spec.selector.matchLabels);
  });

  test('NetworkPolicy opens the UI port only; Kibana is admitted to Elasticsearch 9200', () => {
    const { kibana, objects, logging } = synth();
    expect(find(objects, 'NetworkPolicy', 'kibana-logging').spec).toEqual({
      podSelector: { matchLabels: kibana.selectorLabels }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 5601, protocol: 'TCP' }] }],
    });
    const http = find(logging, 'NetworkPolicy', 'elasticsearch-logging').spec.ingress.find((r: Obj) => r.ports[0].port === 9200);
    expect(http.from).toEqual([{ podSelector: { matchLabels: kibana.selectorLabels } }]);
  });

  test('security on: https with the CA from the Elasticsearch TLS Secret, kibana_system credentials from a Secret', () => {
    const { objects } = synth({ credentialsSecret: 'kibana-system' }, SECURE_ES);
    const yml = kibanaYml(objects);
    expect(yml['elasticsearch.hosts']).toEqual(['https://elasticsearch-logging.logging.svc.cluster.local:9200']);
    expect(yml['elasticsearch.username']).toBe('${ELASTICSEARCH_USERNAME}');
    expect(yml['elasticsearch.password']).toBe('${ELASTICSEARCH_PASSWORD}');
    expect(yml['elasticsearch.ssl.certificateAuthorities']).toEqual(['/usr/share/kibana/config/certs/ca.crt']);
    const workload = deploy(objects);
    expect(workload.spec.template.metadata.annotations[EXTERNAL_SECRETS_ANNOTATION]).toBe('es-tls,kibana-system');
    expect(workload.spec.template.spec.volumes).toContainEqual({
      name: 'certs', secret: { secretName: 'es-tls', defaultMode: 0o444, items: [{ key: 'ca.crt', path: 'ca.crt' }] },
    });
    const c = container(workload, 'kibana');
    expect(c.env).toContainEqual({ name: 'ELASTICSEARCH_PASSWORD', valueFrom: { secretKeyRef: { name: 'kibana-system', key: 'password' } } });
    expect(c.readinessProbe.exec.command.join(' ')).toContain('http://127.0.0.1:5601/api/status');
  });

  test('security on in another namespace needs a CA Secret of its own', () => {
    const { objects } = synth({ credentialsSecret: 'kibana-system', caSecret: 'es-ca' }, SECURE_ES, 'ui');
    expect(deploy(objects).spec.template.metadata.annotations[EXTERNAL_SECRETS_ANNOTATION]).toBe('es-ca,kibana-system');
  });
});

describe('Kibana validation', () => {
  const P = 'logging/kibana: invalid';
  test.each<[string, Props, string]>([
    ['another version than Elasticsearch', { version: '8.18.0' }, `${P} version "8.18.0": must equal the Elasticsearch version`],
    ['an image of another version', { image: 'docker.elastic.co/kibana/kibana:8.18.0' }, `${P} image "docker.elastic.co/kibana/kibana:8.18.0": its tag must be the stack version`],
    ['the origin\'s 100m CPU limit', { resources: { requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '100m', memory: '1Gi' } } },
      `${P} resources.limits.cpu "100m": Kibana 8 needs at least 500m`],
    ['too little memory', { resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1', memory: '512Mi' } } },
      `${P} resources.limits.memory "512Mi": Kibana 8 needs at least 896Mi: a Node.js heap of 512Mi or more plus about 320Mi outside it`],
    ['768Mi (a 409Mi heap)', { resources: { requests: { cpu: '500m', memory: '768Mi' }, limits: { cpu: '1', memory: '768Mi' } } },
      `${P} resources.limits.memory "768Mi": Kibana 8 needs at least 896Mi`],
    ['a base path with a trailing slash', { basePath: '/kibana/' }, `${P} basePath "/kibana/": must start with "/" and not end with "/"`],
    ['a relative base path', { basePath: 'kibana' }, `${P} basePath "kibana": must start with "/"`],
    ['a base path with the proxy', { basePath: '/kibana', apiServerProxy: true }, `${P} basePath "/kibana": cannot be combined with apiServerProxy`],
    ['replicas 0', { replicas: 0 }, `${P} replicas 0: must be an integer >= 1`],
    ['a bad name', { name: 'kibana.logging' }, `${P} name "kibana.logging": must be a DNS label`],
    ['credentials with security off', { credentialsSecret: 'kibana-system' }, `${P} credentialsSecret "kibana-system": Elasticsearch security is off`],
  ])('rejects %s', (_, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  test('with security on, rejects missing credentials', () => {
    expect(() => synth({}, SECURE_ES)).toThrow(`${P} credentialsSecret undefined: required when security is enabled: the name of an existing Secret holding username and password of the kibana_system user`);
  });

  test('with security on in another namespace, rejects a missing CA Secret', () => {
    expect(() => synth({ credentialsSecret: 'kibana-system' }, SECURE_ES, 'ui'))
      .toThrow('ui/kibana: invalid caSecret undefined: required when security is enabled: the name of an existing Secret holding the Elasticsearch CA under key "ca.crt" (Kibana in ui cannot read Secrets of logging)');
  });
});
