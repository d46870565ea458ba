/**
 * The fast synth path rebuilds its esbuild bundle only when an input changed (scripts/esbuild-cache.js):
 * an unchanged tree reuses the bundle, a touched input (or a missing bundle) rebuilds it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { bundleIfStale } = require('../../scripts/esbuild-cache');

test('bundleIfStale rebuilds only when the bundle is missing or an input is newer', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esbuild-cache-'));
  try {
    const dep = path.join(dir, 'dep.ts');
    const entry = path.join(dir, 'entry.ts');
    fs.writeFileSync(dep, 'export const answer: number = 41;\n');
    fs.writeFileSync(entry, "import { answer } from './dep';\nmodule.exports = answer + 1;\n");
    const outfile = path.join(dir, 'out', 'bundle.js');
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(dep, past, past);
    fs.utimesSync(entry, past, past);

    expect(bundleIfStale({ entry, outfile })).toBe(true);
    expect(bundleIfStale({ entry, outfile })).toBe(false);
    expect(fs.readFileSync(outfile, 'utf8')).toContain('answer = 41');

    fs.writeFileSync(dep, 'export const answer: number = 1;\n'); // an imported file changes: mtime now
    const future = new Date(Date.now() + 5_000);
    fs.utimesSync(dep, future, future);
    expect(bundleIfStale({ entry, outfile })).toBe(true);
    expect(fs.readFileSync(outfile, 'utf8')).toContain('answer = 1;');

    fs.rmSync(outfile);
    expect(bundleIfStale({ entry, outfile })).toBe(true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
