import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { NamespaceSpec, PodSecurityLevel } from '../core/pod-security';
import { parseQuantity } from '../core/quantity';
import { FlowComposite } from '../core/flow-parts';
import { DeclaredFlow, IDeclaresFlows } from '../core/flows';
import { check } from '../core/validation';
import { checkElasticVersion, ELASTIC_STACK_VERSION } from './elastic-stack';
import { Elasticsearch, ElasticsearchProps, ElasticsearchStorage } from './elasticsearch';
import { Fluentd, FluentdProps } from './fluentd';
import { Kibana, KibanaProps } from './kibana';
import { LogRetention, LogRetentionProps } from './log-retention';

/** Security of the whole stack; every name is an existing Secret (never a value in a manifest). */
export interface EfkSecurity {
  /** TLS and authentication on Elasticsearch, Kibana and Fluentd. @default false */
  readonly enabled: boolean;
  /** Logging namespace: key `password`, the `elastic` user's bootstrap password. */
  readonly elasticPasswordSecret?: string;
  /** Logging namespace: `kubernetes.io/tls` Secret (`tls.crt`, `tls.key`, `ca.crt`) of Elasticsearch. */
  readonly tlsSecret?: string;
  /** Logging namespace: `username`/`password` of a user with the `monitor` privilege, for the exporter. @default - the elastic user */
  readonly exporterCredentialsSecret?: string;
  /** Logging namespace: `username`/`password` of the `kibana_system` user. */
  readonly kibanaCredentialsSecret?: string;
  /** Agents namespace: `username`/`password` of a user that may write the log indices. */
  readonly fluentdCredentialsSecret?: string;
  /** Agents namespace: key `ca.crt`, the CA of the Elasticsearch certificate. */
  readonly fluentdCaSecret?: string;
  /**
   * Logging namespace: `username`/`password` of a user that may manage ILM policies, index
   * templates and the log indices' settings, for the retention installer. @default - the elastic user
   */
  readonly retentionCredentialsSecret?: string;
}

/** Props of {@link EfkStack}. */
export interface EfkStackProps {
  /**
   * Where the Fluentd DaemonSet goes: a construct inside the chart of the node-agent namespace
   * (Pod Security `privileged`), usually that chart itself. Elasticsearch and Kibana go under the
   * EfkStack, in its chart's namespace (Pod Security `restricted`).
   */
  readonly agentScope: Construct;
  /** Elastic Stack 8.x release of Elasticsearch and Kibana, kept in lockstep. @default ELASTIC_STACK_VERSION */
  readonly version?: string;
  /** Elasticsearch nodes (odd). @default 3 */
  readonly replicas?: number;
  /** Elasticsearch storage. @default retained PVCs of 30Gi */
  readonly storage?: ElasticsearchStorage;
  /** @default { enabled: false }: a strict NetworkPolicy is then the only guard */
  readonly security?: EfkSecurity;
  /** Cluster DNS domain. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** Namespace of Prometheus, admitted to the metrics ports. @default 'monitoring' */
  readonly monitoringNamespace?: string;
  /**
   * Days a daily log index is kept before Elasticsearch deletes it (see {@link LogRetention}).
   * @default 7
   */
  readonly retentionDays?: number;
  /**
   * Estimate of the logs one day writes (e.g. `'3Gi'`): sizes the primary shards and warns at synth
   * time when the retained days with their replicas would pass the 85% disk watermark of the
   * Elasticsearch volumes. @default - no estimate: 1 primary shard, no check
   */
  readonly dailyVolume?: string;
  /** Further retention props (schedule, shards, replicas, ...). */
  readonly retention?: Omit<LogRetentionProps, 'elasticsearch' | 'indexPrefix' | 'retentionDays' | 'dailyVolume' | 'nodeStorageBytes' | 'credentialsSecret' | 'elasticPasswordSecret'>;
  /** Further Elasticsearch props (name, resources, anti-affinity, sysctl init container, ...). */
  readonly elasticsearch?: Omit<ElasticsearchProps, 'version' | 'replicas' | 'storage' | 'security' | 'clusterDomain' | 'monitoringNamespace'>;
  /** Further Fluentd props (name, resources, buffer, ...). */
  readonly fluentd?: Omit<FluentdProps, 'elasticsearch' | 'credentialsSecret' | 'caSecret' | 'monitoringNamespace'>;
  /** Further Kibana props (name, replicas, base path, ...); a `version` other than the stack's is rejected. */
  readonly kibana?: Omit<KibanaProps, 'elasticsearch' | 'credentialsSecret' | 'caSecret'>;
}

