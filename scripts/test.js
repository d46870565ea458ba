#!/usr/bin/env node
// `npm test` / `npm run test:unit`: the type-check (`tsc --noEmit`) and jest run side by side; each
// one's output is printed when it ends, and the run fails when either fails. `--unit` selects the
// unit tier (PLATFORM_TEST_TIER=unit: no real programs, no child processes; jest.config.js).
// Other arguments go to jest (e.g. a path pattern).
const { spawn } = require('child_process');
const path = require('path');

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: npm test [-- <jest args>]       type-check + every test (real programs, sandbox, CLI runs)\n' +
    '       npm run test:unit [-- <jest args>]  type-check + the unit tier (no real programs, no child processes)');
  process.exit(0);
}
const unit = args.includes('--unit');
const jestArgs = ['--ci', ...args.filter((a) => a !== '--unit')];
const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', name);
const env = { ...process.env, ...(unit ? { PLATFORM_TEST_TIER: 'unit' } : {}) };

/** Runs `node <script> ...argv`; `buffered`: output printed at the end (tsc), else streamed (jest). */
function run(label, script, argv, buffered) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...argv], { cwd: root, env, stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let out = '';
    if (buffered) {
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { out += d; });
    }
    child.on('close', (code, signal) => {
      if (buffered && out) process.stdout.write(out);
      if (code !== 0) console.error(`${label} failed (${signal ?? `exit ${code}`})`);
      resolve(code === 0);
    });
  });
}

const started = Date.now();
Promise.all([
  run('tsc --noEmit', bin('typescript/bin/tsc'), ['--noEmit'], true),
  run('jest', bin('jest/bin/jest.js'), jestArgs, false),
]).then(([typesOk, testsOk]) => {
  console.log(`${unit ? 'test:unit' : 'test'}: type-check ${typesOk ? 'ok' : 'FAILED'}, jest ${testsOk ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(typesOk && testsOk ? 0 : 1);
});
