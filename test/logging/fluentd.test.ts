import { Chart, Testing } from 'cdk8s';
import { SECURITY_EXCEPTION_ANNOTATION } from '../../lib/core/security';
import {
  CRI_LINE_REGEXP, Elasticsearch, ElasticsearchProps, EXTERNAL_SECRETS_ANNOTATION, Fluentd, FluentdProps, fluentSize,
  LOG_EXCLUDE_ANNOTATION, MULTILINE_CONTINUATION_REGEXP, MULTILINE_START_REGEXP,
} from '../../lib/logging';
import { container, find, FluentSection, kindsAndNames, Obj, parseFluentConf } from './support';
import { configVolume } from '../support/manifests';

type Props = Omit<FluentdProps, 'elasticsearch'>;

function synth(props: Props = {}, esProps: ElasticsearchProps = {}): { es: Elasticsearch; fluentd: Fluentd; objects: Obj[]; logging: Obj[] } {
  const app = Testing.app();
  const logging = new Chart(app, 'logging', { namespace: 'logging' });
  const agents = new Chart(app, 'logging-agents', { namespace: 'logging-agents' });
  const es = new Elasticsearch(logging, 'es', esProps);
  const fluentd = new Fluentd(agents, 'fluentd', { elasticsearch: es, ...props });
  return { es, fluentd, objects: Testing.synth(agents), logging: Testing.synth(logging) };
}

const ds = (objects: Obj[]): Obj => find(objects, 'DaemonSet', 'fluentd-es');
const SECURE_ES: ElasticsearchProps = { security: { enabled: true, elasticPasswordSecret: 'es-elastic', tlsSecret: 'es-tls' } };

/** The parsed configuration, with helpers to find sections by name and @type. */
function conf(objects: Obj[]): FluentSection[] {
  return parseFluentConf(find(objects, 'ConfigMap', 'fluentd-es-config').data['fluent.conf']);
}
function sections(all: FluentSection[], name: string, type?: string): FluentSection[] {
  return all.filter((s) => s.name === name && (type === undefined || s.params['@type'] === type));
}
/** The sections inside `<label @OUTPUT>` (enrichment, exclusion, output). */
function output(all: FluentSection[]): FluentSection[] {
  return one(all, 'label').children;
}
function one(all: FluentSection[], name: string, type?: string): FluentSection {
  const found = sections(all, name, type);
  if (found.length !== 1) throw new Error(`expected one <${name}> of @type ${type}, found ${found.length}`);
  return found[0];
}

