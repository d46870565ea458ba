import * as fs from 'fs';
import * as path from 'path';

/**
 * The layers of lib/ (README "Layout"): building blocks and the types several constructs share in
 * lib/core; the component constructs and the manifest checks on top of it; the platform composition
 * above those; `npm run plan` last. A lower layer never imports a higher one, so a type two
 * components share moves down to lib/core instead of being imported from lib/platform.
 */
const LAYER: Record<string, number> = {
  'core': 0,
  'checks': 1,
  'zookeeper': 1,
  'kafka': 1,
  'logging': 1,
  'webapp': 1,
  'node-exporter': 1,
  'monitoring': 1,
  'observability': 1,
  'platform': 2,
  'plan': 3,
};
const COMPONENTS = new Set(['zookeeper', 'kafka', 'logging', 'webapp', 'node-exporter', 'monitoring', 'observability']);

const LIB = path.join(__dirname, '..', '..', 'lib');

/** Every `from '...'` / `import('...')` / `require('...')` target of a TypeScript file. */
function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)|\brequire\(\s*'([^']+)'\s*\)/g)) {
    found.push(m[1] ?? m[2] ?? m[3]);
  }
  return found;
}

/** `lib/<layer>/...` file imports that point into a higher layer, or from a component into lib/checks. */
function layerViolations(lib: string): string[] {
  const violations: string[] = [];
  for (const dir of fs.readdirSync(lib, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const from = dir.name;
    expect(LAYER).toHaveProperty([from]);
    for (const file of fs.readdirSync(path.join(lib, from), { recursive: true }) as string[]) {
      if (!file.endsWith('.ts')) continue;
      const filePath = path.join(lib, from, file);
      for (const target of importsOf(fs.readFileSync(filePath, 'utf8'))) {
        if (!target.startsWith('.')) continue;
        const resolved = path.relative(lib, path.resolve(path.dirname(filePath), target));
        const to = resolved.split(path.sep)[0];
        if (!(to in LAYER) || to === from) continue;
        const upward = LAYER[to] > LAYER[from];
        const sideways = LAYER[to] === LAYER[from] && !(COMPONENTS.has(from) && COMPONENTS.has(to));
        if (upward || sideways) violations.push(`lib/${from}/${file} imports '${target}' (lib/${to})`);
      }
    }
  }
  return violations.sort();
}

describe('lib layers', () => {
  test('no lower layer imports a higher one (shared types live in lib/core)', () => {
    expect(layerViolations(LIB)).toEqual([]);
  });

  test('the scan finds imports of every form', () => {
    expect(importsOf(`import type { A } from '../platform/namespaces';\nexport { B } from './b';\nconst c = require('../checks/scope');\ntype D = import('../plan/plan').X;`))
      .toEqual(['../platform/namespaces', './b', '../checks/scope', '../plan/plan']);
  });
});
