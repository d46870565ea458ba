#!/usr/bin/env node
// Fast synth path: esbuild transpiles main.ts and lib/ into one CommonJS file (no type-checking;
// `npm test` type-checks), then Node runs it. `cdk8s synth` calls this through cdk8s.yaml and sets
// CDK8S_OUTDIR; `npm run synth` calls it with --clean so dist/ holds exactly this synth's manifests.
// The bundle is rebuilt only when main.ts or a file it imports changed (scripts/esbuild-cache.js):
// bundling the typed CRD classes costs ~0.2 s, more than the synth itself.
const fs = require('fs');
const path = require('path');
const { bundleIfStale } = require('./esbuild-cache');

const root = path.resolve(__dirname, '..');
const outfile = path.join(root, '.build', 'main.js');

if (process.argv.includes('--clean')) {
  const outdir = path.resolve(root, process.env.CDK8S_OUTDIR || 'dist');
  fs.rmSync(outdir, { recursive: true, force: true });
}

bundleIfStale({ entry: path.join(root, 'main.ts'), outfile, extraInputs: [__filename], sourcemap: true });
process.setSourceMapsEnabled(true);
require(outfile);
