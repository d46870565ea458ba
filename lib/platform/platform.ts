import { App, Chart } from 'cdk8s';
import type { Flow, PodRef } from '../checks/network-flows';
import { ComputeResources } from '../core/resources';
import { NodeExporter } from '../node-exporter/node-exporter';
import { demoWebAppProps } from '../webapp/demo';
import { WebApp } from '../webapp/web-app';
import { ZookeeperEnsemble } from '../zookeeper/zookeeper-ensemble';
import { NamespacesChart, NamespaceSpec } from './namespaces';
import { PlatformProfile, PROFILES } from './profile';

/** Namespaces of the platform and the Pod Security level each needs. */
export const PLATFORM_NAMESPACES = {
  streaming: { name: 'streaming', podSecurity: 'restricted' },
  metrics: {
    name: 'metrics',
    podSecurity: 'privileged',
    reason: 'node-exporter reads the node itself: host network and PID namespaces and read-only host filesystems',
  },
  apps: { name: 'apps', podSecurity: 'restricted' },
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
  readonly metrics: Chart;
  readonly nodeExporter: NodeExporter;
  readonly apps: Chart;
  readonly webApp: WebApp;
  /** The connections the platform's NetworkPolicies must allow; the tests prove each one. */
  readonly flows: Flow[];
}

/** Prometheus as the Prometheus Operator labels it, in the monitoring namespace. */
export const PROMETHEUS_POD: PodRef = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };

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

  const metrics = new Chart(app, 'metrics', { namespace: PLATFORM_NAMESPACES.metrics.name });
  metrics.addDependency(streaming);
  const nodeExporter = new NodeExporter(metrics, 'node-exporter', { partOf: 'metrics' });

  const apps = new Chart(app, 'apps', { namespace: PLATFORM_NAMESPACES.apps.name });
  apps.addDependency(metrics);
  const webApp = new WebApp(apps, 'podinfo', demoWebAppProps({
    replicas: profile.statelessReplicas,
    monitoringNamespace: PLATFORM_NAMESPACES.monitoring.name,
  }));

  const flows: Flow[] = [
    { name: 'zookeeper peers (quorum)', from: pods(zookeeper), to: pods(zookeeper), port: 2888 },
    { name: 'zookeeper peers (leader election)', from: pods(zookeeper), to: pods(zookeeper), port: 3888 },
    { name: 'monitoring -> zookeeper metrics', from: PROMETHEUS_POD, to: pods(zookeeper), port: 7000 },
    { name: 'monitoring -> podinfo metrics', from: PROMETHEUS_POD, to: pods(webApp), port: 9797 },
  ];

  return { namespaces, streaming, zookeeper, metrics, nodeExporter, apps, webApp, flows };
}

function pods(workload: { namespace: string; selectorLabels: Record<string, string> }): PodRef {
  return { namespace: workload.namespace, labels: workload.selectorLabels };
}
