#!/usr/bin/env node
// `npm run bench`: wall-clock synth time of the whole platform (median of several runs, each a
// fresh Node process as `npm run synth` runs it) against the floor of merely loading cdk8s and
// cdk8s-plus-27 in Node.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS || 7);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeProcess(args, env = {}) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dist-'));
try {
  const floor = timeProcess(['-e', "require('cdk8s'); require('cdk8s-plus-27')"]);
  const synth = timeProcess([path.join('scripts', 'run-app.js'), '--clean'], { CDK8S_OUTDIR: outdir });
  const files = fs.readdirSync(outdir);
  console.log(`machine: ${os.cpus().length} CPUs, Node ${process.version}, median of ${runs} runs`);
  console.log(`floor (node loads cdk8s + cdk8s-plus-27): ${floor.toFixed(0)} ms`);
  console.log(`synth whole platform (npm run synth):     ${synth.toFixed(0)} ms (${files.length} files)`);
  console.log(`synth above floor:                        ${(synth - floor).toFixed(0)} ms`);
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}
