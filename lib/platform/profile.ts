import { AntiAffinityMode } from '../core/scheduling';
import type { MetricsServerProps } from '../observability/metrics-server';
import type { ObservabilityStackProps } from '../observability/observability-stack';

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

// (end of streaming section)

// ---------------------------------------------------------------------------------------------
// Logging (Elasticsearch, Fluentd, Kibana, log retention)
// ---------------------------------------------------------------------------------------------

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
