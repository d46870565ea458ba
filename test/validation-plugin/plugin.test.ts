import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { ValidationViolation } from 'cdk8s-cli/lib/plugins';
import { stringify } from 'yaml';
import { Manifest } from '../../lib/checks';
import { CONSTRUCT_METADATA_FILE, PlatformChecksValidation, PluginContext } from '../../plugins/validation/plugin';
import { fixture } from '../checks/fixtures';

/** A stand-in for cdk8s-cli's ValidationContext that records what the plugin reports. */
class FakeContext implements PluginContext {
  public readonly violations: ValidationViolation[] = [];
  public readonly logs: string[] = [];
  public status?: 'success' | 'failure';
  public metadata?: { readonly [key: string]: string };
  public readonly report = {
    addViolation: (v: ValidationViolation) => this.violations.push(v),
    submit: (status: 'success' | 'failure', metadata?: { readonly [key: string]: string }) => {
      this.status = status;
      this.metadata = metadata;
    },
  };
  public readonly logger = { log: (message: string) => this.logs.push(message) };
  constructor(public readonly manifests: string[]) {}
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'validation-plugin-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `objects` as one multi-document YAML file, as cdk8s does; returns its path. */
function writeManifest(name: string, objects: Manifest[]): string {
  const file = join(dir, name);
  writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
  return file;
}

/** The fixture split like a cdk8s app: namespace file first, then the workload chart. */
function writeFixture(f = fixture()): { namespaces: string; web: string } {
  return {
    namespaces: writeManifest('0000-namespaces.k8s.yaml', [f.namespace]),
    web: writeManifest('0001-web.k8s.yaml', [f.serviceAccount, f.configMap, f.deployment, f.service, f.pdb, ...f.extra]),
  };
}

async function validate(files: string[], properties = {}): Promise<FakeContext> {
  const context = new FakeContext(files);
  await new PlatformChecksValidation(properties).validate(context);
  return context;
}

describe('PlatformChecksValidation', () => {
  test('good manifests: success and no violations', async () => {
    const files = writeFixture();
    const context = await validate([files.namespaces, files.web]);
    expect(context.violations).toEqual([]);
    expect(context.logs).toEqual([]);
    expect(context.status).toBe('success');
    expect(context.metadata).toMatchObject({ Files: '2', Objects: '6', Violations: '0' });
  });

  test('a broken manifest: the violation carries rule, resource, file and fix, and fails the report', async () => {
    const f = fixture();
    f.container.image = 'nginx';
    const files = writeFixture(f);
    const context = await validate([files.namespaces, files.web]);
    expect(context.status).toBe('failure');
    expect(context.violations).toEqual([{
      ruleName: 'policy/pinned-image',
      recommendation: expect.stringContaining('"nginx" is not pinned'),
      fix: expect.stringMatching(/\S/),
      violatingResources: [{ resourceName: 'Deployment web/web', manifestPath: files.web, locations: [expect.stringContaining('nginx')] }],
    }]);
    expect(context.logs[0]).toBe('Platform checks: 1 violation(s)');
    expect(context.logs[1]).toMatch(/^\[policy\/pinned-image\] Deployment web\/web \(.*0001-web\.k8s\.yaml\): .*"nginx" is not pinned \(fix: .+\)$/);
  });

  test('cross-file wiring: each violation names the file of its own object', async () => {
    const f = fixture();
    f.service.spec.selector = { app: 'nothing' };
    const files = writeFixture(f);
    const service = writeManifest('0002-service.k8s.yaml', [f.service]);
    writeFileSync(files.web, [f.serviceAccount, f.configMap, f.deployment, f.pdb].map((o) => stringify(o)).join('---\n'));
    const context = await validate([files.namespaces, files.web, service]);
    expect(context.status).toBe('failure');
    expect(context.violations.map((v) => [v.ruleName, v.violatingResources[0].resourceName, v.violatingResources[0].manifestPath]))
      .toEqual([['wiring/service-selector', 'Service web/web', service]]);
  });

  test('schema errors are reported (unknown field)', async () => {
    const f = fixture();
    f.container.imagePullPolice = 'Always';
    const files = writeFixture(f);
    const context = await validate([files.namespaces, files.web]);
    expect(context.status).toBe('failure');
    expect(context.violations.map((v) => v.ruleName)).toEqual(['schema/invalid']);
    expect(context.violations[0].recommendation).toContain('imagePullPolice');
  });

  test('ignoreRules drops a rule or a rule family; the report then succeeds', async () => {
    const f = fixture();
    f.container.image = 'nginx';
    f.service.spec.selector = { app: 'nothing' };
    const files = [writeFixture(f).namespaces, join(dir, '0001-web.k8s.yaml')];
    expect((await validate(files)).violations.map((v) => v.ruleName).sort()).toEqual(['policy/pinned-image', 'wiring/service-selector']);
    expect((await validate(files, { ignoreRules: ['policy/pinned-image'] })).violations.map((v) => v.ruleName)).toEqual(['wiring/service-selector']);
    const context = await validate(files, { ignoreRules: ['policy/', 'wiring/'] });
    expect(context.status).toBe('success');
    expect(context.metadata?.Ignored).toBe('policy/, wiring/');
  });

  test('invalid YAML in a manifest file is a violation naming the file', async () => {
    const files = writeFixture();
    const broken = join(dir, '0002-broken.k8s.yaml');
    writeFileSync(broken, 'kind: [unclosed\n');
    const context = await validate([files.namespaces, files.web, broken]);
    expect(context.status).toBe('failure');
    expect(context.violations).toEqual([expect.objectContaining({ ruleName: 'plugin/yaml', violatingResources: [expect.objectContaining({ manifestPath: broken })] })]);
  });

  test('no manifests: success', async () => {
    expect((await validate([])).status).toBe('success');
  });

  test('removes construct-metadata.json next to the manifests unless keepConstructMetadata', async () => {
    const files = writeFixture();
    const metadata = join(dir, CONSTRUCT_METADATA_FILE);
    writeFileSync(metadata, '{"version":"1.0.0","resources":{}}');
    await validate([files.namespaces, files.web], { keepConstructMetadata: true });
    expect(existsSync(metadata)).toBe(true);
    await validate([files.namespaces, files.web]);
    expect(existsSync(metadata)).toBe(false);
  });

  test('rejects unknown or malformed properties (typos in cdk8s.yaml)', () => {
    expect(() => new PlatformChecksValidation({ ignoreRule: ['x'] } as any)).toThrow(/unknown properties ignoreRule/);
    expect(() => new PlatformChecksValidation({ ignoreRules: 'policy/' } as any)).toThrow(/ignoreRules must be a list/);
  });

  test("works with cdk8s-cli's own ValidationContext and report", async () => {
    // `cdk8s-cli/plugins` is the CLI's public export; its types live under lib/plugins.
    const { ValidationContext } = require('cdk8s-cli/plugins') as typeof import('cdk8s-cli/lib/plugins');
    const f = fixture();
    f.container.image = 'nginx';
    const files = writeFixture(f);
    const context = new ValidationContext([files.namespaces, files.web], 'plugins/validation', '0.1.0', {}, false);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await new PlatformChecksValidation().validate(context);
    } finally {
      log.mockRestore();
    }
    expect(context.report.success).toBe(false);
    const text = context.report.toString();
    expect(text).toContain('policy/pinned-image (1 occurrences)');
    expect(text).toContain(`Manifest Path: ${files.web}`);
    expect(text).toContain('Resource Name: Deployment web/web');
    expect(text).toMatch(/How to fix: \S/);
  });
});

