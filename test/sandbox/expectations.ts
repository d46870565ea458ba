import * as fs from 'fs';
import * as path from 'path';
import { imageModelOf, imageRepository } from './images';
import { ContainerRun, PodSandbox, StubCall } from './sandbox';
import { Variant } from './variants';
import { Obj, ScriptContainer } from './workloads';

/**
 * What each generated start/init script must achieve, checked on the sandbox's record of a pod
 * start. Every value is derived from the manifests (ConfigMaps found through the pod's volumes,
 * StatefulSet service names, quorum voters), never hard-coded, so the checks follow the
 * constructs' output. Every script container of every synthesized pod must match exactly one
 * expectation (`start-scripts.test.ts` fails otherwise): a new script is always run and checked.
 */
export interface ScriptExpectation {
  /** What the script is and what it must do (shown in test names and failures). */
  readonly name: string;
  /** Whether this expectation covers `sc`. */
  matches(sc: ScriptContainer): boolean;
  /** Assertions on one start of the pod (the container's own run is `run`). */
  check(ctx: StartContext): void;
}

/** One start of one pod's script container, with everything needed to derive what it should have done. */
export interface StartContext {
  readonly variant: Variant;
  readonly sc: ScriptContainer;
  readonly sandbox: PodSandbox;
  readonly run: ContainerRun;
  /** The pod's index (= StatefulSet ordinal). */
  readonly ordinal: number;
}

/** Parses a Java properties / `key=value` file (comments and blank lines skipped); a duplicate key is an error. */
export function parseKeyValues(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '' || /^\s*[#!]/.test(line)) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not a key=value line: ${line}`);
    const key = line.slice(0, eq).trim();
    if (key in result) throw new Error(`duplicate key ${key}`);
    result[key] = line.slice(eq + 1).trim();
  }
  return result;
}

/** The mount of `container` holding `file` (longest mount path that is a prefix). */
export function mountOf(container: Obj, file: string): Obj | undefined {
  return (container.volumeMounts ?? [])
    .filter((m: Obj) => file === m.mountPath || file.startsWith(`${m.mountPath.replace(/\/$/, '')}/`))
    .sort((a: Obj, b: Obj) => b.mountPath.length - a.mountPath.length)[0];
}

/** The pod volume named `name`. */
export function podVolume(sc: ScriptContainer, name: string): Obj | undefined {
  return (sc.pod.template.spec.volumes ?? []).find((v: Obj) => v.name === name);
}

/** The content of `file` as the container sees it through a ConfigMap mount, from the ConfigMap object in the manifests. */
export function configMapFile(variant: Variant, sc: ScriptContainer, container: Obj, file: string): string {
  const mount = mountOf(container, file);
  const volume = mount && podVolume(sc, mount.name);
  if (!mount || !volume?.configMap) throw new Error(`${file} is not on a ConfigMap mount of ${container.name}`);
  const cm = variant.manifests.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap.name && o.metadata.namespace === sc.pod.namespace);
  if (!cm) throw new Error(`no ConfigMap ${volume.configMap.name} in the manifests`);
  const relative = path.posix.relative(mount.mountPath, file);
  const item = (volume.configMap.items as Obj[] | undefined)?.find((i) => i.path === relative);
  const value = cm.data?.[item ? item.key : relative];
  if (value === undefined) throw new Error(`ConfigMap ${volume.configMap.name} has no key for ${relative}`);
  return value;
}

/** The host path, in the sandbox, of `file` on a writable volume of `container` (what the container wrote there). */
export function writtenFile(ctx: StartContext, container: Obj, file: string): string {
  const mount = mountOf(container, file);
  if (!mount) throw new Error(`${file} is on no volume of ${container.name}`);
  return path.join(ctx.sandbox.volumeDir(mount.name), mount.subPath ?? '', path.posix.relative(mount.mountPath, file));
}

/** Whether `file` lies on a writable (not read-only, not ConfigMap/Secret) mount of `container`. */
export function onWritableMount(sc: ScriptContainer, container: Obj, file: string): boolean {
  const mount = mountOf(container, file);
  const volume = mount && podVolume(sc, mount.name);
  const claim = (sc.pod.workload.spec?.volumeClaimTemplates ?? []).some((t: Obj) => t.metadata.name === mount?.name);
  return !!mount && mount.readOnly !== true && (!!volume?.emptyDir || !!volume?.persistentVolumeClaim || claim);
}

