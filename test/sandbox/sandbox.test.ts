import { describeSandbox } from './describe-sandbox';
import { imageModelOf, imageRepository } from './images';
import { expandKubeletReferences, PodSandbox } from './sandbox';
import { Obj, podTemplates, scriptContainers, shellScriptOf } from './workloads';

/**
 * The sandbox itself: it must reproduce the failures a real container hits (otherwise the
 * start-script tests prove nothing), and recognise every way a container runs a script.
 */

interface DemoPod {
  readonly script: string;
  readonly podSecurityContext?: Obj;
  readonly securityContext?: Obj;
  readonly env?: Obj[];
  readonly command?: string[];
  readonly defaultMode?: number;
}

/** A one-replica StatefulSet `demo` (apache/kafka image) with a ConfigMap at /cfg, an emptyDir at /rt and a claim at /data. */
function demo(p: DemoPod): { manifests: Obj[]; sandbox: PodSandbox } {
  const manifests: Obj[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo-config', namespace: 'ns' }, data: { 'server.properties': 'a=1\n' } },
    {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'demo', namespace: 'ns' },
      spec: {
        serviceName: 'demo-hs', replicas: 1,
        template: {
          metadata: { labels: { app: 'demo' } },
          spec: {
            automountServiceAccountToken: false,
            securityContext: p.podSecurityContext ?? { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true },
            containers: [{
              name: 'app', image: 'apache/kafka:3.9.1',
              command: p.command ?? ['sh', '-c', p.script],
              env: p.env,
              securityContext: p.securityContext ?? { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'config', mountPath: '/cfg', readOnly: true }, { name: 'rt', mountPath: '/rt' }, { name: 'data', mountPath: '/data' }],
            }],
            volumes: [{ name: 'config', configMap: { name: 'demo-config', defaultMode: p.defaultMode ?? 0o444 } }, { name: 'rt', emptyDir: {} }],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    },
  ];
  return { manifests, sandbox: new PodSandbox(manifests, podTemplates(manifests)[0], 0) };
}

/** Runs the demo pod's container once. */
function runDemo(p: DemoPod) {
  const { manifests, sandbox } = demo(p);
  try {
    return sandbox.run(manifests[1].spec.template.spec.containers[0], false);
  } finally {
    sandbox.dispose();
  }
}

const SERVER = '/opt/kafka/bin/kafka-server-start.sh';

describeSandbox('the start-script sandbox reproduces container failures')('sandbox fidelity', () => {
  test('the Kafka crash class: a cp of a 0444 ConfigMap file cannot be appended to as uid 1000', () => {
    const run = runDemo({ script: `set -eu\ncp /cfg/server.properties /rt/s.properties\necho b=2 >> /rt/s.properties\nexec ${SERVER} /rt/s.properties` });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/cannot create \/rt\/s\.properties: Permission denied/);
    expect(run.exec).toBeUndefined();
  });

  test('writing the file fresh reaches the exec, which records its argv, identity and the file it was given', () => {
    const run = runDemo({ script: `set -eu\n{ cat /cfg/server.properties; echo b=2; } > /rt/s.properties\nexec ${SERVER} /rt/s.properties` });
    expect(run.exitCode).toBe(0);
    expect(run.exec).toMatchObject({ program: SERVER, args: ['/rt/s.properties'], uid: 1000, gid: 1000, pid: 1, files: { '/rt/s.properties': 'a=1\nb=2\n' } });
    expect(run.exec!.groups).toContain(1000);
  });

  test('volumes look as kubelet makes them: atomic-writer ConfigMap files, emptyDir 2777 and a claim 2775 with fsGroup', () => {
    const script = 'stat -c "%a %u %g" /cfg/..data/server.properties /rt /data /data/lost+found; readlink /cfg/server.properties /cfg/..data';
    const withFsGroup = runDemo({ script });
    expect(withFsGroup.stdout.split('\n')).toEqual(['444 0 1000', '2777 0 1000', '2775 0 1000', '2770 0 1000', '..data/server.properties', expect.stringMatching(/^\.\.\d{4}_/), '']);
    const withoutFsGroup = runDemo({ script, podSecurityContext: { runAsUser: 1000, runAsGroup: 1000 } });
    expect(withoutFsGroup.stdout.split('\n').slice(0, 4)).toEqual(['444 0 0', '777 0 0', '755 0 0', '700 0 0']);
    expect(runDemo({ script: 'stat -c %a /cfg/..data/server.properties', defaultMode: 0o400 }).stdout).toBe('440\n');
  });

  test('a read-only root filesystem refuses writes outside the volumes; a writable one follows the image\'s owners', () => {
    const readOnly = runDemo({ script: 'touch /etc/kafka/x' });
    expect(readOnly.stderr).toMatch(/Read-only file system/);
    expect(runDemo({ script: 'touch /etc/kafka/x', securityContext: { readOnlyRootFilesystem: false, capabilities: { drop: ['ALL'] } } }).exitCode).toBe(0);
    expect(runDemo({ script: 'touch /x', securityContext: { readOnlyRootFilesystem: false, capabilities: { drop: ['ALL'] } } }).stderr).toMatch(/Permission denied/);
  });

  test('dropping ALL capabilities leaves uid 0 bound by file permissions; the runtime defaults do not', () => {
    const root = { runAsUser: 0, runAsGroup: 0 };
    const script = 'touch /opt/kafka/x'; // appuser-owned 0755 in the image
    expect(runDemo({ script, podSecurityContext: root, securityContext: { readOnlyRootFilesystem: false, capabilities: { drop: ['ALL'] } } }).stderr).toMatch(/Permission denied/);
    expect(runDemo({ script, podSecurityContext: root, securityContext: { readOnlyRootFilesystem: false } }).exitCode).toBe(0);
  });

  test('kubelet refuses uid 0 under runAsNonRoot', () => {
    expect(() => runDemo({ script: 'true', podSecurityContext: { runAsUser: 0, runAsNonRoot: true } })).toThrow(/runAsNonRoot is true but the container would run as uid 0/);
  });

  test('a server started without exec is not the container\'s main process', () => {
    const run = runDemo({ script: `${SERVER} /cfg/server.properties` });
    expect(run.exitCode).toBe(0);
    expect(run.exec).toBeUndefined();
    expect(run.calls).toHaveLength(1);
    expect(run.calls[0].pid).not.toBe(1);
  });

  test('environment: image ENV, HOSTNAME, fieldRefs and kubelet $(VAR) expansion in env and command', () => {
    const run = runDemo({
      script: '',
      command: ['sh', '-c', `echo "$(hostname) $(A) $$HOME"; exec ${SERVER} "$B" "$POD"`],
      env: [{ name: 'A', value: 'x' }, { name: 'B', value: '$(A)-y-$(UNDEFINED)' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    });
    expect(run.stdout).toBe('demo-0 x /home/appuser\n');
    expect(run.exec!.args).toEqual(['x-y-$(UNDEFINED)', 'demo-0']);
    expect(run.exec!.env).toMatchObject({ HOSTNAME: 'demo-0', JAVA_HOME: '/opt/java/openjdk', A: 'x', HOME: '/home/appuser' });
  });
});

describe('recognising scripts', () => {
  const volumes = [{ name: 'config', configMap: { name: 'c' } }, { name: 'tmp', emptyDir: {} }];
  const mounts = [{ name: 'config', mountPath: '/etc/app' }, { name: 'tmp', mountPath: '/tmp' }];
  test.each<[string, Obj, object | undefined]>([
    ['sh -c', { command: ['sh', '-c', 'echo hi'] }, { form: 'inline', text: 'echo hi' }],
    ['/bin/bash -ec', { command: ['/bin/bash', '-ec', 'echo hi'] }, { form: 'inline', text: 'echo hi' }],
    ['command sh, script in args', { command: ['sh', '-c'], args: ['echo hi'] }, { form: 'inline', text: 'echo hi' }],
    ['args only', { args: ['sh', '-c', 'echo hi'] }, { form: 'inline', text: 'echo hi' }],
    ['sh <file>', { command: ['sh', '/etc/app/start.sh'] }, { form: 'file', path: '/etc/app/start.sh' }],
    ['sh -eu <file>', { command: ['sh', '-eu', '/etc/app/start.sh'] }, { form: 'file', path: '/etc/app/start.sh' }],
    ['behind tini --', { command: ['tini', '--', 'sh', '-c', 'exec x'] }, { form: 'inline', text: 'exec x' }],
    ['behind env', { command: ['/usr/bin/env', 'A=1', 'bash', '/etc/app/run'] }, { form: 'file', path: '/etc/app/run' }],
    ['a script executed directly from a ConfigMap', { command: ['/etc/app/run'], volumeMounts: mounts }, { form: 'file', path: '/etc/app/run' }],
    ['an image\'s own script', { command: ['/opt/kafka/bin/kafka-server-start.sh', '/etc/app/server.properties'] }, undefined],
    ['a program', { command: ['java', '-jar', 'x.jar'] }, undefined],
    ['the image entrypoint with args', { args: ['--port=9898'] }, undefined],
  ])('%s', (_, container, expected) => {
    expect(shellScriptOf({ name: 'c', volumeMounts: mounts, ...container }, volumes)).toEqual(expected);
  });

  test('finds script containers and init containers in every kind of workload', () => {
    const spec = (name: string) => ({ containers: [{ name, image: 'x:1', command: ['sh', '-c', 'true'] }], initContainers: [{ name: 'init', image: 'x:1', command: ['sh', '-c', 'true'] }] });
    const manifests = [
      { kind: 'Deployment', metadata: { name: 'd', namespace: 'n' }, spec: { template: { spec: spec('a') } } },
      { kind: 'DaemonSet', metadata: { name: 'ds', namespace: 'n' }, spec: { template: { spec: spec('b') } } },
      { kind: 'CronJob', metadata: { name: 'cj', namespace: 'n' }, spec: { jobTemplate: { spec: { template: { spec: spec('c') } } } } },
      { kind: 'Pod', metadata: { name: 'p', namespace: 'n' }, spec: spec('d') },
    ];
    expect(scriptContainers(manifests).map((s) => s.label)).toEqual(['d/init:init', 'd/a', 'ds/init:init', 'ds/b', 'cj/init:init', 'cj/c', 'p/init:init', 'p/d']);
  });

  test('kubelet $(VAR) expansion', () => {
    expect(expandKubeletReferences('$(A)/$(B)/$$(A)/$$$(A)', { A: 'a' })).toBe('a/$(B)/$(A)/$a');
  });

  test('image models: repository parsing and a clear error for an unmodelled image', () => {
    expect(imageRepository('docker.io/library/zookeeper:3.9.3')).toBe('zookeeper');
    expect(imageRepository('registry:5000/team/app@sha256:' + 'a'.repeat(64))).toBe('registry:5000/team/app');
    expect(imageModelOf('zookeeper:3.9.3').env.PATH).toMatch(/:\/apache-zookeeper-3\.9\.3-bin\/bin$/);
    expect(() => imageModelOf('busybox:1.36')).toThrow(/no image model for busybox:1\.36 .*add one to test\/sandbox\/images\.ts/);
  });
});
