/**
 * Image contracts: what a container image expects from the pod that runs it, written down from the
 * image's own sources (Dockerfile, entrypoint, start scripts, docs) next to the construct that runs
 * it. The contract tests (test/contracts) check every pod of the platform against the contracts of
 * its images, so a read-only root filesystem, a user id, a command or a memory limit that the image
 * cannot live with fails in the tests instead of crash-looping on a cluster.
 */

/** Where an image reads the location of a path it writes, when a construct may move it. */
export type PathSource =
  /** An environment variable holds the path (optionally inside a longer value: `pattern` group 1). */
  | { readonly env: string; readonly pattern?: RegExp }
  /** A command-line flag holds it: `--flag=value` or `--flag value` in the container's command or args. */
  | { readonly arg: string }
  /**
   * A configuration file the construct mounts from a ConfigMap (found by its key, e.g. `zoo.cfg`)
   * holds it: group 1 of every match of `pattern`, split on `split` when given.
   */
  | { readonly configFile: string; readonly pattern: RegExp; readonly split?: string };

/** What a written path is for. */
export type WrittenPathKind = 'data' | 'logs' | 'tmp' | 'lock' | 'pid' | 'cache' | 'keystore' | 'config' | 'state';

/** A path the image's programs write, at start or while running. */
export interface WrittenPath {
  /** The image's default (absolute), used when the construct does not move it with {@link setBy}. */
  readonly path: string;
  /** How a construct moves it. @default - fixed path */
  readonly setBy?: PathSource;
  /** `start`: written before the program serves (a failure crash-loops the pod); `run`: later. */
  readonly when: 'start' | 'run';
  readonly kind: WrittenPathKind;
  /** Which program writes it and why, with the source it was read from. */
  readonly by: string;
  /**
   * A temporary directory the runtime only accepts when it is not world-writable or has the
   * sticky bit (Ruby's `Dir.tmpdir`): a plain emptyDir (mode 0777) is refused. @default false
   */
  readonly secureTmp?: boolean;
  /** The path names a file (its directory must be writable). @default false (a directory) */
  readonly file?: boolean;
}

/** The user an image runs as. */
export interface ImageUser {
  /** `USER` of the image (or the user its entrypoint switches to). */
  readonly uid: number;
  readonly gid: number;
  /**
   * Why any other non-root uid works too (files world-readable, nothing written outside mounts),
   * when it does. @default - only `uid` is compatible
   */
  readonly anyNonRootUid?: string;
}

/** Where a runtime reads its maximum heap, in order of precedence (the first one set wins). */
export type HeapSource =
  /** `-Xmx<n>[kmg]` (JVM) in an environment variable. */
  | { readonly env: string; readonly flag: 'Xmx' }
  /** `--max-old-space-size=<MiB>` (Node.js) in an environment variable. */
  | { readonly env: string; readonly flag: 'max-old-space-size' }
  /** A plain number of MiB in an environment variable (e.g. ZooKeeper's `ZK_SERVER_HEAP`). */
  | { readonly env: string; readonly flag: 'MiB' }
  /** A flag in the container's command and args. */
  | { readonly args: 'Xmx' | 'MaxRAMPercentage' | 'max-old-space-size' };

/** Memory a process needs beside its heap. */
export interface MemoryContract {
  readonly runtime: 'jvm' | 'node' | 'ruby';
  /** Where the heap is set; empty for runtimes without a heap cap (Ruby). */
  readonly heapFrom: readonly HeapSource[];
  /**
   * Heap when nothing sets it: MiB, or a fraction of the memory limit. `undefined`: not knowable
   * from the image, so the construct must set it.
   */
  readonly defaultHeap?: { readonly mib: number } | { readonly fractionOfLimit: number };
  /** Memory outside the heap the process needs at least (metaspace, code, thread stacks, native), MiB. */
  readonly nonHeapMiB: number;
  /** Further memory outside the heap per byte of heap (GC structures, direct buffers sized from the heap). @default 0 */
  readonly offHeapPerHeap?: number;
  /** Smallest memory limit the process starts with. @default - heap + non-heap decides */
  readonly minimumLimitMiB?: number;
  /** Where the numbers come from. */
  readonly why: string;
}

