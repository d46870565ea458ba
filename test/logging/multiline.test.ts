import { Chart, Testing } from 'cdk8s';
import { CRI_LINE_REGEXP, Elasticsearch, Fluentd, MULTILINE_CONTINUATION_REGEXP, MULTILINE_START_REGEXP } from '../../lib/logging';
import { find, FluentSection, Obj, parseFluentConf } from './support';

/**
 * Multiline and partial-line reassembly (issue 13) on sample container log files in both formats
 * the agent reads: CRI (containerd, CRI-O) and Docker json-file.
 *
 * Fluentd and fluent-plugin-concat cannot run here (Debian 12 has no `fluentd` package and the
 * image's Ruby gems are not installed), so this test replays the pipeline of the generated
 * `fluent.conf` in TypeScript: the parse patterns, the line normalization and both concat filters,
 * each with the EXACT parameters read back from the rendered configuration (regexps compiled from
 * the config strings the way concat 2.6.2 does: `Regexp.compile(value[1..-2])`), and concat's
 * algorithms transcribed from fluent-plugin-concat v2.6.2 `filter_concat.rb` (`process_partial`,
 * `process_regexp`, `flush_buffer`; a timeout flushes what is left). The regexps use only syntax
 * with the same meaning in Ruby and JavaScript; `^`/`$` see one line without newline, so Ruby's
 * line anchors and JavaScript's string anchors agree.
 */

type Rec = Record<string, string>;

function renderedConf(): FluentSection[] {
  const app = Testing.app();
  const logging = new Chart(app, 'logging', { namespace: 'logging' });
  const agents = new Chart(app, 'logging-agents', { namespace: 'logging-agents' });
  new Fluentd(agents, 'fluentd', { elasticsearch: new Elasticsearch(logging, 'es') });
  return parseFluentConf(find(Testing.synth(agents) as Obj[], 'ConfigMap', 'fluentd-es-config').data['fluent.conf']);
}

const conf = renderedConf();
const filter = (id: string): FluentSection => {
  const found = conf.filter((s) => s.name === 'filter' && s.params['@id'] === id);
  if (found.length !== 1) throw new Error(`no filter @id ${id}`);
  return found[0];
};
const rubyRegexp = (value: string): RegExp => new RegExp(value.slice(1, -1));
const unquote = (value: string): string => JSON.parse(value);

/** in_tail's multi_format parse: Docker JSON first, else the CRI regexp of the config. */
function parseLine(line: string): Rec {
  const source = conf.find((s) => s.name === 'source' && s.params['@type'] === 'tail')!;
  const patterns = source.children[0].children;
  for (const p of patterns) {
    if (p.params.format === 'json') {
      try { const r = JSON.parse(line); delete r.time; return r; } catch { /* next pattern */ }
    } else {
      const m = rubyRegexp(p.params.expression).exec(line);
      if (m) { const { time: _t, ...rest } = m.groups!; return rest; }
    }
  }
  throw new Error(`unparsable line: ${line}`);
}

/** record_transformer filter_normalize_lines (the Ruby of its two `<record>` fields, by hand). */
function normalize(r: Rec): Rec {
  const record = filter('filter_normalize_lines').children[0].params;
  expect(record.logtag).toBe('${record["logtag"] || (record["log"].to_s.end_with?("\\n") ? "F" : "P")}');
  expect(record.log).toBe('${record["log"].to_s.chomp}');
  return { ...r, logtag: r.logtag ?? (r.log.endsWith('\n') ? 'F' : 'P'), log: r.log.replace(/(\r\n|\n|\r)$/, '') };
}

/** concat's buffers and flush_buffer: the first record with `key` = the lines joined. */
class Concat {
  private readonly buffers = new Map<string, Rec[]>();
  constructor(private readonly p: Record<string, string>) {}
  protected id(r: Rec): string { return `tag:${r[this.p.stream_identity_key]}`; }
  protected buffer(r: Rec): Rec[] {
    const id = this.id(r);
    if (!this.buffers.has(id)) this.buffers.set(id, []);
    return this.buffers.get(id)!;
  }
  protected flush(id: string, next?: Rec): Rec {
    const lines = this.buffers.get(id)!;
    this.buffers.set(id, next ? [next] : []);
    return { ...lines[0], [this.p.key]: lines.map((l) => l[this.p.key]).join(unquote(this.p.separator)) };
  }
  /** What the timer flushes after flush_interval (to the timeout_label). */
  public timeout(): Rec[] {
    return [...this.buffers.keys()].filter((id) => this.buffers.get(id)!.length > 0).map((id) => this.flush(id));
  }
  protected merged(current: Rec, flushed: Rec): Rec { return { ...current, ...flushed }; }
}

