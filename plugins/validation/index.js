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
// only when one of its input files or this file is newer than it (scripts/esbuild-cache.js).
// Packages stay external: the schema loader requires kubernetes-models' model files by computed path
// at runtime. The bundle carries an inline source map, but source maps are not switched on here
// (that costs ~0.1 s per synth): run with NODE_OPTIONS=--enable-source-maps for TypeScript traces.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const outfile = path.join(root, '.build', 'validation-plugin.js');

if (fs.existsSync(path.join(__dirname, 'plugin.ts'))) {
  require('../../scripts/esbuild-cache').bundleIfStale({ entry: path.join(__dirname, 'plugin.ts'), outfile, extraInputs: [__filename] });
  module.exports = require(outfile);
} else {
  module.exports = require('../../build/plugins/validation/plugin.js');
}
