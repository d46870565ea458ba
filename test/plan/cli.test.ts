import { execFileSync, spawn } from 'child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { App } from 'cdk8s';
import { stringify } from 'yaml';
import { synthApp } from '../../lib/core/synth';
import { parsePlanArgs, PlanCliHost, runPlanCli } from '../../lib/plan/cli';
import { buildPlatform, PlatformOptions } from '../../lib/platform/platform';
import { configMap } from './helpers';

const root = resolve(__dirname, '..', '..');
let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'plan-cli-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A host that records output; `synthesize` is given by the test. */
function host(repo: string, synthesize: PlanCliHost['synthesize'] = () => { throw new Error('no synth expected'); }) {
  const out = { stdout: '', stderr: '' };
  const h: PlanCliHost = { root: repo, synthesize, env: {}, stdout: (t) => { out.stdout += t; }, stderr: (t) => { out.stderr += t; } };
  return { h, out };
}

function writeDir(dir: string, objects: any[]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '0000-app.k8s.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  return dir;
}

describe('arguments', () => {
  test('flags, values, exclusions', () => {
    expect(parsePlanArgs([])).toEqual({ json: false, help: false });
    expect(parsePlanArgs(['--baseline', 'applied', '--json'])).toEqual({ baseline: 'applied', json: true, help: false });
    expect(parsePlanArgs(['--ref=v1.2.0', '--next', 'out'])).toEqual({ ref: 'v1.2.0', next: 'out', json: false, help: false });
    expect(() => parsePlanArgs(['--baseline'])).toThrow('--baseline needs a value');
    expect(() => parsePlanArgs(['--baseline', 'a', '--ref', 'b'])).toThrow('exclusive');
    expect(() => parsePlanArgs(['--frobnicate'])).toThrow('unknown argument "--frobnicate"');
  });

  test('bad usage and a missing baseline exit 2 with a message', () => {
    const bad = host(tmp);
    expect(runPlanCli(['--nope'], bad.h)).toBe(2);
    expect(bad.out.stderr).toContain('Usage: npm run plan');
    const missing = host(tmp);
    expect(runPlanCli(['--baseline', join(tmp, 'absent'), '--next', tmp], missing.h)).toBe(2);
    expect(missing.out.stderr).toMatch(/baseline .*absent does not exist: pass --baseline <dir>/);
  });
});

