import { Chart, Testing } from 'cdk8s';
import { Manifest } from '../../lib/checks';
import { KafkaRollout } from '../../lib/kafka';
import { KafkaCluster, KafkaControllerOptions } from '../../lib/kafka/kafka-cluster';
import { PROFILES } from '../../lib/platform/profile';
import { Plan, planChanges } from '../../lib/plan';
import { WebApp } from '../../lib/webapp/web-app';
import { PlanShape, platform, shapeOf } from './helpers';

/**
 * Realistic day-2 changes applied through `buildPlatform(app, { ... })` (and the KafkaCluster
 * construct for KRaft), each planned against the production platform: every row asserts the exact
 * classification (created / changed / deleted ids, errors, warnings, rollouts).
 */

const production = platform();
const KAFKA_LABELLED = ['ConfigMap streaming/kafka-config-<hash>', 'NetworkPolicy streaming/kafka', 'PodDisruptionBudget streaming/kafka-pdb',
  'Service streaming/kafka-hs', 'ServiceAccount streaming/kafka', 'StatefulSet streaming/kafka'];
const NOTHING: PlanShape = { created: [], changed: [], deleted: [], errors: [], warnings: [], rollouts: [] };

function plan(next: Manifest[], baseline: Manifest[] = production): { plan: Plan; shape: PlanShape } {
  const p = planChanges(baseline, next);
  return { plan: p, shape: shapeOf(p, baseline, next) };
}

function fieldsOf(p: Plan, id: string): string[] {
  const o = p.objects.find((x) => x.id === id);
  if (!o) throw new Error(`${id} not in the plan`);
  return o.fields;
}

function rollout(p: Plan, workload: string) {
  const r = p.rollouts.find((x) => x.workload === workload);
  if (!r) throw new Error(`${workload} does not roll: ${p.rollouts.map((x) => x.workload).join(', ')}`);
  return r;
}

const heavier = { requests: { cpu: '1', memory: '6Gi' }, limits: { cpu: '2', memory: '6Gi' } };

