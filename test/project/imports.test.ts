/**
 * `npm run import` works on a fresh clone (no network: the CRDs are vendored in vendor/crds) and
 * reproduces the committed `imports/` byte for byte, so the typed classes match the vendored CRDs.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');

test('cdk8s import from the vendored CRDs regenerates imports/ exactly', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'imports-'));
  try {
    execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), ['import', '-l', 'typescript', '-o', out], {
      cwd: root,
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      stdio: 'pipe',
    });
    const committed = fs.readdirSync(path.join(root, 'imports')).sort();
    expect(fs.readdirSync(out).sort()).toEqual(committed);
    for (const file of committed) {
      expect({ file, same: fs.readFileSync(path.join(out, file), 'utf8') === fs.readFileSync(path.join(root, 'imports', file), 'utf8') })
        .toEqual({ file, same: true });
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('every import in cdk8s.yaml names a vendored file with its source recorded', () => {
  const yaml = fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8');
  const files = [...yaml.matchAll(/^\s*-\s*[\w-]+:=(\S+)$/gm)].map((m) => m[1]);
  expect(files.length).toBeGreaterThan(0);
  const sources = fs.readFileSync(path.join(root, 'vendor', 'crds', 'SOURCES.md'), 'utf8');
  for (const file of files) {
    expect(file).toMatch(/^vendor\/crds\//);
    expect(fs.existsSync(path.join(root, file))).toBe(true);
    expect(sources).toContain(path.basename(path.dirname(file)));
  }
});
