import { BASE_UTILITIES, ImageContract } from '../core/image-contract';

/**
 * Contract of the official Elasticsearch image, 8.x (read for 8.19.21).
 *
 * Sources: elastic/elasticsearch `distribution/docker/src/docker/Dockerfile` (8.x): Elasticsearch
 * in `/usr/share/elasticsearch` owned `1000:0` with `config data logs plugins` group-writable,
 * user `elasticsearch` uid 1000 in group 0, `USER 1000:0`, `ENV PATH=/usr/share/elasticsearch/bin:$PATH`,
 * `ENTRYPOINT ["/bin/tini", "--", "/usr/local/bin/docker-entrypoint.sh"]`, `CMD ["eswrapper"]`;
 * `distribution/docker/src/docker/bin/docker-entrypoint.sh` (keystore: `elasticsearch-keystore
 * create` / `add bootstrap.password` when `ELASTIC_PASSWORD` is set); the server CLI creates
 * `ES_TMPDIR` under `/tmp` and bootstraps `config/elasticsearch.keystore` when it is missing;
 * `JvmErgonomics` sets `-XX:MaxDirectMemorySize` to half the heap; `config/jvm.options` writes the GC
 * log to `logs/gc.log`.
 */
export const ELASTICSEARCH_IMAGE_CONTRACT: ImageContract = {
  name: 'Elasticsearch (docker.elastic.co)',
  repository: 'docker.elastic.co/elasticsearch/elasticsearch',
  tags: /^8\.\d+\.\d+$/,
  sources: [
    'github.com/elastic/elasticsearch distribution/docker/src/docker/Dockerfile (8.x)',
    'github.com/elastic/elasticsearch distribution/docker/src/docker/bin/docker-entrypoint.sh (8.x)',
    'github.com/elastic/elasticsearch distribution/src/config/jvm.options, JvmErgonomics.java (8.x)',
  ],
  user: { uid: 1000, gid: 0 },
  entrypoint: ['/bin/tini', '--', '/usr/local/bin/docker-entrypoint.sh'],
  cmd: ['eswrapper'],
  workdir: '/usr/share/elasticsearch',
  env: { ELASTIC_CONTAINER: 'true' },
  mainPrograms: ['/usr/local/bin/docker-entrypoint.sh', 'elasticsearch'],
  programs: [
    '/bin/tini', '/usr/local/bin/docker-entrypoint.sh', 'elasticsearch', 'elasticsearch-keystore', 'elasticsearch-users',
    'elasticsearch-certutil', 'curl', 'bash', ...BASE_UTILITIES,
  ],
  writes: [
    { path: '/usr/share/elasticsearch/data', setBy: { configFile: 'elasticsearch.yml', pattern: /^\s*path\.data\s*:\s*"?([^"\s]+)"?\s*$/m }, when: 'start', kind: 'data', by: 'Elasticsearch: node.lock, _state and the indices' },
    { path: '/usr/share/elasticsearch/logs', setBy: { configFile: 'elasticsearch.yml', pattern: /^\s*path\.logs\s*:\s*"?([^"\s]+)"?\s*$/m }, when: 'start', kind: 'logs', by: 'JVM GC log (jvm.options -Xlog:gc*:file=logs/gc.log), heap dumps (-XX:HeapDumpPath=data), fatal error logs' },
    { path: '/usr/share/elasticsearch/config', when: 'start', kind: 'keystore', by: 'server CLI and docker-entrypoint.sh: create elasticsearch.keystore (and add bootstrap.password) in the config directory' },
    { path: '/tmp', setBy: { env: 'ES_TMPDIR' }, when: 'start', kind: 'tmp', by: 'server CLI: creates ES_TMPDIR (/tmp/elasticsearch-<random>) for JNA and the ML native controller; JVM hsperfdata' },
  ],
  memory: {
    runtime: 'jvm',
    heapFrom: [{ env: 'ES_JAVA_OPTS', flag: 'Xmx' }],
    defaultHeap: { fractionOfLimit: 0.5 },
    nonHeapMiB: 256,
    offHeapPerHeap: 0.55,
    why: 'Elasticsearch 8 on its bundled JDK: metaspace ~150Mi (modules and plugins), code cache, ~100 threads; MaxDirectMemorySize is half the heap (JvmErgonomics) and G1 structures ~5%',
  },
};

/**
 * Contract of `quay.io/prometheuscommunity/elasticsearch-exporter` v1.x (read for v1.10.0).
 *
 * Source: prometheus-community/elasticsearch_exporter `Dockerfile`: a static Go binary at
 * `/bin/elasticsearch_exporter` (`ENTRYPOINT ["/bin/elasticsearch_exporter"]`, port 9114) on a
 * minimal base (busybox in the promu builds published to quay.io, `USER nobody`). It writes no file.
 */
export const ELASTICSEARCH_EXPORTER_IMAGE_CONTRACT: ImageContract = {
  name: 'Elasticsearch exporter (prometheus-community)',
  repository: 'quay.io/prometheuscommunity/elasticsearch-exporter',
  tags: /^v1\.\d+\.\d+$/,
  sources: ['github.com/prometheus-community/elasticsearch_exporter Dockerfile'],
  user: { uid: 65534, gid: 65534, anyNonRootUid: 'a static Go binary, world-executable, that writes no file' },
  entrypoint: ['/bin/elasticsearch_exporter'],
  cmd: [],
  workdir: '/',
  env: {},
  mainPrograms: ['/bin/elasticsearch_exporter'],
  programs: ['/bin/elasticsearch_exporter'],
  writes: [],
};
