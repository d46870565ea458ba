import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ImageModel, imageModelOf, ImageProgram } from './images';
import { Obj, PodTemplate, shellScriptOf, specArgv } from './workloads';

/**
 * A pod sandbox for start scripts (SPEC §17): runs a pod's script containers the way kubelet and
 * the container runtime would, with the real Linux permission checks, on this machine:
 *
 * - **uid/gid**: `runAsUser`/`runAsGroup` from the container, else the pod, else the image's USER;
 *   supplementary groups `fsGroup` + `supplementalGroups` + the image's /etc/group memberships;
 *   `runAsNonRoot` refused for uid 0 as kubelet refuses it. Applied with `setpriv`.
 * - **capabilities**: the runtime's default set minus `drop` plus `add` (`drop: [ALL]` leaves none,
 *   even for uid 0); `allowPrivilegeEscalation: false` is `no_new_privs`.
 * - **root filesystem**: built from the image model (its directories with their owners and modes,
 *   /etc/passwd, the image's programs as recording stubs) plus the host's /usr/{bin,lib,...} for
 *   the shell and core utilities; mounted read-only when `readOnlyRootFilesystem: true`. A fresh
 *   root per container start, as a new container gets.
 * - **volumes**, created once per pod and shared by its containers (and kept across container
 *   restarts), as kubelet materializes them:
 *   - ConfigMap (and Secret): kubelet's atomic-writer layout (`..<timestamp>/` holding the files,
 *     `..data` -> it, each top-level key a symlink through `..data`), `items`/`path`/`mode`,
 *     files mode `defaultMode` (default 0644), owned by root; with `fsGroup` group-owned by it
 *     and mode `| 0440`; always mounted read-only;
 *   - emptyDir: root-owned 0777 (no sticky bit); with `fsGroup`: group fsGroup, setgid (2777);
 *   - PersistentVolumeClaim (`volumeClaimTemplates`): a fresh filesystem root (root 0755 with
 *     `lost+found` 0700); with `fsGroup`: group fsGroup, `| 0660`, setgid on directories (2775);
 *   - hostPath: an empty root-owned 0755 stand-in; the service-account token (when mounted) as
 *     placeholder files;
 *   - `subPath` mounts bind the resolved file or directory; `readOnly` mounts are read-only.
 * - **environment**: the image's ENV, `HOSTNAME` (the pod name, also the UTS hostname, with
 *   /etc/hosts holding the pod's FQDN for StatefulSet pods), `HOME`, then the container's `env`
 *   and `envFrom` (ConfigMap keys from the manifests, `fieldRef`s of the pod), with kubelet's
 *   `$(VAR)` expansion in `env`, `command` and `args`.
 * - the script runs as PID 1 (`bwrap --as-pid-1`), so a stub that records PID 1 is the process
 *   the script `exec`ed: the container's main process, which receives the pod's signals.
 *
 * Runs as root (bubblewrap builds the mounts; setpriv then drops to the pod's identity).
 */

/** A call of a stubbed image program. */
export interface StubCall {
  /** The program's path inside the container. */
  readonly program: string;
  /** Its arguments (argv[1..]). */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
  readonly cwd: string;
  /** PID 1 when the script `exec`ed it (it replaced the container's main process). */
  readonly pid: number;
  /** Content of every file it was given (path as given -> content): arguments, `--opt=<file>` values and declared captures. */
  readonly files: Readonly<Record<string, string>>;
}

/** One start of one container. */
export interface ContainerRun {
  readonly container: string;
  readonly init: boolean;
  /** The argv the runtime started (after `$(VAR)` expansion). */
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Stubbed programs called, in order. */
  readonly calls: readonly StubCall[];
  /** The stub that became the container's main process (PID 1): what the script `exec`ed. */
  readonly exec?: StubCall;
  /** The identity the container ran as. */
  readonly identity: Identity;
  readonly env: Readonly<Record<string, string>>;
}

/** uid, gid and supplementary groups of a container's processes. */
export interface Identity {
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
}

