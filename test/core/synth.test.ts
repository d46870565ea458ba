import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Yaml, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import * as esbuild from 'esbuild';
import { addField, buildPlatform, PROFILES } from '../../lib';
import { appManifests, synthApp } from '../../lib/core/synth';

type Files = Record<string, string>;

function withTmp<T>(fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file under `dir` (recursively), by relative path. */
function readTree(dir: string, prefix = ''): Files {
  const files: Files = {};
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) Object.assign(files, readTree(dir, rel));
    else files[rel] = fs.readFileSync(path.join(dir, rel), 'utf8');
  }
  return files;
}

/** What `app.synth()` writes and what `synthApp(app)` writes, each on a fresh app from `build`. */
function bothWays(build: (app: App) => void, props: { yamlOutputType?: YamlOutputType; recordConstructMetadata?: boolean } = {}) {
  const run = (synth: (app: App) => void): Files => withTmp((outdir) => {
    const app = new App({ recordConstructMetadata: false, ...props, outdir });
    build(app);
    synth(app);
    return readTree(outdir);
  });
  return { cdk8s: run((app) => app.synth()), linear: run((app) => synthApp(app)) };
}

/**
 * The platform scenarios, built by the test and by the reference child process alike. The reference
 * `app.synth()` runs in a plain Node child (the bundle `npm run synth` runs): under jest's module
 * sandbox cdk8s' own synth of the platform is ~9x slower (27 s for 3 tenants instead of 3 s).
 */
const SCENARIOS: Record<string, { profile: 'production' | 'dev'; tenants?: number }> = {
  'production': { profile: 'production' },
  'dev': { profile: 'dev' },
  '3 tenants': { profile: 'production', tenants: 3 },
};

function buildScenario(app: App, { profile, tenants }: { profile: 'production' | 'dev'; tenants?: number }): void {
  buildPlatform(app, { profile: PROFILES[profile], tenants: tenants === undefined ? undefined : Array.from({ length: tenants }, (_, i) => `t${i}`) });
}

/** `app.synth()` of every scenario into `<dir>/<scenario>/`, in a child Node process. */
function referenceSynth(dir: string): void {
  const root = path.resolve(__dirname, '..', '..');
  const child = `
    import { App } from 'cdk8s';
    import { buildPlatform, PROFILES } from './lib';
    const scenarios = ${JSON.stringify(SCENARIOS)};
    for (const [name, { profile, tenants }] of Object.entries(scenarios)) {
      const app = new App({ recordConstructMetadata: false, outdir: ${JSON.stringify(dir)} + '/' + name });
      buildPlatform(app, { profile: PROFILES[profile], tenants: tenants === undefined ? undefined : Array.from({ length: tenants }, (_, i) => 't' + i) });
      app.synth();
    }
  `;
  const { outputFiles } = esbuild.buildSync({
    stdin: { contents: child, resolveDir: root, loader: 'ts', sourcefile: 'reference-synth.ts' },
    bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'warning',
  });
  execFileSync(process.execPath, ['-'], { cwd: root, input: outputFiles[0].text, stdio: ['pipe', 'inherit', 'inherit'] });
}

