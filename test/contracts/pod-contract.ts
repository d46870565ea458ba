import * as path from 'path';
import {
  HeapSource, ImageContract, imageRepository, imageTag, MemoryContract, PathSource, requiredMemoryBytes, WrittenPath,
} from '../../lib/core/image-contract';
import { parseQuantity } from '../../lib/core/quantity';

/**
 * Checks pod templates of synthesized manifests against image contracts: user, programs, written
 * paths on writable mounts, memory beside the heap. Pure functions over plain Kubernetes JSON.
 */

type Obj = Record<string, any>;

/** One pod template of a workload. */
export interface PodTemplateRef {
  readonly workload: string;
  readonly namespace: string;
  readonly spec: Obj;
  /** Names of the StatefulSet's volumeClaimTemplates (writable volumes that are not in `volumes`). */
  readonly claimTemplates: readonly string[];
}

/** A container of a pod template, with what the checks need. */
export interface ContainerRef {
  readonly pod: PodTemplateRef;
  readonly container: Obj;
  readonly init: boolean;
  /** `<workload>/<container>` (init containers marked). */
  readonly label: string;
}

/** Every pod template in `manifests` (Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, Pods). */
export function podTemplates(manifests: readonly Obj[]): PodTemplateRef[] {
  const out: PodTemplateRef[] = [];
  for (const m of manifests) {
    const namespace = m.metadata?.namespace ?? 'default';
    const workload = `${m.kind}/${namespace}/${m.metadata?.name}`;
    let spec: Obj | undefined;
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(m.kind)) spec = m.spec?.template?.spec;
    else if (m.kind === 'CronJob') spec = m.spec?.jobTemplate?.spec?.template?.spec;
    else if (m.kind === 'Pod') spec = m.spec;
    if (!spec) continue;
    const claimTemplates = (m.kind === 'StatefulSet' ? m.spec?.volumeClaimTemplates ?? [] : []).map((t: Obj) => t.metadata?.name);
    out.push({ workload, namespace, spec, claimTemplates });
  }
  return out;
}

/** Every container (init containers first) of every pod template. */
export function containersOf(pods: readonly PodTemplateRef[]): ContainerRef[] {
  return pods.flatMap((pod) => [
    ...(pod.spec.initContainers ?? []).map((c: Obj) => ({ pod, container: c, init: true, label: `${pod.workload} init container ${c.name}` })),
    ...(pod.spec.containers ?? []).map((c: Obj) => ({ pod, container: c, init: false, label: `${pod.workload} container ${c.name}` })),
  ]);
}

/** The contract whose repository the container's image belongs to. */
export function contractFor(image: string, contracts: readonly ImageContract[]): ImageContract | undefined {
  const repository = imageRepository(image);
  return contracts.find((c) => c.repository === repository);
}

/** ConfigMap data by `<namespace>/<name>`. */
export function configMapIndex(manifests: readonly Obj[]): Map<string, Record<string, string>> {
  const index = new Map<string, Record<string, string>>();
  for (const m of manifests) {
    if (m.kind === 'ConfigMap') index.set(`${m.metadata?.namespace ?? 'default'}/${m.metadata?.name}`, m.data ?? {});
  }
  return index;
}

const SHELLS = new Set(['sh', 'bash', '/bin/sh', '/bin/bash', '/usr/bin/bash']);
const TINI = new Set(['tini', '/bin/tini', '/usr/bin/tini', '/sbin/tini']);
/** Shell builtins and keywords: never looked up in the image. */
const SHELL_WORDS = new Set([
  'set', 'export', 'exec', 'echo', 'printf', 'exit', 'test', '[', 'cd', 'true', 'false', 'read', 'shift', 'unset', 'local',
  'return', 'trap', 'wait', 'if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'while', 'until', 'do', 'done',
  'in', '{', '}', '!', ':', '.', 'eval', 'command', 'umask', 'ulimit',
]);

