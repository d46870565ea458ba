/**
 * `npm run plan` (scripts/plan.js): what applying the current code would do to the cluster that runs
 * the baseline (SPEC §14). The script bundles this file and passes in how to synthesize an app (the
 * project's fast path: esbuild, no type-checking). Not part of the library barrel: it runs git and
 * writes temporary directories.
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative, resolve } from 'path';
import { Manifest } from '../checks/types';
import { PROFILE_ENV, resolveProfile } from '../platform/profile';
import { formatPlan } from './format';
import { readManifestDir } from './manifest-files';
import { planChanges } from './plan';

/** What the CLI needs from its host script. */
export interface PlanCliHost {
  /** The repository root (holds main.ts, node_modules, dist/). */
  readonly root: string;
  /** Runs the cdk8s app `mainTs` so that it writes its manifests into `outdir` (CDK8S_OUTDIR). */
  synthesize(mainTs: string, outdir: string): void;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** Parsed command line. */
export interface PlanArgs {
  readonly baseline?: string;
  readonly ref?: string;
  readonly next?: string;
  readonly json: boolean;
  readonly help: boolean;
}

/** `npm run plan -- --help`. */
export const PLAN_USAGE = `Usage: npm run plan -- [--baseline <dir> | --ref <git ref>] [--next <dir>] [--json]

Compares a synth of the current code (PLATFORM_PROFILE selects the profile, as for npm run synth)
with the manifests currently applied and prints, per object, created / changed (fields) / deleted
(needs pruning), the workloads that roll and how, warnings, and errors with their safe procedures.

  --baseline <dir>  manifests currently applied (default: dist/)
  --ref <git ref>   the baseline is that commit: its committed dist/ if it has one, else a synth of
                    it in a temporary git worktree (same PLATFORM_PROFILE)
  --next <dir>      compare this directory instead of synthesizing the current code
  --json            machine-readable output
Exit code: 0 no errors, 1 at least one error, 2 bad usage or a failure to synthesize or read.`;

/** Parses argv (without node and the script); throws on bad usage. */
export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  const out: { baseline?: string; ref?: string; next?: string; json: boolean; help: boolean } = { json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--baseline': out.baseline = value(); break;
      case '--ref': out.ref = value(); break;
      case '--next': out.next = value(); break;
      case '--json': out.json = true; break;
      case '-h':
      case '--help': out.help = true; break;
      default: throw new Error(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  if (out.baseline !== undefined && out.ref !== undefined) throw new Error('--baseline and --ref are exclusive');
  return out;
}

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The baseline at git ref `ref`: its committed dist/, or a synth of it in a temporary worktree. */
function baselineFromRef(host: PlanCliHost, ref: string): { manifests: Manifest[]; source: string } {
  let commit: string;
  try {
    commit = git(host.root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).trim();
  } catch {
    throw new Error(`--ref ${ref}: not a commit of this repository`);
  }
  const short = commit.slice(0, 12);
  const committed = git(host.root, ['ls-tree', '-r', '--name-only', commit, '--', 'dist/'])
    .split('\n').filter((f) => /\.(ya?ml|json)$/.test(f) && !f.endsWith('construct-metadata.json')).sort();
  if (committed.length) {
    // Read it like any output directory, so the raw CRD copies (dist/crds/) are digested, not parsed.
    const extracted = mkdtempSync(join(tmpdir(), 'plan-ref-dist-'));
    try {
      execFileSync('sh', ['-c', 'git archive "$1" dist | tar -x -C "$2"', 'sh', commit, extracted], { cwd: host.root, stdio: ['ignore', 'ignore', 'pipe'] });
      return { manifests: readManifestDir(join(extracted, 'dist')), source: `git ref ${ref} (${short}), its committed dist/` };
    } finally {
      rmSync(extracted, { recursive: true, force: true });
    }
  }
  const tmp = mkdtempSync(join(tmpdir(), 'plan-ref-'));
  const worktree = join(tmp, 'worktree');
  try {
    git(host.root, ['worktree', 'add', '--detach', '--quiet', worktree, commit]);
    symlinkSync(join(host.root, 'node_modules'), join(worktree, 'node_modules'), 'dir');
    const out = join(tmp, 'dist');
    try {
      host.synthesize(join(worktree, 'main.ts'), out);
    } catch (e) {
      throw new Error(`cannot synthesize ${ref} (${short}) in a temporary worktree: ${(e as Error).message}`);
    }
    return { manifests: readManifestDir(out), source: `git ref ${ref} (${short}), synthesized in a temporary worktree` };
  } finally {
    try {
      git(host.root, ['worktree', 'remove', '--force', worktree]);
    } catch {
      // already gone (failed `worktree add`); prune any leftover registration below
    }
    try {
      git(host.root, ['worktree', 'prune']);
    } catch {
      // not fatal
    }
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs `npm run plan` with `argv`; returns the exit code. */
export function runPlanCli(argv: readonly string[], host: PlanCliHost): number {
  let args: PlanArgs;
  try {
    args = parsePlanArgs(argv);
  } catch (e) {
    host.stderr(`plan: ${(e as Error).message}\n\n${PLAN_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    host.stdout(`${PLAN_USAGE}\n`);
    return 0;
  }
  const started = Date.now();
  const show = (p: string) => {
    const rel = relative(process.cwd(), p);
    return rel.startsWith('..') ? p : rel || '.';
  };
  let baseline: Manifest[];
  let next: Manifest[];
  let baselineSource: string;
  let nextSource: string;
  try {
    if (args.ref !== undefined) {
      ({ manifests: baseline, source: baselineSource } = baselineFromRef(host, args.ref));
    } else {
      const dir = resolve(args.baseline ?? join(host.root, 'dist'));
      if (!existsSync(dir)) {
        throw new Error(`baseline ${show(dir)} does not exist: pass --baseline <dir> with the manifests currently applied, ` +
          'or --ref <git ref> of the applied version (npm run synth writes dist/; keep a copy of what you applied)');
      }
      baseline = readManifestDir(dir);
      baselineSource = `${show(dir)}/`;
    }
    if (args.next !== undefined) {
      next = readManifestDir(resolve(args.next));
      nextSource = `${show(resolve(args.next))}/`;
    } else {
      const profile = resolveProfile(host.env[PROFILE_ENV]).name;
      const tmp = mkdtempSync(join(tmpdir(), 'plan-next-'));
      try {
        try {
          host.synthesize(join(host.root, 'main.ts'), tmp);
        } catch (e) {
          throw new Error(`cannot synthesize the working tree: ${(e as Error).message}`);
        }
        next = readManifestDir(tmp);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
      nextSource = `synth of the working tree (profile ${profile})`;
    }
  } catch (e) {
    host.stderr(`plan: ${(e as Error).message}\n`);
    return 2;
  }
  const plan = planChanges(baseline, next);
  const elapsed = Date.now() - started;
  if (args.json) {
    host.stdout(`${JSON.stringify({ baseline: baselineSource, next: nextSource, ...plan }, null, 2)}\n`);
  } else {
    host.stdout(`${formatPlan(plan, `Plan: ${baselineSource} (${baseline.length} objects) -> ${nextSource} (${next.length} objects), ${elapsed} ms`)}\n`);
  }
  return plan.errors.length ? 1 : 0;
}