describe('PlatformChecksValidation with a baseline (the npm run plan gate)', () => {
  /** The fixture as applied before: written to `<dir>/applied/`, changed by `edit`. */
  function writeBaseline(edit: (f: ReturnType<typeof fixture>) => void): string {
    const f = fixture();
    edit(f);
    const applied = join(dir, 'applied');
    mkdirSync(applied);
    writeFileSync(join(applied, '0000-namespaces.k8s.yaml'), stringify(f.namespace));
    writeFileSync(join(applied, '0001-web.k8s.yaml'), [f.serviceAccount, f.configMap, f.deployment, f.service, f.pdb].map((o) => stringify(o)).join('---\n'));
    return applied;
  }

  test('a change the API server refuses is a plan violation whose fix is the procedure', async () => {
    const baseline = writeBaseline((f) => {
      f.deployment.spec.selector.matchLabels.tier = 'web';
      f.deployment.spec.template.metadata.labels.tier = 'web';
    });
    const files = writeFixture();
    const context = await validate([files.namespaces, files.web], { baseline });
    expect(context.status).toBe('failure');
    expect(context.violations).toEqual([{
      ruleName: 'plan/deployment-selector',
      recommendation: expect.stringContaining('the API server refuses it'),
      fix: expect.stringContaining('kubectl -n web delete deployment web --cascade=orphan'),
      violatingResources: [{ resourceName: 'Deployment web/web', manifestPath: files.web, locations: [expect.stringContaining('spec.selector')] }],
    }]);
    expect(context.metadata).toMatchObject({ Baseline: baseline, Plan: '0 to create, 1 to change, 0 to delete, 5 unchanged; 1 workload rolls; 0 warnings; 1 error' });
  });

  test('an acceptable change passes; its warnings are logged; ignoreRules applies to plan rules', async () => {
    const baseline = writeBaseline((f) => { f.configMap.data['default.conf'] = 'server { listen 8081; }'; });
    const files = writeFixture();
    const context = await validate([files.namespaces, files.web], { baseline });
    expect(context.violations).toEqual([]);
    expect(context.status).toBe('success');
    expect(context.logs).toEqual([expect.stringMatching(/^\[plan\/configmap-changed-in-place\] warning: ConfigMap web\/web-config: data\["default.conf"\] change in place/)]);
    const quiet = await validate([files.namespaces, files.web], { baseline, ignoreRules: ['plan/'] });
    expect(quiet.logs).toEqual([]);
  });

  test('an unreadable baseline is a violation; a malformed property is rejected', async () => {
    const files = writeFixture();
    const context = await validate([files.namespaces, files.web], { baseline: join(dir, 'missing') });
    expect(context.status).toBe('failure');
    expect(context.violations.map((v) => [v.ruleName, v.violatingResources[0].resourceName])).toEqual([['plan/baseline', '<baseline>']]);
    expect(() => new PlatformChecksValidation({ baseline: 3 } as any)).toThrow(/baseline must be the path of a directory/);
  });

  test('without a baseline there is no plan gate', async () => {
    const files = writeFixture();
    const context = await validate([files.namespaces, files.web]);
    expect(context.metadata?.Plan).toBeUndefined();
  });
});
