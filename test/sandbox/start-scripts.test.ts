import { describeSandbox } from './describe-sandbox';
import { expectationFor, SCRIPT_EXPECTATIONS } from './expectations';
import { imageModelOf } from './images';
import { ContainerRun, PodSandbox } from './sandbox';
import { sandboxVariants } from './variants';
import { ScriptContainer, scriptContainers } from './workloads';

/**
 * Every generated start/init script runs the way its container runs it (SPEC §17, issue 10):
 * the pod's uid/gid, ConfigMap files with their defaultMode, emptyDirs and volumes as kubelet
 * makes them, a read-only root, the image's programs stubbed. Each must reach its `exec` (init
 * containers: exit 0) and do what its expectation says, on its first start and again after a
 * restart on the same volumes.
 */

const variants = sandboxVariants();

describe('start-script coverage', () => {
  test('every script container of every synthesized pod has exactly one expectation', () => {
    const problems: string[] = [];
    for (const variant of variants) {
      for (const sc of scriptContainers(variant.manifests)) {
        try {
          expectationFor(sc);
        } catch (e) {
          problems.push(`${variant.name}: ${(e as Error).message}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('every expectation is exercised by some synthesized pod', () => {
    const all = variants.flatMap((v) => scriptContainers(v.manifests));
    expect(SCRIPT_EXPECTATIONS.filter((e) => !all.some((sc) => e.matches(sc))).map((e) => e.name)).toEqual([]);
  });

  test('every image a script runs in has a sandbox model', () => {
    const images = [...new Set(variants.flatMap((v) => scriptContainers(v.manifests).map((sc) => sc.container.image as string)))];
    const missing = images.filter((image) => {
      try {
        imageModelOf(image);
        return false;
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });

  test('the variants run ZooKeeper, Kafka in ZooKeeper mode and in every KRaft layout, and the Elasticsearch init script', () => {
    const labels = new Set(variants.flatMap((v) => scriptContainers(v.manifests).map((sc) => `${sc.label} ${sc.container.image}`)));
    expect([...labels].sort()).toEqual(expect.arrayContaining([
      expect.stringMatching(/^zk\/zookeeper zookeeper:3\.9\./),
      expect.stringMatching(/^kafka\/kafka apache\/kafka:3\.9\./),
      expect.stringMatching(/^kafka\/kafka apache\/kafka:4\./),
      expect.stringMatching(/^kafka-controller\/kafka apache\/kafka:4\./),
      expect.stringMatching(/^kafka-controller\/kafka apache\/kafka:3\.9\./),
      expect.stringMatching(/^elasticsearch-logging\/init:prepare-config /),
    ]));
  });
});

/** Fails with the container's stderr and calls when the script did not get where it must. */
function expectReached(run: ContainerRun | undefined, sc: ScriptContainer, pod: string, when: string): asserts run is ContainerRun {
  if (!run) throw new Error(`${sc.label} on ${pod} (${when}): never started (an earlier init container failed)`);
  // Servers must `exec` (so they are PID 1 and get SIGTERM); init containers and run-to-completion
  // pods (Job, CronJob) must exit 0.
  const completes = sc.init || ['Job', 'CronJob'].includes(sc.pod.workload.kind);
  const reached = run.exitCode === 0 && (completes || run.exec !== undefined);
  if (!reached) {
    throw new Error(`${sc.label} on ${pod} (${when}) did not ${completes ? 'succeed' : 'reach its exec'}: exit code ${run.exitCode}` +
      `${!completes && run.exitCode === 0 ? ' without exec-ing a program (it must exec the server so the server is PID 1)' : ''}\n` +
      `argv: ${JSON.stringify(run.argv)} as uid ${run.identity.uid} gid ${run.identity.gid} groups ${run.identity.groups.join(',')}\n` +
      `stderr:\n${run.stderr}\ncalls: ${JSON.stringify(run.calls.map((c) => [c.program, ...c.args, `pid ${c.pid}`]))}`);
  }
}

describeSandbox('generated start scripts run as their containers run them')('start scripts in the sandbox', () => {
  describe.each(variants.map((v) => [v.name, v] as const))('%s', (_, variant) => {
    const cases = scriptContainers(variant.manifests)
      .flatMap((sc) => sc.pod.podNames.map((pod, ordinal) => [`${sc.label} on ${pod}`, sc, ordinal] as const));
    test.each(cases)('%s', (_label, sc, ordinal) => {
      const expectation = expectationFor(sc);
      const sandbox = new PodSandbox(variant.manifests, sc.pod, ordinal);
      try {
        let first: ContainerRun | undefined;
        for (const when of ['first start', 'restart on the same volumes']) {
          const run = sandbox.start().find((r) => r.container === sc.container.name && r.init === sc.init);
          expectReached(run, sc, sandbox.podName, when);
          expectation.check({ variant, sc, sandbox, run, ordinal });
          if (first?.exec) {
            expect({ program: run.exec!.program, args: run.exec!.args, files: run.exec!.files })
              .toEqual({ program: first.exec.program, args: first.exec.args, files: first.exec.files });
          }
          first ??= run;
        }
      } finally {
        sandbox.dispose();
      }
    });
  });
});