describe('Fluentd', () => {
  test('snapshot of the default agent', () => {
    expect(synth().objects).toMatchSnapshot();
  });

  test('explicit, stable names', () => {
    expect(kindsAndNames(synth().objects)).toEqual([
      'ClusterRole/logging-agents-fluentd-es', 'ClusterRoleBinding/logging-agents-fluentd-es', 'ConfigMap/fluentd-es-config-<hash>', 'DaemonSet/fluentd-es',
      'NetworkPolicy/fluentd-es', 'ServiceAccount/fluentd-es',
    ]);
  });

  test('RBAC: exactly get, list, watch on pods and namespaces, bound to its own ServiceAccount with a namespace', () => {
    const { objects } = synth();
    const role = find(objects, 'ClusterRole', 'logging-agents-fluentd-es');
    expect(role.metadata.namespace).toBeUndefined();
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] }]);
    const binding = find(objects, 'ClusterRoleBinding', 'logging-agents-fluentd-es');
    expect(binding.metadata.namespace).toBeUndefined();
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'logging-agents-fluentd-es' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'fluentd-es', namespace: 'logging-agents' }]);
  });

  test('the token is mounted (the metadata filter calls the API) for the dedicated ServiceAccount', () => {
    const { objects } = synth();
    expect(find(objects, 'ServiceAccount', 'fluentd-es').automountServiceAccountToken).toBe(true);
    const spec = ds(objects).spec.template.spec;
    expect(spec.serviceAccountName).toBe('fluentd-es');
    expect(spec.automountServiceAccountToken).toBe(true);
  });

  test('runs on every node: tolerates every taint, system-node-critical, RollingUpdate, 30 s grace', () => {
    const spec = ds(synth().objects).spec;
    expect(spec.template.spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.template.spec.priorityClassName).toBe('system-node-critical');
    expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    expect(spec.template.spec.terminationGracePeriodSeconds).toBe(30);
  });

  test('root with a reasoned relaxation, no added capabilities, read-only root filesystem', () => {
    const template = ds(synth().objects).spec.template;
    expect(template.spec.securityContext).toEqual({ runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } });
    const c = container(ds(synth().objects), 'fluentd');
    expect(c.securityContext).toMatchObject({
      runAsUser: 0, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] },
    });
    expect(c.securityContext.capabilities.add).toBeUndefined();
    expect(template.metadata.annotations[SECURITY_EXCEPTION_ANNOTATION]).toMatch(/root.*0640/);
    expect(synth().fluentd.podSecurityLevel).toBe('privileged');
  });

  test('mounts host logs read-only, its state directory writable, the config over the image default', () => {
    const workload = ds(synth().objects);
    const c = container(workload, 'fluentd');
    expect(c.volumeMounts).toEqual([
      { name: 'varlog', mountPath: '/var/log', readOnly: true },
      { name: 'dockercontainers', mountPath: '/var/lib/docker/containers', readOnly: true },
      { name: 'state', mountPath: '/var/lib/fluentd-es' },
      { name: 'config', mountPath: '/fluentd/etc', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    const volumes = workload.spec.template.spec.volumes;
    expect(volumes).toContainEqual({ name: 'varlog', hostPath: { path: '/var/log', type: 'Directory' } });
    expect(volumes).toContainEqual({ name: 'dockercontainers', hostPath: { path: '/var/lib/docker/containers', type: 'DirectoryOrCreate' } });
    expect(volumes).toContainEqual({ name: 'state', hostPath: { path: '/var/lib/fluentd-es', type: 'DirectoryOrCreate' } });
    expect(volumes).toContainEqual({ name: 'config', configMap: { name: expect.stringMatching(/^fluentd-es-config-[0-9a-f]{10}$/), defaultMode: 0o444 } });
    expect(c.env).toEqual(expect.arrayContaining([
      { name: 'FLUENTD_CONF', value: 'fluent.conf' },
      { name: 'FLUENT_ELASTICSEARCH_SED_DISABLE', value: 'true' },
      { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    ]));
  });

  test('Ruby\'s temporary directory is a sticky emptyDir (Fluentd 1.15.1+ creates its lock directory there at start)', () => {
    const spec = ds(synth().objects).spec.template.spec;
    // Without the sticky bit Ruby refuses the 0777 emptyDir and falls back to the read-only working
    // directory: `Read-only file system @ dir_s_mkdir - /home/fluent/fluentd-lock-...`.
    expect(spec.initContainers).toEqual([expect.objectContaining({
      name: 'tmp-mode',
      image: spec.containers[0].image,
      command: ['chmod', '1777', '/tmp'],
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      securityContext: expect.objectContaining({ runAsUser: 0, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }),
    })]);
    expect(spec.initContainers[0].securityContext.capabilities.add).toBeUndefined();
    expect(spec.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } });
    expect(container({ spec: { template: { spec } } }, 'fluentd').env).toContainEqual({ name: 'TMPDIR', value: '/tmp' });
  });

  test('pinned Elasticsearch 8 image, resources sized for a file buffer, probes on the monitor agent', () => {
    const c = container(ds(synth().objects), 'fluentd');
    expect(c.image).toBe('fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-elasticsearch8-1.1');
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 24231 }, { name: 'monitor', containerPort: 24220 }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/api/plugins.json', port: 'monitor' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/api/plugins.json', port: 'monitor' });
    expect(c.startupProbe.httpGet).toEqual({ path: '/api/plugins.json', port: 'monitor' });
    expect(synth().fluentd.bufferTotalLimitBytes).toBe(2 * 2 ** 30);
  });

  test('NetworkPolicy admits only monitoring to the metrics port; Fluentd is admitted to Elasticsearch by namespace and labels', () => {
    const { fluentd, objects, logging } = synth();
    const np = find(objects, 'NetworkPolicy', 'fluentd-es');
    expect(np.spec).toEqual({
      podSelector: { matchLabels: fluentd.selectorLabels },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 24231, protocol: 'TCP' }] }],
    });
    const esPolicy = find(logging, 'NetworkPolicy', 'elasticsearch-logging');
    const http = esPolicy.spec.ingress.find((r: Obj) => r.ports[0].port === 9200);
    expect(http.from).toEqual([{
      podSelector: { matchLabels: fluentd.selectorLabels },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'logging-agents' } },
    }]);
    expect(fluentd.metricsEndpoint).toEqual({
      component: 'fluentd', namespace: 'logging-agents', via: 'pod', selector: fluentd.selectorLabels, portName: 'metrics',
    });
  });

  test('the content-addressed config name follows the configuration', () => {
    const hash = (p: Props) => configVolume(ds(synth(p).objects), 'config');
    expect(hash({})).toBe(hash({ resources: { requests: { cpu: '200m', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } } }));
    expect(hash({})).not.toBe(hash({ logstashPrefix: 'k8s' }));
  });

  test('upgrade safety: image and resources change no name or selector', () => {
    const stable = (o: Obj[]) => ({ names: kindsAndNames(o), selector: ds(o).spec.selector });
    expect(stable(synth({ image: 'fluent/fluentd-kubernetes-daemonset:v1.19.4-debian-elasticsearch8-1.0' }).objects)).toEqual(stable(synth().objects));
  });
});