/** The programs a shell script calls: the first word of every simple command (a heuristic for generated scripts). */
export function scriptPrograms(script: string): string[] {
  const programs: string[] = [];
  for (const rawLine of script.split('\n')) {
    // Quoted words are arguments: blank them so a `|` inside quotes never splits a pipeline.
    const line = rawLine.replace(/'[^']*'|"[^"]*"/g, 'QUOTED').replace(/(^|\s)#.*$/, '').trim();
    if (!line || /^[^\s]*\)\s/.test(line) || line.endsWith(')') || line === ';;') continue; // case patterns
    for (const segment of line.split(/\|\||&&|[|;]/)) {
      const words = segment.trim().split(/\s+/).filter(Boolean);
      let i = 0;
      while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]) || words[i] === 'exec' || words[i] === 'then' || words[i] === 'do' || words[i] === 'else')) i++;
      const word = words[i];
      if (!word || SHELL_WORDS.has(word) || !/^[A-Za-z0-9_./-]+$/.test(word)) continue;
      programs.push(word);
    }
  }
  return programs;
}

/** The program a script ends up running: the target of its last `exec`. */
export function scriptExecTarget(script: string): string | undefined {
  const execs = script.split('\n').map((l) => /^\s*exec\s+(\S+)/.exec(l)?.[1]).filter((t): t is string => t !== undefined);
  return execs.length ? execs[execs.length - 1].replace(/^["']|["']$/g, '') : undefined;
}

/** `export NAME="value"` / `export NAME=value` lines of a script whose value has no expansion. */
export function scriptExports(script: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of script.split('\n')) {
    const m = /^\s*export\s+([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"$`\\]*)"|'([^']*)'|([^\s"'$`\\]*))\s*$/.exec(line);
    if (m) env[m[1]] = m[2] ?? m[3] ?? m[4] ?? '';
  }
  return env;
}

/** The mount whose path is the longest prefix of `file` (`/a/b` is under `/a`, never under `/ab`). */
function mountFor(container: Obj, file: string): Obj | undefined {
  const mounts: Obj[] = container.volumeMounts ?? [];
  return mounts
    .filter((m) => file === m.mountPath || file.startsWith(m.mountPath.endsWith('/') ? m.mountPath : `${m.mountPath}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
}

/** The content of a file inside the container when it comes from a ConfigMap volume. */
export function fileFromConfigMap(ref: ContainerRef, file: string, configMaps: Map<string, Record<string, string>>): string | undefined {
  const mount = mountFor(ref.container, file);
  if (!mount) return undefined;
  const volume = (ref.pod.spec.volumes ?? []).find((v: Obj) => v.name === mount.name);
  if (!volume?.configMap) return undefined;
  const data = configMaps.get(`${ref.pod.namespace}/${volume.configMap.name}`);
  if (!data) return undefined;
  const relative = mount.subPath !== undefined ? mount.subPath : path.posix.relative(mount.mountPath, file);
  const items: Obj[] | undefined = volume.configMap.items;
  const key = items ? items.find((i) => i.path === relative)?.key : relative;
  return key !== undefined ? data[key] : undefined;
}

/** Every ConfigMap file (by key) that the pod mounts into this container, `key` -> contents. */
function mountedConfigFiles(ref: ContainerRef, configMaps: Map<string, Record<string, string>>): Map<string, string[]> {
  const files = new Map<string, string[]>();
  const volumes: Obj[] = ref.pod.spec.volumes ?? [];
  for (const mount of ref.container.volumeMounts ?? []) {
    const volume = volumes.find((v) => v.name === mount.name);
    if (!volume?.configMap) continue;
    const data = configMaps.get(`${ref.pod.namespace}/${volume.configMap.name}`) ?? {};
    for (const [key, value] of Object.entries(data)) files.set(key, [...(files.get(key) ?? []), value]);
  }
  return files;
}

/** What the container executes: argv after the image's entrypoint/cmd rules, tini stripped. */
export function effectiveArgv(container: Obj, contract: ImageContract): string[] {
  const argv = container.command
    ? [...container.command, ...(container.args ?? [])]
    : [...contract.entrypoint, ...(container.args ?? contract.cmd)];
  return TINI.has(argv[0]) && argv[1] === '--' ? argv.slice(2) : argv;
}

function hasProgram(contract: ImageContract, program: string, workdir: string): boolean {
  if (contract.programs.includes(program)) return true;
  if (program.startsWith('./') || (!program.startsWith('/') && program.includes('/'))) {
    return contract.programs.includes(path.posix.join(workdir, program));
  }
  // An absolute path whose base name is a program on PATH (e.g. /usr/bin/env-style calls) is not assumed.
  return false;
}

/** What a container runs and the checks of its command. */
interface ProgramAnalysis {
  /** The program the container ends up running (the script's exec target for `sh <script>`). */
  readonly main?: string;
  /** A generated start script, when the container runs one. */
  readonly script?: string;
  readonly violations: string[];
}

function analyzePrograms(ref: ContainerRef, contract: ImageContract, configMaps: Map<string, Record<string, string>>): ProgramAnalysis {
  const violations: string[] = [];
  const workdir = ref.container.workingDir ?? contract.workdir;
  const argv = effectiveArgv(ref.container, contract);
  const require = (program: string, where: string) => {
    if (!hasProgram(contract, program, workdir)) {
      violations.push(`${ref.label}: ${where} runs "${program}", which ${contract.name} does not have (contract programs: ${contract.programs.join(', ')})`);
    }
  };
  if (ref.container.command && TINI.has(ref.container.command[0])) require(ref.container.command[0], 'the command');
  if (argv.length === 0) {
    violations.push(`${ref.label}: no command: the container sets none and ${contract.name} has neither ENTRYPOINT nor CMD`);
    return { violations };
  }
  for (const arg of argv) {
    if (/^\/\S+\.jar$/.test(arg) && !(contract.files ?? []).includes(arg) && !mountFor(ref.container, arg)) {
      violations.push(`${ref.label}: ${arg} is neither a file of ${contract.name} (${(contract.files ?? []).join(', ') || 'none listed'}) nor on a mount`);
    }
  }
  let main: string | undefined = argv[0];
  let script: string | undefined;
  if (SHELLS.has(argv[0])) {
    require(argv[0], 'the command');
    if (argv[1] === '-c') {
      script = argv[2] ?? '';
      main = scriptExecTarget(script);
      for (const program of scriptPrograms(script)) require(program, 'its `sh -c` script');
      script = undefined; // inline: no exported environment to read beyond what is already in argv
    } else if (argv[1] !== undefined) {
      const content = fileFromConfigMap(ref, argv[1], configMaps);
      if (content === undefined) {
        violations.push(`${ref.label}: the script ${argv[1]} is not a file of any ConfigMap mounted into the container`);
        return { violations };
      }
      script = content;
      main = scriptExecTarget(content);
      for (const program of scriptPrograms(content)) require(program, `its script ${argv[1]}`);
      if (main === undefined) violations.push(`${ref.label}: the script ${argv[1]} never execs the service (no \`exec\` line)`);
    }
  } else {
    require(argv[0], 'the command');
  }
  for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
    const command: string[] | undefined = ref.container[kind]?.exec?.command;
    if (!command) continue;
    if (SHELLS.has(command[0]) && command[1] === '-c') {
      require(command[0], `its ${kind}`);
      for (const program of scriptPrograms(command[2] ?? '')) require(program, `its ${kind}`);
    } else {
      require(command[0], `its ${kind}`);
    }
  }
  return { main, script, violations };
}

/** Whether the container runs the image's service (so written paths and memory apply). */
function runsMainProgram(contract: ImageContract, main: string | undefined): boolean {
  return main !== undefined && contract.mainPrograms.includes(main);
}

/** The environment the service sees: image ENV, container env (literal values), start-script exports. */
export function effectiveEnv(container: Obj, contract: ImageContract, script?: string): Record<string, string> {
  const env: Record<string, string> = { ...contract.env };
  for (const e of container.env ?? []) if (typeof e.value === 'string') env[e.name] = e.value;
  return { ...env, ...(script ? scriptExports(script) : {}) };
}

function argValue(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith(`${flag}=`)) return argv[i].slice(flag.length + 1);
    if (argv[i] === flag && i + 1 < argv.length) return argv[i + 1];
  }
  return undefined;
}

