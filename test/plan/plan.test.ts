import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { stringify } from 'yaml';
import { formatPlan, planChanges, planViolations, readManifestDir } from '../../lib/plan';
import { configMap, deployment, rulesOf, statefulSet } from './helpers';

const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

describe('planChanges', () => {
  test('objects are matched by kind, namespace and name: created, changed, deleted, unchanged', () => {
    const plan = planChanges(
      [namespace('data'), configMap('a', { x: '1' }), configMap('b', { x: '1' }), configMap('c', { x: '1' }, { namespace: 'other' })],
      [namespace('data'), configMap('a', { x: '2' }), configMap('c', { x: '1' }), configMap('d', { x: '1' })],
    );
    expect(plan.objects.map((o) => `${o.change} ${o.id}`)).toEqual([
      'unchanged Namespace data',
      'changed ConfigMap data/a',
      'created ConfigMap data/c',
      'created ConfigMap data/d',
      'deleted ConfigMap data/b',
      'deleted ConfigMap other/c',
    ]);
    expect(plan.objects[1].fields).toEqual(['data.x']);
    expect(plan.objects[0]).toMatchObject({ kind: 'Namespace', name: 'data', namespace: undefined });
    expect(plan.summary).toEqual({ created: 2, changed: 1, deleted: 2, unchanged: 1, rolling: 0, errors: 0, warnings: 0 });
  });

  test('deleting a Namespace or a PVC-backed StatefulSet warns', () => {
    const plan = planChanges([namespace('data'), statefulSet(), deployment()], []);
    expect(rulesOf(plan.warnings)).toEqual(['plan/namespace-deleted Namespace data', 'plan/statefulset-deleted StatefulSet data/db']);
    expect(plan.warnings[1].message).toBe('pruning it stops its 3 pods; their PVCs data-db-0, data-db-1, data-db-2 are kept (whenDeleted: Retain)');
    expect(plan.objects.every((o) => o.prune?.text === 'needs pruning')).toBe(true);
  });

  test('errors become harness violations whose fix is the procedure', () => {
    const plan = planChanges([statefulSet()], [statefulSet({ storage: '20Gi' })]);
    expect(planViolations(plan)).toEqual([{ rule: 'plan/statefulset-volume-size', resource: 'StatefulSet data/db', message: plan.errors[0].message, fix: plan.errors[0].procedure }]);
  });
});

describe('formatPlan', () => {
  test('sections, fields, prune advice, rollouts, issues with numbered procedure steps, summary', () => {
    const text = formatPlan(planChanges(
      [configMap('db-config-0123456789', { a: '1' }, { contentAddressed: true }), statefulSet({ configMap: 'db-config-0123456789' }), configMap('old', {})],
      [configMap('db-config-abcdefabcd', { a: '2' }, { contentAddressed: true }), statefulSet({ configMap: 'db-config-abcdefabcd', partition: 2, storage: '20Gi' })],
    ), 'Plan: header');
    expect(text).toBe([
      'Plan: header',
      '',
      'Created (1):',
      '  + ConfigMap data/db-config-abcdefabcd',
      '',
      'Changed (1):',
      '  ~ StatefulSet data/db',
      '      spec.updateStrategy.rollingUpdate.partition',
      '      spec.template.spec.volumes[config].configMap.name',
      '      spec.volumeClaimTemplates[data].spec.resources.requests.storage',
      '',
      'Deleted (2):',
      '  - ConfigMap data/db-config-0123456789: still in use by StatefulSet data/db (2 pods not rolled): keep it until they roll',
      '  - ConfigMap data/old: needs pruning',
      '',
      'Rollouts (1):',
      '  > StatefulSet data/db: RollingUpdate, partition 0 -> 2: 1 of 3 pods rolls to the new template (db-2), in reverse ordinal order, one at a time, each after the previous is Ready; 2 stay on their current template (db-0, db-1)',
      '',
      'Errors (1): `kubectl apply` fails or breaks the running system; follow each procedure:',
      '  x [plan/statefulset-volume-size] StatefulSet data/db: volumeClaimTemplates[data] storage 10Gi -> 20Gi: the API server refuses it (StatefulSet volumeClaimTemplates are immutable, the size included), so `kubectl apply` fails',
      `      procedure: 1. expand each existing PVC (its StorageClass needs allowVolumeExpansion: true): kubectl -n data patch pvc data-db-0 -p '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}' && kubectl -n data patch pvc data-db-1 -p '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}' && kubectl -n data patch pvc data-db-2 -p '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}'`,
      "                 2. wait until each PVC's status.capacity.storage shows 20Gi (kubectl -n data get pvc data-db-0 data-db-1 data-db-2)",
      '                 3. kubectl -n data delete statefulset db --cascade=orphan (the pods and their PVCs keep running)',
      '                 4. re-apply: kubectl apply --server-side -f dist/ (the new StatefulSet adopts the running pods)',
      '',
      'Plan: 1 to create, 1 to change, 2 to delete, 0 unchanged; 1 workload rolls; 0 warnings; 1 error',
    ].join('\n'));
  });
});

describe('readManifestDir', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'plan-read-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('every YAML document of every manifest file, recursively, sorted; construct-metadata.json and empty documents skipped', () => {
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, '0001-x.k8s.yaml'), `${stringify(configMap('one', {}))}---\n---\n${stringify(configMap('two', {}))}`);
    writeFileSync(join(dir, 'b', 'three.yml'), stringify({ apiVersion: 'v1', kind: 'List', items: [configMap('three', {})] }));
    writeFileSync(join(dir, 'construct-metadata.json'), '{"version":"1.0.0","resources":{}}');
    writeFileSync(join(dir, 'README.md'), '# not a manifest');
    expect(readManifestDir(dir).map((m) => m.metadata.name)).toEqual(['one', 'two', 'three']);
  });

  test('invalid YAML and a missing directory are errors naming the path', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'kind: [unclosed\n');
    expect(() => readManifestDir(dir)).toThrow(/bad\.yaml: invalid YAML/);
    expect(() => readManifestDir(join(dir, 'nope'))).toThrow(/nope: no such directory/);
  });
});
