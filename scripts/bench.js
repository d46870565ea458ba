#!/usr/bin/env node
// `npm run bench`:
//  1. wall-clock synth time of the whole platform (median of BENCH_RUNS runs, each a fresh Node
//     process as `npm run synth` runs it) against the floor of merely loading cdk8s and
//     cdk8s-plus-27 in Node;
//  2. time and memory of one cluster with N tenants in one app (`buildPlatform(app, { tenants: ['t0', ..., 't<N-1>'] })`,
//     N in BENCH_TENANTS, default 1,10; e.g. BENCH_TENANTS=1,10,100 for the long scaling run), synthesized by cdk8s' own `app.synth()` and by our linear
//     `synthApp(app)` (lib/core/synth.ts). Each measurement runs in its own child process, so
//     peak RSS is that synth's alone. cdk8s' synth grows quadratically; a run that exceeds
//     BENCH_TIMEOUT seconds (default 900) is stopped and its time extrapolated from the sizes measured.
// Env: BENCH_RUNS (default 7), BENCH_TENANTS (default 1,10), BENCH_TENANT_RUNS (runs per size below
// 100 tenants, default 3; 100 tenants and more run once), BENCH_TIMEOUT (seconds, default 900).
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const NODE_BUNDLE = require('./esbuild-options');

const root = path.resolve(__dirname, '..');

if (process.argv[2] === '--worker') {
  worker(...process.argv.slice(3));
} else {
  main();
}

/**
 * Child: `bench.js --worker <bundle> <cdk8s|linear> <tenants|plain> <outdir>`. Builds the app, synthesizes
 * it into outdir and prints one JSON line: build and synth times (ms), peak RSS and heap used (MB).
 * `plain` is the single-tenant platform exactly as main.ts builds it (no tenant prefix); a number
 * N is one cluster layer with tenants t0 ... t<N-1>.
 */
