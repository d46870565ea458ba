import { Manifest, Violation, formatViolations } from '../../lib/checks';

/**
 * A minimal, valid, Pod Security `restricted` manifest set that passes every check: Namespace `web`,
 * ServiceAccount, ConfigMap, Deployment (2 replicas), Service and PodDisruptionBudget. Each test
 * builds a fresh one and breaks exactly one thing.
 */

export const NS = 'web';
export const SELECTOR = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' };

export interface Fixture {
  namespace: Manifest;
  serviceAccount: Manifest;
  configMap: Manifest;
  deployment: Manifest;
  service: Manifest;
  pdb: Manifest;
  /** Objects added by a test (Roles, bindings, policies, ...), checked together with the rest. */
  extra: Manifest[];
  /** The Deployment's pod spec. */
  readonly pod: any;
  /** The Deployment's first container. */
  readonly container: any;
  /** Every object, in apply order. */
  all(): Manifest[];
}

export function namespaceObject(name: string, level: 'restricted' | 'baseline' | 'privileged' = 'restricted'): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': 'v1.27' } },
  };
}

/** A restricted container with probes, resources and a named port. */
export function container(name = 'web', port = 8080): any {
  return {
    name,
    image: 'nginxinc/nginx-unprivileged:1.27.3',
    ports: [{ name: 'http', containerPort: port }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
    readinessProbe: { httpGet: { path: '/', port: 'http' } },
    livenessProbe: { tcpSocket: { port: 'http' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [{ name: 'config', mountPath: '/etc/nginx/conf.d', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
  };
}

export function fixture(): Fixture {
  const f: Fixture = {
    namespace: namespaceObject(NS),
    serviceAccount: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'web', namespace: NS },
      automountServiceAccountToken: false,
    },
    configMap: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config', namespace: NS },
      data: { 'default.conf': 'server { listen 8080; }' },
    },
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS, labels: { ...SELECTOR } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { ...SELECTOR } },
        template: {
          metadata: { labels: { ...SELECTOR, 'app.kubernetes.io/version': '1.27.3' } },
          spec: {
            serviceAccountName: 'web',
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 101, runAsGroup: 101, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [container()],
            volumes: [
              { name: 'config', configMap: { name: 'web-config' } },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    },
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: NS, labels: { ...SELECTOR } },
      spec: { selector: { ...SELECTOR }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
    pdb: {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: NS },
      spec: { maxUnavailable: 1, selector: { matchLabels: { ...SELECTOR } } },
    },
    extra: [],
    get pod() {
      return f.deployment.spec.template.spec;
    },
    get container() {
      return f.deployment.spec.template.spec.containers[0];
    },
    all() {
      return [f.namespace, f.serviceAccount, f.configMap, f.deployment, f.service, f.pdb, ...f.extra];
    },
  };
  return f;
}

/** The distinct rule ids of `violations`, sorted. */
export function rulesOf(violations: Violation[]): string[] {
  return [...new Set(violations.map((v) => v.rule))].sort();
}

/** Asserts no violations, printing them readably when there are some. */
export function expectClean(violations: Violation[]): void {
  expect(formatViolations(violations)).toBe('');
}

/** Asserts that `violations` hold exactly the rule `rule` (and nothing else). */
export function expectOnly(violations: Violation[], rule: string): void {
  expect(rulesOf(violations)).toEqual([rule]);
}
