import { spawnSync } from 'child_process';
import { App, Chart, Testing } from 'cdk8s';
import { ZookeeperEnsemble, ZookeeperEnsembleProps } from '../../lib';
import { configVolume, find, stableName } from '../support/manifests';
import { testWithProcesses } from '../support/real-programs';

type Obj = Record<string, any>;

function synth(props: ZookeeperEnsembleProps = {}, namespace = 'streaming'): { zk: ZookeeperEnsemble; objects: Obj[] } {
  const chart = new Chart(Testing.app(), 'streaming', { namespace });
  const zk = new ZookeeperEnsemble(chart, 'zk', props);
  return { zk, objects: Testing.synth(chart) };
}


function zooCfg(objects: Obj[]): Record<string, string> {
  const text: string = find(objects, 'ConfigMap', 'zk-config').data['zoo.cfg'];
  return Object.fromEntries(text.trim().split('\n').map((line) => {
    const eq = line.indexOf('=');
    return [line.slice(0, eq), line.slice(eq + 1)];
  }));
}

function expectRejected(props: ZookeeperEnsembleProps, message: RegExp): void {
  expect(() => synth(props)).toThrow(message);
}

describe('ZookeeperEnsemble', () => {
  test('snapshot of the default ensemble', () => {
    expect(synth().objects).toMatchSnapshot();
  });

  test('uses the origin names', () => {
    const { objects } = synth();
    expect(objects.map((o) => `${o.kind}/${stableName(o)}`).sort()).toEqual([
      'ConfigMap/zk-config-<hash>', 'NetworkPolicy/zk', 'PodDisruptionBudget/zk-pdb', 'Service/zk-cs', 'Service/zk-hs',
      'ServiceAccount/zk', 'StatefulSet/zk',
    ]);
    const sts = find(objects, 'StatefulSet', 'zk');
    expect(sts.spec.serviceName).toBe('zk-hs');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  });

  test('server list uses stable per-pod DNS names with ids from ordinal + 1', () => {
    const cfg = zooCfg(synth({ clusterDomain: 'example.internal' }).objects);
    expect(cfg['server.1']).toBe('zk-0.zk-hs.streaming.svc.example.internal:2888:3888;2181');
    expect(cfg['server.2']).toBe('zk-1.zk-hs.streaming.svc.example.internal:2888:3888;2181');
    expect(cfg['server.3']).toBe('zk-2.zk-hs.streaming.svc.example.internal:2888:3888;2181');
    expect(cfg['server.4']).toBeUndefined();
    expect(cfg['4lw.commands.whitelist']).toBe('ruok,srvr,mntr');
    expect(cfg['metricsProvider.httpPort']).toBe('7000');
    expect(cfg.standaloneEnabled).toBe('false');
  });

  test('start script derives myid from the pod ordinal + 1', () => {
    const script: string = find(synth().objects, 'ConfigMap', 'zk-config').data['start.sh'];
    expect(script).toContain('ordinal="${HOSTNAME##*-}"');
    expect(script).toContain('echo $((ordinal + 1)) > /data/myid');
    expect(script).toContain('exec zkServer.sh start-foreground');
  });

  test('a single server runs standalone without a server list and without a PDB', () => {
    const { objects } = synth({ replicas: 1 });
    const cfg = zooCfg(objects);
    expect(cfg.standaloneEnabled).toBe('true');
    expect(Object.keys(cfg).filter((k) => k.startsWith('server.'))).toEqual([]);
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
  });

  test.each([
    [3, 1],
    [5, 1],
  ])('PDB for %i servers allows %i disruption by default', (replicas, expected) => {
    const pdb = find(synth({ replicas }).objects, 'PodDisruptionBudget', 'zk-pdb');
    expect(pdb.spec.maxUnavailable).toBe(expected);
    expect(pdb.spec.selector.matchLabels).toEqual(find(synth({ replicas }).objects, 'StatefulSet', 'zk').spec.selector.matchLabels);
  });

  test('PDB for 5 servers may allow 2 disruptions', () => {
    expect(find(synth({ replicas: 5, maxUnavailable: 2 }).objects, 'PodDisruptionBudget', 'zk-pdb').spec.maxUnavailable).toBe(2);
  });

  test('liveness and startup run ruok and expect imok; the startup probe gives the JVM minutes', () => {
    const container = find(synth().objects, 'StatefulSet', 'zk').spec.template.spec.containers[0];
    for (const probe of ['livenessProbe', 'startupProbe']) {
      expect(container[probe].exec.command).toEqual(['sh', '-c', 'printf ruok | nc -w 2 127.0.0.1 2181 | grep -q imok']);
    }
    const startup = container.startupProbe;
    expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThanOrEqual(300);
  });

  test('readiness means serving: srvr must report a leader, follower, observer or standalone Mode (ruok alone is not enough)', () => {
    const readiness = find(synth().objects, 'StatefulSet', 'zk').spec.template.spec.containers[0].readinessProbe;
    expect(readiness.exec.command).toEqual(['sh', '-c', "printf srvr | nc -w 2 127.0.0.1 2181 | grep -q -E '^Mode: (leader|follower|observer|standalone)$'"]);
    expect(readiness).toMatchObject({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
  });

  testWithProcesses('the readiness command accepts serving srvr answers and rejects a server without quorum', () => {
    const command: string[] = find(synth().objects, 'StatefulSet', 'zk').spec.template.spec.containers[0].readinessProbe.exec.command;
    // Only the filter half runs here; test/real/zookeeper.test.ts runs the whole command against real servers.
    const filter = command[2].slice(command[2].lastIndexOf('| ') + 2);
    const ready = (srvr: string): boolean => spawnSync('sh', ['-c', filter], { input: srvr }).status === 0;
    const answer = (mode: string) => `Zookeeper version: 3.9.3\nLatency min/avg/max: 0/0.0/0\nMode: ${mode}\nNode count: 5\n`;
    for (const mode of ['leader', 'follower', 'observer', 'standalone']) expect(ready(answer(mode))).toBe(true);
    expect(ready('This ZooKeeper instance is not currently serving requests\n')).toBe(false);
    expect(ready(answer('read-only'))).toBe(false);
    expect(ready('')).toBe(false);
  });

  test('heap is half the memory limit; requests and limits are set', () => {
    const container = find(synth({ resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '3Gi' } } }).objects, 'StatefulSet', 'zk')
      .spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'ZK_SERVER_HEAP', value: '1536' });
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '3Gi' } });
  });

  test('runs non-root with a read-only root filesystem and no token', () => {
    const pod = find(synth().objects, 'StatefulSet', 'zk').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('zk');
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const writable = pod.containers[0].volumeMounts.filter((m: Obj) => !m.readOnly).map((m: Obj) => m.mountPath).sort();
    expect(writable).toEqual(['/data', '/logs', '/tmp']);
  });

  test('anti-affinity is required by default and preferred on request; zone spread is optional', () => {
    const hard = find(synth().objects, 'StatefulSet', 'zk').spec.template.spec;
    expect(hard.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]).toMatchObject({
      topologyKey: 'kubernetes.io/hostname',
      labelSelector: { matchLabels: { 'app.kubernetes.io/instance': 'zk' } },
    });
    expect(hard.topologySpreadConstraints).toBeUndefined();
    const soft = find(synth({ antiAffinity: 'preferred', zoneSpread: true }).objects, 'StatefulSet', 'zk').spec.template.spec;
    expect(soft.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight).toBe(100);
    expect(soft.topologySpreadConstraints[0].topologyKey).toBe('topology.kubernetes.io/zone');
  });

  test('each server gets a retained persistent volume', () => {
    const sts = find(synth({ storage: { size: '20Gi', storageClassName: 'fast-ssd' } }).objects, 'StatefulSet', 'zk');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '20Gi' } },
    });
  });

  test('services: headless for peers and metrics, client service on 2181', () => {
    const { objects } = synth();
    const hs = find(objects, 'Service', 'zk-hs');
    expect(hs.spec.clusterIP).toBe('None');
    expect(hs.spec.publishNotReadyAddresses).toBe(true);
    expect(hs.spec.ports.map((p: Obj) => `${p.name}:${p.port}`)).toEqual(['server:2888', 'leader-election:3888', 'metrics:7000']);
    const cs = find(objects, 'Service', 'zk-cs');
    expect(cs.spec.ports).toEqual([{ name: 'client', port: 2181, targetPort: 'client' }]);
  });

  test('network policy: quorum ports inside the ensemble, client port only for declared clients, metrics for monitoring', () => {
    const chart = new Chart(Testing.app(), 'streaming', { namespace: 'streaming' });
    const zk = new ZookeeperEnsemble(chart, 'zk');
    const before = find(Testing.synth(chart), 'NetworkPolicy', 'zk').spec.ingress;
    expect(before.flatMap((r: Obj) => r.ports.map((p: Obj) => p.port))).not.toContain(2181);

    zk.allowClient({ podLabels: { 'app.kubernetes.io/name': 'kafka' } });
    const ingress = find(Testing.synth(chart), 'NetworkPolicy', 'zk').spec.ingress;
    const rule = (port: number) => ingress.filter((r: Obj) => r.ports.some((p: Obj) => p.port === port));
    expect(rule(2888)[0].from).toEqual([{ podSelector: { matchLabels: zk.selectorLabels } }]);
    expect(rule(3888)[0].from).toEqual([{ podSelector: { matchLabels: zk.selectorLabels } }]);
    expect(rule(2181)[0].from).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kafka' } } }]);
    expect(rule(7000)[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
  });

  test('exposes the connect string and the metrics endpoint', () => {
    const { zk } = synth();
    expect(zk.connectString).toBe('zk-cs.streaming.svc.cluster.local:2181');
    expect(zk.serverHosts[2]).toBe('zk-2.zk-hs.streaming.svc.cluster.local');
    expect(zk.metricsEndpoint).toEqual({ component: 'zookeeper', namespace: 'streaming', via: 'service', selector: zk.selectorLabels, portName: 'metrics' });
  });

  test('a partition stages a rollout', () => {
    expect(find(synth({ partition: 3 }).objects, 'StatefulSet', 'zk').spec.updateStrategy.rollingUpdate.partition).toBe(3);
  });

  test('changing image, replicas or resources keeps names, selectors, serviceName and claim templates', () => {
    const stable = (objects: Obj[]) => objects.map((o) => ({
      id: `${o.kind}/${stableName(o)}`,
      selector: o.spec?.selector,
      serviceName: o.spec?.serviceName,
      claims: o.spec?.volumeClaimTemplates,
    }));
    const before = stable(synth().objects);
    const after = stable(synth({
      image: 'zookeeper:3.9.4',
      replicas: 5,
      resources: { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '4', memory: '4Gi' } },
    }).objects);
    expect(after).toEqual(before);
  });

  test('the configuration is content-addressed: a change is a new immutable ConfigMap the template points at', () => {
    const config = (props: ZookeeperEnsembleProps) => {
      const objects = synth(props).objects;
      const name = configVolume(find(objects, 'StatefulSet', 'zk'), 'config');
      return { name, configMap: find(objects, 'ConfigMap', name) };
    };
    const base = config({ replicas: 3 });
    expect(base.name).toMatch(/^zk-config-[0-9a-f]{10}$/);
    expect(base.configMap.immutable).toBe(true);
    expect(base.configMap.metadata.labels).toMatchObject({ 'platform.cdk8s.io/content-addressed': 'true', 'platform.cdk8s.io/config-base': 'zk-config' });
    expect(config({ replicas: 5 }).name).not.toBe(base.name);
    expect(config({ image: 'zookeeper:3.9.4' }).name).toBe(base.name);
  });

  describe('rejects bad props with a clear message', () => {
    test.each<[string, ZookeeperEnsembleProps, RegExp]>([
      ['even replicas', { replicas: 4 }, /streaming\/zk: invalid replicas 4: must be an odd integer >= 1/],
      ['zero replicas', { replicas: 0 }, /invalid replicas 0: must be an odd integer >= 1/],
      ['fractional replicas', { replicas: 2.5 }, /invalid replicas 2.5/],
      ['maxUnavailable breaking quorum', { replicas: 3, maxUnavailable: 2 }, /invalid maxUnavailable 2: must be an integer from 1 to 1/],
      ['maxUnavailable 0 (blocks every drain)', { replicas: 3, maxUnavailable: 0 }, /invalid maxUnavailable 0/],
      ['maxUnavailable on a single server', { replicas: 1, maxUnavailable: 1 }, /invalid maxUnavailable 1: a single-server ensemble has no quorum/],
      ['bad storage size', { storage: { size: '10GB' } }, /invalid storage.size "10GB": must be a positive Kubernetes quantity/],
      ['negative storage size', { storage: { size: '-1Gi' } }, /invalid storage.size "-1Gi"/],
      ['bad memory limit', { resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: 'lots' } } }, /invalid resources.limits.memory "lots"/],
      ['request above limit', { resources: { requests: { cpu: '3', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } } }, /invalid resources.requests.cpu "3": must not exceed resources.limits.cpu/],
      ['name that is not a DNS label', { name: 'ZK_Main' }, /invalid name "ZK_Main": must be a DNS label/],
      ['partition above replicas', { replicas: 3, partition: 4 }, /invalid partition 4: must be an integer from 0 to 3/],
      ['negative partition', { partition: -1 }, /invalid partition -1/],
      ['unpinned image', { image: 'zookeeper:latest' }, /invalid image "zookeeper:latest": must name an explicit tag or digest/],
      ['untagged image', { image: 'zookeeper' }, /invalid image "zookeeper"/],
      ['bad cluster domain', { clusterDomain: 'Cluster_Local' }, /invalid clusterDomain "Cluster_Local"/],
      ['bad storage class', { storage: { storageClassName: 'Fast SSD' } }, /invalid storage.storageClassName "Fast SSD"/],
    ])('%s', (_case, props, message) => expectRejected(props, message));

    test('a chart without a namespace', () => {
      const chart = new Chart(new App(), 'nons');
      expect(() => new ZookeeperEnsemble(chart, 'zk')).toThrow(/nons\/zk: needs a namespace to build stable DNS names/);
    });
  });
});