/** The contract of one image repository, for the versions whose sources were read. */
export interface ImageContract {
  /** Display name. */
  readonly name: string;
  /** Normalized repository (`docker.io/library/zookeeper`, `quay.io/prometheus/node-exporter`). */
  readonly repository: string;
  /** Tags the contract was read for; another tag fails the contract test until its sources are read. */
  readonly tags: RegExp;
  /** Files and versions the contract was read from. */
  readonly sources: readonly string[];
  readonly user: ImageUser;
  /** `ENTRYPOINT` and `CMD` of the image (what runs when a container sets neither command nor args). */
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** `WORKDIR`, against which relative commands resolve. */
  readonly workdir: string;
  /** `ENV` of the image that the contract depends on (e.g. default log directories, PATH). */
  readonly env: Readonly<Record<string, string>>;
  /**
   * The programs that are the image's service. Written paths and memory apply to a container that
   * runs one of them (directly, or as the `exec` of its start script); a helper container (an init
   * step running `sh -c`, `chmod`, ...) only has to run as a compatible user and call programs the
   * image has.
   */
  readonly mainPrograms: readonly string[];
  /** Programs the image provides: absolute paths, or names found on its PATH. */
  readonly programs: readonly string[];
  /** Other files the construct may reference (jars, bundled configuration). */
  readonly files?: readonly string[];
  /** Every path the image's programs write. */
  readonly writes: readonly WrittenPath[];
  /** Memory beside the heap (JVM, Node.js, Ruby); absent for native programs. */
  readonly memory?: MemoryContract;
}

/**
 * Utilities every base image of the platform provides (Debian/Ubuntu coreutils, grep and sed, and
 * Alpine's or the Prometheus images' busybox applets of the same names).
 */
export const BASE_UTILITIES: readonly string[] = [
  'sh', 'cat', 'cp', 'mv', 'rm', 'ln', 'mkdir', 'rmdir', 'chmod', 'chown', 'ls', 'touch', 'printf', 'test', 'head', 'tail',
  'tr', 'cut', 'sed', 'grep', 'dirname', 'basename', 'id', 'env', 'sleep', 'date', 'wc', 'sort', 'uniq', 'tee', 'stat', 'hostname',
];

/** Safety margin every memory limit keeps on top of heap and non-heap memory: 5%. */
export const MEMORY_MARGIN_FRACTION = 0.05;

const MIB_BYTES = 2 ** 20;

/**
 * The normalized repository of an image reference (Docker Hub defaults applied, tag and digest
 * removed): `zookeeper:3.9.3` -> `docker.io/library/zookeeper`.
 */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const name = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  const parts = name.split('/');
  const hasRegistry = parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost');
  if (hasRegistry) return name;
  return parts.length === 1 ? `docker.io/library/${name}` : `docker.io/${name}`;
}

/** The tag of an image reference, if it has one. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(colon + 1) : undefined;
}

/** Memory (bytes) a process with `heapBytes` of heap needs outside the heap, per `memory`. */
export function nonHeapBytes(memory: MemoryContract, heapBytes: number): number {
  return memory.nonHeapMiB * MIB_BYTES + heapBytes * (memory.offHeapPerHeap ?? 0);
}

/** Heap + memory outside it + the {@link MEMORY_MARGIN_FRACTION} margin of `limitBytes`. */
export function requiredMemoryBytes(memory: MemoryContract, heapBytes: number, limitBytes: number): number {
  return heapBytes + nonHeapBytes(memory, heapBytes) + limitBytes * MEMORY_MARGIN_FRACTION;
}

/**
 * The largest heap (whole MiB) that fits in `limitBytes` with the contract's memory outside the heap
 * and the margin: what a construct should set when it derives the heap from the limit.
 */
export function maxHeapMiB(memory: MemoryContract, limitBytes: number): number {
  const available = limitBytes * (1 - MEMORY_MARGIN_FRACTION) - memory.nonHeapMiB * MIB_BYTES;
  return Math.max(0, Math.floor(available / (1 + (memory.offHeapPerHeap ?? 0)) / MIB_BYTES));
}
