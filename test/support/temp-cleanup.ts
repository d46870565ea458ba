import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * cdk8s' `Testing.app()` (and so `Testing.chart()`) makes a `cdk8s.outdir.*` folder in the temp
 * folder for every app and never removes it: after each test file, remove the ones it made (in the
 * run's private temp folder, see global-setup.js). Anything else a test leaves there fails the run.
 */
afterAll(() => {
  const tmp = os.tmpdir();
  if (!process.env.PLATFORM_TEST_TMP_ROOT || path.resolve(tmp) !== path.resolve(process.env.PLATFORM_TEST_TMP_ROOT)) return;
  for (const entry of fs.readdirSync(tmp)) {
    if (entry.startsWith('cdk8s.outdir.')) fs.rmSync(path.join(tmp, entry), { recursive: true, force: true });
  }
});
