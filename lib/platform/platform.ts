import { App, Chart } from 'cdk8s';
import { ComputeResources } from '../core/resources';
import { ZookeeperEnsemble } from '../zookeeper/zookeeper-ensemble';
import { NamespacesChart, NamespaceSpec } from './namespaces';
import { PlatformProfile, PROFILES } from './profile';

/** Namespaces of the platform and the Pod Security level each needs. */
export const PLATFORM_NAMESPACES = {
  streaming: { name: 'streaming', podSecurity: 'restricted' },
  monitoring: { name: 'monitoring', podSecurity: 'restricted' },
} satisfies Record<string, NamespaceSpec>;

/** Options of {@link buildPlatform}. */
export interface PlatformOptions {
  /** @default PROFILES.production */
  readonly profile?: PlatformProfile;
  /** Cluster DNS domain. @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/** The charts of the platform, in apply order. */
export interface PlatformCharts {
  readonly namespaces: NamespacesChart;
  readonly streaming: Chart;
  readonly zookeeper: ZookeeperEnsemble;
}

const DEV_ZOOKEEPER_RESOURCES: ComputeResources = { requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '500m', memory: '512Mi' } };

/**
 * Composes the whole platform into `app`: one chart per concern with lowercase ids, each depending
 * on the previous one, so cdk8s prefixes the files (`0000-namespaces.k8s.yaml`, ...) and
 * `kubectl apply -f dist/` creates the namespaces before anything that lives in them.
 */
export function buildPlatform(app: App, options: PlatformOptions = {}): PlatformCharts {
  const profile = options.profile ?? PROFILES.production;
  const namespaces = new NamespacesChart(app, 'namespaces', { namespaces: Object.values(PLATFORM_NAMESPACES) });

  const streaming = new Chart(app, 'streaming', { namespace: PLATFORM_NAMESPACES.streaming.name });
  streaming.addDependency(namespaces);
  const zookeeper = new ZookeeperEnsemble(streaming, 'zookeeper', {
    name: 'zk',
    replicas: profile.quorumReplicas,
    antiAffinity: profile.antiAffinity,
    clusterDomain: options.clusterDomain,
    partOf: 'streaming',
    monitoringNamespace: PLATFORM_NAMESPACES.monitoring.name,
    ...(profile.smallResources ? { resources: DEV_ZOOKEEPER_RESOURCES, storage: { size: '1Gi' } } : {}),
  });

  return { namespaces, streaming, zookeeper };
}