/** The absolute paths a written-path entry resolves to for this container. */
export function resolveWrittenPath(
  written: WrittenPath, ref: ContainerRef, env: Record<string, string>, argv: readonly string[],
  configMaps: Map<string, Record<string, string>>,
): string[] {
  const source: PathSource | undefined = written.setBy;
  if (!source) return [written.path];
  if ('env' in source) {
    const value = env[source.env];
    if (value === undefined || value === '') return [written.path];
    if (!source.pattern) return [value];
    const match = source.pattern.exec(value);
    return [match?.[1] ?? written.path];
  }
  if ('arg' in source) return [argValue(argv, source.arg) ?? written.path];
  const contents = mountedConfigFiles(ref, configMaps).get(source.configFile) ?? [];
  const values: string[] = [];
  for (const content of contents) {
    const pattern = new RegExp(source.pattern.source, source.pattern.flags.includes('g') ? source.pattern.flags : `${source.pattern.flags}g`);
    for (const m of content.matchAll(pattern)) {
      values.push(...(source.split ? m[1].split(source.split) : [m[1]]).map((v) => v.trim()).filter(Boolean));
    }
  }
  return values.length ? values : [written.path];
}

const READ_ONLY_VOLUME_KINDS = ['configMap', 'secret', 'projected', 'downwardAPI'];

