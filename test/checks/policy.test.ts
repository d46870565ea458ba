import { checkPolicy, Manifest } from '../../lib/checks';
import { SECURITY_EXCEPTION_ANNOTATION } from '../../lib/core/security';
import { expectClean, expectOnly, fixture, Fixture, namespaceObject, NS, rulesOf } from './fixtures';

function role(rules: any[]): Manifest {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'web', namespace: NS }, rules };
}

function roleBinding(subjects: any[] = [{ kind: 'ServiceAccount', name: 'web', namespace: NS }]): Manifest {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'web', namespace: NS },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'web' },
    subjects,
  };
}

/** Puts the fixture in a namespace that enforces `level` and records why the pod needs it. */
function relax(f: Fixture, level: 'baseline' | 'privileged'): void {
  f.namespace = namespaceObject(NS, level);
  f.deployment.spec.template.metadata.annotations = { [SECURITY_EXCEPTION_ANNOTATION]: 'needs it for a test' };
}

describe('checkPolicy', () => {
  test('the fixture set passes', () => {
    expectClean(checkPolicy(fixture().all()));
  });

  describe('policy/resources', () => {
    test.each(['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'])('missing %s', (path) => {
      const f = fixture();
      const [kind, resource] = path.split('.');
      delete f.container.resources[kind][resource];
      const v = checkPolicy(f.all());
      expectOnly(v, 'policy/resources');
      expect(v[0].message).toBe(`container web has no ${path}`);
    });

    test('init containers need none', () => {
      const f = fixture();
      f.pod.initContainers = [{ name: 'init', image: 'busybox:1.36', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }];
      expectClean(checkPolicy(f.all()));
    });
  });

  describe('policy/probes', () => {
    test.each(['readinessProbe', 'livenessProbe'])('missing %s', (probe) => {
      const f = fixture();
      delete f.container[probe];
      expectOnly(checkPolicy(f.all()), 'policy/probes');
    });
  });

  describe('policy/pinned-image', () => {
    test.each(['nginx', 'nginx:latest', 'registry:5000/nginx'])('%s is not pinned', (image) => {
      const f = fixture();
      f.container.image = image;
      expectOnly(checkPolicy(f.all()), 'policy/pinned-image');
    });

    test('init containers are checked too; digests are pinned', () => {
      const f = fixture();
      f.container.image = `nginx@sha256:${'a'.repeat(64)}`;
      f.pod.initContainers = [{ name: 'init', image: 'busybox', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }];
      const v = checkPolicy(f.all());
      expectOnly(v, 'policy/pinned-image');
      expect(v[0].message).toContain('initContainer init');
    });

    test('every pod template kind is checked', () => {
      const pod = fixture().pod;
      pod.containers[0].image = 'nginx';
      const template = { metadata: { labels: { a: 'b' } }, spec: pod };
      const owners: Manifest[] = [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: NS }, spec: pod },
        { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: NS }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } },
        { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: NS }, spec: { template } },
        { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd', namespace: NS }, spec: { template } },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r', namespace: NS }, spec: { template } },
        { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's', namespace: NS }, spec: { template } },
      ];
      const v = checkPolicy([namespaceObject(NS), ...owners]).filter((x) => x.rule === 'policy/pinned-image');
      expect(v.map((x) => x.resource)).toEqual(['Pod web/p', 'CronJob web/c', 'Job web/j', 'DaemonSet web/d', 'ReplicaSet web/r', 'StatefulSet web/s']);
    });
  });

  describe('policy/privilege-escalation', () => {
    test('allowPrivilegeEscalation must be false', () => {
      const f = fixture();
      relax(f, 'baseline');
      f.container.securityContext.allowPrivilegeEscalation = true;
      expectOnly(checkPolicy(f.all()), 'policy/privilege-escalation');
    });

    test('a privileged container is exempt in a privileged namespace only', () => {
      const f = fixture();
      relax(f, 'privileged');
      f.pod.initContainers = [{ name: 'sysctl', image: 'busybox:1.36', securityContext: { privileged: true, allowPrivilegeEscalation: true } }];
      expectClean(checkPolicy(f.all()));
      f.namespace = namespaceObject(NS, 'baseline');
      expect(rulesOf(checkPolicy(f.all()))).toEqual(['policy/pod-security', 'policy/privilege-escalation']);
    });
  });

  describe('policy/namespace-missing', () => {
    test('the pod\'s Namespace must be among the manifests', () => {
      const f = fixture();
      const v = checkPolicy(f.all().filter((m) => m.kind !== 'Namespace'));
      expectOnly(v, 'policy/namespace-missing');
    });
  });

  describe('policy/pod-security', () => {
    test('a pod above its namespace\'s level fails', () => {
      const f = fixture();
      f.pod.hostNetwork = true;
      f.deployment.spec.template.metadata.annotations = { [SECURITY_EXCEPTION_ANNOTATION]: 'host network for a test' };
      const v = checkPolicy(f.all());
      expectOnly(v, 'policy/pod-security');
      expect(v[0].message).toContain('needs Pod Security "privileged" but namespace web enforces "restricted" (baseline: hostNetwork is true)');
    });

    test('a namespace without an enforce label fails', () => {
      const f = fixture();
      f.namespace.metadata.labels = {};
      expectOnly(checkPolicy(f.all()), 'policy/pod-security');
    });

    test('a baseline pod in a baseline namespace passes', () => {
      const f = fixture();
      relax(f, 'baseline');
      f.container.securityContext.capabilities.add = ['CHOWN'];
      expectClean(checkPolicy(f.all()));
    });
  });

  describe('policy/security-exception', () => {
    test('a pod that is not restricted must say why', () => {
      const f = fixture();
      relax(f, 'baseline');
      f.container.securityContext.capabilities.add = ['CHOWN'];
      delete f.deployment.spec.template.metadata.annotations;
      expectOnly(checkPolicy(f.all()), 'policy/security-exception');
    });
  });

  describe('policy/rbac-wildcard', () => {
    test.each(['verbs', 'resources', 'apiGroups'])('* in %s', (field) => {
      const f = fixture();
      const rule: any = { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] };
      f.extra.push(role([{ ...rule }]));
      expectClean(checkPolicy(f.all()));
      rule[field] = ['*'];
      f.extra = [role([rule])];
      expectOnly(checkPolicy(f.all()), 'policy/rbac-wildcard');
    });

    test('ClusterRoles are checked too', () => {
      expectOnly(checkPolicy([{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' },
        rules: [{ apiGroups: [''], resources: ['pods/*'], verbs: ['get'] }] }]), 'policy/rbac-wildcard');
    });
  });

  describe('policy/token-without-rbac', () => {
    test('a token for a ServiceAccount no binding names fails; a RoleBinding fixes it', () => {
      const f = fixture();
      f.pod.automountServiceAccountToken = true;
      expectOnly(checkPolicy(f.all()), 'policy/token-without-rbac');
      f.extra.push(role([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]), roleBinding());
      expectClean(checkPolicy(f.all()));
    });

    test('the pod setting wins over the ServiceAccount; unset on both means a token', () => {
      const f = fixture();
      delete f.pod.automountServiceAccountToken;
      expectClean(checkPolicy(f.all()));
      delete f.serviceAccount.automountServiceAccountToken;
      expectOnly(checkPolicy(f.all()), 'policy/token-without-rbac');
      f.pod.automountServiceAccountToken = false;
      expectClean(checkPolicy(f.all()));
    });

    test('a projected serviceAccountToken volume is a token', () => {
      const f = fixture();
      f.pod.volumes.push({ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } });
      expectOnly(checkPolicy(f.all()), 'policy/token-without-rbac');
    });
  });

  describe('policy/default-sa-token', () => {
    test('the default ServiceAccount never gets a token', () => {
      const f = fixture();
      delete f.pod.serviceAccountName;
      delete f.pod.automountServiceAccountToken;
      expectOnly(checkPolicy(f.all()), 'policy/default-sa-token');
      f.pod.automountServiceAccountToken = false;
      expectClean(checkPolicy(f.all()));
    });
  });

  describe('policy/pdb-missing', () => {
    test('a multi-replica Deployment needs a PodDisruptionBudget', () => {
      const f = fixture();
      f.pdb.spec.selector.matchLabels = { other: 'x' };
      expectOnly(checkPolicy(f.all()), 'policy/pdb-missing');
    });

    test('a single replica needs none, unless an HPA keeps more', () => {
      const f = fixture();
      f.pdb.spec.selector.matchLabels = { other: 'x' };
      f.deployment.spec.replicas = 1;
      expectClean(checkPolicy(f.all()));
      f.extra.push({
        apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: NS },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4 },
      });
      expectOnly(checkPolicy(f.all()), 'policy/pdb-missing');
    });

    test('a PDB in another namespace does not count', () => {
      const f = fixture();
      f.pdb.metadata.namespace = 'other';
      expectOnly(checkPolicy(f.all()), 'policy/pdb-missing');
    });
  });

  describe('policy/namespace-scope', () => {
    test('cluster-scoped objects carry no namespace', () => {
      const f = fixture();
      f.namespace.metadata.namespace = NS;
      expectOnly(checkPolicy(f.all()), 'policy/namespace-scope');
    });

    test('namespaced objects carry one', () => {
      const f = fixture();
      delete f.configMap.metadata.namespace;
      expectOnly(checkPolicy(f.all()), 'policy/namespace-scope');
    });

    test('a CRD with scope Cluster makes its kind cluster-scoped', () => {
      const crd: Manifest = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
        spec: { scope: 'Cluster', names: { kind: 'Widget' } } };
      expectClean(checkPolicy([crd, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]));
      expectOnly(checkPolicy([crd, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'x' } }]), 'policy/namespace-scope');
    });
  });

  describe('policy/subject-namespace', () => {
    test('ServiceAccount subjects name their namespace', () => {
      const f = fixture();
      f.extra.push(role([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]), roleBinding());
      expectClean(checkPolicy(f.all()));
      f.extra[1] = roleBinding([{ kind: 'ServiceAccount', name: 'web' }]);
      expectOnly(checkPolicy(f.all()), 'policy/subject-namespace');
    });
  });
});
