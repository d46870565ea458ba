import { Chart, Testing } from 'cdk8s';
import { Elasticsearch, ElasticsearchProps, ELASTICSEARCH_MIN_MEMORY_MIB, ELASTIC_STACK_VERSION, EXTERNAL_SECRETS_ANNOTATION } from '../../lib/logging';
import { ELASTICSEARCH_IMAGE_CONTRACT } from '../../lib/logging/elasticsearch-image';
import { requiredMemoryBytes } from '../../lib/core/image-contract';
import { SECURITY_EXCEPTION_ANNOTATION } from '../../lib/core/security';
import { container, find, kindsAndNames, Obj, parseFlatYaml } from './support';
import { configVolume } from '../support/manifests';
import { efkProfileProps, PROFILES } from '../../lib/platform/profile';
import { ALL_IMAGE_CONTRACTS } from '../contracts/contracts';
import { checkImageContracts } from '../contracts/pod-contract';

function synth(props: ElasticsearchProps = {}, namespace = 'logging'): { es: Elasticsearch; objects: Obj[] } {
  const chart = new Chart(Testing.app(), 'logging', { namespace });
  const es = new Elasticsearch(chart, 'es', props);
  return { es, objects: Testing.synth(chart) };
}

const sts = (objects: Obj[]): Obj => find(objects, 'StatefulSet', 'elasticsearch-logging');
const yml = (objects: Obj[]): Record<string, unknown> => parseFlatYaml(find(objects, 'ConfigMap', 'elasticsearch-logging-config').data['elasticsearch.yml']);

/** What the platform's dev profile passes to Elasticsearch. */
const devProps = efkProfileProps(PROFILES.dev);
const DEV: ElasticsearchProps = { ...devProps.elasticsearch, replicas: devProps.replicas, storage: devProps.storage };

const SECURE: ElasticsearchProps = { security: { enabled: true, elasticPasswordSecret: 'es-elastic', tlsSecret: 'es-tls' } };

