#!/usr/bin/env node
// `npm run plan`: what applying the current code does to the cluster running the baseline (SPEC §14).
// esbuild bundles lib/plan/cli.ts (the planner) and each app it synthesizes (main.ts of the working
// tree, or of a git ref's temporary worktree) without type-checking, as scripts/run-app.js does;
// the apps run in this process with CDK8S_OUTDIR pointing at a temporary directory.
// Usage: see `npm run plan -- --help`. Exit code 1 when the plan has errors.
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const NODE_BUNDLE = require('./esbuild-options');

const root = path.resolve(__dirname, '..');
let builds = 0;

/** Bundles `entry` next to its app (so its packages resolve from that checkout) and loads it. */
function load(entry) {
  const outfile = path.join(path.dirname(entry), '.build', `plan-${process.pid}-${builds++}.js`);
  esbuild.buildSync({ entryPoints: [entry], outfile, ...NODE_BUNDLE });
  try {
    return require(outfile);
  } finally {
    fs.rmSync(outfile, { force: true });
  }
}

function synthesize(mainTs, outdir) {
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    load(mainTs);
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = previous;
  }
}

const { runPlanCli } = load(path.join(root, 'lib', 'plan', 'cli.ts'));
process.exitCode = runPlanCli(process.argv.slice(2), {
  root,
  synthesize,
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