function expectIdentityOfPod(ctx: StartContext, call: StubCall): void {
  const podSc = ctx.sc.pod.template.spec.securityContext ?? {};
  const sc = ctx.sc.container.securityContext ?? {};
  const uid = sc.runAsUser ?? podSc.runAsUser;
  const gid = sc.runAsGroup ?? podSc.runAsGroup;
  if (uid !== undefined) expect(call.uid).toBe(uid);
  if (gid !== undefined) expect(call.gid).toBe(gid);
  if (podSc.fsGroup !== undefined) expect(call.groups).toContain(podSc.fsGroup);
}

const isImage = (sc: ScriptContainer, repository: string) => imageRepository(sc.container.image) === repository;

/**
 * Kafka node (`apache/kafka`, ZooKeeper mode or KRaft broker/controller/combined): the start
 * script writes the runtime server.properties (the ConfigMap's content + the node id +
 * `advertised.listeners` for nodes that serve clients) on a writable volume, formats the KRaft
 * storage with the cluster id first, and `exec`s kafka-server-start.sh with that file.
 */
const kafkaNode: ScriptExpectation = {
  name: 'Kafka node start.sh reaches `exec kafka-server-start.sh <runtime server.properties>`',
  matches: (sc) => isImage(sc, 'apache/kafka') && sc.container.name === 'kafka' && sc.script.form === 'file' && !sc.init,
  check(ctx) {
    const { run, sc, variant } = ctx;
    const exec = run.exec!;
    expect(exec.program).toBe('/opt/kafka/bin/kafka-server-start.sh');
    expect(exec.args).toHaveLength(1);
    const runtime = exec.args[0];
    expect({ runtime, writable: onWritableMount(sc, sc.container, runtime) }).toEqual({ runtime, writable: true });
    expectIdentityOfPod(ctx, exec);

    const shared = configMapFile(variant, sc, sc.container, path.posix.join(path.posix.dirname(sc.script.path!), 'server.properties'));
    const effectiveText = exec.files[runtime];
    expect(effectiveText).toBeDefined();
    expect(effectiveText.startsWith(shared)).toBe(true);
    const base = parseKeyValues(shared);
    const effective = parseKeyValues(effectiveText);

    const roles = base['process.roles']?.split(',');
    const voters = (base['controller.quorum.voters'] ?? '').split(',').filter(Boolean).map((v) => {
      const [id, address] = v.split('@');
      return { id: Number(id), host: address.slice(0, address.lastIndexOf(':')) };
    });
    const fqdn = ctx.sandbox.fqdn;
    let idKey: string;
    let id: number;
    if (!roles) {
      idKey = 'broker.id';
      id = ctx.ordinal;
    } else if (roles.includes('controller')) {
      idKey = 'node.id';
      const voter = voters.find((v) => v.host === fqdn);
      if (!voter) throw new Error(`no controller.quorum.voters entry for ${fqdn} in ${base['controller.quorum.voters']}`);
      id = voter.id;
    } else {
      idKey = 'node.id';
      id = ctx.ordinal;
      expect(voters.map((v) => v.id)).not.toContain(id);
    }
    const added: Record<string, string> = { [idKey]: String(id) };
    if (!roles || roles.includes('broker')) {
      const controllerNames = (base['controller.listener.names'] ?? '').split(',').filter(Boolean);
      const client = base.listeners.split(',').map((l) => /^([A-Z0-9_]+):\/\/[^:]*:(\d+)$/.exec(l)!).find((m) => !controllerNames.includes(m[1]))!;
      added['advertised.listeners'] = `${client[1]}://${fqdn}:${client[2]}`;
    }
    expect(effective).toEqual({ ...base, ...added });

    const format = run.calls.filter((c) => c.program === '/opt/kafka/bin/kafka-storage.sh');
    if (roles) {
      expect(format).toHaveLength(1);
      expect(format[0].args).toEqual(['format', `--cluster-id=${variant.kraftClusterId}`, `--config=${runtime}`, '--ignore-formatted']);
      expect(format[0].files[runtime]).toBe(effectiveText);
      expect(run.calls.indexOf(format[0])).toBeLessThan(run.calls.indexOf(exec));
      // Server-only JVM settings never reach the storage tool (no JMX port clash, no server GC log).
      expect(Object.keys(format[0].env)).not.toEqual(expect.arrayContaining(['KAFKA_JMX_OPTS']));
      expect(Object.keys(format[0].env)).not.toEqual(expect.arrayContaining(['KAFKA_HEAP_OPTS']));
    } else {
      expect(format).toEqual([]);
    }
    expect(run.calls.map((c) => c.program)).toEqual([...format.map((c) => c.program), exec.program]);

    // Everything the server writes is on a writable volume: log.dirs (created by the script) and LOG_DIR.
    for (const dir of base['log.dirs'].split(',')) {
      expect({ dir, writable: onWritableMount(sc, sc.container, dir) }).toEqual({ dir, writable: true });
      const st = fs.statSync(writtenFile(ctx, sc.container, dir));
      expect({ dir, isDirectory: st.isDirectory(), uid: st.uid }).toEqual({ dir, isDirectory: true, uid: exec.uid });
    }
    expect(exec.env.LOG_DIR).toBeDefined();
    expect({ LOG_DIR: exec.env.LOG_DIR, writable: onWritableMount(sc, sc.container, exec.env.LOG_DIR) }).toEqual({ LOG_DIR: exec.env.LOG_DIR, writable: true });
    expect(exec.env.KAFKA_HEAP_OPTS).toMatch(/^-Xms\d+m -Xmx\d+m$/);
  },
};

