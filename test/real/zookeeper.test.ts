import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { ZookeeperEnsemble } from '../../lib';
import { describeWithPrograms } from '../support/real-programs';
import { alive, assertBindable, cleanup, fourLetterWord, kill, logTail, runProbe, start, Started, tempDir, waitFor } from './processes';

/**
 * A real 3-server ZooKeeper ensemble (Debian's ZooKeeper 3.8 on this machine; the image runs 3.9)
 * started from the GENERATED manifests: the ConfigMap the pods mount (zoo.cfg, start.sh), the
 * container's command and environment, and its probe commands, run exactly as the manifests spell
 * them. The generated start script itself runs (with HOSTNAME=zk-<i>), so the myid derivation is
 * tested for real.
 *
 * Only what the difference between a pod and this machine forces is changed, each by one function
 * below:
 * 1. {@link placeServers}: every pod has its own IP, resolved through its stable DNS name; here the
 *    servers share one host, so each per-pod DNS name becomes its own loopback address
 *    (127.a.b.1/2/3, ports unchanged), the client address in each server line is that address
 *    (a pod binds 0.0.0.0 in its own network namespace), and `quorumListenOnAllIPs=false` so each
 *    server binds only its own address.
 * 2. {@link remapMounts}: the pod's volume mounts (/data, /conf, /logs, /tmp) become per-server
 *    directories, in the files, the environment and the command.
 * 3. {@link withoutMissingMetricsProvider}: Debian's ZooKeeper jar has no Prometheus metrics
 *    provider (the image's distribution does), so its `metricsProvider.*` lines are dropped when,
 *    and only when, the class is absent from Debian's jars.
 * 4. {@link imageBinDir}: the image puts upstream's `bin/` on PATH, whose `zkEnv.sh` honours
 *    ZOOCFGDIR, ZOO_LOG_DIR and ZK_SERVER_HEAP from the environment; Debian's zkEnv.sh is a fixed
 *    file pointing at /etc/zookeeper. So PATH gets a directory with Debian's zkServer.sh and a
 *    zkEnv.sh with upstream's contract; Debian ships no logback, so slf4j-simple prints the log.
 * 5. The probes run on the pod's own loopback (127.0.0.1); here they target the server's address
 *    ({@link probeFor}).
 * The heap needs no change: the ensemble is synthesized with a 256Mi limit (128 MiB heap).
 */

const DEBIAN_ZKSERVER = '/usr/share/zookeeper/bin/zkServer.sh';
const DEBIAN_JARS = '/usr/share/java';
const POD_LOOPBACK = '127.0.0.1';
/** Every wait in this file is bounded by this. */
const WAIT_MS = 30_000;

type Obj = Record<string, any>;

/** What the test takes from the synthesized manifests. */
interface Generated {
  readonly statefulSet: Obj;
  readonly container: Obj;
  /** File name -> content of the ConfigMap mounted where the container's command lives. */
  readonly files: Record<string, string>;
  /** Mount path -> volume name of the container's mounts. */
  readonly mounts: Array<{ mountPath: string; name: string }>;
  /** The ConfigMap volume's defaultMode. */
  readonly fileMode: number;
}

function synthesize(): Generated {
  const chart = new Chart(Testing.app(), 'streaming', { namespace: 'streaming' });
  new ZookeeperEnsemble(chart, 'zk', {
    replicas: 3,
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '256Mi' } },
  });
  const objects: Obj[] = Testing.synth(chart);
  const statefulSet = objects.find((o) => o.kind === 'StatefulSet');
  if (!statefulSet) throw new Error('the ensemble synthesized no StatefulSet');
  const pod = statefulSet.spec.template.spec;
  const container = pod.containers[0];
  const mounts: Array<{ mountPath: string; name: string }> = container.volumeMounts.map((m: Obj) => ({ mountPath: m.mountPath, name: m.name }));
  // The ConfigMap is found through the pod: the volume mounted where the command's script lives.
  const script: string = container.command.find((arg: string) => arg.endsWith('.sh'));
  const mount = mounts.find((m) => script?.startsWith(`${m.mountPath}/`));
  const volume = pod.volumes.find((v: Obj) => v.name === mount?.name);
  if (!volume?.configMap) throw new Error(`the container's script ${script} is not on a ConfigMap volume`);
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap.name);
  if (!configMap) throw new Error(`the pod mounts ConfigMap ${volume.configMap.name}, which was not synthesized`);
  const files: Record<string, string> = {};
  for (const [key, content] of Object.entries<string>(configMap.data)) {
    const item = volume.configMap.items?.find((i: Obj) => i.key === key);
    if (!volume.configMap.items || item) files[item?.path ?? key] = content;
  }
  return { statefulSet, container, files, mounts, fileMode: volume.configMap.defaultMode ?? 0o644 };
}

