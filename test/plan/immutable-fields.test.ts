import { Manifest, resourceId } from '../../lib/checks';
import { planChanges } from '../../lib/plan';
import { configMap, daemonSet, deployment, edited, platform, rulesOf, statefulSet } from './helpers';

/** Errors and warnings of a one-object change, as `rule resource`. */
function issuesOf(base: Manifest, next: Manifest): { errors: string[]; warnings: string[]; plan: ReturnType<typeof planChanges> } {
  const plan = planChanges([base], [next]);
  return { errors: rulesOf(plan.errors), warnings: rulesOf(plan.warnings), plan };
}

const job: Manifest = {
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'apps' },
  spec: { completions: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'm:1' }] } } },
};
const service: Manifest = {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'apps' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
};
const headless = edited(service, (s) => { s.spec.clusterIP = 'None'; });
const roleBinding: Manifest = {
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'reader', namespace: 'apps' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
  subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'apps' }],
};
const clusterRoleBinding: Manifest = { ...edited(roleBinding, (b) => { delete b.metadata.namespace; b.kind = 'ClusterRoleBinding'; b.roleRef.kind = 'ClusterRole'; }) };
const pvc: Manifest = {
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'cache', namespace: 'apps' },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '10Gi' } } },
};
const secret: Manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: 'apps' }, type: 'Opaque', immutable: true, data: { token: 'YQ==' } };
const pv: Manifest = {
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'nfs-1' },
  spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany'], nfs: { server: 'nfs.local', path: '/a' } },
};
const storageClass: Manifest = {
  apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' },
  provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true,
};
const priorityClass: Manifest = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'critical' }, value: 1000 };
const ingressClass: Manifest = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } };
const pod: Manifest = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'apps' }, spec: { containers: [{ name: 'c', image: 'c:1' }] } };

