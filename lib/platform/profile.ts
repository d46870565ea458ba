import { AntiAffinityMode } from '../core/scheduling';
import { ComputeResources } from '../core/resources';
import { check } from '../core/validation';
import type { EfkStackProps } from '../logging/efk-stack';
import { KafkaClusterProps } from '../kafka/kafka-cluster';
import type { MetricsServerProps } from '../observability/metrics-server';
import type { ObservabilityStackProps } from '../observability/observability-stack';
import { WebAppProps } from '../webapp/web-app';
import { ZookeeperEnsembleProps } from '../zookeeper/zookeeper-ensemble';

/**
 * `production` (default): 3-server quorums, persistent volumes, hard anti-affinity, production-sized
 * resources. `dev`: one replica of everything, small resources, soft anti-affinity, for a laptop
 * cluster (kind, minikube); still valid under every check.
 */
export type PlatformProfileName = 'production' | 'dev';

/** The knobs a profile turns; constructs get them as ordinary props. */
export interface PlatformProfile {
  readonly name: PlatformProfileName;
  /** Size of every quorum (ZooKeeper ensemble, Kafka brokers/controllers, Elasticsearch masters). */
  readonly quorumReplicas: number;
  /** Replicas of stateless services. */
  readonly statelessReplicas: number;
  readonly antiAffinity: AntiAffinityMode;
  /** Scales the constructs' default resources down for dev. */
  readonly smallResources: boolean;
}

export const PROFILES: Record<PlatformProfileName, PlatformProfile> = {
  production: { name: 'production', quorumReplicas: 3, statelessReplicas: 2, antiAffinity: 'required', smallResources: false },
  dev: { name: 'dev', quorumReplicas: 1, statelessReplicas: 1, antiAffinity: 'preferred', smallResources: true },
};

/** Environment variable that selects the profile of `main.ts`: `PLATFORM_PROFILE=dev npm run synth`. */
export const PROFILE_ENV = 'PLATFORM_PROFILE';

/** The profile named by `value` (default production); throws on anything else. */
export function resolveProfile(value: string | undefined): PlatformProfile {
  const name = value === undefined || value === '' ? 'production' : value;
  if (name !== 'production' && name !== 'dev') {
    throw new Error(`${PROFILE_ENV}: invalid profile ${JSON.stringify(value)}: must be "production" or "dev"`);
  }
  return PROFILES[name];
}

// The profile becomes plain component props here, and only here: constructs below lib/platform
// take props (replicas, resources, storage, anti-affinity, ...) and never a profile name. Each
// section below translates a profile into one layer's props; `PlatformCluster` passes them on.

// ---------------------------------------------------------------------------------------------
// Streaming (ZooKeeper, Kafka) and the web app
// ---------------------------------------------------------------------------------------------

/** Per-server ZooKeeper resources of a profile with `smallResources` (heap: half the 512Mi limit). */
export const DEV_ZOOKEEPER_RESOURCES: ComputeResources = { requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '500m', memory: '512Mi' } };
/** Per-broker Kafka resources of a profile with `smallResources`. */
export const DEV_KAFKA_RESOURCES: ComputeResources = { requests: { cpu: '100m', memory: '768Mi' }, limits: { cpu: '1', memory: '768Mi' } };
/** Volume size of every ZooKeeper server and Kafka broker with `smallResources`. */
const DEV_STREAMING_STORAGE = '1Gi';

/** The ZooKeeper props a profile sets: the quorum size, anti-affinity and (dev) small resources and volumes. */
export function zookeeperProfileProps(profile: PlatformProfile): Pick<ZookeeperEnsembleProps, 'replicas' | 'antiAffinity' | 'resources' | 'storage'> {
  return {
    replicas: profile.quorumReplicas,
    antiAffinity: profile.antiAffinity,
    ...(profile.smallResources ? { resources: DEV_ZOOKEEPER_RESOURCES, storage: { size: DEV_STREAMING_STORAGE } } : {}),
  };
}

/** The Kafka props a profile sets: the broker count, anti-affinity and (dev) small resources and volumes. */
export function kafkaProfileProps(profile: PlatformProfile): Pick<KafkaClusterProps, 'replicas' | 'antiAffinity' | 'resources' | 'storage'> {
  return {
    replicas: profile.quorumReplicas,
    antiAffinity: profile.antiAffinity,
    ...(profile.smallResources ? { resources: DEV_KAFKA_RESOURCES, storage: { size: DEV_STREAMING_STORAGE } } : {}),
  };
}

