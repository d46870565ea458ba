import { execFileSync } from 'child_process';

/**
 * The real-program tier (SPEC §17). Tests in it run the generated configuration with the real
 * upstream programs that Debian packages (promtool, ZooKeeper, node-exporter, ...). `.ci/run`
 * installs them, and under CI (`CI=true`) a missing program is a failure, never a skip. A plain
 * `npm test` on a machine without them skips the tier and says so, visibly, once per program.
 */

/** True under `npm run test:unit`: no real programs, no child processes (jest.config.js). */
export const UNIT_TIER = process.env.PLATFORM_TEST_TIER === 'unit';

/** `test`, or `test.skip` in the unit tier: for a test that starts a child process. */
export const testWithProcesses: jest.It = UNIT_TIER ? test.skip : test;

/** Absolute path of `program` on PATH (or an absolute path that exists), else undefined. */
export function findProgram(program: string): string | undefined {
  try {
    const found = execFileSync('sh', ['-c', 'command -v "$1"', 'sh', program], { encoding: 'utf8' }).trim();
    return found || undefined;
  } catch {
    return undefined;
  }
}

const warned = new Set<string>();

/**
 * `describe` when every program is installed, `describe.skip` (with a visible message) when one is
 * missing outside CI. Under CI a missing program throws: CI always runs this tier.
 */
export function describeWithPrograms(programs: readonly string[], why: string): jest.Describe {
  if (UNIT_TIER) return describe.skip;
  const missing = programs.filter((p) => findProgram(p) === undefined);
  if (missing.length === 0) return describe;
  const message = `real-program tier SKIPPED (${why}): ${missing.join(', ')} not installed; ` +
    'install with `apt-get install -y prometheus zookeeper prometheus-node-exporter netcat-openbsd bubblewrap` (CI always runs this tier)';
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`CI must run the real-program tier but ${missing.join(', ')} is missing (${why})`);
  }
  const key = missing.join(',');
  if (!warned.has(key)) {
    warned.add(key);
    // eslint-disable-next-line no-console
    console.warn(message);
    process.stderr.write(`\n  ⚠ ${message}\n`);
  }
  return describe.skip;
}