// One row per immutable field: [what, baseline, next, errors (rule resource), warnings].
const refused: Array<[string, Manifest, Manifest, string[], string[]?]> = [
  ['StatefulSet spec.selector', statefulSet(), edited(statefulSet(), (s) => { s.spec.selector.matchLabels.tier = 'x'; s.spec.template.metadata.labels.tier = 'x'; }),
    ['plan/statefulset-selector StatefulSet data/db']],
  ['StatefulSet spec.serviceName', statefulSet(), edited(statefulSet(), (s) => { s.spec.serviceName = 'other'; }), ['plan/statefulset-service-name StatefulSet data/db']],
  ['StatefulSet spec.podManagementPolicy', statefulSet(), edited(statefulSet(), (s) => { s.spec.podManagementPolicy = 'OrderedReady'; }),
    ['plan/statefulset-pod-management-policy StatefulSet data/db']],
  ['StatefulSet volumeClaimTemplates storage (grow)', statefulSet(), statefulSet({ storage: '20Gi' }), ['plan/statefulset-volume-size StatefulSet data/db']],
  ['StatefulSet volumeClaimTemplates storage (shrink)', statefulSet(), statefulSet({ storage: '5Gi' }), ['plan/statefulset-volume-shrink StatefulSet data/db']],
  ['StatefulSet volumeClaimTemplates storageClassName', statefulSet(), edited(statefulSet(), (s) => { s.spec.volumeClaimTemplates[0].spec.storageClassName = 'fast'; }),
    ['plan/statefulset-volume-claim-templates StatefulSet data/db']],
  ['StatefulSet volumeClaimTemplates added', statefulSet(), edited(statefulSet(), (s) => { s.spec.volumeClaimTemplates.push({ metadata: { name: 'logs' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }); }),
    ['plan/statefulset-volume-claim-templates StatefulSet data/db']],
  ['StatefulSet any other spec field', statefulSet(), edited(statefulSet(), (s) => { s.spec.volumeAttributes = 'x'; }), ['plan/statefulset-immutable StatefulSet data/db']],
  ['Deployment spec.selector', deployment(), edited(deployment(), (d) => { d.spec.selector.matchLabels.tier = 'x'; }), ['plan/deployment-selector Deployment apps/web']],
  ['DaemonSet spec.selector', daemonSet(), edited(daemonSet(), (d) => { d.spec.selector.matchLabels.tier = 'x'; }), ['plan/daemonset-selector DaemonSet agents/agent']],
  ['ReplicaSet spec.selector', { ...deployment(), kind: 'ReplicaSet' }, edited({ ...deployment(), kind: 'ReplicaSet' }, (d) => { d.spec.selector.matchLabels.tier = 'x'; }),
    ['plan/replicaset-selector ReplicaSet apps/web']],
  ['Job spec.template', job, edited(job, (j) => { j.spec.template.spec.containers[0].image = 'm:2'; }), ['plan/job-immutable Job apps/migrate']],
  ['Job spec.selector', job, edited(job, (j) => { j.spec.selector = { matchLabels: { a: 'b' } }; }), ['plan/job-immutable Job apps/migrate']],
  ['Job spec.completions', job, edited(job, (j) => { j.spec.completions = 3; }), ['plan/job-immutable Job apps/migrate']],
  ['Job spec.completionMode', job, edited(job, (j) => { j.spec.completionMode = 'Indexed'; }), ['plan/job-immutable Job apps/migrate']],
  ['Job spec.podFailurePolicy', job, edited(job, (j) => { j.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] }; }),
    ['plan/job-immutable Job apps/migrate']],
  ['Service spec.clusterIP (explicit value)', edited(service, (s) => { s.spec.clusterIP = '10.0.0.10'; }), edited(service, (s) => { s.spec.clusterIP = '10.0.0.11'; }),
    ['plan/service-cluster-ip Service apps/web']],
  ['Service ClusterIP -> headless', service, headless, ['plan/service-cluster-ip Service apps/web']],
  ['Service headless -> ClusterIP', headless, service, ['plan/service-cluster-ip Service apps/web']],
  ['Service headless -> NodePort', headless, edited(headless, (s) => { s.spec.type = 'NodePort'; }), ['plan/service-type Service apps/web']],
  ['Service spec.ipFamilies[0]', edited(service, (s) => { s.spec.ipFamilies = ['IPv4']; }), edited(service, (s) => { s.spec.ipFamilies = ['IPv6']; }),
    ['plan/service-ip-family Service apps/web']],
  ['Service spec.loadBalancerClass', edited(service, (s) => { s.spec.type = 'LoadBalancer'; s.spec.loadBalancerClass = 'a'; }),
    edited(service, (s) => { s.spec.type = 'LoadBalancer'; s.spec.loadBalancerClass = 'b'; }), ['plan/service-load-balancer-class Service apps/web']],
  ['RoleBinding roleRef', roleBinding, edited(roleBinding, (b) => { b.roleRef.name = 'writer'; }), ['plan/rolebinding-roleref RoleBinding apps/reader']],
  ['ClusterRoleBinding roleRef', clusterRoleBinding, edited(clusterRoleBinding, (b) => { b.roleRef.name = 'admin'; }), ['plan/clusterrolebinding-roleref ClusterRoleBinding reader']],
  ['PersistentVolumeClaim spec (other than a larger request)', pvc, edited(pvc, (p) => { p.spec.storageClassName = 'slow'; }), ['plan/pvc-immutable PersistentVolumeClaim apps/cache']],
  ['PersistentVolumeClaim storage (shrink)', pvc, edited(pvc, (p) => { p.spec.resources.requests.storage = '5Gi'; }), ['plan/pvc-shrink PersistentVolumeClaim apps/cache']],
  ['immutable ConfigMap data', configMap('app-config', { a: '1' }, { immutable: true }), configMap('app-config', { a: '2' }, { immutable: true }),
    ['plan/immutable-configmap ConfigMap data/app-config']],
  ['immutable ConfigMap made mutable', configMap('app-config', { a: '1' }, { immutable: true }), configMap('app-config', { a: '1' }),
    ['plan/immutable-configmap ConfigMap data/app-config']],
  ['immutable Secret data', secret, edited(secret, (s) => { s.data.token = 'Yg=='; }), ['plan/immutable-secret Secret apps/token']],
  ['Secret type', secret, edited(secret, (s) => { s.type = 'kubernetes.io/tls'; }), ['plan/secret-type Secret apps/token']],
  ['PersistentVolume source', pv, edited(pv, (p) => { p.spec.nfs.path = '/b'; }), ['plan/persistentvolume-immutable PersistentVolume nfs-1']],
  ['StorageClass parameters', storageClass, edited(storageClass, (s) => { s.parameters.type = 'io2'; }), ['plan/storageclass-immutable StorageClass fast']],
  ['StorageClass provisioner', storageClass, edited(storageClass, (s) => { s.provisioner = 'other'; }), ['plan/storageclass-immutable StorageClass fast']],
  ['StorageClass reclaimPolicy', storageClass, edited(storageClass, (s) => { s.reclaimPolicy = 'Delete'; }), ['plan/storageclass-immutable StorageClass fast']],
  ['StorageClass volumeBindingMode', storageClass, edited(storageClass, (s) => { s.volumeBindingMode = 'Immediate'; }), ['plan/storageclass-immutable StorageClass fast']],
  ['PriorityClass value', priorityClass, edited(priorityClass, (p) => { p.value = 2000; }), ['plan/priorityclass-immutable PriorityClass critical']],
  ['IngressClass spec.controller', ingressClass, edited(ingressClass, (i) => { i.spec.controller = 'other'; }), ['plan/ingressclass-immutable IngressClass nginx']],
  ['Pod spec (other than images)', pod, edited(pod, (p) => { p.spec.containers[0].args = ['-v']; }), ['plan/pod-immutable Pod apps/debug']],
];