describe('Elasticsearch', () => {
  test('snapshot of the default (production) cluster', () => {
    expect(synth().objects).toMatchSnapshot();
  });

  test('snapshot with security on', () => {
    expect(synth(SECURE).objects).toMatchSnapshot();
  });

  test('explicit, stable names', () => {
    const { es, objects } = synth();
    expect(kindsAndNames(objects)).toEqual([
      'ConfigMap/elasticsearch-logging-config-<hash>', 'NetworkPolicy/elasticsearch-logging', 'PodDisruptionBudget/elasticsearch-logging-pdb',
      'Service/elasticsearch-logging', 'Service/elasticsearch-logging-headless', 'ServiceAccount/elasticsearch-logging',
      'StatefulSet/elasticsearch-logging',
    ]);
    expect(sts(objects).spec.serviceName).toBe('elasticsearch-logging-headless');
    expect(sts(objects).spec.podManagementPolicy).toBe('Parallel');
    expect(es.url).toBe('http://elasticsearch-logging.logging.svc.cluster.local:9200');
    expect(es.version).toBe(ELASTIC_STACK_VERSION);
    expect(container(sts(objects), 'elasticsearch').image).toBe(`docker.elastic.co/elasticsearch/elasticsearch:${ELASTIC_STACK_VERSION}`);
  });

  test('client Service serves http 9200 and transport 9300; the headless one transport and metrics, not-ready too', () => {
    const { objects } = synth();
    const client = find(objects, 'Service', 'elasticsearch-logging');
    expect(client.spec.ports).toEqual([
      { name: 'http', port: 9200, targetPort: 'http' },
      { name: 'transport', port: 9300, targetPort: 'transport' },
    ]);
    const headless = find(objects, 'Service', 'elasticsearch-logging-headless');
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    expect(headless.spec.ports.map((p: Obj) => p.name)).toEqual(['transport', 'metrics']);
    expect(headless.spec.selector).toEqual(sts(objects).spec.selector.matchLabels);
  });

  test('discovery seeds from per-pod DNS names and bootstraps from pod names', () => {
    const cfg = yml(synth({ clusterDomain: 'example.internal' }).objects);
    expect(cfg['cluster.name']).toBe('kubernetes-logging');
    expect(cfg['node.name']).toBe('${NODE_NAME}');
    expect(cfg['discovery.seed_hosts']).toEqual([0, 1, 2].map((i) =>
      `elasticsearch-logging-${i}.elasticsearch-logging-headless.logging.svc.example.internal:9300`));
    expect(cfg['cluster.initial_master_nodes']).toEqual(['elasticsearch-logging-0', 'elasticsearch-logging-1', 'elasticsearch-logging-2']);
    expect(cfg['discovery.type']).toBeUndefined();
    expect(cfg['node.store.allow_mmap']).toBe(false);
    expect(cfg['xpack.security.enabled']).toBe(false);
    const env = container(sts(synth().objects), 'elasticsearch').env;
    expect(env).toContainEqual({ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
  });

  test('a single node uses single-node discovery, no bootstrap list and no PDB', () => {
    const { objects } = synth({ replicas: 1 });
    const cfg = yml(objects);
    expect(cfg['discovery.type']).toBe('single-node');
    expect(cfg['cluster.initial_master_nodes']).toBeUndefined();
    expect(cfg['discovery.seed_hosts']).toBeUndefined();
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
  });

  test('PDB allows one disruption and selects the pods', () => {
    const { objects } = synth({ replicas: 5 });
    const pdb = find(objects, 'PodDisruptionBudget', 'elasticsearch-logging-pdb');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(sts(objects).spec.selector.matchLabels);
    expect(find(synth({ replicas: 5, maxUnavailable: 2 }).objects, 'PodDisruptionBudget', 'elasticsearch-logging-pdb').spec.maxUnavailable).toBe(2);
  });

  test.each([
    ['4Gi', 2048],
    ['2Gi', 1024],
    ['128Gi', 31 * 1024],
  ])('heap for a %s memory limit is %i MiB (half, capped at 31 GiB)', (memory, heap) => {
    const { es, objects } = synth({ resources: { requests: { cpu: '1', memory }, limits: { cpu: '2', memory } } });
    expect(es.heapMiB).toBe(heap);
    expect(container(sts(objects), 'elasticsearch').env).toContainEqual({ name: 'ES_JAVA_OPTS', value: `-Xms${heap}m -Xmx${heap}m` });
  });

  test('the memory floor is the smallest limit the image contract accepts for a half-limit heap', () => {
    const memory = ELASTICSEARCH_IMAGE_CONTRACT.memory!;
    const fits = (limitMiB: number) => requiredMemoryBytes(memory, Math.floor(limitMiB / 2) * 2 ** 20, limitMiB * 2 ** 20) <= limitMiB * 2 ** 20;
    expect(ELASTICSEARCH_MIN_MEMORY_MIB).toBe(1463);
    expect(fits(ELASTICSEARCH_MIN_MEMORY_MIB)).toBe(true);
    expect(fits(ELASTICSEARCH_MIN_MEMORY_MIB - 1)).toBe(false);
    expect(fits(1024)).toBe(false);
    const limit = `${ELASTICSEARCH_MIN_MEMORY_MIB}Mi`;
    const { es, objects } = synth({ resources: { requests: { cpu: '1', memory: limit }, limits: { cpu: '2', memory: limit } } });
    expect(es.heapMiB).toBe(731);
    expect(checkImageContracts(objects, ALL_IMAGE_CONTRACTS)).toEqual([]);
  });

  test('the dev profile memory limit is above the floor and fits the image contract', () => {
    const { objects } = synth({ ...DEV, storage: { ...DEV.storage, emptyDir: true } });
    expect(container(sts(objects), 'elasticsearch').resources.limits.memory).toBe('2Gi');
    expect(checkImageContracts(objects, ALL_IMAGE_CONTRACTS)).toEqual([]);
  });

  test('one retained PVC per node; emptyDir only when asked for in dev', () => {
    const spec = sts(synth({ storage: { size: '50Gi', storageClassName: 'fast' } }).objects).spec;
    expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(spec.volumeClaimTemplates).toEqual([expect.objectContaining({
      metadata: expect.objectContaining({ name: 'data' }),
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '50Gi' } } },
    })]);
    expect(spec.template.spec.volumes.find((v: Obj) => v.name === 'data')).toBeUndefined();

    const dev = sts(synth({ ...DEV, storage: { ...DEV.storage, emptyDir: true } }).objects).spec;
    expect(dev.replicas).toBe(1);
    expect(dev.volumeClaimTemplates).toBeUndefined();
    expect(dev.persistentVolumeClaimRetentionPolicy).toBeUndefined();
    expect(dev.template.spec.volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '10Gi' } });
  });

  test('profiles set replicas, resources and anti-affinity', () => {
    const prod = sts(synth().objects).spec;
    expect(prod.replicas).toBe(3);
    expect(prod.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(container({ spec: prod }, 'elasticsearch').resources).toEqual({ requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    const dev = sts(synth(DEV).objects).spec;
    expect(dev.replicas).toBe(1);
    expect(dev.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(container({ spec: dev }, 'elasticsearch').resources.limits).toEqual({ cpu: '1', memory: '2Gi' });
  });

  test('non-root 1000 with fsGroup 1000, read-only root filesystem, writable data/config/logs/tmp only', () => {
    const workload = sts(synth().objects);
    const spec = workload.spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.automountServiceAccountToken).toBe(false);
    for (const c of [...spec.containers, ...spec.initContainers]) {
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(c.resources.requests).toBeDefined();
      expect(c.resources.limits).toBeDefined();
    }
    const es = container(workload, 'elasticsearch');
    expect(es.volumeMounts.filter((m: Obj) => !m.readOnly).map((m: Obj) => m.mountPath).sort()).toEqual([
      '/tmp', '/usr/share/elasticsearch/config', '/usr/share/elasticsearch/data', '/usr/share/elasticsearch/logs',
    ]);
    expect(spec.initContainers.map((c: Obj) => c.name)).toEqual(['prepare-config']);
    expect(workload.spec.template.metadata.annotations[SECURITY_EXCEPTION_ANNOTATION]).toBeUndefined();
    expect(workload.spec.template.metadata.annotations[EXTERNAL_SECRETS_ANNOTATION]).toBeUndefined();
  });

  test('the config dir is an emptyDir seeded from the image plus the generated elasticsearch.yml', () => {
    const workload = sts(synth().objects);
    const spec = workload.spec.template.spec;
    const init = container(workload, 'prepare-config');
    expect(init.command[2]).toContain('cp -R /usr/share/elasticsearch/config/. /mnt/config/');
    expect(init.command[2]).toContain('cp /mnt/generated/elasticsearch.yml /mnt/config/elasticsearch.yml');
    expect(init.volumeMounts).toEqual([
      { name: 'config', mountPath: '/mnt/config' },
      { name: 'generated-config', mountPath: '/mnt/generated', readOnly: true },
    ]);
    expect(spec.volumes).toContainEqual({ name: 'config', emptyDir: { sizeLimit: '64Mi' } });
    expect(spec.volumes).toContainEqual({ name: 'generated-config', configMap: { name: expect.stringMatching(/^elasticsearch-logging-config-[0-9a-f]{10}$/), defaultMode: 0o444 } });
  });

  test('readiness on local cluster health, liveness on transport, a startup budget of 5 minutes', () => {
    const es = container(sts(synth().objects), 'elasticsearch');
    expect(es.readinessProbe.httpGet).toEqual({ path: '/_cluster/health?local=true', port: 'http' });
    expect(es.livenessProbe.tcpSocket).toEqual({ port: 'transport' });
    expect(es.startupProbe.httpGet.path).toBe('/_cluster/health?local=true');
    expect(es.startupProbe.periodSeconds * es.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300);
  });

  test('the content-addressed config name changes with the configuration only', () => {
    const hash = (p: ElasticsearchProps) => configVolume(sts(synth(p).objects), 'generated-config');
    expect(hash({})).toBe(hash({ resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { cpu: '4', memory: '8Gi' } } }));
    expect(hash({})).not.toBe(hash({ clusterName: 'other' }));
  });

  test('exporter sidecar on the named port metrics (9114) with probes, exposed as a metrics endpoint', () => {
    const { es, objects } = synth();
    const exporter = container(sts(objects), 'exporter');
    expect(exporter.image).toBe('quay.io/prometheuscommunity/elasticsearch-exporter:v1.10.0');
    expect(exporter.ports).toEqual([{ name: 'metrics', containerPort: 9114 }]);
    expect(exporter.args).toContain('--es.uri=http://127.0.0.1:9200');
    expect(exporter.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(exporter.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(es.metricsEndpoint).toEqual({
      component: 'elasticsearch', namespace: 'logging', via: 'service', selector: es.selectorLabels, portName: 'metrics',
    });
  });

  test('NetworkPolicy: transport only between nodes, HTTP only from declared clients, metrics from monitoring', () => {
    const chart = new Chart(Testing.app(), 'logging', { namespace: 'logging' });
    const es = new Elasticsearch(chart, 'es', { monitoringNamespace: 'prom' });
    es.allowClient({ podLabels: { app: 'kibana' }, namespace: 'logging' });
    es.allowClient({ podLabels: { app: 'fluentd' }, namespace: 'logging-agents' });
    const np = find(Testing.synth(chart), 'NetworkPolicy', 'elasticsearch-logging');
    expect(np.spec.podSelector.matchLabels).toEqual(es.selectorLabels);
    expect(np.spec.policyTypes).toEqual(['Ingress']);
    expect(np.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: es.selectorLabels } }], ports: [{ port: 9300, protocol: 'TCP' }] },
      {
        from: [
          { podSelector: { matchLabels: { app: 'kibana' } } },
          { podSelector: { matchLabels: { app: 'fluentd' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'logging-agents' } } },
        ],
        ports: [{ port: 9200, protocol: 'TCP' }],
      },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'prom' } } }], ports: [{ port: 9114, protocol: 'TCP' }] },
    ]);
  });

  test('without declared clients nobody reaches 9200', () => {
    const np = find(synth().objects, 'NetworkPolicy', 'elasticsearch-logging');
    expect(np.spec.ingress.flatMap((r: Obj) => r.ports.map((p: Obj) => p.port))).toEqual([9300, 9114]);
  });

  test('security on: TLS from the Secret, bootstrap password from the Secret, https, no secret value in the manifest', () => {
    const { es, objects } = synth(SECURE);
    expect(es.url).toBe('https://elasticsearch-logging.logging.svc.cluster.local:9200');
    const cfg = yml(objects);
    expect(cfg['xpack.security.enabled']).toBe(true);
    for (const layer of ['http', 'transport']) {
      expect(cfg[`xpack.security.${layer}.ssl.enabled`]).toBe(true);
      expect(cfg[`xpack.security.${layer}.ssl.certificate`]).toBe('certs/tls.crt');
      expect(cfg[`xpack.security.${layer}.ssl.key`]).toBe('certs/tls.key');
      expect(cfg[`xpack.security.${layer}.ssl.certificate_authorities`]).toEqual(['certs/ca.crt']);
    }
    const template = sts(objects).spec.template;
    expect(template.metadata.annotations[EXTERNAL_SECRETS_ANNOTATION]).toBe('es-elastic,es-tls');
    expect(template.spec.volumes).toContainEqual({ name: 'certs', secret: { secretName: 'es-tls', defaultMode: 0o440 } });
    const main = container(sts(objects), 'elasticsearch');
    expect(main.volumeMounts).toContainEqual({ name: 'certs', mountPath: '/usr/share/elasticsearch/config/certs', readOnly: true });
    expect(main.env).toContainEqual({ name: 'ELASTIC_PASSWORD', valueFrom: { secretKeyRef: { name: 'es-elastic', key: 'password' } } });
    // The probe authenticates through a netrc on stdin: the password is never on a command line or in the manifest.
    expect(main.readinessProbe.exec.command.join(' ')).toContain('--netrc-file /dev/stdin');
    expect(main.readinessProbe.exec.command.join(' ')).toContain('"$ELASTIC_PASSWORD"');
    const exporter = container(sts(objects), 'exporter');
    expect(exporter.args).toEqual(expect.arrayContaining(['--es.uri=https://127.0.0.1:9200', '--es.ssl-skip-verify']));
    expect(exporter.env).toContainEqual({ name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: 'es-elastic', key: 'password' } } });
    expect(JSON.stringify(objects)).not.toMatch(/"value":"[^"]*password/i);
  });

  test('a dedicated exporter user replaces the elastic user for the exporter', () => {
    const { objects } = synth({ security: { ...SECURE.security!, exporterCredentialsSecret: 'es-monitor' } });
    const exporter = container(sts(objects), 'exporter');
    expect(exporter.env).toEqual([
      { name: 'ES_USERNAME', valueFrom: { secretKeyRef: { name: 'es-monitor', key: 'username' } } },
      { name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: 'es-monitor', key: 'password' } } },
    ]);
    expect(sts(objects).spec.template.metadata.annotations[EXTERNAL_SECRETS_ANNOTATION]).toBe('es-elastic,es-monitor,es-tls');
  });

  test('opt-in sysctl init container: privileged, reasoned, mmap allowed, namespace needs privileged', () => {
    const { es, objects } = synth({ sysctlInitContainer: true });
    const template = sts(objects).spec.template;
    const sysctl = container(sts(objects), 'sysctl');
    expect(template.spec.initContainers.map((c: Obj) => c.name)).toEqual(['sysctl', 'prepare-config']);
    expect(sysctl.command).toEqual(['sysctl', '-w', 'vm.max_map_count=262144']);
    expect(sysctl.securityContext).toMatchObject({ privileged: true, runAsUser: 0, runAsNonRoot: false });
    expect(template.metadata.annotations[SECURITY_EXCEPTION_ANNOTATION]).toMatch(/vm\.max_map_count/);
    expect(yml(objects)['node.store.allow_mmap']).toBeUndefined();
    expect(es.podSecurityLevel).toBe('privileged');
    expect(es.podSecurityReason).toMatch(/max_map_count/);
    expect(synth().es.podSecurityLevel).toBe('restricted');
  });

  test('upgrade safety: image, replicas and resources change no name, selector, serviceName or claim template', () => {
    const stable = (o: Obj[]) => ({
      names: kindsAndNames(o.filter((x) => x.kind !== 'PodDisruptionBudget')),
      selector: sts(o).spec.selector,
      serviceName: sts(o).spec.serviceName,
      claims: sts(o).spec.volumeClaimTemplates,
    });
    const base = stable(synth().objects);
    expect(stable(synth({ version: '8.19.20' }).objects)).toEqual(base);
    expect(stable(synth({ replicas: 5 }).objects)).toEqual(base);
    expect(stable(synth({ resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { cpu: '4', memory: '8Gi' } } }).objects)).toEqual(base);
  });

  test('deterministic output', () => {
    expect(JSON.stringify(synth(SECURE).objects)).toBe(JSON.stringify(synth(SECURE).objects));
  });
});