/** concat in `partial` mode (partial_key/partial_value): `process_partial`. */
class PartialConcat extends Concat {
  constructor(private readonly q: Record<string, string>) { super(q); }
  public process(r: Rec): Rec[] {
    if (!(this.q.partial_key in r)) return [r];
    this.buffer(r).push(r);
    if (r[this.q.partial_key] === this.q.partial_value) return [];
    const { [this.q.partial_key]: _drop, ...out } = this.merged(r, this.flush(this.id(r)));
    return [out];
  }
  public timeout(): Rec[] { return super.timeout().map(({ [this.q.partial_key]: _drop, ...r }) => r); }
}

/** concat in `regexp` mode (multiline_start_regexp + continuous_line_regexp): `process_regexp`. */
class RegexpConcat extends Concat {
  private readonly start: RegExp;
  private readonly continuous: RegExp;
  constructor(private readonly q: Record<string, string>) {
    super(q);
    this.start = rubyRegexp(q.multiline_start_regexp);
    this.continuous = rubyRegexp(q.continuous_line_regexp);
  }
  public process(r: Rec): Rec[] {
    const text = r[this.q.key];
    const buffer = this.buffer(r);
    if (this.start.test(text)) {
      if (buffer.length === 0) { buffer.push(r); return []; }
      return [this.merged(r, this.flush(this.id(r), r))];
    }
    if (buffer.length === 0) return [r]; // a start regexp is set: emitted as is
    if (this.continuous.test(text)) { buffer.push(r); return []; }
    return [this.merged(r, this.flush(this.id(r))), r];
  }
}

/** The records that reach the `@OUTPUT` label for one container log file. */
function pipeline(lines: string[]): Rec[] {
  const partial = new PartialConcat(filter('filter_concat_partial').params);
  const multiline = new RegexpConcat(filter('filter_concat_multiline').params);
  const out: Rec[] = [];
  for (const line of lines) {
    for (const joined of partial.process(normalize(parseLine(line)))) out.push(...multiline.process(joined));
  }
  for (const joined of partial.timeout()) out.push(...multiline.process(joined));
  out.push(...multiline.timeout());
  return out.map(({ log, stream }) => ({ stream, log }));
}

// --- sample container output -------------------------------------------------------------------

const JAVA = [
  '2026-03-02 10:15:30,123 [myid:1] - ERROR [QuorumPeer[myid=1]:QuorumPeer@1550] - Unexpected exception',
  'java.lang.IllegalStateException: boom',
  '\tat org.apache.zookeeper.server.quorum.QuorumPeer.run(QuorumPeer.java:1550)',
  '\tat java.base/java.lang.Thread.run(Thread.java:840)',
  'Caused by: java.io.IOException: No space left on device',
  '\tat java.base/java.io.FileOutputStream.writeBytes(Native Method)',
  '\t... 2 more',
];
const GO_PANIC = [
  'panic: runtime error: index out of range [5] with length 3',
  '',
  'goroutine 1 [running]:',
  'main.handle({0x4b2f40?, 0xc000012345?}, 0x5)',
  '\t/app/main.go:12 +0x1d',
  'net/http.(*conn).serve(0xc000162000, {0x7a1c28, 0xc00012e0f0})',
  '\t/usr/local/go/src/net/http/server.go:2092 +0x5d0',
  'created by net/http.(*Server).Serve in goroutine 1',
  '\t/usr/local/go/src/net/http/server.go:3285 +0x4b4',
];
const PLAIN = ['INFO starting server on :8080', 'config.load(path) returned defaults', 'INFO ready'];

const T = '2026-03-02T10:15:30.123456789Z';
const cri = (stream: string, text: string, tag = 'F') => `${T} ${stream} ${tag} ${text}`;
const docker = (stream: string, text: string, newline = true) => JSON.stringify({ log: `${text}${newline ? '\n' : ''}`, stream, time: T });