/** Why `dir` is not writable by the container, or undefined when it is. */
function notWritable(ref: ContainerRef, dir: string): string | undefined {
  const mount = mountFor(ref.container, dir);
  const readOnlyRoot = ref.container.securityContext?.readOnlyRootFilesystem === true;
  if (!mount) return readOnlyRoot ? 'it is on the read-only root filesystem (no volume is mounted there)' : undefined;
  if (mount.readOnly) return `its mount ${mount.mountPath} (volume ${mount.name}) is readOnly`;
  if (ref.pod.claimTemplates.includes(mount.name)) return undefined;
  const volume = (ref.pod.spec.volumes ?? []).find((v: Obj) => v.name === mount.name);
  if (!volume) return `its mount ${mount.mountPath} names volume ${mount.name}, which the pod does not define`;
  const kind = READ_ONLY_VOLUME_KINDS.find((k) => volume[k] !== undefined);
  if (kind) return `its mount ${mount.mountPath} is a ${kind} volume (always read-only)`;
  return undefined;
}

/** `chmod <mode> <dir>` calls of the pod's init containers, by the volume they act on. */
function initChmods(ref: ContainerRef): Array<{ volume: string; subPath: string; mode: number }> {
  const found: Array<{ volume: string; subPath: string; mode: number }> = [];
  for (const init of ref.pod.spec.initContainers ?? []) {
    const text = [...(init.command ?? []), ...(init.args ?? [])].join(' ');
    for (const m of text.matchAll(/chmod\s+([0-7]{3,4})\s+(\/\S*)/g)) {
      const target = m[2].replace(/['";]+$/, '');
      const mount = mountFor(init, target);
      if (!mount) continue;
      found.push({ volume: mount.name, subPath: path.posix.relative(mount.mountPath, target), mode: parseInt(m[1], 8) });
    }
  }
  return found;
}

/** Why Ruby's `Dir.tmpdir` would refuse `dir`, or undefined when it accepts it. */
function notSecureTmp(ref: ContainerRef, dir: string): string | undefined {
  const mount = mountFor(ref.container, dir);
  if (!mount) return dir === '/tmp' ? undefined : `${dir} is on the root filesystem with unknown mode`;
  const volume = (ref.pod.spec.volumes ?? []).find((v: Obj) => v.name === mount.name);
  // kubelet creates a hostPath DirectoryOrCreate as 0755 (not world-writable).
  if (volume?.hostPath) return undefined;
  const subPath = path.posix.relative(mount.mountPath, dir);
  const fixes = initChmods(ref).filter((c) => c.volume === mount.name && c.subPath === subPath);
  const ok = fixes.some((c) => (c.mode & 0o1000) !== 0 || (c.mode & 0o002) === 0);
  if (ok) return undefined;
  return `${dir} is on ${volume?.emptyDir ? 'an emptyDir' : `volume ${mount.name}`} (mode 0777, no sticky bit) and no init container makes it sticky or private (chmod 1777 or 0700): Ruby's Dir.tmpdir refuses it and falls back to the working directory`;
}

/** The heap (bytes) the runtime gets, and where it came from. */
export function heapOf(memory: MemoryContract, env: Record<string, string>, argv: readonly string[], limitBytes: number): { bytes: number; from: string } | undefined {
  const xmx = (text: string): number | undefined => {
    const all = [...text.matchAll(/-Xmx(\d+)([kKmMgG]?)\b/g)];
    if (!all.length) return undefined;
    const [, n, unit] = all[all.length - 1];
    const factor = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[unit.toLowerCase() as '' | 'k' | 'm' | 'g'];
    return Number(n) * factor;
  };
  const oldSpace = (text: string): number | undefined => {
    const m = /--max-old-space-size=(\d+)/.exec(text);
    return m ? Number(m[1]) * 2 ** 20 : undefined;
  };
  for (const source of memory.heapFrom) {
    if ('env' in source) {
      const value = env[source.env];
      if (value === undefined || value === '') continue;
      const bytes = source.flag === 'Xmx' ? xmx(value)
        : source.flag === 'max-old-space-size' ? oldSpace(value)
          : /^\d+$/.test(value.trim()) ? Number(value.trim()) * 2 ** 20 : undefined;
      if (bytes !== undefined) return { bytes, from: `${source.env}=${value}` };
    } else {
      const text = argv.join(' ');
      const bytes = source.args === 'Xmx' ? xmx(text)
        : source.args === 'max-old-space-size' ? oldSpace(text)
          : (() => { const m = /-XX:MaxRAMPercentage=([\d.]+)/.exec(text); return m ? limitBytes * Number(m[1]) / 100 : undefined; })();
      if (bytes !== undefined) return { bytes, from: `the command's ${source.args}` };
    }
  }
  const fallback = memory.defaultHeap;
  if (!fallback) return undefined;
  return 'mib' in fallback
    ? { bytes: fallback.mib * 2 ** 20, from: `the image default (${fallback.mib}Mi)` }
    : { bytes: limitBytes * fallback.fractionOfLimit, from: `the image default (${fallback.fractionOfLimit * 100}% of the limit)` };
}

const MIB = 2 ** 20;
const mib = (bytes: number) => `${Math.round(bytes / MIB)}Mi`;

/** Every way the container breaks `contract` (empty when it satisfies it). */
export function checkContainerAgainstContract(
  ref: ContainerRef, contract: ImageContract, configMaps: Map<string, Record<string, string>>,
): string[] {
  const c = ref.container;
  const violations: string[] = [];
  const tag = imageTag(c.image);
  if (tag === undefined || !contract.tags.test(tag)) {
    violations.push(`${ref.label}: image ${c.image}: the contract of ${contract.name} was read for tags ${contract.tags}; read this version's sources and extend it`);
  }

  // User.
  const uid: number = c.securityContext?.runAsUser ?? ref.pod.spec.securityContext?.runAsUser ?? contract.user.uid;
  const nonRoot = c.securityContext?.runAsNonRoot ?? ref.pod.spec.securityContext?.runAsNonRoot;
  if (uid !== contract.user.uid && !(contract.user.anyNonRootUid && uid !== 0)) {
    violations.push(`${ref.label}: runs as uid ${uid}, but ${contract.name} runs as ${contract.user.uid}${contract.user.anyNonRootUid ? ' (or any non-root uid)' : ''}`);
  }
  if (uid === 0 && nonRoot === true) violations.push(`${ref.label}: runAsNonRoot is true but the effective uid is 0: the kubelet refuses to start it`);

  // Programs.
  const programs = analyzePrograms(ref, contract, configMaps);
  violations.push(...programs.violations);
  if (!runsMainProgram(contract, programs.main)) return violations;

  // Written paths.
  const argv = effectiveArgv(c, contract);
  const env = effectiveEnv(c, contract, programs.script);
  for (const written of contract.writes) {
    for (const target of resolveWrittenPath(written, ref, env, argv, configMaps)) {
      const dir = written.file ? path.posix.dirname(target) : target;
      const why = notWritable(ref, dir);
      if (why) violations.push(`${ref.label}: ${contract.name} writes ${target} (${written.kind}, at ${written.when}: ${written.by}) but ${why}`);
      if (written.secureTmp) {
        const insecure = notSecureTmp(ref, dir);
        if (insecure) violations.push(`${ref.label}: ${contract.name} needs a temporary directory that is sticky or not world-writable (${written.by}): ${insecure}`);
      }
    }
  }

  // Memory.
  const memory = contract.memory;
  if (memory) {
    const limit = parseQuantity(c.resources?.limits?.memory ?? '');
    if (limit === undefined) {
      violations.push(`${ref.label}: no memory limit: ${contract.name} is a ${memory.runtime} process whose memory must be bounded`);
      return violations;
    }
    if (memory.minimumLimitMiB !== undefined && limit < memory.minimumLimitMiB * MIB) {
      violations.push(`${ref.label}: memory limit ${mib(limit)} is below the ${memory.minimumLimitMiB}Mi ${contract.name} needs (${memory.why})`);
    }
    if (memory.heapFrom.length > 0) {
      const heap = heapOf(memory, env, argv, limit);
      if (!heap) {
        violations.push(`${ref.label}: the ${memory.runtime} heap is not set (${memory.heapFrom.map((s) => ('env' in s ? s.env : s.args)).join(' or ')}) and the image's default does not follow the memory limit: set it from the limit`);
      } else {
        const needed = requiredMemoryBytes(memory, heap.bytes, limit);
        if (needed > limit) {
          violations.push(`${ref.label}: heap ${mib(heap.bytes)} (from ${heap.from}) + ${mib(needed - heap.bytes - limit * 0.05)} outside the heap (${memory.why}) + 5% margin = ${mib(needed)} exceeds the memory limit ${mib(limit)}: lower the heap or raise the limit`);
        }
      }
    }
  }
  return violations;
}

/** Checks every container of `manifests` whose image has a contract; returns the violations. */
export function checkImageContracts(manifests: readonly Obj[], contracts: readonly ImageContract[]): string[] {
  const configMaps = configMapIndex(manifests);
  return containersOf(podTemplates(manifests)).flatMap((ref) => {
    const contract = contractFor(ref.container.image, contracts);
    return contract ? checkContainerAgainstContract(ref, contract, configMaps) : [];
  });
}

/** Containers whose image has no contract. */
export function containersWithoutContract(manifests: readonly Obj[], contracts: readonly ImageContract[]): string[] {
  return containersOf(podTemplates(manifests))
    .filter((ref) => !contractFor(ref.container.image, contracts))
    .map((ref) => `${ref.label}: image ${ref.container.image} has no image contract (write one next to its construct)`);
}

export type { HeapSource };
