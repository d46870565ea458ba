import { App } from 'cdk8s';
import { buildPlatform, PROFILES } from '../../lib';
import { manifestsOf } from '../../lib/checks';
import { maxHeapMiB, requiredMemoryBytes } from '../../lib/core/image-contract';
import { KIBANA_IMAGE_CONTRACT } from '../../lib/logging/kibana-image';
import { ALL_IMAGE_CONTRACTS } from './contracts';
import { checkImageContracts, scriptExecTarget, scriptExports, scriptPrograms } from './pod-contract';

type Obj = Record<string, any>;

const BASE: Obj[] = (() => {
  const app = new App({ recordConstructMetadata: false });
  buildPlatform(app, { profile: PROFILES.production });
  return manifestsOf(app) as Obj[];
})();

/** A deep copy of the production platform with one pod template changed. */
function mutated(kind: string, name: string, change: (spec: Obj, all: Obj[]) => void): Obj[] {
  const all: Obj[] = JSON.parse(JSON.stringify(BASE));
  const workload = all.find((o) => o.kind === kind && o.metadata.name === name);
  if (!workload) throw new Error(`no ${kind} ${name}`);
  change(workload.spec.template.spec, all);
  return all;
}

const byName = (list: Obj[], name: string): Obj => list.find((c) => c.name === name)!;
const violations = (manifests: Obj[]) => checkImageContracts(manifests, ALL_IMAGE_CONTRACTS);

