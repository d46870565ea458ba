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

/** Layers below the platform composition: they take plain props and never know a profile. */
const BELOW_PLATFORM = Object.keys(LAYER).filter((l) => LAYER[l] < LAYER.platform);

/**
 * The code of `source`: comments removed, and every string literal emptied except a bare profile
 * name (`'dev'`), so messages and URLs that mention a profile in prose are not code.
 */
function codeOf(source: string): string {
  return source.replace(/('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`)|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g,
    (_match: string, literal: string | undefined) => (literal === undefined ? '' : /^['"](?:production|dev)['"]$/.test(literal) ? literal : "''"));
}

/**
 * What names a profile in code: the profile types, a `profile` identifier (prop, variable,
 * parameter) and the profile names as string literals (`'production'`, `'dev'`).
 * `seccompProfile` and other compound identifiers are not profiles.
 */
const PROFILE_IN_CODE = /\b(?:PlatformProfile\w*|LoggingProfile|StackProfile|AlertProfile|PROFILES|profile)\b|'(?:production|dev)'|"(?:production|dev)"/g;

/** `lib/<layer below platform>/...: <match>` for every profile mention in code. */
function profileMentions(lib: string): string[] {
  const found: string[] = [];
  for (const layer of BELOW_PLATFORM) {
    const dir = path.join(lib, layer);
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir, { recursive: true }) as string[]) {
      if (!file.endsWith('.ts')) continue;
      const code = codeOf(fs.readFileSync(path.join(dir, file), 'utf8'));
      for (const m of code.matchAll(PROFILE_IN_CODE)) found.push(`lib/${layer}/${file}: ${m[0]}`);
    }
  }
  return found.sort();
}

describe('lib layers', () => {
  test('profiles are translated into props only in lib/platform: no layer below it names a profile', () => {
    expect(profileMentions(LIB)).toEqual([]);
  });

  test('the profile scan finds profile props, types and names, and ignores comments and seccompProfile', () => {
    const code = codeOf(`// the dev profile\nconst a = { profile: 'dev' };\ntype B = StackProfile;\nconst c = { seccompProfile: { type: 'RuntimeDefault' } }; /* production */\nconst u = 'https://x/y';`);
    expect([...code.matchAll(PROFILE_IN_CODE)].map((m) => m[0])).toEqual(['profile', "'dev'", 'StackProfile']);
    expect(codeOf("const u = 'https://x/y'; // production\nconst m = `the seccomp profile ${x}`;")).toBe("const u = ''; \nconst m = '';");
  });

  test('no lower layer imports a higher one (shared types live in lib/core)', () => {
    expect(layerViolations(LIB)).toEqual([]);
  });

  test('the scan finds imports of every form', () => {
    expect(importsOf(`import type { A } from '../platform/namespaces';\nexport { B } from './b';\nconst c = require('../checks/scope');\ntype D = import('../plan/plan').X;`))
      .toEqual(['../platform/namespaces', './b', '../checks/scope', '../plan/plan']);
  });
});