/** The WebApp props a profile sets: the replicas of a stateless service. */
export function webAppProfileProps(profile: PlatformProfile): Pick<WebAppProps, 'replicas'> {
  return { replicas: profile.statelessReplicas };
}

// (end of streaming section)

// ---------------------------------------------------------------------------------------------
// Logging (Elasticsearch, Fluentd, Kibana, log retention)
// ---------------------------------------------------------------------------------------------

/** What the platform may set on the EFK stack (everything but where the agents go). */
export type EfkOptions = Partial<Omit<EfkStackProps, 'agentScope'>>;

/**
 * The EFK props of `profile`, with `overrides` (the user's `efk` options) layered on top; the
 * `storage` and `elasticsearch` objects are merged key by key, so a user's `storage.emptyDir`
 * keeps the profile's size. The constructs' defaults are the production values; dev asks for one
 * Elasticsearch node (the profile's quorum size) with small resources and soft anti-affinity, a
 * 10Gi volume and one day of logs. The production profile refuses `storage.emptyDir` (the
 * construct takes it as an explicit opt-in).
 */
export function efkProfileProps(profile: PlatformProfile, overrides: EfkOptions = {}): EfkOptions {
  const dev = profile.smallResources;
  const base: EfkOptions = {
    replicas: profile.quorumReplicas,
    ...(dev ? { retentionDays: 1 } : {}),
  };
  const storage = { ...(dev ? { size: '10Gi' } : {}), ...overrides.storage };
  const elasticsearch = {
    antiAffinity: profile.antiAffinity,
    ...(dev ? { resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } } } : {}),
    ...overrides.elasticsearch,
  };
  check(!(profile.name === 'production' && storage.emptyDir === true), 'buildPlatform', 'efk.storage.emptyDir', storage.emptyDir,
    'the production profile needs persistent volumes (an emptyDir loses every index when a pod moves); use profile "dev" for experiments');
  return { ...base, ...overrides, storage, elasticsearch };
}

// (end of logging section)

// ---------------------------------------------------------------------------------------------
// Observability stack (Prometheus Operator, Prometheus, Alertmanager, Grafana, kube-state-metrics,
// metrics-server, Jaeger)
// ---------------------------------------------------------------------------------------------

/**
 * The props a profile gives the observability stack (layered under the user's options by
 * `PlatformCluster`): production keeps every construct's defaults and stores traces in the
 * platform's Elasticsearch; dev runs one replica of each component with small resources, keeps
 * Prometheus data 2 days on 5Gi, and keeps traces in Jaeger's memory.
 */
export interface ObservabilityProfileProps extends Pick<ObservabilityStackProps,
  'operatorProps' | 'prometheusProps' | 'alertmanagerProps' | 'grafanaProps' | 'kubeStateMetricsProps' | 'jaegerProps' | 'tracesInMemory'> {
  /** Sizing of metrics-server (merged under the user's `metricsServer` props). */
  readonly metricsServer: Pick<MetricsServerProps, 'replicas' | 'resources'>;
}

/** The observability stack's props of `profile` (see {@link ObservabilityProfileProps}). */
export function observabilityProfileProps(profile: PlatformProfile): ObservabilityProfileProps {
  if (!profile.smallResources) return { metricsServer: {} };
  const single = { replicas: 1, antiAffinity: 'none' } as const;
  return {
    operatorProps: {
      resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      configReloaderResources: { requests: { cpu: '5m', memory: '24Mi' }, limits: { cpu: '50m', memory: '48Mi' } },
    },
    prometheusProps: { ...single, retention: '2d', storage: { size: '5Gi' }, resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } } },
    alertmanagerProps: { ...single, resources: { requests: { cpu: '10m', memory: '48Mi' }, limits: { cpu: '100m', memory: '128Mi' } } },
    grafanaProps: { resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '384Mi' } } },
    kubeStateMetricsProps: { computeResources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } } },
    metricsServer: { replicas: 1, resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '200Mi' } } },
    jaegerProps: { resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } } },
    tracesInMemory: true,
  };
}

// (end of observability section)