/**
 * ZooKeeper server (official `zookeeper` image): start.sh writes `myid` (ordinal + 1, the id of
 * this pod's `server.N` line in zoo.cfg) into dataDir, creates dataLogDir, and `exec`s
 * `zkServer.sh start-foreground` from the image's PATH with ZOOCFGDIR at the generated zoo.cfg.
 */
const zookeeperServer: ScriptExpectation = {
  name: 'ZooKeeper start.sh writes myid and reaches `exec zkServer.sh start-foreground`',
  matches: (sc) => isImage(sc, 'zookeeper') && sc.script.form === 'file' && !sc.init,
  check(ctx) {
    const { run, sc, variant } = ctx;
    const exec = run.exec!;
    const image = imageModelOf(sc.container.image);
    expect(exec.program).toBe(image.programs.find((p) => p.path.endsWith('/bin/zkServer.sh'))!.path);
    expect(exec.args).toEqual(['start-foreground']);
    expectIdentityOfPod(ctx, exec);

    const cfgPath = `${exec.env.ZOOCFGDIR}/zoo.cfg`;
    const zooCfg = configMapFile(variant, sc, sc.container, cfgPath);
    expect(exec.files[cfgPath]).toBe(zooCfg);
    const cfg = parseKeyValues(zooCfg);
    const servers = Object.entries(cfg).filter(([k]) => k.startsWith('server.'));
    let id = String(ctx.ordinal + 1);
    if (servers.length === 0) {
      // A single server runs standalone: no server list; myid is written anyway (and ignored).
      expect({ standaloneEnabled: cfg.standaloneEnabled, replicas: sc.pod.podNames.length }).toEqual({ standaloneEnabled: 'true', replicas: 1 });
    } else {
      const server = servers.find(([, v]) => v.split(':')[0] === ctx.sandbox.fqdn);
      if (!server) throw new Error(`zoo.cfg has no server line for ${ctx.sandbox.fqdn}`);
      id = server[0].slice('server.'.length);
      expect(id).toBe(String(ctx.ordinal + 1));
    }

    const myid = writtenFile(ctx, sc.container, `${cfg.dataDir}/myid`);
    expect(fs.readFileSync(myid, 'utf8')).toBe(`${id}\n`);
    for (const dir of [cfg.dataDir, cfg.dataLogDir ?? cfg.dataDir]) {
      expect({ dir, writable: onWritableMount(sc, sc.container, dir) }).toEqual({ dir, writable: true });
      expect(fs.statSync(writtenFile(ctx, sc.container, dir)).isDirectory()).toBe(true);
    }
    expect(fs.statSync(myid).uid).toBe(exec.uid);
    expect(run.calls).toHaveLength(1);
  },
};

/**
 * Elasticsearch `prepare-config` init container: copies the image's config directory and the
 * generated elasticsearch.yml into the emptyDir that the elasticsearch container mounts as its
 * config directory, which must stay writable for Elasticsearch (it writes its keystore there).
 */
