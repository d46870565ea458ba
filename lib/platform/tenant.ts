import type { TenantObservability } from '../observability/tenant-observability';
import { Chart } from 'cdk8s';
import { check } from '../core/validation';
import { KafkaCluster, KafkaClusterProps } from '../kafka/kafka-cluster';
import { PlatformMonitoring } from '../monitoring/platform-monitoring';
import { WebApp, WebAppProps } from '../webapp/web-app';
import { ZookeeperEnsemble, ZookeeperEnsembleProps } from '../zookeeper/zookeeper-ensemble';

/** Namespaces a tenant gets: `<tenant>-<suffix>`. Everything else lives in the cluster layer. */
export const TENANT_NAMESPACE_SUFFIXES: readonly string[] = ['streaming', 'apps'];

/**
 * Names a tenant prefixes besides its namespaces: its charts (`<tenant>-streaming`, `<tenant>-apps`)
 * and its monitors in the cluster's monitoring namespace (`<tenant>-zookeeper`, `<tenant>-kafka`,
 * `<tenant>-<web app>`; PrometheusRule `<tenant>-platform-alerts`).
 */
const TENANT_DNS_LABEL_SUFFIXES: readonly string[] = [...TENANT_NAMESPACE_SUFFIXES, 'zookeeper', 'kafka'];

/** Longest tenant name: `<tenant>-streaming` (and the monitor `<tenant>-zookeeper`) must stay a DNS label (63 characters). */
export const MAX_TENANT_LENGTH = 63 - 1 - Math.max(...TENANT_DNS_LABEL_SUFFIXES.map((s) => s.length));

/** Environment variable `main.ts` reads the tenants from: `PLATFORM_TENANTS=team-a,team-b`. */
export const TENANTS_ENV = 'PLATFORM_TENANTS';

/**
 * A tenant name: a DNS label short enough that every name derived from it (`<tenant>-streaming`,
 * the monitor `<tenant>-zookeeper`, ...) stays one, and not `kube` (`kube-*` namespaces are
 * reserved for Kubernetes itself). Throws a PropError naming `scope` and `prop`.
 */
export function checkTenant(tenant: unknown, scope = 'buildPlatform', prop = 'tenants[]'): string {
  check(typeof tenant === 'string' && tenant.length <= MAX_TENANT_LENGTH && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(tenant), scope, prop, tenant,
    `must be a DNS label of at most ${MAX_TENANT_LENGTH} characters (lowercase letters, digits and '-', starting and ending with a letter or digit), so every derived name such as "<tenant>-streaming" stays a DNS label`);
  check(tenant !== 'kube' && !(tenant as string).startsWith('kube-'), scope, prop, tenant, 'must not make namespaces starting with "kube-": that prefix is reserved for Kubernetes system namespaces');
  return tenant as string;
}

/**
 * The tenants named by {@link TENANTS_ENV}: comma-separated, blanks ignored; undefined when unset
 * or blank (then the platform is the single-tenant one). Names are checked by `buildPlatform`.
 */
export function resolveTenants(value: string | undefined): string[] | undefined {
  const names = (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return names.length > 0 ? names : undefined;
}

/** Per-tenant component props, layered over the profile's (and, in `buildPlatform`, over the platform-wide ones). */
export interface TenantOptions {
  readonly zookeeper?: Partial<ZookeeperEnsembleProps>;
  readonly kafka?: Partial<Omit<KafkaClusterProps, 'mode'>>;
  readonly webApp?: Partial<WebAppProps>;
}

/** A tenant of `buildPlatform({ tenants })`: its name and its overrides. */
export interface TenantSpec extends TenantOptions {
  /** Prefix of the tenant's namespaces, charts and monitors (see {@link checkTenant}). */
  readonly name: string;
}

/**
 * The tenant layer: one team's streaming (ZooKeeper + Kafka) and web app, in its own namespaces
 * `<tenant>-streaming` and `<tenant>-apps`, on a cluster shared with other tenants.
 */
export interface PlatformTenant {
  /** The tenant name; undefined for the single-tenant platform (namespaces `streaming`, `apps`). */
  readonly name?: string;
  /** `<tenant>-streaming`: ZooKeeper and Kafka. */
  readonly streaming: Chart;
  readonly zookeeper: ZookeeperEnsemble;
  readonly kafka: KafkaCluster;
  /** `<tenant>-apps`: the web app. */
  readonly apps: Chart;
  readonly webApp: WebApp;
  /**
   * The tenant's monitors and PrometheusRule (`<tenant>-platform-alerts`) in the cluster's
   * monitoring chart; undefined without monitoring, and for the unnamed tenant, whose monitors
   * join the cluster's own rule `platform-alerts`.
   */
  readonly monitoring?: PlatformMonitoring;
  /** What the cluster's observability stack grants the tenant (scrapes, traces), in its apps chart; undefined without monitoring. */
  readonly observability?: TenantObservability;
}