describe('changes the API server refuses are errors with a procedure', () => {
  test.each(refused)('%s', (_what, base, next, errors, warnings = []) => {
    const found = issuesOf(base, next);
    expect(found.errors).toEqual(errors);
    expect(found.warnings).toEqual(warnings);
    for (const e of found.plan.errors) {
      expect(e.message).toMatch(/->|refuses|cannot/);
      expect(e.procedure.length).toBeGreaterThan(20);
    }
  });
});

// Changes the API server accepts: no error (some with a warning).
const accepted: Array<[string, Manifest, Manifest, string[]]> = [
  ['StatefulSet replicas, template, updateStrategy, minReadySeconds, revisionHistoryLimit, retention policy, ordinals', statefulSet(),
    edited(statefulSet({ replicas: 5, image: 'db:2', partition: 2 }), (s) => {
      s.spec.minReadySeconds = 10; s.spec.revisionHistoryLimit = 3; s.spec.persistentVolumeClaimRetentionPolicy.whenDeleted = 'Delete'; s.spec.ordinals = { start: 0 };
    }), []],
  ['StatefulSet podManagementPolicy unset -> OrderedReady (the default)', edited(statefulSet(), (s) => { delete s.spec.podManagementPolicy; }),
    edited(statefulSet(), (s) => { s.spec.podManagementPolicy = 'OrderedReady'; }), []],
  ['Deployment template and strategy', deployment(), deployment({ image: 'web:2', strategy: { type: 'Recreate' } }), []],
  ['Service ClusterIP -> NodePort', service, edited(service, (s) => { s.spec.type = 'NodePort'; }), []],
  ['Service ClusterIP -> ExternalName', service, edited(service, (s) => { s.spec = { type: 'ExternalName', externalName: 'db.example.com' }; }), []],
  ['Service selector and ports', service, edited(service, (s) => { s.spec.selector = { app: 'web2' }; s.spec.ports[0].port = 8080; }), []],
  ['Service LoadBalancer -> ClusterIP (warning: address released)', edited(service, (s) => { s.spec.type = 'LoadBalancer'; }), service,
    ['warning plan/service-load-balancer-released Service apps/web']],
  ['PersistentVolumeClaim storage (grow: warning)', pvc, edited(pvc, (p) => { p.spec.resources.requests.storage = '20Gi'; }), ['warning plan/pvc-expand PersistentVolumeClaim apps/cache']],
  ['mutable ConfigMap data', configMap('app-config', { a: '1' }), configMap('app-config', { a: '2' }), []],
  ['immutable ConfigMap labels', configMap('app-config', { a: '1' }, { immutable: true }), edited(configMap('app-config', { a: '1' }, { immutable: true }), (c) => { c.metadata.labels = { x: 'y' }; }), []],
  ['Job with elastic indexed completions', edited(job, (j) => { j.spec.completionMode = 'Indexed'; j.spec.parallelism = 2; j.spec.completions = 2; }),
    edited(job, (j) => { j.spec.completionMode = 'Indexed'; j.spec.parallelism = 4; j.spec.completions = 4; }), []],
  ['Pod container image', pod, edited(pod, (p) => { p.spec.containers[0].image = 'c:2'; }), []],
  ['StorageClass allowVolumeExpansion', storageClass, edited(storageClass, (s) => { s.allowVolumeExpansion = false; }), []],
  ['PersistentVolume capacity', pv, edited(pv, (p) => { p.spec.capacity.storage = '20Gi'; }), []],
];