/** Capabilities containerd/CRI-O give a container unless dropped (lowercase, no `cap_` prefix). */
const DEFAULT_CAPABILITIES = ['chown', 'dac_override', 'fsetid', 'fowner', 'mknod', 'net_raw', 'setgid', 'setuid', 'setfcap', 'setpcap',
  'net_bind_service', 'sys_chroot', 'kill', 'audit_write'];

/** Host directories that provide the shell and core utilities inside every sandbox. */
const HOST_SYSTEM_DIRS = ['/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib64', '/usr/libexec'].filter((d) => fs.existsSync(d));
/** Top-level links of a merged-/usr host (`/bin -> usr/bin`), reproduced in every root. */
const HOST_ROOT_LINKS = ['bin', 'sbin', 'lib', 'lib64', 'lib32', 'libx32'].flatMap((name) => {
  try {
    return fs.lstatSync(`/${name}`).isSymbolicLink() ? [[name, fs.readlinkSync(`/${name}`)] as const] : [];
  } catch {
    return [];
  }
});
/** The host's setpriv, reachable at the same path inside every sandbox (through the host system directories). */
const SETPRIV = ['/usr/bin/setpriv', '/usr/sbin/setpriv', '/bin/setpriv', '/sbin/setpriv'].find((p) => fs.existsSync(p)) ?? 'setpriv';
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const RESULTS = '/.sandbox/results';
const HOST_PREFIX = '/.sandbox/host';
const CLUSTER_DOMAIN = 'cluster.local';
const POD_IP = '10.244.1.23';
const NODE = { name: 'sandbox-node', ip: '10.0.0.17' };

/** kubelet's `$(VAR)` expansion: `$$` is `$`, `$(NAME)` is NAME's value when defined, else kept verbatim. */
export function expandKubeletReferences(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) =>
    name === undefined ? '$' : Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : whole);
}

/** The stub script that replaces `program`. */
function stubScript(program: ImageProgram): string {
  const quoted = `'${program.path.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/bin/sh',
    `# start-script sandbox: stub of ${program.path} (${program.behaviour}); records what it was given.`,
    `R=${RESULTS}`,
    'i=0',
    'while ! mkdir "$R/call-$i" 2>/dev/null; do i=$((i + 1)); [ "$i" -lt 1000 ] || { echo "stub: cannot record" >&2; exit 97; }; done',
    'd="$R/call-$i"',
    `printf '%s' ${quoted} > "$d/program"`,
    'echo "$#" > "$d/argc"',
    'printf \'%s\\0\' "$@" > "$d/argv"',
    'env -0 > "$d/env"',
    '{ id -u; id -g; id -G; } > "$d/ids"',
    'pwd > "$d/cwd"',
    'echo "$$" > "$d/pid"',
    'n=0',
    'capture() {',
    '  if [ -f "$1" ] && [ -r "$1" ]; then',
    '    mkdir -p "$d/files"; cat "$1" > "$d/files/$n"; printf \'%s\\0\' "$1" >> "$d/files.list"; n=$((n + 1))',
    '  fi',
    '}',
    'for a in "$@"; do case "$a" in --*=*) capture "${a#*=}" ;; esac; capture "$a"; done',
    ...(program.captures ?? []).map((c) => `capture ${c}`),
    ...(program.behaviour === 'passthrough'
      ? ['while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do shift; done', '[ "$#" -gt 0 ] && shift', 'exec "$@"']
      : ['exit 0']),
  ].join('\n') + '\n';
}

function mkdirp(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
}

/** Sets owner and mode (permission, setgid and sticky bits) of `file`, without following a final symlink for the owner. */
function own(file: string, mode: number, uid: number, gid: number): void {
  fs.lchownSync(file, uid, gid);
  fs.chmodSync(file, mode);
}

/**
 * kubelet's `SetVolumeOwnership` for `fsGroup`: every entry group-owned by it, files `| 0660`
 * (`| 0440` on a read-only volume), directories additionally `| 0110` and setgid; symlinks only chowned.
 */