describe('day-2 changes through buildPlatform', () => {
  test('no change: every object unchanged', () => {
    const { plan: p, shape } = plan(platform());
    expect(shape).toEqual(NOTHING);
    expect(p.summary.unchanged).toBe(production.length);
  });

  test('Kafka image: the brokers roll (version label on every Kafka object), no error', () => {
    const { plan: p, shape } = plan(platform({ kafka: { image: 'apache/kafka:3.9.2' } }));
    expect(shape).toEqual({ ...NOTHING, changed: KAFKA_LABELLED, rollouts: ['StatefulSet streaming/kafka'] });
    expect(fieldsOf(p, 'StatefulSet streaming/kafka')).toEqual([
      'metadata.labels["app.kubernetes.io/version"]',
      'spec.template.metadata.labels["app.kubernetes.io/version"]',
      'spec.template.spec.containers[kafka].image',
    ]);
    expect(rollout(p, 'StatefulSet streaming/kafka')).toMatchObject({ rolling: 3, remaining: 0, order: ['kafka-2', 'kafka-1', 'kafka-0'] });
  });

  test('Kafka replicas 3 -> 5: two brokers created, nothing rolls', () => {
    const { plan: p, shape } = plan(platform({ kafka: { replicas: 5 } }));
    expect(shape).toEqual({ ...NOTHING, changed: ['StatefulSet streaming/kafka'], rollouts: ['StatefulSet streaming/kafka'] });
    expect(fieldsOf(p, 'StatefulSet streaming/kafka')).toEqual(['spec.replicas']);
    expect(rollout(p, 'StatefulSet streaming/kafka')).toMatchObject({ rolling: 0, summary: 'replicas 3 -> 5: kafka-3, kafka-4 created' });
  });

  test('Kafka replicas 3 -> 2: a warning about the retained PVC', () => {
    const { shape } = plan(platform({ kafka: { replicas: 2 } }));
    expect(shape.errors).toEqual([]);
    expect(shape.warnings).toEqual(['plan/statefulset-scale-down StatefulSet streaming/kafka']);
  });

  test('ZooKeeper CPU: the ensemble rolls', () => {
    const { plan: p, shape } = plan(platform({ zookeeper: { resources: { requests: { cpu: '2', memory: '2Gi' }, limits: { cpu: '4', memory: '2Gi' } } } }));
    expect(shape).toEqual({ ...NOTHING, changed: ['StatefulSet streaming/zk'], rollouts: ['StatefulSet streaming/zk'] });
    expect(fieldsOf(p, 'StatefulSet streaming/zk')).toEqual([
      'spec.template.spec.containers[zookeeper].resources.limits.cpu',
      'spec.template.spec.containers[zookeeper].resources.requests.cpu',
    ]);
  });

  test('storage size of ZooKeeper and Kafka: errors (volumeClaimTemplates are immutable) with the resize procedure', () => {
    const { plan: p, shape } = plan(platform({ zookeeper: { storage: { size: '20Gi' } }, kafka: { storage: { size: '200Gi' } } }));
    expect(shape).toEqual({
      ...NOTHING,
      changed: ['StatefulSet streaming/kafka', 'StatefulSet streaming/zk'],
      errors: ['plan/statefulset-volume-size StatefulSet streaming/kafka', 'plan/statefulset-volume-size StatefulSet streaming/zk'],
    });
    const zk = p.errors.find((e) => e.resource === 'StatefulSet streaming/zk')!;
    expect(zk.procedure).toContain(`kubectl -n streaming patch pvc data-zk-2 -p '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}'`);
    expect(zk.procedure).toContain('kubectl -n streaming delete statefulset zk --cascade=orphan');
  });

  test('storage size of Elasticsearch: error', () => {
    const { shape } = plan(platform({ efk: { storage: { size: '60Gi' } } }));
    expect(shape.errors).toEqual(['plan/statefulset-volume-size StatefulSet logging/elasticsearch-logging']);
  });

  test('Kafka heap (memory limit), all brokers at once: new content-addressed config, the old one is safe to prune after the rollout', () => {
    const next = platform({ kafka: { resources: heavier } });
    const { plan: p, shape } = plan(next);
    expect(shape).toEqual({
      ...NOTHING,
      created: ['ConfigMap streaming/kafka-config-<hash>'],
      changed: ['StatefulSet streaming/kafka'],
      deleted: ['ConfigMap streaming/kafka-config-<hash>'],
      rollouts: ['StatefulSet streaming/kafka'],
    });
    expect(fieldsOf(p, 'StatefulSet streaming/kafka')).toContain('spec.template.spec.volumes[config].configMap.name');
    expect(p.objects.find((o) => o.change === 'deleted')?.prune?.text).toBe('safe to prune after the rollout finishes');
  });

  test('Kafka heap, staged: the old config is still in use by the 3 brokers that have not rolled', () => {
    const { plan: p, shape } = plan(platform({ kafka: { resources: heavier, partition: KafkaRollout.stage(3) } }));
    expect(shape.errors).toEqual([]);
    expect(rollout(p, 'StatefulSet streaming/kafka')).toMatchObject({ rolling: 0, remaining: 3 });
    const deleted = p.objects.filter((o) => o.change === 'deleted');
    expect(deleted.map((o) => o.prune)).toEqual([{ action: 'in-use', users: [{ workload: 'StatefulSet streaming/kafka', pods: 3 }],
      text: 'still in use by StatefulSet streaming/kafka (3 pods not rolled): keep it until they roll' }]);
  });

  test('partition: stage -> canary -> 0', () => {
    const image = 'apache/kafka:3.9.2';
    const stage = platform({ kafka: { image, partition: KafkaRollout.stage(3) } });
    const canary = platform({ kafka: { image, partition: KafkaRollout.canary(3) } });
    const done = platform({ kafka: { image, partition: KafkaRollout.complete() } });

    const staged = plan(stage);
    expect(staged.shape).toEqual({ ...NOTHING, changed: KAFKA_LABELLED, rollouts: ['StatefulSet streaming/kafka'] });
    expect(rollout(staged.plan, 'StatefulSet streaming/kafka')).toMatchObject({ templateChanged: true, partition: 3, rolling: 0, remaining: 3 });
    expect(staged.plan.summary.rolling).toBe(0);

    const canaried = plan(canary, stage);
    expect(canaried.shape).toEqual({ ...NOTHING, changed: ['StatefulSet streaming/kafka'], rollouts: ['StatefulSet streaming/kafka'] });
    expect(fieldsOf(canaried.plan, 'StatefulSet streaming/kafka')).toEqual(['spec.updateStrategy.rollingUpdate.partition']);
    expect(rollout(canaried.plan, 'StatefulSet streaming/kafka')).toMatchObject({ templateChanged: false, partition: 2, rolling: 1, remaining: 2, order: ['kafka-2'] });

    const completed = plan(done, canary);
    expect(rollout(completed.plan, 'StatefulSet streaming/kafka')).toMatchObject({ partition: 0, rolling: 2, remaining: 0, order: ['kafka-1', 'kafka-0'] });
    expect(completed.shape.errors).toEqual([]);
  });

  test('profile switch production -> dev: storage shrinks and the ZooKeeper quorum 3 -> 1 are errors', () => {
    const { shape } = plan(platform({ profile: PROFILES.dev }));
    expect(shape).toEqual({
      // Retention (7 -> 1 day, replicas 1 -> 0) changes the CronJob in place and its content-addressed bodies.
      // The observability stack takes its dev sizes: one replica each (no PDB, no Alertmanager mesh), Jaeger in memory.
      created: ['ConfigMap logging/elasticsearch-logging-config-<hash>', 'ConfigMap logging/elasticsearch-logging-retention-<hash>',
        'ConfigMap monitoring/jaeger-config-<hash>', 'ConfigMap streaming/kafka-config-<hash>', 'ConfigMap streaming/zk-config-<hash>'],
      changed: ['Alertmanager monitoring/platform', 'CronJob logging/elasticsearch-logging-retention', 'Deployment apps/podinfo',
        'Deployment monitoring/grafana', 'Deployment monitoring/jaeger', 'Deployment monitoring/kube-state-metrics', 'Deployment monitoring/metrics-server',
        'Deployment monitoring/prometheus-operator', 'NetworkPolicy logging/elasticsearch-logging', 'NetworkPolicy monitoring/alertmanager-platform',
        'Prometheus monitoring/platform', 'StatefulSet logging/elasticsearch-logging', 'StatefulSet streaming/kafka', 'StatefulSet streaming/zk'],
      deleted: ['ConfigMap logging/elasticsearch-logging-config-<hash>', 'ConfigMap logging/elasticsearch-logging-retention-<hash>',
        'ConfigMap monitoring/jaeger-config-<hash>', 'ConfigMap streaming/kafka-config-<hash>', 'ConfigMap streaming/zk-config-<hash>',
        'NetworkPolicy monitoring/egress-alertmanager-mesh-tcp', 'NetworkPolicy monitoring/egress-alertmanager-mesh-udp',
        'NetworkPolicy monitoring/egress-jaeger-elasticsearch-http',
        'PodDisruptionBudget apps/podinfo-pdb', 'PodDisruptionBudget logging/elasticsearch-logging-pdb', 'PodDisruptionBudget monitoring/alertmanager-platform',
        'PodDisruptionBudget monitoring/jaeger-pdb', 'PodDisruptionBudget monitoring/metrics-server-pdb', 'PodDisruptionBudget monitoring/prometheus-platform',
        'PodDisruptionBudget streaming/kafka-pdb', 'PodDisruptionBudget streaming/zk-pdb'],
      errors: ['plan/statefulset-volume-shrink StatefulSet logging/elasticsearch-logging', 'plan/statefulset-volume-shrink StatefulSet streaming/kafka',
        'plan/statefulset-volume-shrink StatefulSet streaming/zk', 'plan/zookeeper-resize StatefulSet streaming/zk'],
      warnings: ['plan/statefulset-scale-down StatefulSet logging/elasticsearch-logging', 'plan/statefulset-scale-down StatefulSet streaming/kafka',
        'plan/statefulset-scale-down StatefulSet streaming/zk'],
      rollouts: ['Deployment apps/podinfo', 'Deployment monitoring/grafana', 'Deployment monitoring/jaeger', 'Deployment monitoring/kube-state-metrics',
        'Deployment monitoring/metrics-server', 'Deployment monitoring/prometheus-operator',
        'StatefulSet logging/elasticsearch-logging', 'StatefulSet streaming/kafka', 'StatefulSet streaming/zk'],
    });
  });

  test('adding a tenant to a cluster: only creations, all of them the tenant\'s', () => {
    const before = platform({ tenants: ['team-a'] });
    const after = platform({ tenants: ['team-a', 'team-b'] });
    const { plan: p, shape } = plan(after, before);
    expect({ ...shape, created: [] }).toEqual(NOTHING);
    // Its namespaces, their NetworkPolicies, its workloads, its monitors and rule: nothing of the cluster's.
    expect(shape.created.filter((id) => !/^\w+ (team-b-|monitoring\/team-b-)/.test(id) && !id.startsWith('NetworkPolicy monitoring/'))).toEqual([]);
    // ...and in monitoring, the policies that let Prometheus scrape it and its apps send traces: each names team-b namespaces only.
    const monitoringPolicies = after.filter((m) => m.kind === 'NetworkPolicy' && shape.created.includes(`NetworkPolicy monitoring/${m.metadata.name}`));
    expect(monitoringPolicies.length).toBeGreaterThan(0);
    for (const policy of monitoringPolicies) {
      const namespaces = [...JSON.stringify(policy.spec).matchAll(/"kubernetes\.io\/metadata\.name":"([^"]+)"/g)].map((m) => m[1]);
      expect({ policy: policy.metadata.name, namespaces: namespaces.filter((ns) => !ns.startsWith('team-b-')) }).toEqual({ policy: policy.metadata.name, namespaces: [] });
    }
    expect(shape.created).toEqual(expect.arrayContaining(['Namespace team-b-streaming', 'Namespace team-b-apps', 'StatefulSet team-b-streaming/kafka',
      'Deployment team-b-apps/podinfo', 'ServiceMonitor monitoring/team-b-kafka', 'PrometheusRule monitoring/team-b-platform-alerts']));
    expect(p.summary.unchanged).toBe(before.length);
  });

  test('adding a tenant later (cluster.addTenant) gives what listing it up front gives', () => {
    const listed = platform({ tenants: ['team-a', 'team-b'] });
    const added = platform({ tenants: ['team-a'] }, (_app, charts) => { charts.cluster.addTenant('team-b'); });
    expect(plan(added, listed).shape).toEqual(NOTHING);
  });

  test('adding a WebApp: only its creations', () => {
    const { shape } = plan(platform({}, (_app, charts) => {
      new WebApp(charts.apps, 'shop', { name: 'shop', image: 'ghcr.io/stefanprodan/podinfo:6.7.1', port: 9898 });
    }));
    expect(shape).toEqual({ ...NOTHING, created: ['Deployment apps/shop', 'NetworkPolicy apps/shop', 'PodDisruptionBudget apps/shop-pdb', 'Service apps/shop', 'ServiceAccount apps/shop'] });
  });

  test('ZooKeeper 3 -> 5: a warning with the one-step procedure', () => {
    const { plan: p, shape } = plan(platform({ zookeeper: { replicas: 5 } }));
    expect(shape).toEqual({
      ...NOTHING,
      created: ['ConfigMap streaming/zk-config-<hash>'],
      changed: ['StatefulSet streaming/zk'],
      deleted: ['ConfigMap streaming/zk-config-<hash>'],
      warnings: ['plan/zookeeper-resize StatefulSet streaming/zk'],
      rollouts: ['StatefulSet streaming/zk'],
    });
    expect(p.warnings[0].procedure).toContain("apply with zk's partition = 3");
  });

  test('ZooKeeper 3 -> 7: an error (more than one step)', () => {
    const { shape } = plan(platform({ zookeeper: { replicas: 7 } }));
    expect(shape.errors).toEqual(['plan/zookeeper-resize StatefulSet streaming/zk']);
    expect(shape.warnings).toEqual([]);
  });
});