describe('Fluentd configuration', () => {
  const all = conf(synth().objects);

  test('sections in order: system, drop fluent.**, tail, line reassembly, then metadata, exclusion and Elasticsearch in @OUTPUT, metrics and monitor sources', () => {
    const describe = (s: FluentSection) => `${s.name}${s.arg ? ` ${s.arg}` : ''}:${s.params['@type'] ?? ''}`;
    expect(all.map(describe)).toEqual([
      'system:', 'match fluent.**:null', 'source:tail', 'filter kubernetes.**:record_transformer', 'filter kubernetes.**:concat', 'filter kubernetes.**:concat',
      'match kubernetes.**:relabel', 'label @OUTPUT:',
      'source:prometheus', 'source:prometheus_monitor', 'source:prometheus_output_monitor', 'source:prometheus_tail_monitor', 'source:monitor_agent',
    ]);
    expect(output(all).map(describe)).toEqual(['filter kubernetes.**:kubernetes_metadata', 'filter kubernetes.**:grep', 'match kubernetes.**:elasticsearch']);
    expect(one(all, 'match', 'relabel').params['@label']).toBe('@OUTPUT');
  });

  test('reassembles split CRI/Docker lines, then multiline records, per stream, flushing to @OUTPUT on timeout', () => {
    const [partial, multiline] = sections(all, 'filter', 'concat');
    expect(partial.params).toMatchObject({
      key: 'log', partial_key: 'logtag', partial_value: 'P', separator: '""', stream_identity_key: 'stream', flush_interval: '5', timeout_label: '@OUTPUT',
    });
    expect(multiline.params).toMatchObject({
      key: 'log', multiline_start_regexp: MULTILINE_START_REGEXP, continuous_line_regexp: MULTILINE_CONTINUATION_REGEXP,
      separator: '"\\n"', stream_identity_key: 'stream', flush_interval: '5', timeout_label: '@OUTPUT',
    });
    const custom = conf(synth({ multilineFlushIntervalSeconds: 2 }).objects);
    expect(sections(custom, 'filter', 'concat').map((f) => f.params.flush_interval)).toEqual(['2', '2']);
  });

  test('drops the logs of pods annotated platform.cdk8s.io/logs: exclude (the metadata filter copies only that annotation)', () => {
    expect(one(output(all), 'filter', 'kubernetes_metadata').params.annotation_match).toBe('["^platform[.]cdk8s[.]io/logs$"]');
    const annotation = new RegExp(JSON.parse(one(output(all), 'filter', 'kubernetes_metadata').params.annotation_match)[0]);
    expect([LOG_EXCLUDE_ANNOTATION, 'platformXcdk8s.io/logs', 'platform.cdk8s.io/logs-x'].map((k) => annotation.test(k))).toEqual([true, false, false]);
    const exclude = one(one(output(all), 'filter', 'grep').children, 'exclude');
    expect(exclude.params).toEqual({ key: "$['kubernetes']['annotations']['platform.cdk8s.io/logs']", pattern: '/^exclude$/' });
  });

  test('ignores Fluentd\'s own events before anything else matches', () => {
    const matches = sections(all, 'match');
    expect(matches[0].arg).toBe('fluent.**');
    expect(matches[0].params['@type']).toBe('null');
  });

  test('tails container logs from the head with a pos file on the host, tagged kubernetes.*, excluding its own logs', () => {
    const tail = one(all, 'source', 'tail');
    expect(tail.params).toMatchObject({
      path: '/var/log/containers/*.log',
      pos_file: '/var/lib/fluentd-es/containers.log.pos',
      tag: 'kubernetes.*',
      read_from_head: 'true',
      exclude_path: '["/var/log/containers/fluentd-es-*_logging-agents_*.log"]',
    });
  });

  test('parses Docker JSON lines and CRI (containerd) lines', () => {
    const parse = one(one(all, 'source', 'tail').children, 'parse', 'multi_format');
    const [json, cri] = parse.children;
    expect(parse.children.map((p) => p.name)).toEqual(['pattern', 'pattern']);
    expect(json.params).toMatchObject({ format: 'json', time_key: 'time', time_format: '%Y-%m-%dT%H:%M:%S.%NZ' });
    expect(cri.params).toMatchObject({ format: 'regexp', expression: CRI_LINE_REGEXP, time_format: '%Y-%m-%dT%H:%M:%S.%N%:z' });
    const regexp = new RegExp(CRI_LINE_REGEXP.slice(1, -1).replace(/\(\?<(\w+)>/g, '(?<$1>'));
    const line = '2026-11-23T10:00:00.123456789Z stderr F something failed: x y';
    expect(regexp.exec(line)?.groups).toEqual({ time: '2026-11-23T10:00:00.123456789Z', stream: 'stderr', logtag: 'F', log: 'something failed: x y' });
    expect(regexp.exec('{"log":"hello\\n","stream":"stdout","time":"2026-11-23T10:00:00.1Z"}')).toBeNull();
  });

  test('enriches with kubernetes_metadata', () => {
    expect(one(output(all), 'filter', 'kubernetes_metadata').arg).toBe('kubernetes.**');
  });

  test('ships to the Elasticsearch Service with daily logstash-YYYY.MM.DD indices', () => {
    const out = one(output(all), 'match', 'elasticsearch');
    expect(out.arg).toBe('kubernetes.**');
    expect(out.params).toMatchObject({
      host: 'elasticsearch-logging.logging.svc.cluster.local',
      port: '9200',
      scheme: 'http',
      logstash_format: 'true',
      logstash_prefix: 'logstash',
      logstash_dateformat: '%Y.%m.%d',
      suppress_type_name: 'true',
      reload_connections: 'false',
      verify_es_version_at_startup: 'false',
    });
    expect(out.params.user).toBeUndefined();
    expect(out.params.password).toBeUndefined();
  });

  test('buffers to a file on the host, retries forever with exponential backoff and blocks when full', () => {
    const buffer = one(one(output(all), 'match', 'elasticsearch').children, 'buffer', 'file');
    expect(buffer.params).toMatchObject({
      path: '/var/lib/fluentd-es/buffer/elasticsearch',
      chunk_limit_size: '8m',
      total_limit_size: '2g',
      flush_interval: '5s',
      retry_type: 'exponential_backoff',
      retry_max_interval: '60s',
      retry_forever: 'true',
      overflow_action: 'block',
    });
  });

  test('serves Prometheus metrics on 24231 and the monitor agent on 24220', () => {
    expect(one(all, 'source', 'prometheus').params).toMatchObject({ bind: '0.0.0.0', port: '24231', metrics_path: '/metrics' });
    expect(one(all, 'source', 'monitor_agent').params).toMatchObject({ bind: '0.0.0.0', port: '24220' });
    expect(sections(all, 'source', 'prometheus_output_monitor')).toHaveLength(1);
    expect(sections(all, 'source', 'prometheus_monitor')).toHaveLength(1);
  });

  test('every plugin has a unique @id (stable metric labels)', () => {
    const ids = [...all, ...output(all)].flatMap((s) => (s.params['@id'] ? [s.params['@id']] : []));
    expect(ids.length).toBe(12);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('custom buffer sizes, prefix and state dir', () => {
    const custom = conf(synth({ buffer: { chunkLimitSize: '16Mi', totalLimitSize: '10Gi', flushIntervalSeconds: 1, retryMaxIntervalSeconds: 300 }, logstashPrefix: 'k8s', hostStateDir: '/var/log/fluentd' }).objects);
    const out = one(output(custom), 'match', 'elasticsearch');
    expect(out.params.logstash_prefix).toBe('k8s');
    expect(one(out.children, 'buffer').params).toMatchObject({
      path: '/var/log/fluentd/buffer/elasticsearch', chunk_limit_size: '16m', total_limit_size: '10g', flush_interval: '1s', retry_max_interval: '300s',
    });
    expect(one(custom, 'source', 'tail').params.pos_file).toBe('/var/log/fluentd/containers.log.pos');
  });

  test('fluentSize writes binary multiples', () => {
    expect(fluentSize(8 * 2 ** 20)).toBe('8m');
    expect(fluentSize(2 * 2 ** 30)).toBe('2g');
    expect(fluentSize(1536 * 2 ** 10)).toBe('1536k');
  });

  test('security on: https with the CA, credentials from the environment, Secrets listed as external', () => {
    const { objects } = synth({ credentialsSecret: 'fluentd-es-user', caSecret: 'es-ca' }, SECURE_ES);
    const out = one(output(conf(objects)), 'match', 'elasticsearch');
    expect(out.params).toMatchObject({
      scheme: 'https', ssl_verify: 'true', ca_file: '/fluentd/certs/ca.crt',
      user: '"#{ENV[\'ELASTICSEARCH_USERNAME\']}"', password: '"#{ENV[\'ELASTICSEARCH_PASSWORD\']}"',
    });
    const workload = ds(objects);
    const c = container(workload, 'fluentd');
    expect(c.env).toEqual(expect.arrayContaining([
      { name: 'ELASTICSEARCH_USERNAME', valueFrom: { secretKeyRef: { name: 'fluentd-es-user', key: 'username' } } },
      { name: 'ELASTICSEARCH_PASSWORD', valueFrom: { secretKeyRef: { name: 'fluentd-es-user', key: 'password' } } },
    ]));
    expect(c.volumeMounts).toContainEqual({ name: 'certs', mountPath: '/fluentd/certs', readOnly: true });
    expect(workload.spec.template.metadata.annotations[EXTERNAL_SECRETS_ANNOTATION]).toBe('es-ca,fluentd-es-user');
  });
});

describe('Fluentd validation', () => {
  const P = 'logging-agents/fluentd: invalid';
  test.each<[string, Props, string]>([
    ['a bad name', { name: 'Fluentd' }, `${P} name "Fluentd": must be a DNS label`],
    ['a latest image', { image: 'fluent/fluentd-kubernetes-daemonset:latest' }, `${P} image "fluent/fluentd-kubernetes-daemonset:latest": must name an explicit tag`],
    ['the origin\'s 200Mi is fine, 128Mi is not', { resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '128Mi' } } },
      `${P} resources.limits.memory "128Mi": Fluentd with a file buffer and the metadata cache needs at least 256Mi`],
    ['a huge chunk', { buffer: { chunkLimitSize: '128Mi' } }, `${P} buffer.chunkLimitSize "128Mi": must be a whole number of bytes from 1Mi to 64Mi`],
    ['a chunk that is no quantity', { buffer: { chunkLimitSize: '8 MB' } }, `${P} buffer.chunkLimitSize "8 MB": must be a positive Kubernetes quantity`],
    ['a buffer smaller than four chunks', { buffer: { totalLimitSize: '16Mi' } }, `${P} buffer.totalLimitSize "16Mi": must be a whole number of bytes and at least 4 chunks (32Mi)`],
    ['a zero flush interval', { buffer: { flushIntervalSeconds: 0 } }, `${P} buffer.flushIntervalSeconds 0: must be an integer from 1 to 300`],
    ['a multiline wait over a minute', { multilineFlushIntervalSeconds: 61 }, `${P} multilineFlushIntervalSeconds 61: must be an integer from 1 to 60`],
    ['a state dir outside /var', { hostStateDir: '/etc/fluentd' }, `${P} hostStateDir "/etc/fluentd": must be an absolute directory under /var/lib or /var/log`],
    ['a state dir among the container logs', { hostStateDir: '/var/log/containers/fluentd' }, `${P} hostStateDir "/var/log/containers/fluentd": must be an absolute directory`],
    ['a relative state dir', { hostStateDir: 'var/lib/fluentd' }, `${P} hostStateDir "var/lib/fluentd": must be an absolute directory`],
    ['an upper-case prefix', { logstashPrefix: 'Logs' }, `${P} logstashPrefix "Logs": must be a lowercase Elasticsearch index prefix`],
    ['maxUnavailable 0', { maxUnavailable: 0 }, `${P} maxUnavailable 0: must be an integer >= 1`],
    ['credentials with security off', { credentialsSecret: 'user' }, `${P} credentialsSecret "user": Elasticsearch security is off`],
  ])('rejects %s', (_, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  test.each<[string, Props, string]>([
    ['no credentials', { caSecret: 'es-ca' }, `${P} credentialsSecret undefined: required when security is enabled`],
    ['no CA', { credentialsSecret: 'user' }, `${P} caSecret undefined: required when security is enabled: the name of an existing Secret holding the Elasticsearch CA certificate`],
  ])('with Elasticsearch security on, rejects %s', (_, props, message) => {
    expect(() => synth(props, SECURE_ES)).toThrow(message);
  });
});