function applyFsGroup(root: string, fsGroup: number, readOnly: boolean): void {
  const visit = (p: string) => {
    const st = fs.lstatSync(p);
    fs.lchownSync(p, st.uid, fsGroup);
    if (st.isSymbolicLink()) return;
    let mask = readOnly ? 0o440 : 0o660;
    if (st.isDirectory()) mask |= 0o2000 | 0o110;
    fs.chmodSync(p, (st.mode & 0o7777) | mask);
    if (st.isDirectory()) for (const child of fs.readdirSync(p)) visit(path.join(p, child));
  };
  visit(root);
}

/** kubelet's atomic writer: `files` (relative path -> content and mode) in `..<ts>/`, `..data` -> it, top-level names linked through `..data`. */
function atomicWrite(dir: string, files: ReadonlyArray<{ path: string; content: string | Buffer; mode: number }>): void {
  const ts = '..2026_01_01_00_00_00.000000001';
  mkdirp(path.join(dir, ts));
  for (const f of files) {
    const target = path.join(dir, ts, f.path);
    mkdirp(path.dirname(target));
    fs.writeFileSync(target, f.content);
    fs.chmodSync(target, f.mode);
  }
  fs.symlinkSync(ts, path.join(dir, '..data'));
  for (const top of new Set(files.map((f) => f.path.split('/')[0]))) fs.symlinkSync(path.posix.join('..data', top), path.join(dir, top));
}

/** What a pod volume is, as materialized on the host. */
interface Volume {
  readonly dir: string;
  /** ConfigMap, Secret, projected and downwardAPI volumes are always mounted read-only. */
  readonly alwaysReadOnly: boolean;
}

/**
 * One pod of a workload, ready to start its script containers. Create with the manifests the pod
 * reads from (ConfigMaps), the pod template and the pod's index in `pod.podNames`; call
 * {@link PodSandbox.dispose} when done.
 */
export class PodSandbox {
  /** Pod name = hostname (`kafka-2`). */
  public readonly podName: string;
  /** `<pod>.<serviceName>.<namespace>.svc.cluster.local` for StatefulSet pods, else the pod name. */
  public readonly fqdn: string;
  private readonly spec: Obj;
  private readonly base: string;
  private readonly volumes = new Map<string, Volume>();
  private readonly farms = new Map<string, string>();
  private starts = 0;

  constructor(private readonly manifests: readonly Obj[], public readonly pod: PodTemplate, podIndex = 0) {
    this.podName = pod.podNames[podIndex];
    if (this.podName === undefined) throw new Error(`sandbox: ${pod.id} has no pod #${podIndex}`);
    this.spec = pod.template.spec;
    const serviceName = pod.workload.kind === 'StatefulSet' ? pod.workload.spec.serviceName : undefined;
    this.fqdn = serviceName ? `${this.podName}.${serviceName}.${pod.namespace}.svc.${CLUSTER_DOMAIN}` : this.podName;
    this.base = fs.mkdtempSync(path.join(os.tmpdir(), `sandbox-${this.podName}-`));
    fs.chmodSync(this.base, 0o755);
    this.createVolumes();
  }

  /** The host directory holding volume `name` (to inspect what the scripts left in it). */
  public volumeDir(name: string): string {
    const volume = this.volumes.get(name);
    if (!volume) throw new Error(`sandbox: pod ${this.podName} has no volume ${name} (has ${[...this.volumes.keys()].join(', ')})`);
    return volume.dir;
  }

  /**
   * Starts the pod: every init container in order (each must succeed before the next, as kubelet
   * requires), then every app container that runs a shell script. Containers that run an image's
   * own program (no script) are not started: nothing generated runs in them.
   */
  public start(): ContainerRun[] {
    const runs: ContainerRun[] = [];
    for (const container of this.spec.initContainers ?? []) {
      if (!shellScriptOf(container, this.spec.volumes ?? [])) continue;
      const run = this.run(container, true);
      runs.push(run);
      if (run.exitCode !== 0) return runs;
    }
    return [...runs, ...this.restartContainers()];
  }