describe('KRaft controller count (static voters, KIP-853)', () => {
  const CLUSTER_ID = 'MkU3OEVBNTcwNTJENDM2Qg';
  function kraft(replicas: number, controllers?: KafkaControllerOptions): Manifest[] {
    const chart = new Chart(Testing.app(), 'streaming', { namespace: 'streaming' });
    new KafkaCluster(chart, 'kafka', { mode: { type: 'kraft', clusterId: CLUSTER_ID, controllers }, replicas });
    return Testing.synth(chart) as Manifest[];
  }

  test('dedicated controllers 3 -> 5: error on the controller StatefulSet', () => {
    const { shape } = plan(kraft(3, { replicas: 5 }), kraft(3, { replicas: 3 }));
    expect(shape.errors).toEqual(['plan/kraft-static-voters StatefulSet streaming/kafka-controller']);
  });

  test('combined mode, brokers 3 -> 5: error on the broker StatefulSet', () => {
    const { plan: p, shape } = plan(kraft(5), kraft(3));
    expect(shape.errors).toEqual(['plan/kraft-static-voters StatefulSet streaming/kafka']);
    expect(p.errors[0].message).toContain('(replicas 3 -> 5)');
  });

  test('brokers 3 -> 5 with dedicated controllers: no voter change, no error', () => {
    const { shape } = plan(kraft(5, { replicas: 3 }), kraft(3, { replicas: 3 }));
    expect(shape.errors).toEqual([]);
  });

  test('controller storage: error', () => {
    const { shape } = plan(kraft(3, { replicas: 3, storage: { size: '20Gi' } }), kraft(3, { replicas: 3 }));
    expect(shape.errors).toEqual(['plan/statefulset-volume-size StatefulSet streaming/kafka-controller']);
  });
});
