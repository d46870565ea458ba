// esbuild options shared by every place that bundles TypeScript for Node without type-checking
// (the synth app, the validation plugin, the benchmark): dependencies stay in node_modules, so
// kubernetes-models can still resolve its schema files at runtime.
module.exports = {
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
};
