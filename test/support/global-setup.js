// One private temp folder for the whole run: every worker and every child process a test starts
// inherits TMPDIR, so os.tmpdir() (cdk8s' Testing outdirs, mkdtemp in tests) lands there.
// global-teardown.js fails the run when anything is left in it, then removes it.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-platform-tests-'));
  // Readable by other users like /tmp: real programs run as the pod's uid (node-exporter as nobody).
  fs.chmodSync(root, 0o755);
  process.env.PLATFORM_TEST_TMP_ROOT = root;
  process.env.TMPDIR = root;
};
