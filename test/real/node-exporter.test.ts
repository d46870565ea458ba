import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { App } from 'cdk8s';
import { appManifests, buildPlatform } from '../../lib';
import { describeWithPrograms, findProgram } from '../support/real-programs';
import { alive, cleanup, freePort, logTail, start, Started, tempDir, waitFor } from './processes';

/**
 * Debian's node-exporter (1.5.0; the image is 1.9.1) run with the platform DaemonSet's exact
 * arguments. Only what the difference between a pod and this machine forces is changed:
 * 1. {@link hostMountsHere}: the pod's read-only hostPath mounts (/host/proc -> /proc,
 *    /host/sys -> /sys, /host/root -> /) become symlinks in a temporary directory, and every
 *    argument naming a mount path is rewritten to the symlink.
 * 2. {@link expandKubeletVariables}: kubelet expands `$(HOST_IP)` (downward API `status.hostIP`);
 *    this machine's "node IP" is 127.0.0.1.
 * 3. {@link withPort}: the port (9100, a hostPort on a node) becomes a free loopback port, in the
 *    listen address and for the probes (which name the port).
 * It runs as the pod's user (65534) when the test runs as root.
 */

const BINARY = 'prometheus-node-exporter';
const NODE_IP = '127.0.0.1';
const WAIT_MS = 15_000;

type Obj = Record<string, any>;

/** The platform's node-exporter DaemonSet and every alert expression of its PrometheusRules. */
function synthesizePlatform(): { daemonSet: Obj; alertExprs: string[] } {
  const app = new App({ recordConstructMetadata: false });
  buildPlatform(app);
  const objects: Obj[] = appManifests(app).flatMap((c) => c.objects);
  const daemonSet = objects.find((o) => o.kind === 'DaemonSet' &&
    o.spec.template.spec.containers.some((c: Obj) => /(^|\/)node-exporter[:@]/.test(c.image)));
  if (!daemonSet) throw new Error('the platform has no node-exporter DaemonSet');
  const alertExprs = objects.filter((o) => o.kind === 'PrometheusRule')
    .flatMap((r) => r.spec.groups.flatMap((g: Obj) => g.rules.filter((rule: Obj) => rule.alert).map((rule: Obj) => String(rule.expr))));
  return { daemonSet, alertExprs };
}

/** Transformation 1: hostPath mount path -> a symlink here to the same host path; returns mountPath -> symlink. */
function hostMountsHere(pod: Obj, container: Obj, root: string): Map<string, string> {
  const links = new Map<string, string>();
  for (const mount of container.volumeMounts as Obj[]) {
    const volume = (pod.volumes as Obj[]).find((v) => v.name === mount.name);
    if (!volume?.hostPath) throw new Error(`mount ${mount.mountPath} is not a hostPath volume; this test only knows host mounts`);
    const link = path.join(root, mount.name);
    fs.symlinkSync(volume.hostPath.path, link);
    links.set(mount.mountPath, link);
  }
  return links;
}

/** Rewrites a mount path (as a whole path prefix) in `arg` to its stand-in, longest mount first. */
function remapMounts(arg: string, links: ReadonlyMap<string, string>): string {
  const paths = [...links.keys()].sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return arg.replace(new RegExp(`(?<=^|=)(${paths.join('|')})(?=$|/)`), (m) => links.get(m)!);
}

/** Transformation 2: kubelet's `$(VAR)` expansion of args (`$$` escapes), with the pod's env on this machine. */
function expandKubeletVariables(arg: string, env: Record<string, string>): string {
  return arg.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name) => (m === '$$' ? '$' : env[name] ?? m));
}

/** The container's env as kubelet resolves it here: `status.hostIP` is this machine's loopback. */
function podEnv(container: Obj): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of (container.env ?? []) as Obj[]) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.fieldRef?.fieldPath === 'status.hostIP') env[e.name] = NODE_IP;
    else throw new Error(`env ${e.name}: only values and status.hostIP are known to this test (${JSON.stringify(e)})`);
  }
  return env;
}

/** Transformation 3: the listen address's port -> `port`. */
function withPort(arg: string, containerPort: number, port: number): string {
  if (!arg.startsWith('--web.listen-address=')) return arg;
  const rewritten = arg.replace(new RegExp(`:${containerPort}$`), `:${port}`);
  if (rewritten === arg) throw new Error(`${arg} does not listen on the container port ${containerPort}`);
  return rewritten;
}

/** Flags the installed binary knows (`--help`); boolean flags also accept `--no-<flag>`. */
function knownFlags(): Set<string> {
  const help = spawnSync(findProgram(BINARY)!, ['--help'], { encoding: 'utf8' });
  return new Set([...`${help.stdout}${help.stderr}`.matchAll(/^\s+(?:-\w, )?--(?:\[no-\])?([a-z][\w.-]*)/gm)].map((m) => m[1]));
}

function flagName(arg: string): string {
  return arg.replace(/^--/, '').split('=')[0];
}

/** An HTTP GET as kubelet's httpGet probe does it: success is a status from 200 to 399. */
function httpGet(url: string, timeoutMs: number): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
  });
}

/** One series of the text exposition format. */
interface Series { readonly name: string; readonly labels: Record<string, string>; readonly value: number }

function parseMetrics(text: string): Series[] {
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((line) => {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    return { name: m[1], labels, value: Number(m[3]) };
  });
}

