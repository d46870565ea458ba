#!/usr/bin/env node
// The example consumer project (examples/team-app) against the package as it would be published:
//
//   node scripts/example.js ci       (npm run example; .ci/run) pack the library into
//                                     .build/cdk8s-platform-<version>.tgz (prepack compiles it), install
//                                     the example with `npm ci` from its committed package-lock.json,
//                                     `cdk8s synth` it with the validation plugin from the installed
//                                     package, run its tests
//   node scripts/example.js install  (npm run example:install) pack, then `npm install` in the example:
//                                     after changing the example's dependencies or the library's
//
// The example depends on the tarball (`file:../../.build/cdk8s-platform-<version>.tgz`). Its lock
// file pins every registry package (so `npm ci` is reproducible) but carries no `integrity` for the
// tarball: npm would otherwise install the copy of that integrity from its cache, i.e. the library
// as it was when the lock was written, not the one just packed. `install` removes it; `ci` refuses
// a lock that has it, or whose entry for the library lists other dependencies than the tarball.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const example = path.join(root, 'examples', 'team-app');
const lockFile = path.join(example, 'package-lock.json');
const LOCK_KEY = 'node_modules/cdk8s-platform';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const QUIET = ['--no-audit', '--no-fund', '--prefer-offline'];

function run(cmd, args, cwd) {
  execFileSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
}

function timed(label, fn) {
  const started = process.hrtime.bigint();
  const result = fn();
  console.log(`example: ${label} in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
  return result;
}

/** `npm pack` into .build/; returns npm's report (filename, size, entryCount, ...). */
function pack() {
  const dest = path.join(root, '.build');
  fs.mkdirSync(dest, { recursive: true });
  // --json: the report on stdout; the build's own output (prepack) goes to stderr.
  const out = execFileSync(npm, ['pack', '--json', '--pack-destination', dest], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }).toString();
  const report = JSON.parse(out.slice(out.indexOf('[')))[0];
  console.log(`example: packed ${path.relative(root, path.join(dest, report.filename))}: ${(report.size / 1024).toFixed(1)} kB, `
    + `${report.entryCount} files, ${(report.unpackedSize / 1024).toFixed(1)} kB unpacked`);
  return report;
}

/** Fails unless the example's lock matches the packed library (see the header). */
function checkLock(report) {
  const fix = 'run `npm run example:install` and commit examples/team-app/package-lock.json';
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf-8'));
  const entry = lock.packages?.[LOCK_KEY];
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
  const problems = [];
  if (!entry) {
    problems.push(`it has no ${LOCK_KEY}`);
  } else {
    if (entry.resolved !== `file:../../.build/${report.filename}`) problems.push(`${LOCK_KEY} resolves to ${entry.resolved}, not file:../../.build/${report.filename}`);
    if (entry.integrity) problems.push(`${LOCK_KEY} has an integrity: npm would install the cached copy of the library it names, not the tarball just packed`);
    const same = (a = {}, b = {}) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
    if (!same(entry.dependencies, pkg.dependencies)) problems.push(`${LOCK_KEY} lists dependencies ${JSON.stringify(entry.dependencies ?? {})}, the package ${JSON.stringify(pkg.dependencies ?? {})}`);
    if (!same(entry.peerDependencies, pkg.peerDependencies)) problems.push(`${LOCK_KEY} lists peerDependencies ${JSON.stringify(entry.peerDependencies ?? {})}, the package ${JSON.stringify(pkg.peerDependencies ?? {})}`);
  }
  if (problems.length) throw new Error(`examples/team-app/package-lock.json is out of date: ${problems.join('; ')}. Fix: ${fix}`);
}

/** Removes the tarball's integrity from the example's lock (see the header). */
function stripIntegrity() {
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf-8'));
  if (lock.packages?.[LOCK_KEY]) delete lock.packages[LOCK_KEY].integrity;
  fs.writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
}

function main(mode) {
  if (mode === 'install') {
    const report = timed('pack', pack);
    timed('npm install', () => run(npm, ['install', ...QUIET], example));
    stripIntegrity();
    checkLock(report);
    return;
  }
  if (mode !== 'ci') throw new Error(`usage: node scripts/example.js ci|install (got ${mode})`);
  const started = process.hrtime.bigint();
  const report = timed('pack', pack);
  checkLock(report);
  timed('npm ci', () => run(npm, ['ci', ...QUIET], example));
  fs.rmSync(path.join(example, 'dist'), { recursive: true, force: true });
  timed('cdk8s synth (with the validation plugin)', () => run(process.execPath, [path.join(example, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth'], example));
  timed('npm test', () => run(npm, ['test'], example));
  console.log(`example: passed in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
}

try {
  main(process.argv[2]);
} catch (e) {
  console.error(`example: ${e.message}`);
  process.exit(1);
}
