/** Where the official image keeps its files. */
export const ES_HOME = '/usr/share/elasticsearch';
export const ES_CONFIG_DIR = `${ES_HOME}/config`;
export const ES_DATA_DIR = `${ES_HOME}/data`;
export const ES_LOGS_DIR = `${ES_HOME}/logs`;
/** TLS material, relative to the config dir (Elasticsearch only reads key material from there). */
export const ES_CERTS_SUBDIR = 'certs';

/** What the generated `elasticsearch.yml` depends on. */
export interface ElasticsearchConfigInput {
  readonly clusterName: string;
  readonly replicas: number;
  /** Pod (= node) names in ordinal order: the initial master nodes. */
  readonly nodeNames: string[];
  /** `<pod>.<headless>.<ns>.svc.<domain>:<transport>` per node, ordinal order. */
  readonly seedHosts: string[];
  readonly httpPort: number;
  readonly transportPort: number;
  /** False (default) avoids the `vm.max_map_count` host sysctl: Lucene uses NIO instead of mmap. */
  readonly allowMmap: boolean;
  /** Security on: TLS on HTTP and transport from `certs/`, built-in users with passwords. */
  readonly security: boolean;
}

/**
 * `elasticsearch.yml`. Every node is master-eligible and holds data (a small logging cluster).
 * A single node uses `discovery.type: single-node`; a cluster seeds discovery from the stable
 * per-pod DNS names and bootstraps from the pod names (`cluster.initial_master_nodes` only acts on
 * the very first start: once a node has joined, the cluster UUID on its volume wins and 8.x
 * ignores the setting). Setting `xpack.security.enabled` explicitly
 * (either way) also stops the 8.x image from auto-generating certificates into its config dir.
 */
export function renderElasticsearchYml(c: ElasticsearchConfigInput): string {
  const q = JSON.stringify;
  const lines = [
    `cluster.name: ${q(c.clusterName)}`,
    'node.name: "${NODE_NAME}"',
    'network.host: "0.0.0.0"',
    `http.port: ${c.httpPort}`,
    `transport.port: ${c.transportPort}`,
    `path.data: ${q(ES_DATA_DIR)}`,
    `path.logs: ${q(ES_LOGS_DIR)}`,
    ...(c.allowMmap ? [] : ['node.store.allow_mmap: false']),
    ...(c.replicas === 1
      ? ['discovery.type: "single-node"']
      : [
        'discovery.seed_hosts:', ...c.seedHosts.map((h) => `  - ${q(h)}`),
        'cluster.initial_master_nodes:', ...c.nodeNames.map((n) => `  - ${q(n)}`),
      ]),
    // Logs go to a dedicated cluster: machine learning only costs memory and native processes here.
    'xpack.ml.enabled: false',
    `xpack.security.enabled: ${c.security}`,
    ...(c.security ? securityLines() : []),
  ];
  return lines.join('\n') + '\n';
}

function securityLines(): string[] {
  const lines: string[] = [];
  for (const layer of ['http', 'transport']) {
    lines.push(
      `xpack.security.${layer}.ssl.enabled: true`,
      `xpack.security.${layer}.ssl.key: "${ES_CERTS_SUBDIR}/tls.key"`,
      `xpack.security.${layer}.ssl.certificate: "${ES_CERTS_SUBDIR}/tls.crt"`,
      `xpack.security.${layer}.ssl.certificate_authorities: ["${ES_CERTS_SUBDIR}/ca.crt"]`,
    );
  }
  // Nodes share one certificate; hostnames are checked on HTTP (clients use the Service name).
  lines.push('xpack.security.transport.ssl.verification_mode: "certificate"');
  return lines;
}

/**
 * Init-container script: the image writes into its config dir at start (keystore, bootstrap
 * password), so the root filesystem stays read-only and the config dir is an emptyDir seeded with
 * the image's own files plus the generated `elasticsearch.yml`.
 */
export function renderPrepareConfigScript(seedDir: string, generatedDir: string): string {
  return [
    'set -eu',
    `cp -R ${ES_CONFIG_DIR}/. ${seedDir}/`,
    `cp ${generatedDir}/elasticsearch.yml ${seedDir}/elasticsearch.yml`,
    `echo "config prepared in ${seedDir}"`,
  ].join('\n');
}
