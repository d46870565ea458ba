import { builtinModules } from 'module';
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative, resolve } from 'path';

/**
 * The npm package (SPEC §13) ships what the library and the plugin load at run time: every package
 * lib/, imports/ and the plugin import (except type-only imports, which tsc drops) is a dependency
 * or a peer dependency, never only a devDependency (an installed copy would fail with "Cannot find
 * module"); cdk8s, constructs and cdk8s-plus-27 are peers, so a consumer app loads one copy of each.
 * examples/team-app (run by CI) proves the packed package works end to end.
 */

const root = resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf-8'));

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Package name of a bare import specifier (`cdk8s-cli/lib/plugins` -> `cdk8s-cli`, `@a/b/c` -> `@a/b`). */
function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Bare packages imported at run time by the shipped sources, with one file that imports each. */
function runtimeImports(): Map<string, string> {
  const found = new Map<string, string>();
  const files = [...tsFiles(join(root, 'lib')), ...tsFiles(join(root, 'imports')), ...tsFiles(join(root, 'plugins', 'validation'))];
  const importFrom = /^\s*import\s+(?!type\s)[^;]*?\sfrom\s+'([^'.][^']*)'/gm;
  const sideEffect = /^\s*import\s+'([^'.][^']*)'/gm;
  const requireCall = /require\(\s*'([^'.][^']*)'\s*\)/g;
  for (const file of files) {
    const text = readFileSync(file, 'utf-8');
    for (const re of [importFrom, sideEffect, requireCall]) {
      for (const m of text.matchAll(re)) {
        const name = packageOf(m[1].replace(/^node:/, ''));
        if (!builtinModules.includes(name)) found.set(name, relative(root, file));
      }
    }
  }
  return found;
}

describe('the npm package', () => {
  test('every package the library and the plugin load at run time is a dependency or a peer dependency', () => {
    const imports = runtimeImports();
    expect(imports.has('cdk8s')).toBe(true); // sanity: the scan sees imports
    const shipped = { ...pkg.dependencies, ...pkg.peerDependencies };
    expect([...imports].filter(([name]) => !(name in shipped)).map(([name, file]) => `${name} (${file})`)).toEqual([]);
  });

  test('cdk8s, constructs and cdk8s-plus-27 are peers (a compatible range) and pinned dev dependencies', () => {
    for (const name of ['cdk8s', 'constructs', 'cdk8s-plus-27']) {
      expect(pkg.dependencies?.[name]).toBeUndefined();
      expect(pkg.devDependencies[name]).toMatch(/^\d+\.\d+\.\d+$/);
      expect(pkg.peerDependencies[name]).toBe(`^${pkg.devDependencies[name]}`);
    }
  });

  test('main, types and exports point at the build; files ship only the build, the plugin entry and the vendored CRDs', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.main).toBe('build/lib/index.js');
    expect(pkg.types).toBe('build/lib/index.d.ts');
    expect(pkg.exports['.']).toEqual({ types: './build/lib/index.d.ts', default: './build/lib/index.js' });
    expect(pkg.exports['./plugins/validation'].default).toBe('./plugins/validation/index.js');
    // ...and the vendored Prometheus Operator CRDs, which PrometheusOperatorCrds copies into the output.
    expect(pkg.files).toEqual(['build/lib/', 'build/imports/', 'build/plugins/validation/', 'plugins/validation/index.js', 'vendor/crds/prometheus-operator/']);
    expect(pkg.scripts.prepack).toBe('npm run build');
    const build = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf-8').replace(/^\s*\/\/.*$/gm, ''));
    expect(build.compilerOptions).toMatchObject({ outDir: 'build', declaration: true, noEmit: false });
  });
});
