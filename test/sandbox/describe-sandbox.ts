import { describeWithPrograms } from '../support/real-programs';

const warned = new Set<string>();

/**
 * `describe` for tests that run the start-script sandbox: needs bubblewrap (`bwrap`) and `setpriv`
 * (util-linux) and root (bubblewrap builds the pod's mounts, then setpriv drops to the pod's
 * uid/gid). Missing programs skip visibly outside CI and fail under CI ({@link describeWithPrograms});
 * so does running as a non-root user.
 */
export function describeSandbox(why: string): jest.Describe {
  const withPrograms = describeWithPrograms(['bwrap', 'setpriv'], why);
  if (withPrograms !== describe) return withPrograms;
  if (process.getuid?.() === 0) return describe;
  const message = `start-script sandbox SKIPPED (${why}): it must run as root (bubblewrap builds the pod's mounts, setpriv drops to the pod's uid/gid)`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`CI must run the start-script sandbox as root (${why})`);
  if (!warned.has(why)) {
    warned.add(why);
    // eslint-disable-next-line no-console
    console.warn(message);
    process.stderr.write(`\n  ⚠ ${message}\n`);
  }
  return describe.skip;
}
