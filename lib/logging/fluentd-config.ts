/** Ports Fluentd listens on. */
export const FLUENTD_PORTS = { metrics: 24231, monitor: 24220 } as const;

/** Where the image reads its configuration (`fluentd -c /fluentd/etc/${FLUENTD_CONF}`). */
export const FLUENTD_CONF_DIR = '/fluentd/etc';
export const FLUENTD_CONF_FILE = 'fluent.conf';
/** Where the CA certificate of Elasticsearch is mounted when TLS is on. */
export const FLUENTD_CERTS_DIR = '/fluentd/certs';

/** What the generated `fluent.conf` depends on. */
export interface FluentdConfigInput {
  /** Host directory (mounted at the same path) holding the pos file and the file buffer. */
  readonly stateDir: string;
  /** Glob of the container log files of Fluentd's own pods, never read (no feedback loop). */
  readonly ownLogsGlob: string;
  readonly elasticsearch: {
    readonly host: string;
    readonly port: number;
    readonly scheme: 'http' | 'https';
    /** Read user and password from ELASTICSEARCH_USERNAME / ELASTICSEARCH_PASSWORD. */
    readonly authenticated: boolean;
    /** CA file to verify the Elasticsearch certificate (https only). */
    readonly caFile?: string;
  };
  /** Index prefix: indices are `<prefix>-YYYY.MM.DD`. */
  readonly logstashPrefix: string;
  readonly buffer: {
    /** Bytes of one chunk (one bulk request). */
    readonly chunkLimitBytes: number;
    /** Bytes of the whole buffer on the node's disk before inputs block. */
    readonly totalLimitBytes: number;
    /** Seconds between flushes. */
    readonly flushIntervalSeconds: number;
    /** Upper bound of the exponential retry wait, in seconds. */
    readonly retryMaxIntervalSeconds: number;
  };
}

/** `8m`, `2g`: Fluentd's size notation (binary multiples). */
export function fluentSize(bytes: number): string {
  const units: Array<[string, number]> = [['g', 2 ** 30], ['m', 2 ** 20], ['k', 2 ** 10]];
  for (const [suffix, factor] of units) {
    if (bytes % factor === 0) return `${bytes / factor}${suffix}`;
  }
  return String(bytes);
}

/** CRI (containerd, CRI-O) log line: `<RFC3339Nano time> <stream> <P|F> <message>`. */
export const CRI_LINE_REGEXP = '/^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>[FP]) (?<log>.*)$/';

/**
 * The complete Fluentd configuration, mounted over the image's `/fluentd/etc` so none of the
 * image's defaults (systemd sources, env-driven outputs) run.
 *
 * - `fluent.**` (Fluentd's own events) is dropped first.
 * - Container logs are tailed from `/var/log/containers/*.log` (symlinks into `/var/log/pods`,
 *   and on Docker nodes further into `/var/lib/docker/containers`), tagged `kubernetes.*`, read
 *   from the head, with the position file on the host so a restarted agent resumes where it
 *   stopped. Each line is parsed as Docker JSON, else as a CRI line (multi_format tries in order).
 * - `kubernetes_metadata` adds pod, namespace, labels (it watches pods and namespaces).
 * - Output to Elasticsearch with daily `logstash-YYYY.MM.DD` indices through a file buffer on the
 *   host: retried forever with exponential backoff, and when the buffer is full the input blocks
 *   (`overflow_action block`) instead of dropping, so the lines wait in the node's log files.
 * - Prometheus metrics (incl. `fluentd_output_status_buffer_queue_length`,
 *   `fluentd_output_status_retry_count`, `fluentd_output_status_buffer_total_bytes`) on 24231
 *   and the monitor agent (used by the probes) on 24220.
 */
