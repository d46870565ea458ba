import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/**
 * Process plumbing for the real-program tier (test/real): start long-running programs in their own
 * process group with their output in a log file, wait for conditions with a hard bound, run probe
 * commands the way kubelet does (exit code 0 = success, bounded by the probe's timeout), and kill
 * everything at the end.
 */

/** A started long-running program. */
export interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  /** Its combined stdout/stderr. */
  readonly logFile: string;
}

const running = new Set<Started>();

/** A fresh temporary directory (removed by {@link cleanup}). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/**
 * Starts `command args` in its own process group, stdout and stderr to `logFile`, with exactly
 * `env` (nothing inherited), optionally as `uid`/`gid`.
 */
export function start(name: string, command: string, args: readonly string[], opts: { env: Record<string, string>; cwd: string; logFile: string; uid?: number; gid?: number }): Started {
  const fd = fs.openSync(opts.logFile, 'a');
  try {
    const child = spawn(command, args, { env: opts.env, cwd: opts.cwd, uid: opts.uid, gid: opts.gid, detached: true, stdio: ['ignore', fd, fd] });
    const started: Started = { name, child, logFile: opts.logFile };
    running.add(started);
    child.on('exit', () => running.delete(started));
    return started;
  } finally {
    fs.closeSync(fd);
  }
}

/** True while the process has not exited. */
export function alive(p: Started): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}

/** SIGKILLs the process group of `p` (a crash, as when a node dies) and waits for it to exit. */
export async function kill(p: Started, timeoutMs = 10_000): Promise<void> {
  if (!alive(p)) return;
  const exited = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${p.name} (pid ${p.child.pid}) did not exit within ${timeoutMs} ms of SIGKILL`)), timeoutMs);
    p.child.once('exit', () => { clearTimeout(timer); resolve(); });
  });
  try {
    process.kill(-p.child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
  await exited;
}

/** Kills every program started through {@link start} that is still running, then removes `dirs`. */
export async function cleanup(...dirs: Array<string | undefined>): Promise<void> {
  await Promise.all([...running].map((p) => kill(p).catch(() => undefined)));
  for (const dir of dirs) if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/** The last `lines` lines of a program's log, for failure messages. */
export function logTail(p: Started, lines = 30): string {
  try {
    return fs.readFileSync(p.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (e) {
    return `(no log: ${(e as Error).message})`;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `condition` every `intervalMs` until it returns true, for at most `timeoutMs`; then fails
 * with `describe()` (what was last seen), so a timeout explains itself.
 */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, describe: () => string, timeoutMs = 30_000, intervalMs = 250): Promise<number> {
  const startedAt = Date.now();
  for (;;) {
    if (await condition()) return Date.now() - startedAt;
    if (Date.now() - startedAt > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${describe()}`);
    await sleep(intervalMs);
  }
}

/** Result of running a probe command. */
export interface ProbeResult {
  readonly ok: boolean;
  readonly status: number | null;
  readonly output: string;
}

/**
 * Runs an exec probe's command (argv, no shell added) as kubelet does: success is exit code 0 within
 * `timeoutSeconds`.
 */
export function runProbe(command: readonly string[], timeoutSeconds: number): ProbeResult {
  const r = spawnSync(command[0], command.slice(1), { encoding: 'utf8', timeout: timeoutSeconds * 1000 });
  return { ok: r.status === 0, status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Sends a ZooKeeper four-letter word and returns the whole answer (the server closes after it). */
export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = net.connect({ host, port });
    const done = (extra = '') => { socket.destroy(); resolve(answer + extra); };
    socket.setTimeout(timeoutMs, () => done('(timeout)'));
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk) => { answer += chunk.toString('utf8'); });
    socket.on('end', () => done());
    socket.on('error', (e) => done(`(${e.message})`));
  });
}

/** Fails unless `port` can be bound on every one of `hosts` right now. */
export async function assertBindable(hosts: readonly string[], port: number): Promise<void> {
  for (const host of hosts) {
    await new Promise<void>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', (e) => reject(new Error(`${host}:${port} is not free on this machine (${e.message}); the real-program test needs it`)));
      server.listen(port, host, () => server.close(() => resolve()));
    });
  }
}

/** A TCP port that is free on `host` right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}
