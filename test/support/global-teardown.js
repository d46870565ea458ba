// Fails the run when a test left anything in the private temp folder (see global-setup.js), except
// the `cdk8s.outdir.*` folders cdk8s' Testing.app() makes for every app and never removes;
// the folder is removed either way.
const fs = require('fs');

module.exports = async () => {
  const root = process.env.PLATFORM_TEST_TMP_ROOT;
  if (!root) return;
  const entries = fs.existsSync(root) ? fs.readdirSync(root) : [];
  const left = entries.filter((e) => !e.startsWith('cdk8s.outdir.'));
  fs.rmSync(root, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(`tests left ${left.length} entries in the temp folder: ${left.slice(0, 10).join(', ')}${left.length > 10 ? ', ...' : ''}`);
  }
};
