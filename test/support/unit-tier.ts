import * as childProcess from 'child_process';

/**
 * `npm run test:unit` (PLATFORM_TEST_TIER=unit): no real programs, no child processes. Starting one
 * fails the test, so a test that needs a process belongs to a file the unit tier leaves out
 * (jest.config.js) or to `describeWithPrograms`, which skips in this tier.
 */
if (process.env.PLATFORM_TEST_TIER === 'unit') {
  const cp = childProcess as unknown as Record<string, unknown>;
  for (const fn of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
    cp[fn] = () => {
      throw new Error(`the unit tier starts no child process (child_process.${fn}): run this test with npm test`);
    };
  }
}