  /** Starts every app container that runs a shell script again, on the same volumes: a container restart. */
  public restartContainers(): ContainerRun[] {
    return (this.spec.containers ?? [])
      .filter((c: Obj) => shellScriptOf(c, this.spec.volumes ?? []))
      .map((c: Obj) => this.run(c, false));
  }

  /** Removes everything the sandbox created on the host. */
  public dispose(): void {
    fs.rmSync(this.base, { recursive: true, force: true });
  }

  /** Runs one container to completion and returns what it did. */
  public run(container: Obj, init: boolean): ContainerRun {
    if (!container.command?.length) {
      throw new Error(`sandbox: ${this.podName}/${container.name} has no command: the image's entrypoint would run; model it before relying on it`);
    }
    const n = this.starts++;
    const image = imageModelOf(container.image);
    const identity = this.identity(container, image);
    const env = this.environment(container, image, identity);
    const specVars = this.containerEnv(container);
    const argv = specArgv(container).map((a) => expandKubeletReferences(a, specVars));
    const root = path.join(this.base, `root-${n}-${container.name}`);
    const results = path.join(this.base, `results-${n}-${container.name}`);
    fs.mkdirSync(results, { mode: 0o777 });
    fs.chmodSync(results, 0o777);
    const mounts = this.mounts(container);
    const workingDir = container.workingDir ?? image.workingDir;
    const hostBinds = this.buildRoot(root, image, mounts, workingDir);

    const sc = container.securityContext ?? {};
    const readOnlyRoot = sc.readOnlyRootFilesystem === true;
    const bwrap = [
      '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net', '--unshare-cgroup-try',
      '--hostname', this.podName, '--die-with-parent', '--as-pid-1',
      readOnlyRoot ? '--ro-bind' : '--bind', root, '/',
      ...hostBinds.flatMap(([src, dst]) => ['--ro-bind', src, dst]),
      '--dev', '/dev', '--proc', '/proc',
      ...mounts.flatMap((m) => [m.readOnly ? '--ro-bind' : '--bind', m.source, m.path]),
      '--bind', results, RESULTS,
      '--chdir', workingDir,
      '--clearenv', ...Object.entries(env).flatMap(([k, v]) => ['--setenv', k, v]),
      '--', SETPRIV, '--reuid', String(identity.uid), '--regid', String(identity.gid),
      ...(identity.groups.length > 0 ? ['--groups', identity.groups.join(',')] : ['--clear-groups']),
      '--inh-caps', '-all', '--bounding-set', this.boundingSet(sc),
      ...(sc.allowPrivilegeEscalation === false ? ['--no-new-privs'] : []),
      '--', ...argv,
    ];
    const result = spawnSync('bwrap', bwrap, { encoding: 'utf8', timeout: 20_000, env: {} });
    if (result.error) throw new Error(`sandbox: cannot run bwrap for ${this.podName}/${container.name}: ${result.error.message}`);
    const calls = readCalls(results);
    const killed = result.signal ? `\n[sandbox: killed by ${result.signal}${result.signal === 'SIGTERM' ? ' after the 20 s timeout' : ''}]` : '';
    return {
      container: container.name, init, argv, exitCode: result.status, stdout: result.stdout, stderr: result.stderr + killed,
      calls, exec: calls.find((c) => c.pid === 1), identity, env,
    };
  }

  /**
   * A directory standing in for host system directory `hostDir` in an image that has programs
   * there (e.g. /usr/bin/tini): links to every host entry (through {@link HOST_PREFIX}, where the
   * host directory is bound) plus the image's stubs. Built once per pod and reused by its starts.
   */
  private linkFarm(hostDir: string, stubs: readonly ImageProgram[]): string {
    const key = `${hostDir}|${stubs.map((p) => `${p.path}:${p.behaviour}:${(p.captures ?? []).join(' ')}`).join('|')}`;
    const existing = this.farms.get(key);
    if (existing) return existing;
    const dir = path.join(this.base, `farm-${this.farms.size}`);
    mkdirp(dir);
    for (const entry of fs.readdirSync(hostDir)) {
      if (!stubs.some((p) => path.posix.basename(p.path) === entry)) fs.symlinkSync(`${HOST_PREFIX}${hostDir}/${entry}`, path.join(dir, entry));
    }
    for (const p of stubs) {
      fs.writeFileSync(path.join(dir, path.posix.basename(p.path)), stubScript(p));
      fs.chmodSync(path.join(dir, path.posix.basename(p.path)), 0o755);
    }
    this.farms.set(key, dir);
    return dir;
  }

