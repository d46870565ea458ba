import { planChanges } from '../../lib/plan';
import { configMap, daemonSet, deployment, rulesOf, statefulSet } from './helpers';

const OLD = 'db-config-0123456789';
const NEW = 'db-config-abcdefabcd';

function deletedAdvice(plan: ReturnType<typeof planChanges>) {
  return plan.objects.filter((o) => o.change === 'deleted').map((o) => `${o.id}: ${o.prune?.text}`);
}

describe('content-addressed ConfigMaps are kept while a pod that has not rolled reads them', () => {
  const baseline = [configMap(OLD, { heap: '1g' }, { contentAddressed: true }), statefulSet({ configMap: OLD })];

  test('staged change (partition = replicas): the old ConfigMap is still in use by 3 pods', () => {
    const plan = planChanges(baseline, [configMap(NEW, { heap: '2g' }, { contentAddressed: true }), statefulSet({ configMap: NEW, partition: 3 })]);
    expect(deletedAdvice(plan)).toEqual([`ConfigMap data/${OLD}: still in use by StatefulSet data/db (3 pods not rolled): keep it until they roll`]);
    expect(plan.objects.find((o) => o.change === 'deleted')?.prune).toEqual({ action: 'in-use', users: [{ workload: 'StatefulSet data/db', pods: 3 }], text: expect.any(String) });
    expect(plan.errors).toEqual([]);
  });

  test('canary (partition 2): 2 pods still read it', () => {
    const plan = planChanges(baseline, [configMap(NEW, { heap: '2g' }, { contentAddressed: true }), statefulSet({ configMap: NEW, partition: 2 })]);
    expect(deletedAdvice(plan)).toEqual([`ConfigMap data/${OLD}: still in use by StatefulSet data/db (2 pods not rolled): keep it until they roll`]);
  });

  test('full rollout (partition 0): safe to prune after the rollout finishes', () => {
    const plan = planChanges(baseline, [configMap(NEW, { heap: '2g' }, { contentAddressed: true }), statefulSet({ configMap: NEW })]);
    expect(deletedAdvice(plan)).toEqual([`ConfigMap data/${OLD}: safe to prune after the rollout finishes`]);
  });

  test('OnDelete: every pod keeps reading it', () => {
    const plan = planChanges([configMap(OLD, { a: '1' }, { contentAddressed: true }), statefulSet({ configMap: OLD, onDelete: true })],
      [configMap(NEW, { a: '2' }, { contentAddressed: true }), statefulSet({ configMap: NEW, onDelete: true })]);
    expect(deletedAdvice(plan)).toEqual([`ConfigMap data/${OLD}: still in use by StatefulSet data/db (3 pods not rolled): keep it until they roll`]);
  });

  test('a Deployment replaces every pod: safe after the rollout; a deleted reader does not hold it', () => {
    const web = (cm: string) => ({ ...deployment({ configMap: cm }), metadata: { name: 'web', namespace: 'data' } });
    const plan = planChanges([configMap(OLD, { a: '1' }, { contentAddressed: true }), web(OLD)], [configMap(NEW, { a: '2' }, { contentAddressed: true }), web(NEW)]);
    expect(deletedAdvice(plan)).toEqual([`ConfigMap data/${OLD}: safe to prune after the rollout finishes`]);
    const gone = planChanges(baseline, []);
    expect(deletedAdvice(gone)).toEqual([`ConfigMap data/${OLD}: safe to prune after the rollout finishes`, 'StatefulSet data/db: needs pruning']);
  });

  test('a plain ConfigMap no longer emitted needs pruning', () => {
    expect(deletedAdvice(planChanges([configMap('plain', { a: '1' })], []))).toEqual(['ConfigMap data/plain: needs pruning']);
  });

  test('a plain ConfigMap or Secret that running pods read is held the same way (e.g. renamed to a content-addressed one)', () => {
    const before = [configMap('db-config', { a: '1' }), statefulSet({ configMap: 'db-config' })];
    const after = (partition: number) => [configMap(NEW, { a: '1' }, { contentAddressed: true }), statefulSet({ configMap: NEW, partition })];
    expect(deletedAdvice(planChanges(before, after(1)))).toEqual(['ConfigMap data/db-config: still in use by StatefulSet data/db (1 pod not rolled): keep it until they roll']);
    expect(deletedAdvice(planChanges(before, after(0)))).toEqual(['ConfigMap data/db-config: safe to prune after the rollout finishes']);
    const withSecret = (s: string) => {
      const sts = statefulSet({ partition: 3 });
      sts.spec.template.spec.containers[0].envFrom = [{ secretRef: { name: s } }];
      return sts;
    };
    const secret = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'data' }, data: { p: 'YQ==' } });
    expect(deletedAdvice(planChanges([secret('old'), withSecret('old')], [secret('new'), withSecret('new')])))
      .toEqual(['Secret data/old: still in use by StatefulSet data/db (3 pods not rolled): keep it until they roll']);
  });
});

describe('a ConfigMap changed in place', () => {
  test('read by pods that do not roll: warning', () => {
    const plan = planChanges([configMap('db-config', { heap: '1g' }), statefulSet()], [configMap('db-config', { heap: '2g' }), statefulSet()]);
    expect(rulesOf(plan.warnings)).toEqual(['plan/configmap-changed-in-place ConfigMap data/db-config']);
    expect(plan.warnings[0].message).toBe('data.heap change in place, read by StatefulSet data/db (3 pods not rolled): those pods get the new configuration at their next restart (mounted files even while running), outside any rollout');
  });

  test('read by a DaemonSet whose template does not change: warning for its pods', () => {
    const agent = daemonSet();
    agent.spec.template.spec.volumes = [{ name: 'c', configMap: { name: 'agent-config' } }];
    const cm = (v: string) => configMap('agent-config', { v }, { namespace: 'agents' });
    expect(rulesOf(planChanges([cm('1'), agent], [cm('2'), agent]).warnings)).toEqual(['plan/configmap-changed-in-place ConfigMap agents/agent-config']);
  });

  test('read only by pods that all roll: no warning', () => {
    const plan = planChanges([configMap('db-config', { heap: '1g' }), statefulSet()], [configMap('db-config', { heap: '2g' }), statefulSet({ image: 'db:2' })]);
    expect(plan.warnings).toEqual([]);
  });
});