/**
 * Transformation 1: server `i`'s per-pod DNS name -> `addresses[i]`, in the quorum and the client
 * part of every `server.N` line; `quorumListenOnAllIPs=false`. Fails if a server line does not name
 * the StatefulSet's pod N-1 through its headless Service (the contract this test relies on).
 */
function placeServers(zooCfg: string, statefulSet: Obj, addresses: readonly string[]): string {
  const pods = `${statefulSet.metadata.name}`;
  const service = statefulSet.spec.serviceName;
  let servers = 0;
  const lines = zooCfg.split('\n').map((line) => {
    const server = /^server\.(\d+)=([^:]+):(\d+):(\d+);(\d+)$/.exec(line);
    if (server) {
      const [, id, host, peerPort, electionPort, clientPort] = server;
      const ordinal = Number(id) - 1;
      if (!host.startsWith(`${pods}-${ordinal}.${service}.`)) throw new Error(`server.${id} is ${host}, not pod ${pods}-${ordinal} of Service ${service}`);
      servers++;
      return `server.${id}=${addresses[ordinal]}:${peerPort}:${electionPort};${addresses[ordinal]}:${clientPort}`;
    }
    if (line.startsWith('server.')) throw new Error(`unexpected server line: ${line}`);
    return line === 'quorumListenOnAllIPs=true' ? 'quorumListenOnAllIPs=false' : line;
  });
  if (servers !== addresses.length) throw new Error(`zoo.cfg lists ${servers} servers, expected ${addresses.length}`);
  return lines.join('\n');
}

/**
 * Transformation 2: every occurrence of a mount path (as a whole path prefix) -> its directory here,
 * in one pass (the directories themselves may live under a mount path such as /tmp).
 */
function remapMounts(text: string, dirs: ReadonlyMap<string, string>): string {
  const paths = [...dirs.keys()].sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return text.replace(new RegExp(`(?<![\\w./-])(${paths.join('|')})(?=$|[/\\s"';:])`, 'gm'), (mountPath) => dirs.get(mountPath)!);
}

/** Whether Debian's ZooKeeper jars contain `classPath` (zip entry names are stored uncompressed). */
function debianJarsContain(classPath: string): boolean {
  return fs.readdirSync(DEBIAN_JARS).filter((f) => /^zookeeper.*\.jar$/.test(f))
    .some((f) => fs.readFileSync(path.join(DEBIAN_JARS, f)).includes(`${classPath}.class`));
}

/** Transformation 3: drop `metricsProvider.*` only when Debian's jars lack the configured provider. */
function withoutMissingMetricsProvider(zooCfg: string): string {
  const provider = /^metricsProvider\.className=(.+)$/m.exec(zooCfg)?.[1];
  if (!provider || debianJarsContain(provider.replace(/\./g, '/'))) return zooCfg;
  return zooCfg.split('\n').filter((line) => !line.startsWith('metricsProvider.')).join('\n');
}

/**
 * Transformation 4: a bin directory standing in for the image's (upstream's `bin/` on PATH):
 * Debian's zkServer.sh (symlinked, so it sources the zkEnv.sh next to it) and a zkEnv.sh with
 * upstream 3.9's contract for the variables the pod sets.
 */
