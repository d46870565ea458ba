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
  /**
   * Seconds a partial line or an unfinished multiline record (a stack trace) waits for its next
   * line before it is shipped as it is.
   */
  readonly multilineFlushIntervalSeconds: number;
  /** Pod annotation whose value `exclude` keeps a pod's logs out of Elasticsearch. */
  readonly excludeAnnotation: string;
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

/** Pod annotation that keeps a pod's logs out of Elasticsearch when set to {@link LOG_EXCLUDE_VALUE}. */
export const LOG_EXCLUDE_ANNOTATION = 'platform.cdk8s.io/logs';
/** The value of {@link LOG_EXCLUDE_ANNOTATION} that excludes the pod. */
export const LOG_EXCLUDE_VALUE = 'exclude';

/** The label the records enter once lines are reassembled: enrichment, exclusion, output. */
export const FLUENTD_OUTPUT_LABEL = '@OUTPUT';

/**
 * Alternatives of a line that CONTINUES the record before it (Ruby regexp source, also valid
 * JavaScript: no `\A`/`\z`, no possessive quantifiers, no POSIX classes). Each alternative is
 * anchored at the start of the (single, newline-free) line by the callers.
 * - any line starting with a space or a tab: Java frames (`\tat ...`, `\t... 12 more`), indented
 *   `Caused by:`/`Suppressed:`, Go frame locations (`\t/src/main.go:8 +0x1d`), Python `  File`;
 * - `Caused by: ...`: Java's cause chain (unindented for the outermost cause);
 * (A package-qualified exception line, `java.lang.IllegalStateException: boom`, STARTS a record:
 * concat emits a non-start line as is when nothing is buffered, so were it a continuation, a trace
 * printed after a quiet period or first in a stream would be split line by line. log4j's ERROR
 * message line and the trace after it are therefore two records, the trace always whole.)
 * - an empty line, `goroutine 1 [running]:`, `[signal SIGSEGV: ...]`, `created by main.main in
 *   goroutine 1` and a Go frame function line (`main.main()`, `net/http.(*conn).serve(0xc000162000,
 *   {0x7a1c28, 0xc00012e0f0})`, `panic({0x4a8f40?, 0xc0000140a8?})`: arguments are hex words,
 *   `?`, braces or `...`, so an ordinary `name.call(x)` log line is not mistaken for one).
 */
export const MULTILINE_CONTINUATION_ALTERNATIVES: readonly string[] = [
  '[ \\t]',
  'Caused by: ',
  '$',
  'goroutine \\d+ \\[[^\\]]*\\]:$',
  '\\[signal ',
  'created by ',
  '(?:[\\w.-]+\\/)*[\\w-]+(?:\\.[\\w-]+)*\\.(?:\\(\\*?[\\w-]+(?:\\[[^\\]]*\\])?\\)\\.)?[\\w-]+(?:\\[[^\\]]*\\])?(?:\\.func\\d+(?:\\.\\d+)*)?\\((?:\\.\\.\\.|[0-9a-fx?{}, ]*)\\)$',
  'panic\\((?:\\.\\.\\.|[0-9a-fx?{}, ]*)\\)$',
];

/** `continuous_line_regexp` of the multiline concat filter: a line that continues the record before it. */
export const MULTILINE_CONTINUATION_REGEXP = `/^(?:${MULTILINE_CONTINUATION_ALTERNATIVES.join('|')})/`;
/** `multiline_start_regexp`: every other line starts a new record. */
export const MULTILINE_START_REGEXP = `/^(?!(?:${MULTILINE_CONTINUATION_ALTERNATIVES.join('|')}))/`;