  private identity(container: Obj, image: ImageModel): Identity {
    const podSc = this.spec.securityContext ?? {};
    const sc = container.securityContext ?? {};
    const uid: number = sc.runAsUser ?? podSc.runAsUser ?? image.user.uid;
    const user = image.users.find((u) => u.uid === uid);
    // Without runAsGroup the runtime takes the primary group of the uid's /etc/passwd entry (0 if it has none).
    const primary = (sc.runAsUser ?? podSc.runAsUser) === undefined ? image.user.gid : user?.gid ?? 0;
    const gid: number = sc.runAsGroup ?? podSc.runAsGroup ?? primary;
    const runAsNonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    if (runAsNonRoot === true && uid === 0) {
      throw new Error(`sandbox: kubelet refuses ${this.podName}/${container.name}: runAsNonRoot is true but the container would run as uid 0`);
    }
    const groups = [...new Set<number>([
      ...(user?.groups ?? []),
      ...(podSc.fsGroup !== undefined ? [podSc.fsGroup] : []),
      ...(podSc.supplementalGroups ?? []),
    ])];
    return { uid, gid, groups };
  }

  private boundingSet(sc: Obj): string {
    if (sc.privileged === true) return '+all';
    const normal = (c: string) => c.toLowerCase().replace(/^cap_/, '');
    const drop: string[] = (sc.capabilities?.drop ?? []).map(normal);
    const add: string[] = (sc.capabilities?.add ?? []).map(normal);
    const kept = drop.includes('all') ? [] : DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c));
    return ['-all', ...[...new Set([...kept, ...add])].map((c) => `+${c}`)].join(',');
  }

  /** The container's `env`/`envFrom` as kubelet resolves them (no image ENV): what `$(VAR)` may reference. */
  private containerEnv(container: Obj): Record<string, string> {
    const vars: Record<string, string> = {};
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef) {
        const data = this.configMap(from.configMapRef.name, from.configMapRef.optional)?.data ?? {};
        for (const [k, v] of Object.entries(data)) vars[`${from.prefix ?? ''}${k}`] = String(v);
      }
      // secretRef: the keys of an existing Secret are unknown at synth time; nothing to add.
    }
    for (const e of container.env ?? []) {
      if (e.value !== undefined) vars[e.name] = expandKubeletReferences(String(e.value), vars);
      else if (e.valueFrom) vars[e.name] = this.valueFrom(e.name, e.valueFrom, container);
      else vars[e.name] = '';
    }
    return vars;
  }

  private valueFrom(name: string, from: Obj, container: Obj): string {
    if (from.fieldRef) {
      const field: string = from.fieldRef.fieldPath;
      const labels = this.pod.template.metadata?.labels ?? {};
      const annotations = this.pod.template.metadata?.annotations ?? {};
      const fields: Record<string, string> = {
        'metadata.name': this.podName, 'metadata.namespace': this.pod.namespace, 'metadata.uid': '00000000-0000-4000-8000-000000000001',
        'spec.nodeName': NODE.name, 'spec.serviceAccountName': this.spec.serviceAccountName ?? 'default',
        'status.hostIP': NODE.ip, 'status.hostIPs': NODE.ip, 'status.podIP': POD_IP, 'status.podIPs': POD_IP,
      };
      const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(field);
      if (label) return (label[1] === 'labels' ? labels : annotations)[label[2]] ?? '';
      if (field in fields) return fields[field];
      throw new Error(`sandbox: env ${name} of ${container.name}: fieldRef ${field} is not modelled`);
    }
    if (from.configMapKeyRef) {
      const value = this.configMap(from.configMapKeyRef.name, from.configMapKeyRef.optional)?.data?.[from.configMapKeyRef.key];
      if (value === undefined && !from.configMapKeyRef.optional) {
        throw new Error(`sandbox: env ${name} of ${container.name}: ConfigMap ${from.configMapKeyRef.name} has no key ${from.configMapKeyRef.key}`);
      }
      return value ?? '';
    }
    if (from.secretKeyRef) return `sandbox-secret:${from.secretKeyRef.name}/${from.secretKeyRef.key}`;
    if (from.resourceFieldRef) return `sandbox-resource:${from.resourceFieldRef.resource}`;
    throw new Error(`sandbox: env ${name} of ${container.name}: valueFrom ${Object.keys(from).join(',')} is not modelled`);
  }

  /** The process environment: image ENV, runtime HOSTNAME/HOME, then the container's env (later wins). */
  private environment(container: Obj, image: ImageModel, identity: Identity): Record<string, string> {
    const home = image.env.HOME ?? image.users.find((u) => u.uid === identity.uid)?.home ?? '/';
    return { ...image.env, HOSTNAME: this.podName, HOME: home, ...this.containerEnv(container) };
  }

  private configMap(name: string, optional?: boolean): Obj | undefined {
    const found = this.manifests.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name && (o.metadata.namespace ?? 'default') === this.pod.namespace);
    if (!found && !optional) throw new Error(`sandbox: pod ${this.podName} reads ConfigMap ${this.pod.namespace}/${name}, which the manifests do not contain`);
    return found;
  }

  private createVolumes(): void {
    const fsGroup: number | undefined = this.spec.securityContext?.fsGroup;
    const add = (name: string, alwaysReadOnly: boolean, fill: (dir: string) => void, fsGroupApplies: boolean) => {
      const dir = path.join(this.base, 'volumes', name);
      mkdirp(dir);
      fill(dir);
      if (fsGroup !== undefined && fsGroupApplies) applyFsGroup(dir, fsGroup, alwaysReadOnly);
      this.volumes.set(name, { dir, alwaysReadOnly });
    };
    const keyFiles = (source: { items?: Obj[]; defaultMode?: number }, data: Record<string, string | Buffer>, what: string, optional?: boolean) => {
      const mode = source.defaultMode ?? 0o644;
      if (source.items) {
        return source.items.map((item) => {
          if (!(item.key in data) && !optional) throw new Error(`sandbox: pod ${this.podName}: ${what} has no key ${item.key}`);
          return { path: item.path, content: data[item.key] ?? '', mode: item.mode ?? mode };
        }).filter((f) => f.content !== undefined);
      }
      return Object.entries(data).map(([key, content]) => ({ path: key, content, mode }));
    };
    for (const v of this.spec.volumes ?? []) {
      if (v.configMap) {
        const cm = this.configMap(v.configMap.name, v.configMap.optional);
        const data: Record<string, string | Buffer> = { ...(cm?.data ?? {}) };
        for (const [k, b64] of Object.entries(cm?.binaryData ?? {})) data[k] = Buffer.from(String(b64), 'base64');
        add(v.name, true, (dir) => atomicWrite(dir, keyFiles(v.configMap, data, `ConfigMap ${v.configMap.name}`, v.configMap.optional)), true);
      } else if (v.secret) {
        // Secrets are referenced, never emitted: the listed items get placeholder content.
        const data = Object.fromEntries((v.secret.items ?? []).map((i: Obj) => [i.key, `sandbox placeholder for Secret ${v.secret.secretName} key ${i.key}\n`]));
        add(v.name, true, (dir) => atomicWrite(dir, keyFiles(v.secret, data, `Secret ${v.secret.secretName}`, true)), true);
      } else if (v.emptyDir) {
        add(v.name, false, (dir) => fs.chmodSync(dir, 0o777), true);
      } else if (v.persistentVolumeClaim) {
        add(v.name, false, (dir) => this.freshFilesystem(dir), true);
      } else if (v.hostPath) {
        add(v.name, false, (dir) => fs.chmodSync(dir, 0o755), false);
      } else {
        throw new Error(`sandbox: pod ${this.podName}: volume ${v.name} (${Object.keys(v).filter((k) => k !== 'name').join(',')}) is not modelled: add it to test/sandbox/sandbox.ts`);
      }
    }
    for (const t of this.pod.workload.kind === 'StatefulSet' ? this.pod.workload.spec.volumeClaimTemplates ?? [] : []) {
      if (!this.volumes.has(t.metadata.name)) add(t.metadata.name, false, (dir) => this.freshFilesystem(dir), true);
    }
    if (this.spec.automountServiceAccountToken !== false) {
      add('kube-api-access', true, (dir) => atomicWrite(dir, [
        { path: 'token', content: 'sandbox.service-account.token', mode: 0o644 },
        { path: 'ca.crt', content: 'sandbox CA\n', mode: 0o644 },
        { path: 'namespace', content: this.pod.namespace, mode: 0o644 },
      ]), true);
    }
  }

  /** A new filesystem's root directory, as mkfs leaves it. */
  private freshFilesystem(dir: string): void {
    fs.chmodSync(dir, 0o755);
    fs.mkdirSync(path.join(dir, 'lost+found'), { mode: 0o700 });
    fs.chmodSync(path.join(dir, 'lost+found'), 0o700);
  }

  /** The container's mounts as bind sources on the host, parents before children. */
  private mounts(container: Obj): Array<{ path: string; source: string; readOnly: boolean; isDir: boolean }> {
    const list = (container.volumeMounts ?? []).map((m: Obj) => {
      const volume = this.volumes.get(m.name);
      if (!volume) throw new Error(`sandbox: ${this.podName}/${container.name} mounts volume ${m.name}, which the pod does not define`);
      let source = volume.dir;
      const subPath: string | undefined = m.subPath ?? (m.subPathExpr ? expandKubeletReferences(m.subPathExpr, this.containerEnv(container)) : undefined);
      if (subPath) {
        source = path.join(volume.dir, subPath);
        if (!fs.existsSync(source)) {
          if (volume.alwaysReadOnly) throw new Error(`sandbox: ${this.podName}/${container.name}: subPath ${subPath} does not exist in volume ${m.name}`);
          mkdirp(source); // kubelet creates a missing subPath directory in a writable volume
        }
        source = fs.realpathSync(source);
      }
      return { path: m.mountPath as string, source, readOnly: volume.alwaysReadOnly || m.readOnly === true, isDir: fs.statSync(source).isDirectory() };
    });
    if (this.spec.automountServiceAccountToken !== false && !list.some((m: Obj) => m.path === SERVICE_ACCOUNT_DIR)) {
      list.push({ path: SERVICE_ACCOUNT_DIR, source: this.volumes.get('kube-api-access')!.dir, readOnly: true, isDir: true });
    }
    return list.sort((a: Obj, b: Obj) => a.path.split('/').length - b.path.split('/').length);
  }

  /**
   * Builds a container's root filesystem in `root` and returns the host directories to bind into
   * it (`[host, container path]`). A host system directory that must also hold one of the image's
   * programs (e.g. /usr/bin/tini) becomes a directory of links to the host's entries plus the stub.
   */
  private buildRoot(root: string, image: ImageModel, mounts: ReadonlyArray<{ path: string; isDir: boolean }>, workingDir: string): Array<[string, string]> {
    const at = (p: string) => path.join(root, p);
    mkdirp(root);
    const binds: Array<[string, string]> = [];
    for (const [name, target] of HOST_ROOT_LINKS) fs.symlinkSync(target, at(name));
    for (const hostDir of HOST_SYSTEM_DIRS) {
      mkdirp(at(hostDir));
      const stubsHere = image.programs.filter((p) => path.posix.dirname(p.path) === hostDir);
      if (stubsHere.length === 0) {
        binds.push([hostDir, hostDir]);
      } else {
        mkdirp(at(`${HOST_PREFIX}${hostDir}`));
        binds.push([hostDir, `${HOST_PREFIX}${hostDir}`], [this.linkFarm(hostDir, stubsHere), hostDir]);
      }
    }
    for (const d of ['/etc', '/dev', '/proc', '/root', RESULTS]) mkdirp(at(d));
    fs.mkdirSync(at('/tmp'), { mode: 0o1777 });
    fs.chmodSync(at('/tmp'), 0o1777);
    if (fs.existsSync('/etc/ld.so.cache')) {
      fs.writeFileSync(at('/etc/ld.so.cache'), '');
      binds.push(['/etc/ld.so.cache', '/etc/ld.so.cache']);
    }
    const groups = new Map<number, string[]>();
    for (const u of image.users) for (const g of [u.gid, ...(u.groups ?? [])]) groups.set(g, [...(groups.get(g) ?? []), ...(g === u.gid ? [] : [u.name])]);
    const groupName = (gid: number) => image.users.find((u) => u.gid === gid)?.name ?? `group${gid}`;
    fs.writeFileSync(at('/etc/passwd'), image.users.map((u) => `${u.name}:x:${u.uid}:${u.gid}::${u.home}:/bin/sh\n`).join(''));
    fs.writeFileSync(at('/etc/group'), [...groups].map(([gid, members]) => `${gid === 0 ? 'root' : groupName(gid)}:x:${gid}:${members.join(',')}\n`).join(''));
    fs.writeFileSync(at('/etc/hostname'), `${this.podName}\n`);
    fs.writeFileSync(at('/etc/hosts'), `127.0.0.1\tlocalhost\n${POD_IP}\t${this.fqdn}\t${this.podName}\n`);
    fs.writeFileSync(at('/etc/resolv.conf'), `search ${this.pod.namespace}.svc.${CLUSTER_DOMAIN} svc.${CLUSTER_DOMAIN} ${CLUSTER_DOMAIN}\nnameserver 10.96.0.10\noptions ndots:5\n`);
    for (const e of image.entries) {
      if (e.type === 'dir') mkdirp(at(e.path));
      else {
        mkdirp(path.dirname(at(e.path)));
        fs.writeFileSync(at(e.path), e.content ?? '');
      }
    }
    for (const p of image.programs) {
      if (HOST_SYSTEM_DIRS.includes(path.posix.dirname(p.path))) continue; // in its link farm
      mkdirp(path.dirname(at(p.path)));
      fs.writeFileSync(at(p.path), stubScript(p));
      fs.chmodSync(at(p.path), 0o755);
    }
    for (const m of mounts) {
      if (fs.existsSync(at(m.path))) continue;
      mkdirp(path.dirname(at(m.path)));
      if (m.isDir) mkdirp(at(m.path));
      else fs.writeFileSync(at(m.path), '');
    }
    mkdirp(at(workingDir));
    // Owners and modes last, so restrictive modes never stand in the way of building the tree.
    for (const e of image.entries) own(at(e.path), e.mode, e.uid, e.gid);
    return binds;
  }
}

