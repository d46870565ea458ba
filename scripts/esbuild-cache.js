// Bundles a TypeScript entry point with esbuild only when it is stale: when the bundle is missing,
// or one of the files that went into it (recorded from esbuild's metafile next to the bundle), or one
// of `extraInputs` (the scripts that build it, the shared options), is newer than the bundle. A file
// newly imported by the sources only matters once an existing input imports it, which changes that
// input's mtime. Files are written under a temporary name and renamed, so concurrent runs never load
// a half-written bundle; the bundle is written last, its mtime marks the build.
const fs = require('fs');
const path = require('path');
const NODE_BUNDLE = require('./esbuild-options');

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function writeAtomically(file, contents) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}

function isFresh(outfile, inputsFile, extraInputs) {
  const built = mtime(outfile);
  if (built === undefined) return false;
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf-8'));
  } catch {
    return false;
  }
  return [...extraInputs, ...inputs].every((f) => {
    const t = mtime(f);
    return t !== undefined && t < built;
  });
}

/**
 * Makes `outfile` an up-to-date CommonJS bundle of `entry` (packages external, no type-checking) and
 * returns whether it had to rebuild. `sourcemap` as for esbuild.
 */
function bundleIfStale({ entry, outfile, extraInputs = [], sourcemap = 'inline' }) {
  const inputsFile = `${outfile}.inputs.json`;
  const extras = [__filename, require.resolve('./esbuild-options'), ...extraInputs];
  if (isFresh(outfile, inputsFile, extras)) return false;
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({ entryPoints: [entry], outfile, ...NODE_BUNDLE, sourcemap, metafile: true, write: false });
  const inputs = Object.keys(result.metafile.inputs).map((f) => path.resolve(process.cwd(), f));
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  writeAtomically(inputsFile, JSON.stringify(inputs));
  const code = result.outputFiles.find((f) => f.path === outfile) ?? result.outputFiles[result.outputFiles.length - 1];
  for (const f of result.outputFiles) if (f !== code) writeAtomically(f.path, f.contents);
  writeAtomically(outfile, code.contents);
  return true;
}

module.exports = { bundleIfStale };
