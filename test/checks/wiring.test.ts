import { checkWiring, EXTERNAL_SECRETS_ANNOTATION, Manifest } from '../../lib/checks';
import { container, expectClean, expectOnly, fixture, NS, SELECTOR } from './fixtures';

const DB = { 'app.kubernetes.io/name': 'db' };

/** A StatefulSet `db` with a `data` claim template and its headless Service `db-hs`. */
function statefulSet(): { sts: Manifest; headless: Manifest } {
  const c = container('db', 5432);
  c.volumeMounts = [{ name: 'data', mountPath: '/data' }];
  return {
    sts: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: NS },
      spec: {
        serviceName: 'db-hs',
        replicas: 1,
        selector: { matchLabels: DB },
        template: { metadata: { labels: DB }, spec: { automountServiceAccountToken: false, containers: [c] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    },
    headless: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'db-hs', namespace: NS },
      spec: { clusterIP: 'None', selector: DB, ports: [{ name: 'http', port: 5432, targetPort: 'http' }] },
    },
  };
}

function binding(kind: 'RoleBinding' | 'ClusterRoleBinding', roleRef: { kind: string; name: string }, subjects: any[] = []): Manifest {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: kind === 'RoleBinding' ? { name: 'b', namespace: NS } : { name: 'b' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects,
  };
}

function monitor(kind: 'ServiceMonitor' | 'PodMonitor', port: string, selector: Record<string, string> = SELECTOR, namespaceSelector?: any): Manifest {
  const endpoints = [{ port, interval: '30s' }];
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind,
    metadata: { name: 'web', namespace: 'monitoring' },
    spec: {
      selector: { matchLabels: selector },
      namespaceSelector: namespaceSelector ?? { matchNames: [NS] },
      ...(kind === 'ServiceMonitor' ? { endpoints } : { podMetricsEndpoints: endpoints }),
    },
  };
}