/** {@link EfkStackProps} after validation and defaults: what the render methods read. */
interface ResolvedEfkStack {
  readonly version: string;
  readonly agentScope: Construct;
  readonly security: EfkSecurity;
}

/**
 * Cluster-level logging (SPEC §5): Elasticsearch, Kibana and a Fluentd agent on every node, from
 * one props object with one version in lockstep. The stack spans two namespaces, so two charts:
 *
 * ```ts
 * const logging = new Chart(app, 'logging', { namespace: 'logging' });           // restricted
 * const agents = new Chart(app, 'logging-agents', { namespace: 'logging-agents' }); // privileged
 * const efk = new EfkStack(logging, 'efk', { agentScope: agents });
 * for (const ns of efk.namespaceSpecs) namespacesChart.addNamespace(ns);
 * ```
 *
 * Each part stays reachable for customization (`efk.elasticsearch`, `efk.fluentd`, `efk.kibana`);
 * Fluentd and Kibana admit themselves to Elasticsearch's NetworkPolicy. The stack declares the
 * flows of its parts ({@link FlowComposite}), so `network.addFlowsOf(efk)` opens their egress.
 * Its defaults are a production stack; the platform's profiles pass their own values as props.
 */
export class EfkStack extends FlowComposite {
  public readonly version: string;
  public readonly elasticsearch: Elasticsearch;
  public readonly fluentd: Fluentd;
  public readonly kibana: Kibana;
  /** The ILM policy and index template of the log indices, and the CronJob that installs them. */
  public readonly retention: LogRetention;
  /**
   * The namespaces the stack needs with their Pod Security level and reason, ready for
   * `NamespacesChart.addNamespace`: the logging namespace (`restricted`, or `privileged` with the
   * sysctl init container) and the agents namespace (`privileged`).
   */
  public readonly namespaceSpecs: NamespaceSpec[];

  constructor(scope: Construct, id: string, props: EfkStackProps) {
    super(scope, id);
    const r = this.resolve(props);
    this.version = r.version;
    this.elasticsearch = this.createElasticsearch(props, r);
    this.kibana = this.createKibana(props, r);
    this.fluentd = this.createFluentd(id, props, r);
    this.retention = this.createRetention(props, r);
    this.namespaceSpecs = mergeNamespaceSpecs([
      { name: this.elasticsearch.namespace, podSecurity: this.elasticsearch.podSecurityLevel, reason: this.elasticsearch.podSecurityReason },
      { name: this.fluentd.namespace, podSecurity: this.fluentd.podSecurityLevel, reason: this.fluentd.podSecurityReason },
    ]);
  }

  /**
   * The connections the NetworkPolicies must allow (Fluentd, Kibana and the retention installer to
   * 9200, node to node on 9300, Prometheus to both metrics ports): {@link declaredFlows}.
   */
  public get flows(): DeclaredFlow[] {
    return this.declaredFlows();
  }

  /** Elasticsearch, Kibana and Fluentd (the retention installer's flow is Elasticsearch's client flow). */
  protected parts(): IDeclaresFlows[] {
    return [this.elasticsearch, this.kibana, this.fluentd];
  }

