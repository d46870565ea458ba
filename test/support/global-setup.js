// One private temp folder for the whole run: every worker and every child process a test starts
// inherits TMPDIR, so os.tmpdir() (cdk8s' Testing outdirs, mkdtemp in tests) lands there.
// global-teardown.js fails the run when anything is left in it, then removes it.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-platform-tests-'));
  process.env.PLATFORM_TEST_TMP_ROOT = root;
  process.env.TMPDIR = root;
};