describe('the contract checks catch each class of defect', () => {
  test('the platform as built satisfies every contract', () => {
    expect(violations(BASE)).toEqual([]);
  });

  test('Fluentd with a plain emptyDir /tmp (the crash-loop of issue 10): Ruby refuses the lock directory', () => {
    const broken = mutated('DaemonSet', 'fluentd-es', (spec) => { delete spec.initContainers; });
    expect(violations(broken)).toEqual([expect.stringMatching(/fluentd-es container fluentd: .* needs a temporary directory that is sticky or not world-writable.*\/tmp is on an emptyDir/)]);
  });

  test.each([['1777', true], ['0700', true], ['1700', true], ['0777', false], ['0775', true]])('Fluentd /tmp made %s by an init container: accepted %s', (mode, ok) => {
    const manifests = mutated('DaemonSet', 'fluentd-es', (spec) => { spec.initContainers[0].command = ['chmod', mode, '/tmp']; });
    expect(violations(manifests).length === 0).toBe(ok);
  });

  test('Fluentd whose TMPDIR points at the read-only root', () => {
    const broken = mutated('DaemonSet', 'fluentd-es', (spec) => {
      byName(spec.containers, 'fluentd').env.find((e: Obj) => e.name === 'TMPDIR').value = '/home/fluent';
    });
    expect(violations(broken).join('\n')).toMatch(/writes \/home\/fluent \(lock.*read-only root filesystem/);
  });

  test('Kibana with a 768Mi heap in a 1Gi limit (the old 3/4 rule): no room outside the heap', () => {
    const broken = mutated('Deployment', 'kibana-logging', (spec) => {
      byName(spec.containers, 'kibana').env.find((e: Obj) => e.name === 'NODE_OPTIONS').value = '--max-old-space-size=768';
    });
    expect(violations(broken)).toEqual([expect.stringMatching(/kibana: heap 768Mi .* exceeds the memory limit 1024Mi/)]);
  });

  test('Kibana without a heap setting: Node\'s default does not follow the limit', () => {
    const broken = mutated('Deployment', 'kibana-logging', (spec) => {
      const c = byName(spec.containers, 'kibana');
      c.env = c.env.filter((e: Obj) => e.name !== 'NODE_OPTIONS');
    });
    expect(violations(broken)).toEqual([expect.stringMatching(/kibana: the node heap is not set \(NODE_OPTIONS\)/)]);
  });

  test('a Kafka start script whose heap fills the limit', () => {
    const broken = mutated('StatefulSet', 'kafka', (spec, all) => {
      const name = spec.volumes.find((v: Obj) => v.name === 'config').configMap.name;
      const cm = all.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)!;
      cm.data['start.sh'] = cm.data['start.sh'].replace(/KAFKA_HEAP_OPTS="[^"]*"/, 'KAFKA_HEAP_OPTS="-Xms2g -Xmx2g"');
    });
    expect(violations(broken)).toEqual([expect.stringMatching(/kafka container kafka: heap 2048Mi \(from KAFKA_HEAP_OPTS=-Xms2g -Xmx2g\).* exceeds the memory limit 2048Mi/)]);
  });

  test('ZooKeeper without its log mount writes /logs on the read-only root', () => {
    const broken = mutated('StatefulSet', 'zk', (spec) => {
      const c = byName(spec.containers, 'zookeeper');
      c.volumeMounts = c.volumeMounts.filter((m: Obj) => m.mountPath !== '/logs');
    });
    expect(violations(broken)).toEqual([expect.stringMatching(/zk container zookeeper: .* writes \/logs \(logs, at start: zkServer.sh.*read-only root filesystem/)]);
  });

  test('a written path on a ConfigMap or a readOnly mount', () => {
    const onConfigMap = mutated('StatefulSet', 'zk', (spec) => {
      const c = byName(spec.containers, 'zookeeper');
      c.volumeMounts.find((m: Obj) => m.mountPath === '/logs').name = 'config';
    });
    expect(violations(onConfigMap).join('\n')).toMatch(/writes \/logs .* is a configMap volume \(always read-only\)/);
    const readOnly = mutated('Deployment', 'podinfo', (spec) => {
      spec.containers[0].volumeMounts.find((m: Obj) => m.mountPath === '/data').readOnly = true;
    });
    expect(violations(readOnly).join('\n')).toMatch(/podinfo: podinfo writes \/data \(data, at run.*is readOnly/);
  });

  test('a user the image does not run as', () => {
    const zk = mutated('StatefulSet', 'zk', (spec) => { spec.securityContext.runAsUser = 2000; });
    expect(violations(zk).join('\n')).toMatch(/zk container zookeeper: runs as uid 2000, but ZooKeeper \(official image\) runs as 1000/);
    // The Bitnami exporter runs as any non-root uid, so the Kafka pod's 1000 is fine, but never root.
    const rootExporter = mutated('StatefulSet', 'kafka', (spec) => {
      byName(spec.containers, 'jmx-exporter').securityContext = { ...byName(spec.containers, 'jmx-exporter').securityContext, runAsUser: 0, runAsNonRoot: false };
    });
    expect(violations(rootExporter)).toEqual([expect.stringMatching(/jmx-exporter: runs as uid 0, but .* runs as 1001 \(or any non-root uid\)/)]);
  });

  test('a command, a start script or a probe program the image does not have', () => {
    const command = mutated('Deployment', 'podinfo', (spec) => { spec.containers[0].command = ['/usr/bin/podinfo']; });
    expect(violations(command).join('\n')).toMatch(/podinfo: the command runs "\/usr\/bin\/podinfo", which podinfo does not have/);
    const script = mutated('StatefulSet', 'zk', (spec) => { byName(spec.containers, 'zookeeper').command = ['sh', '/conf/missing.sh']; });
    expect(violations(script).join('\n')).toMatch(/the script \/conf\/missing.sh is not a file of any ConfigMap mounted/);
    const probe = mutated('StatefulSet', 'zk', (spec) => {
      byName(spec.containers, 'zookeeper').livenessProbe.exec.command = ['sh', '-c', 'echo ruok | socat - TCP:127.0.0.1:2181 | grep -q imok'];
    });
    expect(violations(probe).join('\n')).toMatch(/its livenessProbe runs "socat", which ZooKeeper \(official image\) does not have/);
  });

  test('an image tag the contract was not read for', () => {
    const bumped = mutated('StatefulSet', 'zk', (spec) => { byName(spec.containers, 'zookeeper').image = 'zookeeper:3.10.0'; });
    expect(violations(bumped).join('\n')).toMatch(/image zookeeper:3.10.0: the contract of ZooKeeper \(official image\) was read for tags/);
  });
});

describe('helpers', () => {
  test('the programs of a script: quoted pipes, case patterns, assignments, builtins', () => {
    const script = [
      '#!/bin/sh', 'set -eu', 'ordinal="${HOSTNAME##*-}"', 'case "$ordinal" in',
      "  ''|*[!0-9]*) echo \"bad\" >&2; exit 1 ;;", 'esac', 'mkdir -p /data/log && cp a b',
      "echo srvr | nc -w 2 127.0.0.1 2181 | grep -q -E '^Mode: (leader|follower)$'", 'exec zkServer.sh start-foreground',
    ].join('\n');
    expect(scriptPrograms(script)).toEqual(['mkdir', 'cp', 'nc', 'grep', 'zkServer.sh']);
    expect(scriptExecTarget(script)).toBe('zkServer.sh');
  });

  test('exported variables of a start script', () => {
    expect(scriptExports('export A="x y"\nexport B=/z\nexport C="$HOME/x"\nD=1')).toEqual({ A: 'x y', B: '/z' });
  });

  test('Kibana\'s heap budget: heap + 320Mi outside it + 5% fits the limit', () => {
    const memory = KIBANA_IMAGE_CONTRACT.memory!;
    const limit = 1024 * 2 ** 20;
    expect(maxHeapMiB(memory, limit)).toBe(652);
    expect(requiredMemoryBytes(memory, 652 * 2 ** 20, limit)).toBeLessThanOrEqual(limit);
    expect(requiredMemoryBytes(memory, 768 * 2 ** 20, limit)).toBeGreaterThan(limit);
  });
});