/** Every `node_*` selector in the alert expressions, with its label matchers. */
function nodeSelectors(exprs: string[]): Array<{ metric: string; matchers: Array<{ label: string; op: string; value: string }> }> {
  const found = new Map<string, { metric: string; matchers: Array<{ label: string; op: string; value: string }> }>();
  for (const expr of exprs) {
    for (const m of expr.matchAll(/\b(node_[a-z0-9_]+)\s*(?:\{([^}]*)\})?/g)) {
      const matchers = [...(m[2] ?? '').matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map((x) => ({ label: x[1], op: x[2], value: x[3] }));
      found.set(`${m[1]}{${m[2] ?? ''}}`, { metric: m[1], matchers });
    }
  }
  return [...found.values()];
}

/** Whether `series` satisfies the matchers on labels the exporter itself sets (Prometheus adds job, namespace, ...). */
function matchesExporterLabels(series: Series, matchers: Array<{ label: string; op: string; value: string }>, exporterLabels: Set<string>): boolean {
  return matchers.filter((m) => exporterLabels.has(m.label)).every(({ label, op, value }) => {
    const v = series.labels[label] ?? '';
    const re = new RegExp(`^(?:${value})$`);
    return op === '=' ? v === value : op === '!=' ? v !== value : op === '=~' ? re.test(v) : !re.test(v);
  });
}

describeWithPrograms([BINARY], 'node-exporter with the DaemonSet arguments')('node-exporter with the DaemonSet\'s exact arguments', () => {
  const { daemonSet, alertExprs } = synthesizePlatform();
  const pod = daemonSet.spec.template.spec;
  const container = pod.containers[0];
  const portOf = (name: string | number): number => typeof name === 'number' ? name : container.ports.find((p: Obj) => p.name === name).containerPort;
  let root: string | undefined;
  let exporter: Started | undefined;
  let port = 0;
  const probeUrl = (probe: Obj) => {
    if (portOf(probe.httpGet.port) !== container.ports[0].containerPort) throw new Error(`probe port ${probe.httpGet.port} is not the exporter's port`);
    return `${(probe.httpGet.scheme ?? 'HTTP').toLowerCase()}://${probe.httpGet.host ?? NODE_IP}:${port}${probe.httpGet.path}`;
  };

  beforeAll(async () => {
    root = tempDir('node-exporter-real');
    fs.chmodSync(root, 0o755);
    const links = hostMountsHere(pod, container, root);
    port = await freePort(NODE_IP);
    const env = podEnv(container);
    const args = (container.args as string[]).map((arg) => withPort(expandKubeletVariables(remapMounts(arg, links), env), container.ports[0].containerPort, port));
    const asPodUser = process.getuid?.() === 0 ? { uid: pod.securityContext?.runAsUser ?? container.securityContext?.runAsUser, gid: pod.securityContext?.runAsGroup ?? container.securityContext?.runAsGroup } : {};
    exporter = start('node-exporter', findProgram(BINARY)!, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, cwd: root, logFile: path.join(root, 'node-exporter.log'), ...asPodUser });
  });

  afterAll(async () => {
    await cleanup(root);
  });

  test('every DaemonSet flag exists in the installed node-exporter (Debian 1.5.0; the image runs 1.9.1)', () => {
    const known = knownFlags();
    expect(known.size).toBeGreaterThan(50);
    const unknown = (container.args as string[]).map(flagName).filter((f) => !known.has(f) && !(f.startsWith('no-') && known.has(f.slice(3))));
    // A flag newer than Debian's build must be handled here explicitly (named, with the version that
    // added it), never dropped silently.
    expect(unknown).toEqual([]);
  });

  test('it starts with those arguments and answers the readiness and liveness probes', async () => {
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      let last: unknown;
      await waitFor(`node-exporter to answer ${probeUrl(probe)}`, async () => {
        if (!alive(exporter!)) throw new Error(`node-exporter exited (${exporter!.child.exitCode ?? exporter!.child.signalCode}): the real binary refused the DaemonSet's arguments\n${logTail(exporter!)}`);
        last = await httpGet(probeUrl(probe), probe.timeoutSeconds * 1000);
        return 'status' in (last as Obj) && (last as Obj).status >= 200 && (last as Obj).status < 400;
      }, () => `last answer: ${JSON.stringify(last)}\n${logTail(exporter!)}`, WAIT_MS);
    }
    // It listens on the node IP only (not every interface), and the probes (no host: the pod IP,
    // which with hostNetwork is the node IP) reach it there.
    expect(fs.readFileSync(exporter!.logFile, 'utf8')).toMatch(new RegExp(`Listening on.*${NODE_IP.replace(/\./g, '\\.')}:${port}`));
  }, 30_000);

  test('/metrics has every node_* series the platform\'s alerts use, with series their label matchers select', async () => {
    const selectors = nodeSelectors(alertExprs);
    expect(selectors.map((s) => s.metric)).toEqual(expect.arrayContaining(['node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'node_filesystem_readonly']));
    const answer = await httpGet(`http://${NODE_IP}:${port}/metrics`, 10_000);
    if (!('status' in answer) || answer.status !== 200) throw new Error(`GET /metrics: ${JSON.stringify(answer).slice(0, 500)}\n${logTail(exporter!)}`);
    const series = parseMetrics(answer.body);
    expect(series.find((s) => s.name === 'node_scrape_collector_success' && s.labels.collector === 'filesystem')?.value).toBe(1);
    for (const { metric, matchers } of selectors) {
      const ofMetric = series.filter((s) => s.name === metric);
      const exporterLabels = new Set(ofMetric.flatMap((s) => Object.keys(s.labels)));
      const selected = ofMetric.filter((s) => matchesExporterLabels(s, matchers, exporterLabels));
      expect({ metric, matchers, selected: selected.length > 0 }).toEqual({ metric, matchers, selected: true });
    }
  }, 20_000);
});