describe('checkWiring', () => {
  test('the fixture set passes', () => {
    expectClean(checkWiring(fixture().all()));
  });

  describe('wiring/service-selector', () => {
    test('a selector that matches no pod template fails', () => {
      const f = fixture();
      f.service.spec.selector = { ...SELECTOR, 'app.kubernetes.io/version': '2' };
      expectOnly(checkWiring(f.all()), 'wiring/service-selector');
    });

    test('pods in another namespace do not count', () => {
      const f = fixture();
      f.service.metadata.namespace = 'other';
      expectOnly(checkWiring(f.all()), 'wiring/service-selector');
    });

    test('a Service without selector is not checked', () => {
      const f = fixture();
      delete f.service.spec.selector;
      expectClean(checkWiring(f.all()));
    });
  });

  describe('wiring/service-port', () => {
    test.each<[string, (svc: any) => void]>([
      ['an undeclared port name', (s) => { s.spec.ports[0].targetPort = 'metrics'; }],
      ['an undeclared port number', (s) => { s.spec.ports[0].targetPort = 9090; }],
      ['no targetPort (defaults to port 80)', (s) => { delete s.spec.ports[0].targetPort; }],
      ['the wrong protocol', (s) => { s.spec.ports[0].protocol = 'UDP'; }],
    ])('%s fails', (_name, mutate) => {
      const f = fixture();
      mutate(f.service);
      expectOnly(checkWiring(f.all()), 'wiring/service-port');
    });

    test('a declared port number passes', () => {
      const f = fixture();
      f.service.spec.ports[0].targetPort = 8080;
      expectClean(checkWiring(f.all()));
    });
  });

  describe('wiring/pdb-selector', () => {
    test('a PDB that selects nothing fails', () => {
      const f = fixture();
      f.pdb.spec.selector = { matchLabels: { 'app.kubernetes.io/name': 'wbe' } };
      expectOnly(checkWiring(f.all()), 'wiring/pdb-selector');
    });

    test('matchExpressions are evaluated', () => {
      const f = fixture();
      f.pdb.spec.selector = { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['web', 'api'] }] };
      expectClean(checkWiring(f.all()));
      f.pdb.spec.selector.matchExpressions[0].operator = 'NotIn';
      expectOnly(checkWiring(f.all()), 'wiring/pdb-selector');
    });
  });

  describe('wiring/configmap-ref', () => {
    test('a volume naming a missing ConfigMap fails, unless optional', () => {
      const f = fixture();
      f.pod.volumes[0].configMap.name = 'web-conf';
      expectOnly(checkWiring(f.all()), 'wiring/configmap-ref');
      f.pod.volumes[0].configMap.optional = true;
      expectClean(checkWiring(f.all()));
    });

    test('a ConfigMap in another namespace does not count', () => {
      const f = fixture();
      f.configMap.metadata.namespace = 'other';
      expectOnly(checkWiring(f.all()), 'wiring/configmap-ref');
    });

    test('env keys, envFrom and projected sources are checked', () => {
      const f = fixture();
      f.container.env = [{ name: 'CONF', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'default.conf' } } }];
      f.container.envFrom = [{ configMapRef: { name: 'web-config' } }];
      f.pod.volumes.push({ name: 'all', projected: { sources: [{ configMap: { name: 'web-config', items: [{ key: 'default.conf', path: 'a' }] } }] } });
      expectClean(checkWiring(f.all()));
      f.container.env[0].valueFrom.configMapKeyRef.key = 'nginx.conf';
      expectOnly(checkWiring(f.all()), 'wiring/configmap-ref');
      f.container.env = [];
      f.container.envFrom[0].configMapRef.name = 'gone';
      expectOnly(checkWiring(f.all()), 'wiring/configmap-ref');
      f.container.envFrom = [];
      f.pod.volumes[2].projected.sources[0].configMap.name = 'gone';
      expectOnly(checkWiring(f.all()), 'wiring/configmap-ref');
    });
  });

  describe('wiring/secret-ref', () => {
    test('a missing Secret fails unless listed as external', () => {
      const f = fixture();
      f.container.env = [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } }];
      const v = checkWiring(f.all());
      expectOnly(v, 'wiring/secret-ref');
      expect(v[0].message).toBe('container web env PASSWORD refers to Secret db-credentials, which is not in namespace web');
      f.deployment.spec.template.metadata.annotations = { [EXTERNAL_SECRETS_ANNOTATION]: 'tls, db-credentials' };
      expectClean(checkWiring(f.all()));
    });

    test('secret volumes, envFrom, imagePullSecrets; optional refs may be absent', () => {
      const f = fixture();
      f.pod.volumes.push({ name: 'tls', secret: { secretName: 'tls' } });
      expectOnly(checkWiring(f.all()), 'wiring/secret-ref');
      f.pod.volumes[2].secret.optional = true;
      expectClean(checkWiring(f.all()));
      f.pod.imagePullSecrets = [{ name: 'registry' }];
      expectOnly(checkWiring(f.all()), 'wiring/secret-ref');
      f.extra.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'registry', namespace: NS }, type: 'kubernetes.io/dockerconfigjson' });
      expectClean(checkWiring(f.all()));
    });
  });

  describe('wiring/service-account', () => {
    test('a named ServiceAccount must exist', () => {
      const f = fixture();
      f.pod.serviceAccountName = 'webb';
      expectOnly(checkWiring(f.all()), 'wiring/service-account');
    });

    test('an explicit "default" must exist too', () => {
      const f = fixture();
      f.pod.serviceAccountName = 'default';
      expectOnly(checkWiring(f.all()), 'wiring/service-account');
    });

    test('the implicit default is fine without a token, flagged with one', () => {
      const f = fixture();
      delete f.pod.serviceAccountName;
      expectClean(checkWiring(f.all()));
      delete f.pod.automountServiceAccountToken;
      expectOnly(checkWiring(f.all()), 'wiring/service-account');
    });
  });

  describe('wiring/volume-mount', () => {
    test('a mount must name a volume', () => {
      const f = fixture();
      f.container.volumeMounts.push({ name: 'cache', mountPath: '/cache' });
      expectOnly(checkWiring(f.all()), 'wiring/volume-mount');
    });

    test('a StatefulSet claim template counts as a volume', () => {
      const { sts, headless } = statefulSet();
      expectClean(checkWiring([sts, headless]));
      sts.spec.volumeClaimTemplates[0].metadata.name = 'datadir';
      expectOnly(checkWiring([sts, headless]), 'wiring/volume-mount');
    });
  });

  describe('wiring/pvc-ref', () => {
    test('a persistentVolumeClaim volume must name a PVC', () => {
      const f = fixture();
      f.pod.volumes.push({ name: 'data', persistentVolumeClaim: { claimName: 'web-data' } });
      expectOnly(checkWiring(f.all()), 'wiring/pvc-ref');
      f.extra.push({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'web-data', namespace: NS },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
      expectClean(checkWiring(f.all()));
    });

    test('a claim of a StatefulSet claim template is covered', () => {
      const { sts, headless } = statefulSet();
      sts.spec.template.spec.volumes = [{ name: 'backup', persistentVolumeClaim: { claimName: 'data-db-0' } }];
      expectClean(checkWiring([sts, headless]));
      sts.spec.template.spec.volumes[0].persistentVolumeClaim.claimName = 'data-other-0';
      expectOnly(checkWiring([sts, headless]), 'wiring/pvc-ref');
    });
  });

  describe('wiring/statefulset-service', () => {
    test('serviceName must be a headless Service in the namespace', () => {
      const { sts, headless } = statefulSet();
      expectOnly(checkWiring([sts]), 'wiring/statefulset-service');
      delete headless.spec.clusterIP;
      expectOnly(checkWiring([sts, headless]), 'wiring/statefulset-service');
    });
  });

  describe('wiring/role-ref', () => {
    test('a RoleBinding must refer to an existing Role or a built-in ClusterRole', () => {
      const f = fixture();
      f.extra.push(binding('RoleBinding', { kind: 'Role', name: 'reader' }));
      expectOnly(checkWiring(f.all()), 'wiring/role-ref');
      f.extra.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: NS }, rules: [] });
      expectClean(checkWiring(f.all()));
      f.extra = [binding('RoleBinding', { kind: 'ClusterRole', name: 'view' })];
      expectClean(checkWiring(f.all()));
    });

    test('a ClusterRoleBinding cannot refer to a Role', () => {
      const f = fixture();
      f.extra.push(binding('ClusterRoleBinding', { kind: 'Role', name: 'reader' }));
      expectOnly(checkWiring(f.all()), 'wiring/role-ref');
    });
  });

  describe('wiring/binding-subject', () => {
    test('ServiceAccount subjects must exist', () => {
      const f = fixture();
      f.extra.push(binding('RoleBinding', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'web', namespace: NS }]));
      expectClean(checkWiring(f.all()));
      f.extra[0].subjects.push({ kind: 'ServiceAccount', name: 'ghost' });
      expectOnly(checkWiring(f.all()), 'wiring/binding-subject');
    });
  });

  describe('wiring/hpa-target', () => {
    test('scaleTargetRef must exist', () => {
      const f = fixture();
      const hpa: Manifest = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: NS },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4 } };
      f.extra.push(hpa);
      expectClean(checkWiring(f.all()));
      hpa.spec.scaleTargetRef.kind = 'StatefulSet';
      expectOnly(checkWiring(f.all()), 'wiring/hpa-target');
    });
  });

  describe('wiring/service-monitor', () => {
    test('must select a Service that names the endpoint port', () => {
      const f = fixture();
      f.extra.push(monitor('ServiceMonitor', 'http'));
      expectClean(checkWiring(f.all()));
      f.extra = [monitor('ServiceMonitor', 'metrics')];
      expectOnly(checkWiring(f.all()), 'wiring/service-monitor');
      f.extra = [monitor('ServiceMonitor', 'http', { app: 'nothing' })];
      expectOnly(checkWiring(f.all()), 'wiring/service-monitor');
    });

    test('watches its own namespace unless namespaceSelector says otherwise', () => {
      const f = fixture();
      const m = monitor('ServiceMonitor', 'http');
      delete m.spec.namespaceSelector;
      f.extra.push(m);
      expectOnly(checkWiring(f.all()), 'wiring/service-monitor');
      m.spec.namespaceSelector = { any: true };
      expectClean(checkWiring(f.all()));
    });
  });

  describe('wiring/pod-monitor', () => {
    test('must select a pod template that names the container port', () => {
      const f = fixture();
      f.extra.push(monitor('PodMonitor', 'http'));
      expectClean(checkWiring(f.all()));
      f.extra = [monitor('PodMonitor', 'metrics')];
      expectOnly(checkWiring(f.all()), 'wiring/pod-monitor');
      f.extra = [monitor('PodMonitor', 'http', SELECTOR, { matchNames: ['other'] })];
      expectOnly(checkWiring(f.all()), 'wiring/pod-monitor');
    });
  });
});