describe('changes the API server accepts are no errors', () => {
  test.each(accepted)('%s', (_what, base, next, issues) => {
    const found = issuesOf(base, next);
    expect(found.plan.objects.map((o) => o.change)).toEqual(['changed']);
    expect([...found.errors.map((e) => `error ${e}`), ...found.warnings.map((w) => `warning ${w}`)]).toEqual(issues);
  });
});

describe('procedures', () => {
  test('volume resize: expand each PVC with kubectl patch, orphan-delete the StatefulSet, re-apply', () => {
    const [error] = issuesOf(statefulSet(), statefulSet({ storage: '20Gi' })).plan.errors;
    expect(error.message).toBe('volumeClaimTemplates[data] storage 10Gi -> 20Gi: the API server refuses it (StatefulSet volumeClaimTemplates are immutable, the size included), so `kubectl apply` fails');
    for (const i of [0, 1, 2]) {
      expect(error.procedure).toContain(`kubectl -n data patch pvc data-db-${i} -p '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}'`);
    }
    expect(error.procedure).toContain('allowVolumeExpansion: true');
    expect(error.procedure).toContain('kubectl -n data delete statefulset db --cascade=orphan');
    expect(error.procedure).toContain('kubectl apply --server-side -f dist/');
    expect(error.procedure.indexOf('patch pvc')).toBeLessThan(error.procedure.indexOf('--cascade=orphan'));
  });

  test('volume shrink: no procedure can shrink a PVC; keep the size or migrate', () => {
    const [error] = issuesOf(statefulSet(), statefulSet({ storage: '5Gi' })).plan.errors;
    expect(error.procedure).toContain('keep the size at 10Gi');
    expect(error.procedure).not.toContain('patch pvc');
  });

  test('a StatefulSet selector change says how to replace the pods', () => {
    const [error] = issuesOf(statefulSet(), edited(statefulSet(), (s) => { s.spec.selector.matchLabels.tier = 'x'; })).plan.errors;
    expect(error.procedure).toContain('kubectl -n data delete statefulset db --cascade=orphan');
    expect(error.procedure).toContain('kubectl -n data delete pod db-<N>');
  });

  test('a RoleBinding roleRef change: delete and re-apply (or a new name, no gap)', () => {
    const [error] = issuesOf(roleBinding, edited(roleBinding, (b) => { b.roleRef.name = 'writer'; })).plan.errors;
    expect(error.message).toContain('"name":"reader"');
    expect(error.procedure).toContain('kubectl -n apps delete rolebinding reader');
  });
});