export function renderFluentConf(c: FluentdConfigInput): string {
  const es = c.elasticsearch;
  const sections = [
    block('system', [
      'log_level info',
    ]),
    '# Fluentd\'s own events are never shipped (no feedback loop).',
    block('match fluent.**', ['@type null']),
    block('source', [
      '@type tail',
      '@id in_tail_container_logs',
      'path /var/log/containers/*.log',
      `exclude_path ["${c.ownLogsGlob}"]`,
      `pos_file ${c.stateDir}/containers.log.pos`,
      'tag kubernetes.*',
      'read_from_head true',
      'follow_inodes true',
      'refresh_interval 10',
      'rotate_wait 5',
      block('parse', [
        '@type multi_format',
        block('pattern', [
          'format json',
          'time_key time',
          'time_type string',
          'time_format %Y-%m-%dT%H:%M:%S.%NZ',
          'keep_time_key false',
        ]),
        block('pattern', [
          'format regexp',
          `expression ${CRI_LINE_REGEXP}`,
          'time_key time',
          'time_type string',
          'time_format %Y-%m-%dT%H:%M:%S.%N%:z',
        ]),
      ]),
    ]),
    block('filter kubernetes.**', [
      '@type kubernetes_metadata',
      '@id filter_kubernetes_metadata',
      'skip_master_url true',
    ]),
    block('match kubernetes.**', [
      '@type elasticsearch',
      '@id out_elasticsearch',
      `host ${es.host}`,
      `port ${es.port}`,
      `scheme ${es.scheme}`,
      ...(es.scheme === 'https' ? ['ssl_verify true', 'ssl_version TLSv1_2', ...(es.caFile ? [`ca_file ${es.caFile}`] : [])] : []),
      ...(es.authenticated ? ['user "#{ENV[\'ELASTICSEARCH_USERNAME\']}"', 'password "#{ENV[\'ELASTICSEARCH_PASSWORD\']}"'] : []),
      'logstash_format true',
      `logstash_prefix ${c.logstashPrefix}`,
      'logstash_dateformat %Y.%m.%d',
      'include_tag_key true',
      'suppress_type_name true',
      // Start (and buffer) even while Elasticsearch is down; it is 8.x.
      'verify_es_version_at_startup false',
      'default_elasticsearch_version 8',
      // Always go through the Service: never replace it with sniffed pod addresses.
      'reload_connections false',
      'reload_on_failure false',
      'reconnect_on_error true',
      'request_timeout 30s',
      'log_es_400_reason true',
      block('buffer', [
        '@type file',
        `path ${c.stateDir}/buffer/elasticsearch`,
        'flush_mode interval',
        `flush_interval ${c.buffer.flushIntervalSeconds}s`,
        'flush_thread_count 2',
        `chunk_limit_size ${fluentSize(c.buffer.chunkLimitBytes)}`,
        `total_limit_size ${fluentSize(c.buffer.totalLimitBytes)}`,
        'retry_type exponential_backoff',
        'retry_wait 1s',
        'retry_exponential_backoff_base 2',
        `retry_max_interval ${c.buffer.retryMaxIntervalSeconds}s`,
        'retry_forever true',
        'overflow_action block',
      ]),
    ]),
    block('source', [
      '@type prometheus',
      '@id in_prometheus',
      'bind 0.0.0.0',
      `port ${FLUENTD_PORTS.metrics}`,
      'metrics_path /metrics',
    ]),
    block('source', ['@type prometheus_monitor', '@id in_prometheus_monitor']),
    block('source', ['@type prometheus_output_monitor', '@id in_prometheus_output_monitor']),
    block('source', ['@type prometheus_tail_monitor', '@id in_prometheus_tail_monitor']),
    block('source', [
      '@type monitor_agent',
      '@id in_monitor_agent',
      'bind 0.0.0.0',
      `port ${FLUENTD_PORTS.monitor}`,
    ]),
  ];
  return sections.join('\n\n') + '\n';
}

function block(header: string, body: string[]): string {
  const name = header.split(' ')[0];
  const indented = body.map((line) => line.split('\n').map((l) => `  ${l}`).join('\n'));
  return [`<${header}>`, ...indented, `</${name}>`].join('\n');
}
