/**
 * Tests are transpiled by @swc/jest (no type-checking: scripts/test.js runs `tsc --noEmit` beside
 * jest). PLATFORM_TEST_TIER=unit (`npm run test:unit`) leaves out every file that starts a process
 * (real programs, the start-script sandbox, CLI runs) and makes starting one an error.
 */
const unit = process.env.PLATFORM_TEST_TIER === 'unit';

/** Files that run real programs or child processes: only `npm test` runs them. */
const PROCESS_TESTS = [
  '/test/real/',
  '/test/sandbox/',
  '/test/project/',
  '/test/core/synth\\.test\\.ts$',
  '/test/validation-plugin/cli\\.test\\.ts$',
  '/test/plan/cli\\.test\\.ts$',
  '/test/monitoring/promtool\\.test\\.ts$',
  '/test/observability/stack-alerts\\.promtool\\.test\\.ts$',
  // The Kafka start script runs under /bin/sh with stubbed binaries.
  '/test/kafka/kafka-cluster-zookeeper\\.test\\.ts$',
  '/test/kafka/kafka-cluster-kraft\\.test\\.ts$',
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...(unit ? PROCESS_TESTS : [])],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  // Two cores: jest's default (cores - 1) runs the files one after another.
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  setupFiles: ['<rootDir>/test/support/unit-tier.ts'],
};
