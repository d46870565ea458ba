// The cdk8s-cli validation plugin of this project. The CLI `require`s this directory with plain Node
// (`package: ./plugins/validation` in this repo's cdk8s.yaml; `package:
// ./node_modules/cdk8s-platform/plugins/validation` in a project that installed the npm package).
//
// Installed from the package (no plugin.ts next to this file: `files` in package.json ships only this
// file and build/): it loads the plugin compiled by `npm run build` (tsc, run by prepack), whose
// runtime dependencies are the package's `dependencies`, and cdk8s from the consumer's tree (peer).
//
// In a checkout (plugin.ts is here): it bundles plugin.ts (and lib/checks) with esbuild into
// .build/validation-plugin.js (no type-checking: `npm test` type-checks) and exports what it
// exports, so edits to lib/checks apply on the next synth without a build step. The bundle is rebuilt
// only when one of its input files (listed in validation-plugin.inputs.json) or this file is newer
// than it. Packages stay external: the schema loader requires kubernetes-models' model files by
// computed path at runtime. Files are written under a temporary name and renamed, so concurrent
// synths never load a half-written bundle. The bundle carries an inline source map, but source maps
// are not switched on here (that costs ~0.1 s per synth): run with NODE_OPTIONS=--enable-source-maps
// to get TypeScript stack traces.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const outfile = path.join(root, '.build', 'validation-plugin.js');
const inputsFile = path.join(root, '.build', 'validation-plugin.inputs.json');

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function isFresh() {
  const built = mtime(outfile);
  if (built === undefined) return false;
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf-8'));
  } catch {
    return false;
  }
  return [__filename, ...inputs].every((f) => {
    const t = mtime(f);
    return t !== undefined && t < built;
  });
}

function writeAtomically(file, contents) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}

function build() {
  const esbuild = require('esbuild');
  const NODE_BUNDLE = require('../../scripts/esbuild-options');
  const result = esbuild.buildSync({
    entryPoints: [path.join(__dirname, 'plugin.ts')],
    outfile,
    ...NODE_BUNDLE,
    sourcemap: 'inline',
    metafile: true,
    write: false,
  });
  const inputs = Object.keys(result.metafile.inputs).map((f) => path.resolve(process.cwd(), f));
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  writeAtomically(inputsFile, JSON.stringify(inputs));
  writeAtomically(outfile, result.outputFiles[0].contents); // last: its mtime marks the build
}

if (fs.existsSync(path.join(__dirname, 'plugin.ts'))) {
  if (!isFresh()) build();
  module.exports = require(outfile);
} else {
  module.exports = require('../../build/plugins/validation/plugin.js');
}
