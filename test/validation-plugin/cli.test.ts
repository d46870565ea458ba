import { spawn } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { CONSTRUCT_METADATA_FILE } from '../../plugins/validation/plugin';

/**
 * End to end, offline: the real cdk8s CLI on this repo's app (its cdk8s.yaml configures the plugin as
 * `./plugins/validation`), and on a user project in a temp dir whose own cdk8s.yaml points at the
 * plugin by absolute path. Both synths run concurrently; output never goes to the checkout's dist/
 * (`--output`: the CLI itself sets CDK8S_OUTDIR for the app).
 */

const root = resolve(__dirname, '..', '..');
const cli = join(root, 'node_modules', '.bin', 'cdk8s');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function synth(cwd: string, args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', FORCE_COLOR: '0' };
  delete env.CDK8S_OUTDIR;
  delete env.CDK8S_RECORD_CONSTRUCT_METADATA; // let the CLI decide, as on a developer's machine
  return new Promise((ok, ko) => {
    const child = spawn(process.execPath, [cli, 'synth', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', ko);
    child.once('close', (code) => ok({ code, stdout, stderr }));
  });
}

/**
 * A user composition with two mistakes, in plain JS so it needs no build: an unpinned image and a
 * Service that selects nothing. It keeps the default `new App()`, so the CLI has the app record
 * construct metadata, which the plugin must remove.
 */
const BROKEN_APP = `
const { App, Chart, ApiObject } = require(${JSON.stringify(require.resolve('cdk8s'))});
const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });
const labels = { 'app.kubernetes.io/name': 'web' };
new ApiObject(chart, 'web', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: {
  selector: { matchLabels: labels },
  template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
} });
new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' },
  spec: { selector: { app: 'nothing' }, ports: [{ port: 80 }] } });
app.synth();
`;

let tmp: string;
let platform: Promise<Run>;
let broken: Promise<Run>;
let typo: Promise<Run>;

/** The user project's cdk8s.yaml (JSON is YAML; the CLI runs `app` through a shell). */
function userConfig(properties?: object): string {
  return JSON.stringify({
    app: `"${process.execPath}" broken-app.js`,
    validations: [{ package: join(root, 'plugins', 'validation'), version: '0.1.0', class: 'PlatformChecksValidation', properties }],
  }, null, 2);
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'validation-plugin-cli-'));
  const project = join(tmp, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'broken-app.js'), BROKEN_APP);
  writeFileSync(join(project, 'cdk8s.yaml'), userConfig());
  const typoProject = join(tmp, 'typo');
  mkdirSync(typoProject);
  writeFileSync(join(typoProject, 'broken-app.js'), BROKEN_APP);
  writeFileSync(join(typoProject, 'cdk8s.yaml'), userConfig({ ignoreRules: ['policy/pinned-imag'] }));
  platform = synth(root, ['--output', join(tmp, 'platform')]);
  broken = synth(project, []);
  typo = synth(typoProject, []);
  // Both promises are awaited by the tests; keep an early rejection from being "unhandled".
  platform.catch(() => undefined);
  broken.catch(() => undefined);
  typo.catch(() => undefined);
});

afterAll(async () => {
  await Promise.allSettled([platform, broken, typo]);
  rmSync(tmp, { recursive: true, force: true });
});

describe('cdk8s synth with the validation plugin', () => {
  test('the platform app passes; the output directory holds only manifests', async () => {
    const run = await platform;
    expect(run).toMatchObject({ code: 0 }); // on failure, jest prints the run's stdout and stderr
    expect(run.stdout).toContain('Validations ended succesfully');
    const files = readdirSync(join(tmp, 'platform'));
    expect(files).not.toContain(CONSTRUCT_METADATA_FILE);
    expect(files.length).toBeGreaterThan(0);
    // ...and crds/: the vendored Prometheus Operator CRDs, copied for the server-side apply that comes first (README).
    expect(files.filter((f) => !f.endsWith('.k8s.yaml'))).toEqual(['crds']);
    expect(readdirSync(join(tmp, 'platform', 'crds'))).toHaveLength(10);
  }, 60_000);

  test('a broken user composition fails the synth with rule, resource, file and fix', async () => {
    const run = await broken;
    const file = 'dist/shop.k8s.yaml';
    expect(run).toMatchObject({ code: 2 }); // the CLI's exit code for a failed validation (not a crash)
    expect(run.stderr).toContain('Validation failed');
    expect(run.stdout).toMatch(new RegExp(`\\[policy/pinned-image\\] Deployment shop/web \\(${file.replace(/\./g, '\\.')}\\): .*"nginx" is not pinned \\(fix: .+\\)`));
    expect(run.stdout).toContain(`[wiring/service-selector] Service shop/web (${file}): selector {"app":"nothing"} matches no pod template`);
    expect(run.stdout).toContain(`Manifest Path: ${file}`);
    expect(readdirSync(join(tmp, 'project', 'dist'))).toEqual(['shop.k8s.yaml']); // construct-metadata.json removed
  }, 60_000);

  test('a typo in ignoreRules fails the synth and lists the known rules', async () => {
    const run = await typo;
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('ignoreRules: "policy/pinned-imag" is not a rule id (did you mean policy/pinned-image?). Known rule groups and ids: schema/ (');
  }, 60_000);
});
