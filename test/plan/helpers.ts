import { App } from 'cdk8s';
import { manifestsOf, Manifest } from '../../lib/checks';
import { buildPlatform, PlatformCharts, PlatformOptions } from '../../lib/platform/platform';
import { Plan } from '../../lib/plan';
import { stableName } from '../support/manifests';

/** Hand-built manifests for the plan's unit tests: small, valid, one thing changed at a time. */

export const LABELS = { 'app.kubernetes.io/name': 'db' };

/** Deep copy with `edit` applied: the "next" side of a manifest pair. */
export function edited<T>(m: T, edit: (copy: any) => void): T {
  const copy = JSON.parse(JSON.stringify(m));
  edit(copy);
  return copy;
}

export interface StatefulSetOptions {
  name?: string;
  namespace?: string;
  replicas?: number;
  partition?: number;
  onDelete?: boolean;
  storage?: string;
  image?: string;
  configMap?: string;
  annotations?: Record<string, string>;
}

export function statefulSet(o: StatefulSetOptions = {}): Manifest {
  const name = o.name ?? 'db';
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: o.namespace ?? 'data', labels: LABELS, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      replicas: o.replicas ?? 3,
      serviceName: `${name}-hs`,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: LABELS },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      updateStrategy: o.onDelete ? { type: 'OnDelete' } : { type: 'RollingUpdate', rollingUpdate: { partition: o.partition ?? 0 } },
      template: {
        metadata: { labels: LABELS },
        spec: {
          containers: [{ name: 'db', image: o.image ?? 'db:1.0', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
          volumes: [{ name: 'config', configMap: { name: o.configMap ?? 'db-config' } }],
        },
      },
      volumeClaimTemplates: [{
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.storage ?? '10Gi' } } },
      }],
    },
  };
}

export function deployment(o: { name?: string; replicas?: number; image?: string; configMap?: string; strategy?: any } = {}): Manifest {
  const name = o.name ?? 'web';
  const labels = { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'apps' },
    spec: {
      replicas: o.replicas ?? 2,
      selector: { matchLabels: labels },
      ...(o.strategy ? { strategy: o.strategy } : {}),
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name, image: o.image ?? 'web:1.0' }],
          ...(o.configMap ? { volumes: [{ name: 'config', configMap: { name: o.configMap } }] } : {}),
        },
      },
    },
  };
}

export function daemonSet(o: { image?: string; updateStrategy?: any } = {}): Manifest {
  const labels = { 'app.kubernetes.io/name': 'agent' };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'agents' },
    spec: {
      selector: { matchLabels: labels },
      ...(o.updateStrategy ? { updateStrategy: o.updateStrategy } : {}),
      template: { metadata: { labels }, spec: { containers: [{ name: 'agent', image: o.image ?? 'agent:1.0' }] } },
    },
  };
}

export function configMap(name: string, data: Record<string, string>, o: { namespace?: string; contentAddressed?: boolean; immutable?: boolean } = {}): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: o.namespace ?? 'data',
      ...(o.contentAddressed ? { labels: { 'platform.cdk8s.io/content-addressed': 'true', 'platform.cdk8s.io/config-base': name.replace(/-[0-9a-f]{10}$/, '') } } : {}),
    },
    ...(o.immutable || o.contentAddressed ? { immutable: true } : {}),
    data,
  };
}

/** `rule resource` of each issue, for exact assertions. */
export function rulesOf(issues: Array<{ rule: string; resource: string }>): string[] {
  return issues.map((i) => `${i.rule} ${i.resource}`);
}

/** The plan in a compact form tests can compare exactly: ids by change (content-addressed ConfigMaps by stable name). */
export interface PlanShape {
  created: string[];
  changed: string[];
  deleted: string[];
  errors: string[];
  warnings: string[];
  rollouts: string[];
}

/** Every resolved object of `buildPlatform(app, options)` (plus what `extend` adds to the app). */
export function platform(options: PlatformOptions = {}, extend?: (app: App, charts: PlatformCharts) => void): Manifest[] {
  const app = new App({ recordConstructMetadata: false });
  const charts = buildPlatform(app, options);
  extend?.(app, charts);
  return manifestsOf(app);
}

/** Plan ids with content-addressed ConfigMaps shown by their stable name (`ConfigMap streaming/kafka-config-<hash>`). */
export function shapeOf(plan: Plan, baseline: Manifest[], next: Manifest[]): PlanShape {
  const all = [...baseline, ...next];
  const stable = (id: string) => {
    const o = all.find((m) => m.kind === 'ConfigMap' && id === `ConfigMap ${m.metadata.namespace ?? 'default'}/${m.metadata.name}`);
    return o ? `ConfigMap ${o.metadata.namespace}/${stableName(o)}` : id;
  };
  const ids = (change: string) => plan.objects.filter((o) => o.change === change).map((o) => stable(o.id)).sort();
  return {
    created: ids('created'),
    changed: ids('changed'),
    deleted: ids('deleted'),
    errors: rulesOf(plan.errors).sort(),
    warnings: rulesOf(plan.warnings).sort(),
    rollouts: plan.rollouts.map((r) => r.workload).sort(),
  };
}
