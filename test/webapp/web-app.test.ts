import { Chart, Testing } from 'cdk8s';
import { demoWebAppProps, PODINFO_IMAGE, WebApp, WebAppProps } from '../../lib/webapp';

type Manifest = Record<string, any>;

const BASE: WebAppProps = { name: 'shop', image: 'registry.example.com/shop:1.4.2' };

function synth(props: Partial<WebAppProps> = {}, namespace = 'apps'): { app: WebApp; manifests: Manifest[] } {
  const chart = new Chart(Testing.app(), 'apps', { namespace });
  const app = new WebApp(chart, 'web', { ...BASE, ...props });
  return { app, manifests: Testing.synth(chart) };
}

function find(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (!found) throw new Error(`no ${kind}${name ? `/${name}` : ''} in ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
}

const kindsOf = (ms: Manifest[]) => ms.map((m) => `${m.kind}/${m.metadata.name}`).sort();
const deploymentOf = (props: Partial<WebAppProps> = {}) => find(synth(props).manifests, 'Deployment');
const podSpecOf = (props: Partial<WebAppProps> = {}) => deploymentOf(props).spec.template.spec;

const READ_CONFIGMAPS = { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] };

describe('WebApp', () => {
  test('snapshot: defaults', () => {
    expect(synth().manifests).toMatchSnapshot();
  });

  test('snapshot: demo podinfo', () => {
    expect(synth(demoWebAppProps()).manifests).toMatchSnapshot();
  });

  test('snapshot: NodePort, API access, HPA, metrics', () => {
    expect(synth({
      serviceType: 'NodePort', nodePort: 30080, metricsPort: 9090, changeCause: 'release 1.4.2',
      apiAccess: { rules: [READ_CONFIGMAPS], clusterRules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }] },
      autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 60 },
    }).manifests).toMatchSnapshot();
  });

  test('default objects: Deployment, Service, ServiceAccount, PDB, NetworkPolicy, all named after the app', () => {
    expect(kindsOf(synth().manifests)).toEqual([
      'Deployment/shop', 'NetworkPolicy/shop', 'PodDisruptionBudget/shop-pdb', 'Service/shop', 'ServiceAccount/shop',
    ]);
  });

  test('origin rollout: RollingUpdate maxSurge 1, maxUnavailable 1, minReadySeconds 10; history and deadline', () => {
    const d = deploymentOf();
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } });
    expect(d.spec).toMatchObject({ replicas: 2, minReadySeconds: 10, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
  });

  test('rollout props come out, percentages as strings', () => {
    const d = deploymentOf({ replicas: 4, revisionHistoryLimit: 5, rollout: { maxSurge: '25%', maxUnavailable: 0, minReadySeconds: 0, progressDeadlineSeconds: 120 } });
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: 0 });
    expect(d.spec).toMatchObject({ replicas: 4, minReadySeconds: 0, revisionHistoryLimit: 5, progressDeadlineSeconds: 120 });
  });

  test('change cause is an annotation on the Deployment (copied to its ReplicaSets)', () => {
    expect(deploymentOf({ changeCause: 'image 1.4.2' }).metadata.annotations['kubernetes.io/change-cause']).toBe('image 1.4.2');
    expect(deploymentOf().metadata.annotations).not.toHaveProperty('kubernetes.io/change-cause');
  });

  test('version label on metadata and pods, never in a selector', () => {
    const { manifests, app } = synth();
    const d = find(manifests, 'Deployment');
    const selector = { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/instance': 'shop', 'app.kubernetes.io/component': 'web' };
    expect(app.selectorLabels).toEqual(selector);
    expect(d.spec.selector).toEqual({ matchLabels: selector });
    expect(find(manifests, 'Service').spec.selector).toEqual(selector);
    expect(find(manifests, 'PodDisruptionBudget').spec.selector).toEqual({ matchLabels: selector });
    expect(find(manifests, 'NetworkPolicy').spec.podSelector).toEqual({ matchLabels: selector });
    expect(d.metadata.labels['app.kubernetes.io/version']).toBe('1.4.2');
    expect(d.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('1.4.2');
    expect(deploymentOf({ version: '2024.1' }).spec.template.metadata.labels['app.kubernetes.io/version']).toBe('2024.1');
  });

  test('container: pinned image, named port, probes on http, requests and limits', () => {
    const c = podSpecOf({ readinessPath: '/ready', livenessPath: '/alive' }).containers[0];
    expect(c).toMatchObject({ name: 'shop', image: 'registry.example.com/shop:1.4.2', imagePullPolicy: 'IfNotPresent' });
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/alive', port: 'http' });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(podSpecOf().containers[0].livenessProbe.httpGet.path).toBe('/');
  });

  test('restricted baseline: non-root, read-only root with a writable /tmp emptyDir, drop ALL, RuntimeDefault', () => {
    const spec = podSpecOf();
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    const custom = podSpecOf({ writablePaths: ['/tmp', '/var/cache/app'], runAsUser: 1000 });
    expect(custom.volumes.map((v: Manifest) => v.name)).toEqual(['tmp', 'var-cache-app']);
    expect(custom.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000 });
  });

  test('preferred anti-affinity over the selector by default, required on request, optional zone spread', () => {
    const spec = podSpecOf();
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
    expect(spec).not.toHaveProperty('topologySpreadConstraints');
    const strict = podSpecOf({ antiAffinity: 'required', zoneSpread: true });
    expect(strict.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(strict.topologySpreadConstraints[0].topologyKey).toBe('topology.kubernetes.io/zone');
  });

  test('env is sorted and command/args pass through', () => {
    const c = podSpecOf({ env: { B: '2', A: '1' }, command: ['/app'], args: ['--x'] }).containers[0];
    expect(c.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
    expect(c).toMatchObject({ command: ['/app'], args: ['--x'] });
  });

  describe('Service', () => {
    test('ClusterIP by default, port http -> targetPort http', () => {
      const { manifests, app } = synth({ servicePort: 80 });
      expect(find(manifests, 'Service').spec).toMatchObject({ type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] });
      expect(app.url).toBe('shop.apps.svc:80');
    });

    test('NodePort with a fixed node port', () => {
      const svc = find(synth({ serviceType: 'NodePort', nodePort: 30080 }).manifests, 'Service');
      expect(svc.spec).toMatchObject({ type: 'NodePort', ports: [{ name: 'http', port: 8080, targetPort: 'http', nodePort: 30080 }] });
      expect(find(synth({ serviceType: 'NodePort' }).manifests, 'Service').spec.ports[0]).not.toHaveProperty('nodePort');
    });

    test('metrics port on the ClusterIP Service; a separate ClusterIP Service with NodePort', () => {
      const cluster = synth({ metricsPort: 9090, metricsPath: '/stats' });
      expect(find(cluster.manifests, 'Deployment').spec.template.spec.containers[0].ports[1]).toEqual({ name: 'metrics', containerPort: 9090, protocol: 'TCP' });
      expect(find(cluster.manifests, 'Service').spec.ports[1]).toEqual({ name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' });
      expect(cluster.app.metricsEndpoint).toEqual({ component: 'shop', namespace: 'apps', via: 'service', selector: cluster.app.selectorLabels, portName: 'metrics', path: '/stats' });
      expect(cluster.app.metricsService).toBeUndefined();

      const node = synth({ metricsPort: 9090, serviceType: 'NodePort' });
      expect(find(node.manifests, 'Service', 'shop').spec.ports.map((p: Manifest) => p.name)).toEqual(['http']);
      const metrics = find(node.manifests, 'Service', 'shop-metrics');
      expect(metrics.spec).toMatchObject({ type: 'ClusterIP', selector: node.app.selectorLabels, ports: [{ name: 'metrics', port: 9090, targetPort: 'metrics' }] });
      expect(metrics.metadata.labels).toMatchObject(node.app.metricsEndpoint!.selector);
    });

    test('no metrics port, no metrics endpoint', () => {
      expect(synth().app.metricsEndpoint).toBeUndefined();
    });
  });

  describe('ServiceAccount and RBAC', () => {
    test('without apiAccess: a dedicated ServiceAccount, no token, no RBAC', () => {
      const { manifests } = synth();
      const spec = find(manifests, 'Deployment').spec.template.spec;
      expect(spec.serviceAccountName).toBe('shop');
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(find(manifests, 'ServiceAccount').automountServiceAccountToken).toBe(false);
      expect(manifests.filter((m) => m.apiVersion.startsWith('rbac.'))).toEqual([]);
    });

    test('namespaced rules: Role + RoleBinding to the dedicated ServiceAccount, token mounted', () => {
      const { manifests } = synth({ apiAccess: { rules: [READ_CONFIGMAPS, { apiGroups: [''], resources: ['configmaps'], verbs: ['update'], resourceNames: ['shop-state'] }] } });
      expect(find(manifests, 'Deployment').spec.template.spec.automountServiceAccountToken).toBe(true);
      expect(find(manifests, 'Deployment').spec.template.spec.serviceAccountName).toBe('shop');
      expect(find(manifests, 'ServiceAccount').automountServiceAccountToken).toBe(true);
      expect(find(manifests, 'Role', 'shop').rules).toEqual([
        READ_CONFIGMAPS, { apiGroups: [''], resources: ['configmaps'], verbs: ['update'], resourceNames: ['shop-state'] },
      ]);
      expect(find(manifests, 'RoleBinding', 'shop')).toMatchObject({
        metadata: { namespace: 'apps' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'shop' },
        subjects: [{ kind: 'ServiceAccount', name: 'shop', namespace: 'apps' }],
      });
      expect(manifests.some((m) => m.kind === 'ClusterRole')).toBe(false);
    });

    test('cluster rules: ClusterRole + ClusterRoleBinding named <namespace>-<name>, without a namespace', () => {
      const { manifests, app } = synth({ apiAccess: { clusterRules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }] } });
      const role = find(manifests, 'ClusterRole', 'apps-shop');
      const binding = find(manifests, 'ClusterRoleBinding', 'apps-shop');
      expect(role.metadata).not.toHaveProperty('namespace');
      expect(binding.metadata).not.toHaveProperty('namespace');
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'apps-shop' });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'shop', namespace: 'apps' }]);
      expect(app.role).toBeUndefined();
      expect(app.clusterRole).toBeDefined();
    });
  });

  describe('autoscaling and disruption budget', () => {
    test('HPA autoscaling/v2 on CPU targets the Deployment, which leaves replicas to it', () => {
      const { manifests } = synth({ autoscaling: { minReplicas: 2, maxReplicas: 5 } });
      const hpa = find(manifests, 'HorizontalPodAutoscaler', 'shop');
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec).toEqual({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' },
        minReplicas: 2,
        maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      });
      expect(find(manifests, 'Deployment').spec).not.toHaveProperty('replicas');
      expect(find(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    });

    test('PDB only when more than one pod is wanted', () => {
      expect(kindsOf(synth({ replicas: 1 }).manifests)).not.toContain('PodDisruptionBudget/shop-pdb');
      expect(kindsOf(synth({ autoscaling: { minReplicas: 1, maxReplicas: 3 } }).manifests)).not.toContain('PodDisruptionBudget/shop-pdb');
      expect(find(synth({ replicas: 3 }).manifests, 'PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    });
  });

  describe('NetworkPolicy', () => {
    const ingressOf = (props: Partial<WebAppProps>, configure?: (app: WebApp) => void) => {
      const chart = new Chart(Testing.app(), 'apps', { namespace: 'apps' });
      const app = new WebApp(chart, 'web', { ...BASE, ...props });
      configure?.(app);
      return find(Testing.synth(chart), 'NetworkPolicy').spec;
    };

    test('ClusterIP default: the app port from any pod in the cluster; ingress only', () => {
      expect(ingressOf({})).toEqual({
        podSelector: { matchLabels: synth().app.selectorLabels },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080, protocol: 'TCP' }] }],
      });
    });

    test('NodePort default: the app port from any source (external clients arrive via the nodes)', () => {
      expect(ingressOf({ serviceType: 'NodePort' }).ingress).toEqual([{ ports: [{ port: 8080, protocol: 'TCP' }] }]);
    });

    test('declared peers and allowClient, metrics only from the monitoring namespace', () => {
      const spec = ingressOf({ allowFrom: [{ podLabels: { app: 'gateway' }, namespace: 'edge' }], metricsPort: 9090 },
        (app) => app.allowClient({ podLabels: { app: 'worker' } }));
      expect(spec.ingress).toEqual([
        {
          from: [
            { podSelector: { matchLabels: { app: 'gateway' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } } },
            { podSelector: { matchLabels: { app: 'worker' } } },
          ],
          ports: [{ port: 8080, protocol: 'TCP' }],
        },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 9090, protocol: 'TCP' }] },
      ]);
    });

    test('allowFrom [] closes the app port', () => {
      expect(ingressOf({ allowFrom: [] }).ingress).toEqual([]);
    });
  });

  test('demo props: pinned podinfo with real health and metrics endpoints', () => {
    const props = demoWebAppProps();
    expect(props.image).toBe(PODINFO_IMAGE);
    expect(PODINFO_IMAGE).toMatch(/^ghcr\.io\/stefanprodan\/podinfo:6\.\d+\.\d+$/);
    const { manifests, app } = synth(props);
    const c = find(manifests, 'Deployment').spec.template.spec.containers[0];
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.ports).toEqual([{ name: 'http', containerPort: 9898, protocol: 'TCP' }, { name: 'metrics', containerPort: 9797, protocol: 'TCP' }]);
    expect(c.args).toEqual(expect.arrayContaining(['--port=9898', '--port-metrics=9797']));
    expect(app.metricsEndpoint?.portName).toBe('metrics');
    expect(demoWebAppProps({ autoscaling: { minReplicas: 2, maxReplicas: 4 } }).replicas).toBeUndefined();
    expect(demoWebAppProps({ replicas: 1 }).replicas).toBe(1);
  });

  test('upgrade safety: image, replicas, resources and change cause change no name or selector', () => {
    const identity = (ms: Manifest[]) => ms.map((m) => ({ kind: m.kind, name: m.metadata.name, selector: m.spec?.selector, podSelector: m.spec?.podSelector }));
    const before = synth({ replicas: 2 }).manifests;
    const after = synth({
      replicas: 5,
      image: 'registry.example.com/shop:1.5.0',
      resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      changeCause: 'release 1.5.0',
    }).manifests;
    expect(identity(after)).toEqual(identity(before));
    expect(find(after, 'Deployment').spec.template.metadata.labels['app.kubernetes.io/version']).toBe('1.5.0');
  });

  test('two synths are identical', () => {
    expect(JSON.stringify(synth(demoWebAppProps()).manifests)).toBe(JSON.stringify(synth(demoWebAppProps()).manifests));
  });

  const bad: [string, Partial<WebAppProps>, RegExp][] = [
    ['maxSurge 0 with maxUnavailable 0', { rollout: { maxSurge: 0, maxUnavailable: 0 } },
      /apps\/web: invalid rollout.maxUnavailable 0: must not be 0 when rollout.maxSurge is 0 too/],
    ['maxSurge 0% with maxUnavailable 0%', { rollout: { maxSurge: '0%', maxUnavailable: '0%' } }, /invalid rollout.maxUnavailable "0%": must not be 0/],
    ['maxSurge negative', { rollout: { maxSurge: -1 } }, /invalid rollout.maxSurge -1: must be an integer >= 0 or a percentage/],
    ['maxUnavailable bad percent', { rollout: { maxUnavailable: '101%' } }, /invalid rollout.maxUnavailable "101%"/],
    ['minReadySeconds negative', { rollout: { minReadySeconds: -5 } }, /invalid rollout.minReadySeconds -5: must be an integer >= 0/],
    ['progress deadline not above minReadySeconds', { rollout: { minReadySeconds: 60, progressDeadlineSeconds: 60 } },
      /invalid rollout.progressDeadlineSeconds 60: must exceed rollout.minReadySeconds \(60\)/],
    ['replicas 0', { replicas: 0 }, /invalid replicas 0: must be an integer >= 1/],
    ['replicas fractional', { replicas: 1.5 }, /invalid replicas 1.5/],
    ['HPA min > max', { autoscaling: { minReplicas: 5, maxReplicas: 3 } }, /invalid autoscaling.minReplicas 5: must not exceed autoscaling.maxReplicas \(3\)/],
    ['HPA min < 1', { autoscaling: { minReplicas: 0, maxReplicas: 3 } }, /invalid autoscaling.minReplicas 0: must be an integer >= 1/],
    ['HPA target out of range', { autoscaling: { minReplicas: 1, maxReplicas: 3, targetCpuUtilization: 0 } }, /invalid autoscaling.targetCpuUtilization 0: must be an integer from 1 to 100/],
    ['replicas with HPA', { replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 4 } }, /invalid replicas 3: must be unset with autoscaling/],
    ['revisionHistoryLimit negative', { revisionHistoryLimit: -1 }, /invalid revisionHistoryLimit -1/],
    ['bad name', { name: 'My_App' }, /invalid name "My_App": must be a DNS label/],
    ['name too long', { name: 'a'.repeat(53) }, /invalid name "a{53}": must be a DNS label.*at most 52 characters/],
    ['latest image', { image: 'nginx:latest' }, /invalid image "nginx:latest": must name an explicit tag/],
    ['untagged image', { image: 'nginx' }, /invalid image "nginx"/],
    ['bad quantity', { resources: { requests: { cpu: '100m', memory: '128MB' }, limits: { cpu: '500m', memory: '256Mi' } } },
      /invalid resources.requests.memory "128MB": must be a positive Kubernetes quantity/],
    ['negative quantity', { resources: { requests: { cpu: '-1', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } } },
      /invalid resources.requests.cpu "-1"/],
    ['memory request above limit', { resources: { requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '500m', memory: '256Mi' } } },
      /invalid resources.requests.memory "1Gi": must not exceed resources.limits.memory \(256Mi\)/],
    ['port out of range', { port: 0 }, /invalid port 0: must be an integer from 1 to 65535/],
    ['nodePort out of range', { serviceType: 'NodePort', nodePort: 8080 }, /invalid nodePort 8080: must be an integer from 30000 to 32767/],
    ['nodePort without NodePort', { nodePort: 30080 }, /invalid nodePort 30080: needs serviceType "NodePort"/],
    ['unknown service type', { serviceType: 'LoadBalancer' as any }, /invalid serviceType "LoadBalancer": must be "ClusterIP" or "NodePort"/],
    ['metrics port equal to port', { metricsPort: 8080 }, /invalid metricsPort 8080: must differ from port \(8080\)/],
    ['relative probe path', { readinessPath: 'healthz' }, /invalid readinessPath "healthz": must be an absolute HTTP path/],
    ['root uid', { runAsUser: 0 }, /invalid runAsUser 0/],
    ['writable path not absolute', { writablePaths: ['tmp'] }, /invalid writablePaths "tmp": must be an absolute directory path/],
    ['writable path twice', { writablePaths: ['/tmp', '/tmp'] }, /invalid writablePaths "\/tmp": must be unique/],
    ['bad env name', { env: { 'BAD NAME': 'x' } }, /invalid env "BAD NAME"/],
    ['empty change cause', { changeCause: '' }, /invalid changeCause "": must be a non-empty single line/],
    ['empty apiAccess', { apiAccess: {} }, /invalid apiAccess "{}": must hold at least one rule/],
    ['RBAC wildcard verb', { apiAccess: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }] } },
      /invalid apiAccess.rules\[0\].verbs "\*": must not use wildcards/],
    ['RBAC wildcard resource', { apiAccess: { clusterRules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }] } },
      /invalid apiAccess.clusterRules\[0\].resources "\*": must not use wildcards/],
    ['RBAC wildcard group', { apiAccess: { rules: [{ apiGroups: ['*'], resources: ['pods'], verbs: ['get'] }] } }, /invalid apiAccess.rules\[0\].apiGroups "\*"/],
    ['RBAC escalation verb', { apiAccess: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['impersonate'] }] } },
      /invalid apiAccess.rules\[0\].verbs "impersonate": must be one of get, list, watch/],
    ['RBAC empty verbs', { apiAccess: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }] } }, /invalid apiAccess.rules\[0\].verbs "\[\]": must list at least one entry/],
    ['RBAC bad resource', { apiAccess: { rules: [{ apiGroups: [''], resources: ['Pods'], verbs: ['get'] }] } }, /invalid apiAccess.rules\[0\].resources "Pods"/],
    ['bad peer namespace', { allowFrom: [{ podLabels: { app: 'x' }, namespace: 'Edge' }] }, /invalid allowFrom\[0\].namespace "Edge"/],
  ];
  test.each(bad)('rejects %s', (_, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  test('needs a chart namespace', () => {
    expect(() => new WebApp(new Chart(Testing.app(), 'nons'), 'web', BASE)).toThrow(/needs a namespace/);
  });
});

describe('WebApp: valid inputs that used to be rejected or mangled (issue 10 item 7)', () => {
  test.each([['200%'], ['101%'], [5]])('maxSurge %j above 100%% is accepted and rendered as given (only maxUnavailable is capped)', (maxSurge) => {
    const deployment = deploymentOf({ rollout: { maxSurge, maxUnavailable: '100%' } });
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge, maxUnavailable: '100%' });
  });

  test('two different writable paths whose derived names collide both get a deterministic, valid, distinct volume', () => {
    const paths = ['/var/cache/app', '/var/cache-app', '/var_cache/app', '/tmp'];
    const spec = podSpecOf({ writablePaths: paths });
    const mounts: Manifest[] = spec.containers[0].volumeMounts;
    expect(mounts.map((m) => m.mountPath)).toEqual(paths);
    const names = mounts.map((m) => m.name);
    expect(new Set(names).size).toBe(paths.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    // Colliding ones get a hash suffix; a name nothing collides with stays readable.
    expect(names[3]).toBe('tmp');
    for (const name of names.slice(0, 3)) expect(name).toMatch(/^var-cache-app-[0-9a-f]{10}$/);
    expect(spec.volumes.map((v: Manifest) => v.name)).toEqual(names);
    // Deterministic: the same name whatever the order or the other paths.
    const reordered = podSpecOf({ writablePaths: [...paths].reverse() }).containers[0].volumeMounts as Manifest[];
    expect(Object.fromEntries(reordered.map((m) => [m.mountPath, m.name]))).toEqual(Object.fromEntries(mounts.map((m) => [m.mountPath, m.name])));
  });

  test('a long writable path never gives a volume name ending in "-" or longer than 63 characters', () => {
    const long = `/${'a'.repeat(62)}/b`;
    const [volume] = podSpecOf({ writablePaths: [long] }).volumes;
    expect(volume.name).toBe('a'.repeat(62));
    const twins = podSpecOf({ writablePaths: [`${long}1`, `${long}2`] }).volumes.map((v: Manifest) => v.name);
    expect(new Set(twins).size).toBe(2);
    for (const name of twins) expect(name).toMatch(/^a{52}-[0-9a-f]{10}$/);
  });

  test('two WebApps with one name in one namespace fail synth naming both construct paths', () => {
    const chart = new Chart(Testing.app(), 'apps', { namespace: 'apps' });
    new WebApp(chart, 'web', BASE);
    new WebApp(chart, 'web2', BASE);
    expect(() => Testing.synth(chart)).toThrow('duplicate Deployment apps/shop: emitted by apps/web/Resource and apps/web2/Resource');
  });

  test('the same name in two namespaces is fine', () => {
    const app = Testing.app();
    new WebApp(new Chart(app, 'a', { namespace: 'a' }), 'web', BASE);
    new WebApp(new Chart(app, 'b', { namespace: 'b' }), 'web', BASE);
    expect(() => app.synth()).not.toThrow();
  });
});