function worker(bundle, mode, tenants, outdir) {
  const start = process.hrtime.bigint();
  const { App, buildPlatform, synthApp } = require(bundle);
  const loaded = process.hrtime.bigint();
  const app = new App({ recordConstructMetadata: false, outdir });
  buildPlatform(app, tenants === 'plain' ? {} : { tenants: Array.from({ length: Number(tenants) }, (_, i) => `t${i}`) });
  const built = process.hrtime.bigint();
  if (mode === 'cdk8s') app.synth();
  else synthApp(app);
  const done = process.hrtime.bigint();
  const ms = (a, b) => Number(b - a) / 1e6;
  process.stdout.write(JSON.stringify({
    loadMs: ms(start, loaded),
    buildMs: ms(loaded, built),
    synthMs: ms(built, done),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
  }) + '\n');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeProcess(args, env = {}, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

/** Bundles what the workers need (esbuild, as scripts/run-app.js does for main.ts). */
function buildBundle(dir) {
  const esbuild = require('esbuild');
  const outfile = path.join(dir, 'bench-lib.js');
  esbuild.buildSync({
    stdin: {
      contents: "export { App } from 'cdk8s';\nexport { buildPlatform } from './lib';\nexport { synthApp } from './lib/core/synth';\n",
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'bench-entry.ts',
    },
    outfile,
    ...NODE_BUNDLE,
  });
  return outfile;
}

/** One worker run in a fresh process; `{ timedOut: true }` past `timeoutS`. Adds wall time, files and objects. */
function runWorker(bundle, mode, tenants, timeoutS) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dist-'));
  try {
    const start = process.hrtime.bigint();
    let stdout;
    try {
      stdout = execFileSync(process.execPath, [__filename, '--worker', bundle, mode, String(tenants), outdir], {
        cwd: root,
        // the bundle lives in a temp dir: resolve cdk8s & co. from the project's node_modules
        env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
        encoding: 'utf8',
        timeout: timeoutS * 1000,
        killSignal: 'SIGKILL',
        maxBuffer: 1 << 20,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
    } catch (e) {
      if (e.code === 'ETIMEDOUT' || e.signal === 'SIGKILL') return { timedOut: true };
      throw e;
    }
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    // Manifest files only: dist/crds/ holds the vendored CRDs, copied raw.
    const files = fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml'));
    const objects = files.reduce((n, f) => n + fs.readFileSync(path.join(outdir, f), 'utf8').split(/^---$/m).length, 0);
    return { ...JSON.parse(stdout), wallMs, files: files.length, objects };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Median (by synth time) of `runs` worker runs; stops at the first timeout. */
function measure(bundle, mode, tenants, runs, timeoutS) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const r = runWorker(bundle, mode, tenants, timeoutS);
    if (r.timedOut) return r;
    results.push(r);
  }
  const pick = (key) => median(results.map((r) => r[key]));
  return { ...results[0], synthMs: pick('synthMs'), buildMs: pick('buildMs'), wallMs: pick('wallMs'), peakRssMb: pick('peakRssMb'), heapUsedMb: pick('heapUsedMb') };
}

/** `b·n + c·n²` through the two largest measured sizes (ms), for a run that timed out. */
function extrapolate(points, n) {
  const measured = points.filter((p) => !p.timedOut).sort((x, y) => x.n - y.n).slice(-2);
  if (measured.length < 2) return undefined;
  const [{ n: n1, ms: t1 }, { n: n2, ms: t2 }] = measured;
  const c = (t2 / n2 - t1 / n1) / (n2 - n1);
  const b = t1 / n1 - c * n1;
  return { ms: b * n + c * n * n, from: `${n1}, ${n2}` };
}

function main() {
  const runs = Number(process.env.BENCH_RUNS || 7);
  const tenantRuns = Number(process.env.BENCH_TENANT_RUNS || 3);
  const sizes = (process.env.BENCH_TENANTS ?? '1,10').split(',').filter(Boolean).map(Number);
  const timeoutS = Number(process.env.BENCH_TIMEOUT || 900);
  const log = (s) => process.stderr.write(`${s}\n`);
  const fmt = (ms) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);

  // Inside the checkout (.build/), not the OS temp dir: the bundled library finds the vendored CRDs
  // (vendor/crds) by walking up from its own directory, as an installed package does.
  fs.mkdirSync(path.join(root, '.build'), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, '.build', 'bench-'));
  try {
    // 1. The whole platform, as `npm run synth` runs it, against the floor.
    const floor = timeProcess(['-e', "require('cdk8s'); require('cdk8s-plus-27')"], {}, runs);
    const outdir = path.join(tmp, 'dist');
    const synth = timeProcess([path.join('scripts', 'run-app.js'), '--clean'], { CDK8S_OUTDIR: outdir }, runs);
    const files = fs.readdirSync(outdir);
    const bundle = buildBundle(tmp);
    const plain = { cdk8s: measure(bundle, 'cdk8s', 'plain', runs, timeoutS), linear: measure(bundle, 'linear', 'plain', runs, timeoutS) };
    console.log(`machine: ${os.cpus().length} CPUs, Node ${process.version}, median of ${runs} runs`);
    console.log(`floor (node loads cdk8s + cdk8s-plus-27): ${floor.toFixed(0)} ms`);
    console.log(`synth whole platform (npm run synth):     ${synth.toFixed(0)} ms (${files.length} files)`);
    console.log(`synth above floor:                        ${(synth - floor).toFixed(0)} ms`);
    console.log(`whole platform, fresh process, app.synth(): ${plain.cdk8s.wallMs.toFixed(0)} ms (synth step ${plain.cdk8s.synthMs.toFixed(0)} ms)`);
    console.log(`whole platform, fresh process, synthApp():  ${plain.linear.wallMs.toFixed(0)} ms (synth step ${plain.linear.synthMs.toFixed(0)} ms)`);

    // 2. One cluster with N tenants in one app.
    console.log('');
    console.log(`One cluster with N tenants in one app (each run a fresh process; median of ${tenantRuns} runs below 100 tenants, else 1 run; timeout ${timeoutS} s)`);
    console.log('');
    console.log('| tenants | objects | build | app.synth() (cdk8s) | synthApp() (linear) | speed-up | peak RSS cdk8s / linear | heap used cdk8s / linear |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
    const cdk8sPoints = [];
    for (const n of sizes) {
      const r = n >= 100 ? 1 : tenantRuns;
      log(`bench: ${n} tenants, synthApp() ...`);
      const linear = measure(bundle, 'linear', n, r, timeoutS);
      log(`bench: ${n} tenants, app.synth() ...`);
      const cdk8s = measure(bundle, 'cdk8s', n, r, timeoutS);
      cdk8sPoints.push({ n, ms: cdk8s.synthMs, timedOut: cdk8s.timedOut });
      let cdk8sTime;
      let speedup;
      if (cdk8s.timedOut) {
        const est = extrapolate(cdk8sPoints, n);
        cdk8sTime = `> ${timeoutS} s (timed out${est ? `; ≈ ${fmt(est.ms)} extrapolated from n = ${est.from}` : ''})`;
        speedup = est ? `≈ ${(est.ms / linear.synthMs).toFixed(0)}×` : '-';
      } else {
        cdk8sTime = fmt(cdk8s.synthMs);
        speedup = `${(cdk8s.synthMs / linear.synthMs).toFixed(1)}×`;
      }
      const mb = (x) => (x === undefined ? '-' : `${x.toFixed(0)} MB`);
      console.log(`| ${n} | ${linear.objects} | ${fmt(linear.buildMs)} | ${cdk8sTime} | ${fmt(linear.synthMs)} | ${speedup} | ${mb(cdk8s.peakRssMb)} / ${mb(linear.peakRssMb)} | ${mb(cdk8s.heapUsedMb)} / ${mb(linear.heapUsedMb)} |`);
    }
    console.log('');
    console.log('build = constructing the app (buildPlatform with N tenants); synth = the synth step alone, after the build;');
    console.log('peak RSS = the whole process (Node + cdk8s + build + synth); heap used = V8 heap right after the synth.');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