const elasticsearchPrepareConfig: ScriptExpectation = {
  name: 'Elasticsearch prepare-config seeds the config directory with the image defaults and the generated elasticsearch.yml',
  matches: (sc) => isImage(sc, 'docker.elastic.co/elasticsearch/elasticsearch') && sc.init && sc.container.name === 'prepare-config',
  check(ctx) {
    const { run, sc, variant } = ctx;
    expect(run.calls).toEqual([]);
    const es = (sc.pod.template.spec.containers as Obj[]).find((c) => imageRepository(c.image) === imageRepository(sc.container.image))!;
    const image = imageModelOf(es.image);
    const configDir = `${image.workingDir}/config`;
    const esMount = es.volumeMounts.find((m: Obj) => m.mountPath === configDir);
    expect(esMount).toBeDefined();
    const dir = ctx.sandbox.volumeDir(esMount.name);

    const generatedMount = (sc.container.volumeMounts as Obj[]).find((m) => podVolume(sc, m.name)?.configMap)!;
    const generated = configMapFile(variant, sc, sc.container, `${generatedMount.mountPath}/elasticsearch.yml`);
    expect(fs.readFileSync(path.join(dir, 'elasticsearch.yml'), 'utf8')).toBe(generated);
    const seeded = image.entries.filter((e) => e.type === 'file' && e.path.startsWith(`${configDir}/`)).map((e) => path.posix.relative(configDir, e.path));
    for (const name of seeded) expect({ name, present: fs.existsSync(path.join(dir, name)) }).toEqual({ name, present: true });
    // Elasticsearch (same pod identity) creates elasticsearch.keystore in its config directory.
    const st = fs.statSync(dir);
    const uid = es.securityContext?.runAsUser ?? sc.pod.template.spec.securityContext?.runAsUser ?? image.user.uid;
    const writable = (st.uid === uid && (st.mode & 0o200) !== 0) || (run.identity.groups.includes(st.gid) && (st.mode & 0o020) !== 0) || (st.mode & 0o002) !== 0;
    expect(writable).toBe(true);
  },
};

/**
 * Log-retention installer (CronJob in the Elasticsearch image, lib/logging/log-retention.ts): three
 * idempotent `curl -X PUT` calls, in order: the ILM policy, the index template, the settings of the
 * indices that already exist; each sends a request body from its ConfigMap mount (so every body the
 * script names exists there), and the script ends successfully after the third.
 */
const logRetentionInstaller: ScriptExpectation = {
  name: 'log-retention installer PUTs the ILM policy, the index template and the existing indices\' settings with curl',
  matches: (sc) => isImage(sc, 'docker.elastic.co/elasticsearch/elasticsearch') && !sc.init && sc.pod.workload.kind === 'CronJob',
  check(ctx) {
    const { run, sc, variant } = ctx;
    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(run.calls.map((c) => c.program)).toEqual(['/usr/bin/curl', '/usr/bin/curl', '/usr/bin/curl']);
    const paths = run.calls.map((call) => {
      expect(call.args).toEqual(expect.arrayContaining(['-X', 'PUT', '--fail']));
      const body = call.args[call.args.indexOf('--data-binary') + 1];
      expect(body).toMatch(/^@\//);
      expect(() => JSON.parse(configMapFile(variant, sc, sc.container, body.slice(1)))).not.toThrow();
      return new URL(call.args[call.args.length - 1]).pathname;
    });
    expect(paths[0]).toMatch(/^\/_ilm\/policy\/[\w-]+$/);
    expect(paths[1]).toMatch(/^\/_index_template\/[\w-]+$/);
    expect(paths[2]).toMatch(/^\/[\w-]+-\*\/_settings$/);
    expect(run.exec).toBeUndefined();
  },
};

/** Every expectation; a script container must match exactly one. */
export const SCRIPT_EXPECTATIONS: readonly ScriptExpectation[] = [kafkaNode, zookeeperServer, elasticsearchPrepareConfig, logRetentionInstaller];

/** The expectation covering `sc`, or an error naming the script that has none (or several). */
export function expectationFor(sc: ScriptContainer): ScriptExpectation {
  const matching = SCRIPT_EXPECTATIONS.filter((e) => e.matches(sc));
  if (matching.length !== 1) {
    throw new Error(`${sc.pod.id} ${sc.init ? 'init container' : 'container'} ${sc.container.name} (${sc.container.image}) runs a shell script ` +
      `(${sc.script.form === 'inline' ? 'sh -c' : sc.script.path}) that ${matching.length === 0 ? 'no expectation covers' : `${matching.length} expectations cover`}: ` +
      'add one to test/sandbox/expectations.ts saying what the script must achieve (its exec, the files it writes)');
  }
  return matching[0];
}