/**
 * The complete Fluentd configuration, mounted over the image's `/fluentd/etc` so none of the
 * image's defaults (systemd sources, env-driven outputs) run.
 *
 * - `fluent.**` (Fluentd's own events) is dropped first.
 * - Container logs are tailed from `/var/log/containers/*.log` (symlinks into `/var/log/pods`,
 *   and on Docker nodes further into `/var/lib/docker/containers`), tagged `kubernetes.*`, read
 *   from the head, with the position file on the host so a restarted agent resumes where it
 *   stopped. Each line is parsed as Docker JSON, else as a CRI line (multi_format tries in order).
 * - Lines are reassembled with fluent-plugin-concat (2.6, in the pinned image's Gemfile): first
 *   the pieces of a long line the runtime split (CRI `P`...`F`, Docker lines without their final
 *   newline), then multiline records: a line matching {@link MULTILINE_CONTINUATION_REGEXP} (Java
 *   frames and causes, Go panic traces) joins the line before it, per container and stream. A
 *   record waits for its next line at most `multilineFlushIntervalSeconds`, then goes on as is
 *   (`timeout_label`), so a trace is never held back or dropped.
 * - In the `@OUTPUT` label: `kubernetes_metadata` adds pod, namespace, labels (it watches pods and
 *   namespaces) and the pod's {@link LOG_EXCLUDE_ANNOTATION} annotation; pods annotated
 *   `exclude` are dropped by a grep filter.
 * - Output to Elasticsearch with daily `logstash-YYYY.MM.DD` indices through a file buffer on the
 *   host: retried forever with exponential backoff, and when the buffer is full the input blocks
 *   (`overflow_action block`) instead of dropping, so the lines wait in the node's log files.
 * - Prometheus metrics (incl. `fluentd_output_status_buffer_queue_length`,
 *   `fluentd_output_status_retry_count`, `fluentd_output_status_buffer_total_bytes`) on 24231
 *   and the monitor agent (used by the probes) on 24220.
 */
export function renderFluentConf(c: FluentdConfigInput): string {
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
    ['# One shape for both runtimes: `logtag` P (partial) or F (full) and `log` without its newline.',
      '# CRI lines carry the tag; a Docker json-file line is partial when its `log` lacks the final',
      '# newline (Docker splits lines over 16 KiB).'].join('\n'),
    block('filter kubernetes.**', [
      '@type record_transformer',
      '@id filter_normalize_lines',
      'enable_ruby true',
      block('record', [
        'logtag ${record["logtag"] || (record["log"].to_s.end_with?("\\n") ? "F" : "P")}',
        'log ${record["log"].to_s.chomp}',
      ]),
    ]),
    '# Long lines the runtime split (P ... P F) become one line again, per container stream.',
    block('filter kubernetes.**', [
      '@type concat',
      '@id filter_concat_partial',
      'key log',
      'partial_key logtag',
      'partial_value P',
      'separator ""',
      'stream_identity_key stream',
      `flush_interval ${c.multilineFlushIntervalSeconds}`,
      `timeout_label ${FLUENTD_OUTPUT_LABEL}`,
    ]),
    '# A stack trace (Java, Go panic) becomes one record: its continuation lines join the line before.',
    block('filter kubernetes.**', [
      '@type concat',
      '@id filter_concat_multiline',
      'key log',
      `multiline_start_regexp ${MULTILINE_START_REGEXP}`,
      `continuous_line_regexp ${MULTILINE_CONTINUATION_REGEXP}`,
      'separator "\\n"',
      'stream_identity_key stream',
      'use_first_timestamp true',
      `flush_interval ${c.multilineFlushIntervalSeconds}`,
      `timeout_label ${FLUENTD_OUTPUT_LABEL}`,
    ]),
    '# Reassembled records (and those a concat flushed on timeout) continue in one label.',
    block('match kubernetes.**', ['@type relabel', `@label ${FLUENTD_OUTPUT_LABEL}`]),
    block(`label ${FLUENTD_OUTPUT_LABEL}`, [
      block('filter kubernetes.**', [
        '@type kubernetes_metadata',
        '@id filter_kubernetes_metadata',
        'skip_master_url true',
        // Annotations are only copied into records when they match: just the exclusion one.
        `annotation_match ["^${c.excludeAnnotation.replace(/\./g, '[.]')}$"]`,
      ]),
      `# Pods annotated ${c.excludeAnnotation}: ${LOG_EXCLUDE_VALUE} are not shipped.`,
      block('filter kubernetes.**', [
        '@type grep',
        '@id filter_exclude_annotated',
        block('exclude', [
          `key $['kubernetes']['annotations']['${c.excludeAnnotation}']`,
          `pattern /^${LOG_EXCLUDE_VALUE}$/`,
        ]),
      ]),
      elasticsearchMatch(c),
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

/** The Elasticsearch output: daily `<prefix>-YYYY.MM.DD` indices through a file buffer on the host. */
function elasticsearchMatch(c: FluentdConfigInput): string {
  const es = c.elasticsearch;
  return block('match kubernetes.**', [
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
  ]);
}

function block(header: string, body: string[]): string {
  const name = header.split(' ')[0];
  const indented = body.map((line) => line.split('\n').map((l) => `  ${l}`).join('\n'));
  return [`<${header}>`, ...indented, `</${name}>`].join('\n');
}