describe('through the real constructs: every immutable field of every platform object of that kind', () => {
  // The production platform's own manifests, each mutated in one immutable field.
  const production = platform();
  const ofKind = (kind: string) => production.filter((m) => m.kind === kind);
  const id = resourceId;

  function planWith(target: Manifest, edit: (copy: any) => void) {
    const next = production.map((m) => (m === target ? edited(m, edit) : m));
    return planChanges(production, next);
  }

  const statefulSetEdits: Array<[string, (s: any) => void]> = [
    ['plan/statefulset-selector', (s) => { s.spec.selector.matchLabels['app.kubernetes.io/instance'] = 'other'; }],
    ['plan/statefulset-service-name', (s) => { s.spec.serviceName = 'other'; }],
    ['plan/statefulset-pod-management-policy', (s) => { s.spec.podManagementPolicy = s.spec.podManagementPolicy === 'Parallel' ? 'OrderedReady' : 'Parallel'; }],
    ['plan/statefulset-volume-size', (s) => { s.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '1Ti'; }],
    ['plan/statefulset-volume-claim-templates', (s) => { s.spec.volumeClaimTemplates[0].spec.accessModes = ['ReadWriteMany']; }],
  ];

  test('the platform has the objects this matrix needs', () => {
    expect(ofKind('StatefulSet').map(id).sort()).toEqual(['StatefulSet logging/elasticsearch-logging', 'StatefulSet streaming/kafka', 'StatefulSet streaming/zk']);
    expect(ofKind('Deployment').length + ofKind('DaemonSet').length).toBeGreaterThanOrEqual(4);
  });

  test.each(statefulSetEdits)('StatefulSets: %s', (rule, edit) => {
    for (const sts of ofKind('StatefulSet')) {
      expect(rulesOf(planWith(sts, edit).errors)).toEqual([`${rule} ${id(sts)}`]);
    }
  });

  test('Deployments and DaemonSets: selector', () => {
    for (const w of [...ofKind('Deployment'), ...ofKind('DaemonSet')]) {
      expect(rulesOf(planWith(w, (d) => { d.spec.selector.matchLabels.extra = 'x'; }).errors)).toEqual([`plan/${w.kind.toLowerCase()}-selector ${id(w)}`]);
    }
  });

  test('Services: headless <-> ClusterIP', () => {
    for (const svc of ofKind('Service')) {
      const headless = svc.spec.clusterIP === 'None';
      const errors = rulesOf(planWith(svc, (s) => { if (headless) delete s.spec.clusterIP; else s.spec.clusterIP = 'None'; }).errors);
      expect(errors).toEqual([`plan/service-cluster-ip ${id(svc)}`]);
    }
  });

  test('ClusterRoleBindings and RoleBindings: roleRef', () => {
    const bindings = [...ofKind('ClusterRoleBinding'), ...ofKind('RoleBinding')];
    expect(bindings.length).toBeGreaterThan(0);
    for (const b of bindings) {
      expect(rulesOf(planWith(b, (x) => { x.roleRef.name = 'other'; }).errors)).toEqual([`plan/${b.kind.toLowerCase()}-roleref ${id(b)}`]);
    }
  });

  test('immutable (content-addressed) ConfigMaps: data under the same name', () => {
    const immutable = ofKind('ConfigMap').filter((c) => c.immutable === true);
    expect(immutable.length).toBeGreaterThanOrEqual(4);
    for (const cm of immutable) {
      const key = Object.keys(cm.data)[0];
      expect(rulesOf(planWith(cm, (c) => { c.data[key] += '\n# edited'; }).errors)).toEqual([`plan/immutable-configmap ${id(cm)}`]);
    }
  });
});
