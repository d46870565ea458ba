import { Chart, Testing } from 'cdk8s';
import { ZookeeperEnsemble, ZookeeperEnsembleProps } from '../../lib';
import { find } from '../support/manifests';

// What only the snapshots pinned: literal values a user relies on (generated config, probe timings,
// default resources). Literals on purpose: never read from the library's constants.

type Obj = Record<string, any>;

function synth(props: ZookeeperEnsembleProps = {}): Obj[] {
  const chart = new Chart(Testing.app(), 'streaming', { namespace: 'streaming' });
  new ZookeeperEnsemble(chart, 'zk', props);
  return Testing.synth(chart);
}

function zooCfg(objects: Obj[]): Record<string, string> {
  const text: string = find(objects, 'ConfigMap', 'zk-config').data['zoo.cfg'];
  return Object.fromEntries(text.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

const container = (objects: Obj[]) => find(objects, 'StatefulSet', 'zk').spec.template.spec.containers[0];
const RUOK = ['sh', '-c', 'printf ruok | nc -w 2 127.0.0.1 2181 | grep -q imok'];

describe('ZookeeperEnsemble pinned defaults', () => {
  test('zoo.cfg timing, purge and 4lw keys', () => {
    expect(zooCfg(synth())).toMatchObject({
      'tickTime': '2000',
      'initLimit': '10',
      'syncLimit': '5',
      'dataDir': '/data',
      'dataLogDir': '/data/log',
      'clientPort': '2181',
      'maxClientCnxns': '60',
      'autopurge.snapRetainCount': '3',
      'autopurge.purgeInterval': '24',
      '4lw.commands.whitelist': 'ruok,srvr,mntr',
      'admin.enableServer': 'false',
      'reconfigEnabled': 'false',
      'standaloneEnabled': 'false',
      'quorumListenOnAllIPs': 'true',
      'metricsProvider.httpPort': '7000',
    });
    expect(zooCfg(synth({ replicas: 1 }))['standaloneEnabled']).toBe('true');
  });

  test('probe timings', () => {
    const c = container(synth());
    expect(c.startupProbe).toEqual({ exec: { command: RUOK }, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 });
    expect(c.readinessProbe).toEqual({
      exec: { command: ['sh', '-c', "printf srvr | nc -w 2 127.0.0.1 2181 | grep -q -E '^Mode: (leader|follower|observer|standalone)$'"] },
      periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3,
    });
    expect(c.livenessProbe).toEqual({ exec: { command: RUOK }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 });
  });

  test('default resources, heap and volume', () => {
    const objects = synth();
    const c = container(objects);
    expect(c.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'ZK_SERVER_HEAP', value: '1024' }]));
    const sts = find(objects, 'StatefulSet', 'zk');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    expect(sts.spec.template.spec.terminationGracePeriodSeconds).toBe(60);
    expect(sts.spec.revisionHistoryLimit).toBe(10);
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  });
});