  private resolve(props: EfkStackProps): ResolvedEfkStack {
    const version = checkElasticVersion(this, 'version', props.version ?? ELASTIC_STACK_VERSION);
    const agentsChart = Chart.of(props.agentScope);
    check(!!agentsChart.namespace, this, 'agentScope', props.agentScope.node.path,
      'must be inside a chart with a namespace (the privileged node-agent namespace)');
    return { version, agentScope: props.agentScope, security: props.security ?? { enabled: false } };
  }

  private createElasticsearch(props: EfkStackProps, r: ResolvedEfkStack): Elasticsearch {
    const { security } = r;
    return new Elasticsearch(this, 'Elasticsearch', {
      ...props.elasticsearch,
      version: r.version,
      replicas: props.replicas,
      storage: props.storage,
      clusterDomain: props.clusterDomain,
      monitoringNamespace: props.monitoringNamespace,
      security: {
        enabled: security.enabled,
        elasticPasswordSecret: security.elasticPasswordSecret,
        tlsSecret: security.tlsSecret,
        exporterCredentialsSecret: security.exporterCredentialsSecret,
      },
    });
  }

  private createKibana(props: EfkStackProps, r: ResolvedEfkStack): Kibana {
    return new Kibana(this, 'Kibana', {
      ...props.kibana,
      elasticsearch: this.elasticsearch,
      credentialsSecret: r.security.kibanaCredentialsSecret,
    });
  }

  /** Created in the agents chart: its objects get that chart's (privileged) namespace. */
  private createFluentd(id: string, props: EfkStackProps, r: ResolvedEfkStack): Fluentd {
    return new Fluentd(r.agentScope, `${id}-fluentd`, {
      ...props.fluentd,
      elasticsearch: this.elasticsearch,
      monitoringNamespace: props.monitoringNamespace,
      credentialsSecret: r.security.fluentdCredentialsSecret,
      caSecret: r.security.fluentdCaSecret,
    });
  }

  private createRetention(props: EfkStackProps, r: ResolvedEfkStack): LogRetention {
    const { security } = r;
    return new LogRetention(this, 'Retention', {
      ...props.retention,
      elasticsearch: this.elasticsearch,
      indexPrefix: this.fluentd.logstashPrefix,
      retentionDays: props.retentionDays,
      dailyVolume: props.dailyVolume,
      nodeStorageBytes: dataVolumeBytes(this.elasticsearch),
      credentialsSecret: security.retentionCredentialsSecret,
      elasticPasswordSecret: security.retentionCredentialsSecret ? undefined : security.elasticPasswordSecret,
    });
  }
}

/**
 * Size of each Elasticsearch node's data volume, read from the synthesized StatefulSet (the PVC
 * template's request, or the emptyDir's size limit), for the retention size check.
 */
function dataVolumeBytes(es: Elasticsearch): number | undefined {
  const spec = es.statefulSet.toJson().spec;
  const claim = (spec.volumeClaimTemplates ?? [])[0]?.spec?.resources?.requests?.storage;
  const emptyDir = (spec.template.spec.volumes ?? []).find((v: any) => v.name === 'data')?.emptyDir?.sizeLimit;
  const size = claim ?? emptyDir;
  return typeof size === 'string' ? parseQuantity(size) : undefined;
}

const LEVEL_ORDER: PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];

/** One spec per namespace, with the most permissive level asked for and every reason. */
function mergeNamespaceSpecs(specs: NamespaceSpec[]): NamespaceSpec[] {
  const byName = new Map<string, NamespaceSpec>();
  for (const spec of specs) {
    const seen = byName.get(spec.name);
    if (!seen) {
      byName.set(spec.name, spec.reason ? spec : { name: spec.name, podSecurity: spec.podSecurity });
      continue;
    }
    const level = LEVEL_ORDER[Math.max(LEVEL_ORDER.indexOf(seen.podSecurity), LEVEL_ORDER.indexOf(spec.podSecurity))];
    const reasons = [seen.reason, spec.reason].filter((r): r is string => !!r);
    byName.set(spec.name, { name: spec.name, podSecurity: level, ...(reasons.length ? { reason: reasons.join(' | ') } : {}) });
  }
  return [...byName.values()];
}