describe('Elasticsearch validation', () => {
  const P = 'logging/es: invalid';
  test.each<[string, ElasticsearchProps, string]>([
    ['replicas 0', { replicas: 0 }, `${P} replicas 0: must be an integer >= 1`],
    ['replicas 2 (origin)', { replicas: 2 }, `${P} replicas 2: every node is master-eligible, so use an odd count (1, 3, 5, ...)`],
    ['replicas 4', { replicas: 4 }, `${P} replicas 4: every node is master-eligible`],
    ['replicas 1.5', { replicas: 1.5 }, `${P} replicas 1.5: must be an integer >= 1`],
    ['a 7.x version', { version: '7.17.24' }, `${P} version "7.17.24": must be an Elastic Stack 8.x release`],
    ['a floating version', { version: '8' }, `${P} version "8": must be an Elastic Stack 8.x release`],
    ['an image of another version', { image: 'docker.elastic.co/elasticsearch/elasticsearch:8.18.0' },
      `${P} image "docker.elastic.co/elasticsearch/elasticsearch:8.18.0": its tag must be the stack version ${ELASTIC_STACK_VERSION}`],
    ['a latest image', { image: 'elasticsearch:latest' }, `${P} image "elasticsearch:latest": must name an explicit tag or digest`],
    ['a negative size', { storage: { size: '-10Gi' } }, `${P} storage.size "-10Gi": must be a positive Kubernetes quantity`],
    ['a size that is no quantity', { storage: { size: 'ten gigs' } }, `${P} storage.size "ten gigs": must be a positive Kubernetes quantity`],
    ['a tiny volume', { storage: { size: '500Mi' } }, `${P} storage.size "500Mi": must be at least 1Gi`],
    ['a storage class with emptyDir', { storage: { emptyDir: true, storageClassName: 'fast' } }, `${P} storage.storageClassName "fast": has no meaning with storage.emptyDir`],
    ['a bad storage class', { storage: { storageClassName: 'Fast_SSD' } }, `${P} storage.storageClassName "Fast_SSD": must be a DNS subdomain`],
    ['too little memory', { resources: { requests: { cpu: '1', memory: '512Mi' }, limits: { cpu: '1', memory: '512Mi' } } },
      `${P} resources.limits.memory "512Mi": Elasticsearch needs at least 1463Mi: the JVM heap is half the limit`],
    ['1Gi: a 512Mi heap plus what the JVM needs outside it does not fit', { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } },
      `${P} resources.limits.memory "1Gi": Elasticsearch needs at least 1463Mi`],
    ['a request above its limit', { resources: { requests: { cpu: '4', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } } },
      `${P} resources.requests.cpu "4": must not exceed resources.limits.cpu (2)`],
    ['a bad quantity', { resources: { requests: { cpu: 'one', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } } },
      `${P} resources.requests.cpu "one": must be a positive Kubernetes quantity`],
    ['security on without a password Secret', { security: { enabled: true, tlsSecret: 'es-tls' } },
      `${P} security.elasticPasswordSecret undefined: required when security is enabled: the name of an existing Secret holding the elastic user's bootstrap password`],
    ['security on without a TLS Secret', { security: { enabled: true, elasticPasswordSecret: 'es-elastic' } },
      `${P} security.tlsSecret undefined: required when security is enabled: the name of an existing Secret holding tls.crt, tls.key and ca.crt`],
    ['a bad Secret name', { security: { enabled: true, elasticPasswordSecret: 'ES Elastic', tlsSecret: 'es-tls' } },
      `${P} security.elasticPasswordSecret "ES Elastic": must be a DNS subdomain`],
    ['Secrets with security off', { security: { enabled: false, tlsSecret: 'es-tls' } },
      `${P} security.enabled false: Secrets are named but security is off`],
    ['a bad name', { name: 'Elasticsearch_Logging' }, `${P} name "Elasticsearch_Logging": must be a DNS label`],
    ['a name too long for pod hostnames', { name: 'e'.repeat(53) }, `${P} name "${'e'.repeat(53)}": must be a DNS label`],
    ['a bad cluster name', { clusterName: 'my cluster' }, `${P} clusterName "my cluster": must be 1-64 letters`],
    ['a bad cluster domain', { clusterDomain: 'Cluster.Local.' }, `${P} clusterDomain "Cluster.Local.": must be a DNS subdomain`],
    ['maxUnavailable above quorum loss', { maxUnavailable: 2 }, `${P} maxUnavailable 2: must be an integer from 1 to 1`],
    ['maxUnavailable on a single node', { replicas: 1, maxUnavailable: 1 }, `${P} maxUnavailable 1: a single node gets no PodDisruptionBudget`],
    ['an unpinned exporter', { exporterImage: 'quay.io/prometheuscommunity/elasticsearch-exporter' }, `${P} exporterImage "quay.io/prometheuscommunity/elasticsearch-exporter": must name an explicit tag`],
    ['a zero grace period', { terminationGracePeriodSeconds: 0 }, `${P} terminationGracePeriodSeconds 0: must be an integer >= 1`],
  ])('rejects %s', (_, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  test.each<[string, ElasticsearchProps]>([
    ['maxUnavailable on a single node', { replicas: 1, maxUnavailable: 1 }],
    ['a bad anti-affinity mode', { antiAffinity: 'sometimes' as never }],
    ['a zoneSpread that is no boolean', { zoneSpread: 'yes' as never }],
  ])('validates every prop before rendering any object: %s', (_, props) => {
    const chart = new Chart(Testing.app(), 'logging', { namespace: 'logging' });
    expect(() => new Elasticsearch(chart, 'es', props)).toThrow(P);
    expect(chart.node.findChild('es').node.children.map((c) => c.node.id)).toEqual([]);
  });

  test('needs a chart namespace for its DNS names', () => {
    expect(() => new Elasticsearch(new Chart(Testing.app(), 'logging'), 'es')).toThrow('logging/es: needs a namespace to build stable DNS names');
  });
});