function readCalls(results: string): StubCall[] {
  const read = (file: string) => fs.readFileSync(file, 'utf8');
  const zeroSplit = (text: string) => (text.endsWith('\0') ? text.slice(0, -1) : text).split('\0');
  return fs.readdirSync(results)
    .filter((d) => /^call-\d+$/.test(d))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
    .map((d) => {
      const dir = path.join(results, d);
      const argc = Number(read(path.join(dir, 'argc')).trim());
      const args = argc === 0 ? [] : zeroSplit(read(path.join(dir, 'argv')));
      const env = Object.fromEntries(zeroSplit(read(path.join(dir, 'env'))).filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      const [uid, gid, groups] = read(path.join(dir, 'ids')).trim().split('\n');
      const list = fs.existsSync(path.join(dir, 'files.list')) ? zeroSplit(read(path.join(dir, 'files.list'))) : [];
      const files = Object.fromEntries(list.map((p, i) => [p, read(path.join(dir, 'files', String(i)))]));
      return {
        program: read(path.join(dir, 'program')), args, env, uid: Number(uid), gid: Number(gid),
        groups: groups.trim().split(/\s+/).map(Number), cwd: read(path.join(dir, 'cwd')).trim(), pid: Number(read(path.join(dir, 'pid')).trim()), files,
      };
    });
}