describe('synthApp writes exactly what app.synth() writes', () => {
  let referenceDir: string;
  beforeAll(() => {
    referenceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-reference-'));
    referenceSynth(referenceDir);
  });
  afterAll(() => fs.rmSync(referenceDir, { recursive: true, force: true }));

  test.each(Object.keys(SCENARIOS))('the platform, %s', (name) => {
    const cdk8s = readTree(path.join(referenceDir, name));
    const linear = withTmp((outdir) => {
      const app = new App({ recordConstructMetadata: false, outdir });
      buildScenario(app, SCENARIOS[name]);
      synthApp(app);
      return readTree(outdir);
    });
    expect(Object.keys(cdk8s).length).toBeGreaterThanOrEqual(6 + 2 * (SCENARIOS[name].tenants ?? 1));
    // synthApp also copies the vendored Prometheus Operator CRDs (RawManifests) into crds/: app.synth() knows nothing of them.
    expect(Object.keys(linear).filter((f) => f.startsWith('crds/'))).toHaveLength(10);
    for (const file of Object.keys(linear)) if (file.startsWith('crds/')) delete linear[file];
    expect(Object.keys(linear)).toEqual(Object.keys(cdk8s));
    for (const file of Object.keys(cdk8s)) expect([file, linear[file]]).toEqual([file, cdk8s[file]]);
  });

  test('a single platform, in-process: app.synth() and synthApp agree', () => {
    const { cdk8s, linear } = bothWays((app) => buildPlatform(app, { profile: PROFILES.dev, monitoring: false }));
    expect(Object.keys(cdk8s).length).toBeGreaterThanOrEqual(6);
    expect(linear).toEqual(cdk8s);
  });

  test('with 3 tenants the files are numbered in apply order: namespaces, network, the tenants, observability, the cluster chain; the CRDs in crds/', () => {
    const names = withTmp((outdir) => {
      const app = new App({ recordConstructMetadata: false, outdir });
      buildPlatform(app, { tenants: ['t0', 't1', 't2'] });
      return synthApp(app);
    });
    expect(names.filter((n) => !n.startsWith('crds/'))).toEqual(['namespaces', 'network', 't0-streaming', 't1-streaming', 't2-streaming', 't0-apps', 't1-apps', 't2-apps',
      'observability', 'logging', 'logging-agents', 'metrics', 'monitoring'].map((chart, i) => `${i.toString().padStart(4, '0')}-${chart}.k8s.yaml`));
    expect(names.filter((n) => n.startsWith('crds/'))).toHaveLength(10);
  });

  // A small app with a nested chart, a cross-chart construct dependency and ordered dependencies.
  const small = (app: App) => {
    const base = new Chart(app, 'base', { namespace: 'base' });
    new k8s.KubeConfigMap(base, 'config', { data: { a: 'b' } });
    const web = new Chart(app, 'web', { namespace: 'web' });
    const svc = new k8s.KubeService(web, 'svc', { spec: { ports: [{ port: 80 }] } });
    const cm = new k8s.KubeConfigMap(web, 'cm', { data: { c: 'd' } });
    const deploy = new k8s.KubeDeployment(web, 'deploy', { spec: { selector: {}, template: {} } });
    deploy.node.addDependency(cm, svc); // comes out cm, svc, deploy: dependencies first, in the order given
    svc.node.addDependency(base);
    new k8s.KubeSecret(new Chart(web, 'nested'), 'secret', { stringData: { k: 'v' } });
  };

  test.each([
    ['FILE_PER_CHART', YamlOutputType.FILE_PER_CHART],
    ['FILE_PER_APP', YamlOutputType.FILE_PER_APP],
    ['FILE_PER_RESOURCE', YamlOutputType.FILE_PER_RESOURCE],
    ['FOLDER_PER_CHART_FILE_PER_RESOURCE', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
  ])('every output type: %s', (_name, yamlOutputType) => {
    const { cdk8s, linear } = bothWays(small, { yamlOutputType });
    expect(Object.keys(cdk8s).length).toBeGreaterThan(0);
    expect(linear).toEqual(cdk8s);
  });

  test('independent charts get unnumbered file names, as with app.synth()', () => {
    const { cdk8s, linear } = bothWays((app) => {
      new k8s.KubeConfigMap(new Chart(app, 'one'), 'c', {});
      new k8s.KubeConfigMap(new Chart(app, 'two'), 'c', {});
    });
    expect(Object.keys(linear)).toEqual(['one.k8s.yaml', 'two.k8s.yaml']);
    expect(linear).toEqual(cdk8s);
  });

  test('never writes construct-metadata.json, even when the app records construct metadata', () => {
    const { cdk8s, linear } = bothWays(small, { recordConstructMetadata: true });
    expect(Object.keys(cdk8s)).toContain('construct-metadata.json');
    const { ['construct-metadata.json']: _metadata, ...manifests } = cdk8s;
    expect(linear).toEqual(manifests);
  });
});

describe('appManifests', () => {
  test('each chart\'s objects as chart.toJson() renders them, named like the files', () => {
    const app = new App({ recordConstructMetadata: false });
    const platform = buildPlatform(app, { profile: PROFILES.dev, tenants: ['a'] });
    const manifests = appManifests(app);
    expect(manifests.map((m) => m.chart)).toEqual(platform.charts);
    expect(manifests[0].name).toBe('0000-namespaces');
    expect(manifests[2].name).toBe('0002-a-streaming');
    const streaming = manifests.find((m) => m.chart === platform.tenants.a.streaming)!;
    expect(streaming.objects).toEqual(platform.tenants.a.streaming.toJson());
    expect(Yaml.stringify(...streaming.objects)).toContain('kind: StatefulSet');
  });
});

describe('validation still runs', () => {
  test('a construct validation error fails the synth with cdk8s\' message', () => {
    const build = (app: App) => buildPlatform(app, { tenants: ['x'] }).tenants.x.zookeeper.node.addValidation({ validate: () => ['quorum is unhappy'] });
    const message = (synth: (app: App) => void) => withTmp((outdir) => {
      const app = new App({ recordConstructMetadata: false, outdir });
      build(app);
      try {
        synth(app);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    });
    expect(message((app) => synthApp(app))).toBe('Validation failed with the following errors:\n  [x-streaming/zookeeper] quorum is unhappy');
    expect(message((app) => appManifests(app))).toBe(message((app) => app.synth()));
  });

  test('an escape hatch whose field does not come out fails the synth', () => {
    const app = new App({ recordConstructMetadata: false });
    const { metrics } = buildPlatform(app, { profile: PROFILES.dev });
    const ds = new k8s.KubeDaemonSet(metrics, 'bad', { spec: { selector: {}, template: { spec: { containers: [] } } } });
    addField(ds, '/spec/template/spec/hostPID', true);
    expect(() => appManifests(app)).toThrow(/Validation failed[\s\S]*escape hatch \/spec\/template\/spec\/hostPID = true did not come out/);
    withTmp((outdir) => {
      expect(() => synthApp(app, outdir)).toThrow(/escape hatch/);
      expect(fs.readdirSync(outdir)).toEqual([]);
    });
  });

  test('a dependency cycle between charts fails the synth', () => withTmp((outdir) => {
    const app = new App({ recordConstructMetadata: false, outdir });
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    new ApiObject(a, 'x', { apiVersion: 'v1', kind: 'ConfigMap' });
    a.addDependency(b);
    b.addDependency(a);
    expect(() => app.synth()).toThrow(/Dependency cycle detected/);
    expect(() => appManifests(app)).toThrow(/Dependency cycle detected: (a => b => a|b => a => b)/);
  }));
});