function imageBinDir(root: string): string {
  const bin = path.join(root, 'image-bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(DEBIAN_ZKSERVER, path.join(bin, 'zkServer.sh'));
  fs.writeFileSync(path.join(bin, 'zkEnv.sh'), [
    '# upstream 3.9 bin/zkEnv.sh, for the variables the pod sets; Debian jars instead of lib/',
    'ZOOCFGDIR="${ZOOCFGDIR:?ZOOCFGDIR is not set}"',
    'ZOOCFG="$ZOOCFGDIR/zoo.cfg"',
    'ZOO_LOG_DIR="${ZOO_LOG_DIR:-.}"',
    `CLASSPATH="$ZOOCFGDIR:${DEBIAN_JARS}/zookeeper.jar:${DEBIAN_JARS}/slf4j-simple.jar"`,
    'JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"',
    'ZK_SERVER_HEAP="${ZK_SERVER_HEAP:-1000}"',
    'export SERVER_JVMFLAGS="-Xmx${ZK_SERVER_HEAP}m $SERVER_JVMFLAGS"',
    '',
  ].join('\n'));
  return bin;
}

/** Transformation 5: a probe's command, aimed at `address` instead of the pod's own loopback. */
function probeFor(probe: Obj, address: string): string[] {
  const command: string[] = probe.exec.command;
  if (!command.some((arg) => arg.includes(POD_LOOPBACK))) throw new Error(`probe ${JSON.stringify(command)} does not target ${POD_LOOPBACK}`);
  return command.map((arg) => arg.split(POD_LOOPBACK).join(address));
}

/** One server of the ensemble on this machine. */
interface Server {
  readonly ordinal: number;
  readonly hostname: string;
  readonly address: string;
  readonly dirs: Map<string, string>;
  process?: Started;
}

/** The pod's Mode from `srvr`, or undefined when it does not serve. */
async function modeOf(server: Server, clientPort: number): Promise<string | undefined> {
  return /^Mode: (\S+)$/m.exec(await fourLetterWord(server.address, clientPort, 'srvr'))?.[1];
}

describeWithPrograms([DEBIAN_ZKSERVER, 'java', 'nc'], 'ZooKeeper ensemble from the generated configuration')('ZooKeeper ensemble on loopback, from the generated manifests', () => {
  const generated = synthesize();
  const { container, statefulSet } = generated;
  const clientPort: number = container.ports.find((p: Obj) => p.name === 'client').containerPort;
  /** The mount the generated zoo.cfg keeps its data (and myid) in. */
  const dataMount = /^dataDir=(.+)$/m.exec(generated.files['zoo.cfg'])![1];
  const subnet = `127.${100 + Math.floor(Math.random() * 150)}.${1 + Math.floor(Math.random() * 250)}`;
  const servers: Server[] = [];
  let root: string | undefined;

  const ready = (s: Server) => runProbe(probeFor(container.readinessProbe, s.address), container.readinessProbe.timeoutSeconds);
  const live = (s: Server) => runProbe(probeFor(container.livenessProbe, s.address), container.livenessProbe.timeoutSeconds);
  const startup = (s: Server) => runProbe(probeFor(container.startupProbe, s.address), container.startupProbe.timeoutSeconds);
  /** Fails at once (with its log) if a server that should run has exited. */
  const running = (list: Server[]) => {
    for (const s of list) if (!s.process || !alive(s.process)) throw new Error(`${s.hostname} exited (${s.process?.child.exitCode ?? s.process?.child.signalCode})\n${s.process ? logTail(s.process) : ''}`);
    return true;
  };
  const report = (list: Server[]) => () => list.map((s) => `--- ${s.hostname} (${s.address}) ${s.process && alive(s.process) ? 'running' : 'stopped'}, ` +
    `readiness: ${JSON.stringify(ready(s))}\n${s.process ? logTail(s.process, 15) : ''}`).join('\n');

  /** Starts server `s` the way its container starts: the generated command, env and HOSTNAME. */
  function startServer(s: Server, bin: string): void {
    const env: Record<string, string> = { PATH: `${bin}:${process.env.PATH}`, HOSTNAME: s.hostname };
    if (process.env.JAVA_HOME) env.JAVA_HOME = process.env.JAVA_HOME;
    for (const e of container.env as Obj[]) env[e.name] = remapMounts(e.value, s.dirs);
    const [command, ...args] = (container.command as string[]).map((arg) => remapMounts(arg, s.dirs));
    s.process = start(s.hostname, command, args, { env, cwd: s.dirs.get('/tmp')!, logFile: path.join(root!, `${s.hostname}.log`) });
  }
  let bin = '';

  beforeAll(async () => {
    root = tempDir('zk-real');
    bin = imageBinDir(root);
    const addresses = Array.from({ length: statefulSet.spec.replicas }, (_, i) => `${subnet}.${i + 1}`);
    for (const port of container.ports as Obj[]) await assertBindable(addresses, port.containerPort);
    const zooCfg = withoutMissingMetricsProvider(placeServers(generated.files['zoo.cfg'], statefulSet, addresses));
    addresses.forEach((address, ordinal) => {
      const hostname = `${statefulSet.metadata.name}-${ordinal}`;
      const dirs = new Map(generated.mounts.map((m) => [m.mountPath, path.join(root!, hostname, m.name)]));
      for (const dir of dirs.values()) fs.mkdirSync(dir, { recursive: true });
      const configDir = dirs.get(path.posix.dirname((container.command as string[]).find((a) => a.endsWith('.sh'))!))!;
      for (const [name, content] of Object.entries({ ...generated.files, 'zoo.cfg': zooCfg })) {
        const file = path.join(configDir, name);
        fs.writeFileSync(file, remapMounts(content, dirs));
        fs.chmodSync(file, generated.fileMode);
      }
      servers.push({ ordinal, hostname, address, dirs });
    });
    for (const s of servers) startServer(s, bin);
  }, WAIT_MS);

  afterAll(async () => {
    await cleanup(root);
  }, WAIT_MS);

  test('with quorum every server passes startup, readiness and liveness; srvr shows one leader; myid is the ordinal + 1', async () => {
    await waitFor('all three servers ready (the readiness command as generated)', () => running(servers) && servers.every((s) => ready(s).ok), report(servers), WAIT_MS);
    for (const s of servers) {
      expect(live(s)).toMatchObject({ ok: true });
      expect(startup(s)).toMatchObject({ ok: true });
      expect(fs.readFileSync(path.join(s.dirs.get(dataMount)!, 'myid'), 'utf8')).toBe(`${s.ordinal + 1}\n`);
    }
    const modes = await Promise.all(servers.map((s) => modeOf(s, clientPort)));
    expect(modes.filter((m) => m === 'leader')).toHaveLength(1);
    expect(modes.filter((m) => m === 'follower')).toHaveLength(2);
  }, 40_000);

  test('the probes never flake against a serving server (50 runs each on every server)', () => {
    // A probe that loses the answer now and then (e.g. `echo ruok | nc`: about one run in five
    // on Linux loses the answer) flaps readiness and eventually restarts a healthy server.
    for (const s of servers) {
      for (const [name, probe] of [['readiness', ready], ['liveness', live]] as const) {
        const failures = Array.from({ length: 50 }, () => probe(s)).filter((r) => !r.ok);
        expect({ server: s.hostname, probe: name, failures: failures.length }).toEqual({ server: s.hostname, probe: name, failures: 0 });
      }
    }
  }, 40_000);

  test('failover: when the leader dies the other two elect a new leader and are ready again', async () => {
    const modes = await Promise.all(servers.map((s) => modeOf(s, clientPort)));
    const leader = servers[modes.indexOf('leader')];
    expect(leader).toBeDefined();
    await kill(leader.process!);
    const rest = servers.filter((s) => s !== leader);
    const took = await waitFor('a new leader among the two survivors, both ready', async () => {
      running(rest);
      const now = await Promise.all(rest.map((s) => modeOf(s, clientPort)));
      return now.includes('leader') && now.includes('follower') && rest.every((s) => ready(s).ok);
    }, report(rest), WAIT_MS);
    expect(took).toBeLessThan(WAIT_MS);
    expect(ready(leader).ok).toBe(false);
    expect(live(leader).ok).toBe(false);
  }, 40_000);

  test('without quorum the survivor is NOT ready (srvr: not serving) yet still live (ruok: imok)', async () => {
    const standing = servers.filter((s) => s.process && alive(s.process));
    expect(standing).toHaveLength(2);
    const [victim, survivor] = standing;
    await kill(victim.process!);
    await waitFor(`${survivor.hostname} to fail its readiness command without quorum`, () => running([survivor]) && !ready(survivor).ok, report([survivor]), WAIT_MS);
    expect(await fourLetterWord(survivor.address, clientPort, 'srvr')).toMatch(/not currently serving requests/);
    // It stays not ready while it has no quorum, and stays live the whole time: no restart loop.
    for (let i = 0; i < 3; i++) {
      expect(ready(survivor).ok).toBe(false);
      expect(live(survivor)).toMatchObject({ ok: true });
      expect(await fourLetterWord(survivor.address, clientPort, 'ruok')).toBe('imok');
    }
  }, 40_000);

  test('a killed server restarted from the same volume keeps its id and restores the quorum', async () => {
    const standing = servers.filter((s) => s.process && alive(s.process));
    const restarted = servers.find((s) => !standing.includes(s))!;
    startServer(restarted, bin);
    const pair = [...standing, restarted];
    await waitFor('the restarted server and the survivor both ready', () => running(pair) && pair.every((s) => ready(s).ok), report(pair), WAIT_MS);
    expect(fs.readFileSync(path.join(restarted.dirs.get(dataMount)!, 'myid'), 'utf8')).toBe(`${restarted.ordinal + 1}\n`);
    const modes = await Promise.all(pair.map((s) => modeOf(s, clientPort)));
    expect(modes.sort()).toEqual(['follower', 'leader']);
  }, 40_000);
});