describe('--ref', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
  beforeAll(() => {
    repo = join(tmp, 'repo');
    mkdirSync(join(repo, 'node_modules'), { recursive: true });
    git('init', '--quiet');
    git('config', 'user.email', 'plan@test');
    git('config', 'user.name', 'plan test');
    writeFileSync(join(repo, '.gitignore'), 'node_modules\n');
    writeFileSync(join(repo, 'main.ts'), 'v1\n');
    git('add', '.');
    git('commit', '--quiet', '-m', 'v1');
    git('tag', 'v1');
    writeDir(join(repo, 'dist'), [configMap('app', { v: 'committed' })]);
    git('add', 'dist');
    git('commit', '--quiet', '-m', 'dist');
    git('tag', 'with-dist');
    writeFileSync(join(repo, 'main.ts'), 'v2 (uncommitted)\n');
  });

  test('a ref without dist/ is synthesized in a temporary worktree (node_modules linked), removed afterwards', () => {
    const seen: string[] = [];
    const { h, out } = host(repo, (mainTs, outdir) => {
      seen.push(readFileSync(mainTs, 'utf-8').trim());
      expect(lstatSync(join(mainTs, '..', 'node_modules')).isSymbolicLink()).toBe(true);
      writeDir(outdir, [configMap('app', { v: readFileSync(mainTs, 'utf-8').trim() })]);
    });
    const next = writeDir(join(tmp, 'next-v2'), [configMap('app', { v: 'v2' })]);
    expect(runPlanCli(['--ref', 'v1', '--next', next, '--json'], h)).toBe(0);
    expect(seen).toEqual(['v1']);
    const result = JSON.parse(out.stdout);
    expect(result.baseline).toMatch(/^git ref v1 \([0-9a-f]{12}\), synthesized in a temporary worktree$/);
    expect(result.objects).toEqual([expect.objectContaining({ id: 'ConfigMap data/app', change: 'changed', fields: ['data.v'] })]);
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  test('a ref that fails to synthesize exits 2 and still removes its worktree', () => {
    const { h, out } = host(repo, () => { throw new Error('Could not resolve "./plan"'); });
    expect(runPlanCli(['--ref', 'v1', '--next', tmp], h)).toBe(2);
    expect(out.stderr).toMatch(/^plan: cannot synthesize v1 \([0-9a-f]{12}\) in a temporary worktree: Could not resolve "\.\/plan"/);
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  test("a ref with a committed dist/ is read from git; an unknown ref exits 2", () => {
    const { h, out } = host(repo);
    const next = writeDir(join(tmp, 'next-same'), [configMap('app', { v: 'committed' })]);
    expect(runPlanCli(['--ref', 'with-dist', '--next', next], h)).toBe(0);
    expect(out.stdout).toMatch(/^Plan: git ref with-dist \([0-9a-f]{12}\), its committed dist\/ \(1 objects\) -> .*next-same\/ \(1 objects\)/);
    expect(out.stdout).toContain('Plan: 0 to create, 0 to change, 0 to delete, 1 unchanged');
    const bad = host(repo);
    expect(runPlanCli(['--ref', 'no-such-ref', '--next', next], bad.h)).toBe(2);
    expect(bad.out.stderr).toContain('--ref no-such-ref: not a commit of this repository');
  });
});

describe('npm run plan (scripts/plan.js) as a process', () => {
  function synthPlatform(dir: string, options: PlatformOptions): string {
    const app = new App({ recordConstructMetadata: false, outdir: dir });
    buildPlatform(app, options);
    synthApp(app);
    return dir;
  }

  function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
    const env = { ...process.env };
    delete env.PLATFORM_PROFILE;
    delete env.CDK8S_OUTDIR;
    const started = Date.now();
    return new Promise((ok, ko) => {
      const child = spawn(process.execPath, [join(root, 'scripts', 'plan.js'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.once('error', ko);
      child.once('close', (code) => ok({ code, stdout, stderr, ms: Date.now() - started }));
    });
  }

  test('the package script runs it', () => {
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf-8')).scripts.plan).toBe('node scripts/plan.js');
  });

  test('against a baseline with smaller ZooKeeper volumes: exit 1, the error and its procedure; against an identical one: exit 0', async () => {
    const smaller = synthPlatform(join(tmp, 'applied-small'), { zookeeper: { storage: { size: '5Gi' } } });
    const same = synthPlatform(join(tmp, 'applied-same'), {});
    const [human, json] = await Promise.all([run(['--baseline', smaller]), run(['--baseline', same, '--json'])]);

    expect(human).toMatchObject({ code: 1, stderr: '' });
    expect(human.stdout).toMatch(/^Plan: .*applied-small\/ \(\d+ objects\) -> synth of the working tree \(profile production\)/);
    expect(human.stdout).toContain('  ~ StatefulSet streaming/zk\n      spec.volumeClaimTemplates[data].spec.resources.requests.storage\n');
    expect(human.stdout).toContain('  x [plan/statefulset-volume-size] StatefulSet streaming/zk: volumeClaimTemplates[data] storage 5Gi -> 10Gi');
    expect(human.stdout).toContain('kubectl -n streaming patch pvc data-zk-0');
    expect(human.stdout).toContain('kubectl -n streaming delete statefulset zk --cascade=orphan');
    expect(human.stdout.trim().split('\n').pop()).toMatch(/^Plan: 0 to create, 1 to change, 0 to delete, \d+ unchanged; 0 workloads roll; 0 warnings; 1 error$/);

    expect(json).toMatchObject({ code: 0, stderr: '' });
    const plan = JSON.parse(json.stdout);
    expect(plan.summary).toMatchObject({ created: 0, changed: 0, deleted: 0, errors: 0, warnings: 0 });
    expect(plan.objects.length).toBeGreaterThan(50);
    expect(existsSync(join(root, '.build', `plan-${process.pid}-0.js`))).toBe(false);
  }, 30_000);
});