describe.each([
  ['CRI (containerd)', cri],
  ['Docker json-file', docker],
] as const)('%s log lines', (_format, line) => {
  test('a Java stack trace (exception, frames, cause, "... n more") is one record, after its log4j ERROR line', () => {
    expect(pipeline([line('stdout', 'INFO before'), ...JAVA.map((l) => line('stdout', l)), line('stdout', 'INFO after')])).toEqual([
      { stream: 'stdout', log: 'INFO before' },
      { stream: 'stdout', log: JAVA[0] },
      { stream: 'stdout', log: JAVA.slice(1).join('\n') },
      { stream: 'stdout', log: 'INFO after' },
    ]);
  });

  test('a Go panic (empty line, goroutine header, frames with hex arguments, created by) is one record', () => {
    expect(pipeline([...GO_PANIC.map((l) => line('stderr', l)), line('stderr', 'exit: restarting')])).toEqual([
      { stream: 'stderr', log: GO_PANIC.join('\n') },
      { stream: 'stderr', log: 'exit: restarting' },
    ]);
  });

  test('ordinary lines stay one record each (a call-like line without hex arguments included)', () => {
    expect(pipeline(PLAIN.map((l) => line('stdout', l)))).toEqual(PLAIN.map((log) => ({ stream: 'stdout', log })));
  });

  test('stdout and stderr interleaved: each stream keeps its own trace', () => {
    const lines = [line('stderr', JAVA[1]), line('stdout', 'INFO request 1'), line('stderr', JAVA[2]), line('stdout', 'INFO request 2'), line('stderr', JAVA[3])];
    // The trace is flushed by the timeout (nothing follows it on stderr), after stdout's first line.
    expect(pipeline(lines)).toEqual([
      { stream: 'stdout', log: 'INFO request 1' },
      { stream: 'stderr', log: JAVA.slice(1, 4).join('\n') },
      { stream: 'stdout', log: 'INFO request 2' },
    ]);
  });
});

test('CRI: a long line the runtime split (P, P, F) is one line again before multiline joining', () => {
  const long = 'x'.repeat(20000);
  const lines = [cri('stdout', long.slice(0, 8192), 'P'), cri('stdout', long.slice(8192, 16384), 'P'), cri('stdout', long.slice(16384), 'F'), cri('stdout', 'INFO next')];
  expect(pipeline(lines)).toEqual([{ stream: 'stdout', log: long }, { stream: 'stdout', log: 'INFO next' }]);
});

test('Docker: a line over 16 KiB split into entries without the final newline is one line again', () => {
  const long = 'y'.repeat(40000);
  const lines = [docker('stdout', long.slice(0, 16384), false), docker('stdout', long.slice(16384, 32768), false), docker('stdout', long.slice(32768)), docker('stdout', 'INFO next')];
  expect(pipeline(lines)).toEqual([{ stream: 'stdout', log: long }, { stream: 'stdout', log: 'INFO next' }]);
});

test('CRI: a split line inside a stack trace keeps the trace whole', () => {
  const frame = `\tat com.example.Generated.${'m'.repeat(100)}(Generated.java:1)`;
  const lines = [cri('stderr', JAVA[1]), cri('stderr', frame.slice(0, 50), 'P'), cri('stderr', frame.slice(50)), cri('stderr', 'INFO after')];
  expect(pipeline(lines)).toEqual([{ stream: 'stderr', log: `${JAVA[1]}\n${frame}` }, { stream: 'stderr', log: 'INFO after' }]);
});

describe('the continuation regexp', () => {
  const continues = rubyRegexp(MULTILINE_CONTINUATION_REGEXP);
  const starts = rubyRegexp(MULTILINE_START_REGEXP);
  test.each([
    ...JAVA.slice(2), ...GO_PANIC.slice(1),
    '  File "/app/main.py", line 3, in <module>', '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x47f1a2]',
    'panic({0x4a8f40?, 0xc0000140a8?})', 'main.main()',
  ])('%j continues the record before it', (text) => {
    expect(continues.test(text)).toBe(true);
    expect(starts.test(text)).toBe(false);
  });
  test.each([
    JAVA[0], JAVA[1], GO_PANIC[0], ...PLAIN, 'Exception in thread "main" java.lang.IllegalStateException: boom',
    'org.apache.kafka.common.errors.TimeoutException: Expiring 3 record(s)', 'java.lang.OutOfMemoryError: Java heap space', 'Exception handling is fine', 'ERROR java.lang.IllegalStateException: boom',
    '{"level":"error","msg":"failed"}', 'GET /healthz 200', 'user.login(alice) ok',
  ])('%j starts a new record', (text) => {
    expect(continues.test(text)).toBe(false);
    expect(starts.test(text)).toBe(true);
  });
  test('matches exactly the CRI line format it parses', () => {
    expect(rubyRegexp(CRI_LINE_REGEXP).exec(cri('stdout', '\tat x', 'P'))?.groups).toMatchObject({ logtag: 'P', log: '\tat x' });
  });
});
