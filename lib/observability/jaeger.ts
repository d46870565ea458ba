import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { contentAddressedConfigMap } from '../core/config-map';
import { externalSecretsAnnotations } from '../core/external-secrets';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { MetricsEndpoint } from '../core/metrics';
import { namespaceOf } from '../core/namespace';
import { ClientAccess, lazyIngressPolicy, namespaceIngressRule } from '../core/client-access';
import { ClientPeer, namedServicePort } from '../core/network';
import type { PodRef } from '../core/flows';
import { PlatformWorkload } from '../core/platform-workload';
import { PodDisruptionBudget } from '../core/pod-disruption-budget';
import { httpProbe } from '../core/probes';
import { checkResources, ComputeResources, toResourceRequirements } from '../core/resources';
import { podAntiAffinity } from '../core/scheduling';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { checkUniqueObjectNames } from '../core/unique-names';
import { check, checkDnsLabel, checkDnsSubdomain, checkInteger, checkLabelValue, checkOneOf, checkPinnedImage } from '../core/validation';
import { JAEGER_HEALTH_PATH, JAEGER_PORTS, JaegerStorageConfig, renderJaegerConfig } from './jaeger-config';
import { stackDeployment } from './stack-deployment';

/** Pinned Jaeger v2 (v2.20.0, 2026-07-19). Jaeger v1 reached end of life at the end of 2025. */
export const JAEGER_DEFAULT_IMAGE = 'jaegertracing/jaeger:2.20.0';

/** uid of the image (`ARG USER_UID=10001`). */
export const JAEGER_UID = 10001;

/** Default resources. */
export const JAEGER_DEFAULT_RESOURCES: ComputeResources = { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };

/** Traces kept by the in-memory store by default (dev: bounded so the pod stays inside its limit). */
export const JAEGER_DEFAULT_MAX_TRACES = 20000;

/**
 * Where Elasticsearch is: the platform's `Elasticsearch` construct satisfies this (its `url` and
 * `securityEnabled`), or any cluster given by URL.
 */
export interface JaegerElasticsearchTarget {
  /** `http(s)://host:9200`. */
  readonly url: string;
  /** Whether the cluster requires TLS and authentication. @default - https URLs do */
  readonly securityEnabled?: boolean;
  /**
   * The Elasticsearch pods (the platform's `Elasticsearch` has them): with {@link allowClient},
   * Jaeger declares the flow `jaeger -> elasticsearch http` and Elasticsearch admits it. Without,
   * (a cluster outside the app) no flow is declared: allow the egress yourself.
   * @default - none
   */
  readonly podRef?: PodRef;
  /** Admits `peer` to the HTTP port (the platform's `Elasticsearch.allowClient`). @default - none */
  allowClient?(peer: ClientPeer): void;
}

/** Trace storage of {@link Jaeger}. */
export type JaegerStorage =
  | { readonly type: 'memory'; /** @default JAEGER_DEFAULT_MAX_TRACES */ readonly maxTraces?: number }
  | {
    readonly type: 'elasticsearch';
    readonly elasticsearch: JaegerElasticsearchTarget;
    /**
     * Existing Secret in Jaeger's namespace with keys `username` and `password` of a user that may
     * write `<indexPrefix>-*` indices. Required when security is on.
     */
    readonly credentialsSecret?: string;
    /** Existing Secret in Jaeger's namespace whose key `ca.crt` verifies Elasticsearch's certificate. Required with https. */
    readonly caSecret?: string;
    /** @default 'jaeger' */
    readonly indexPrefix?: string;
    /** Primary shards per daily index. @default 1 */
    readonly shards?: number;
    /** Replicas per shard. @default 1 */
    readonly replicas?: number;
  };

/** Props of {@link Jaeger}. */
export interface JaegerProps {
  /** Name of the Deployment, Service and ServiceAccount. @default 'jaeger' */
  readonly name?: string;
  /** Pinned image. @default JAEGER_DEFAULT_IMAGE */
  readonly image?: string;
  /**
   * Where traces go: Elasticsearch, or `{ type: 'memory' }` chosen explicitly (every trace is lost
   * on restart; the platform's dev profile).
   */
  readonly storage: JaegerStorage;
  /** @default 2 with Elasticsearch, 1 with memory storage (it cannot be shared) */
  readonly replicas?: number;
  /** CPU and memory. @default requests 200m / 256Mi, limits 1 CPU / 1Gi (JAEGER_DEFAULT_RESOURCES) */
  readonly resources?: ComputeResources;
  /**
   * Who may send traces (OTLP 4317/4318): label selectors (`{ namespace: 'apps', podLabels: {} }`
   * for every pod of a namespace), cdk8s-plus-27 workloads or constructs of this library, each a
   * declared flow. Unset: any pod in the cluster (declared as open ports). @default - any pod
   */
  readonly allowFrom?: ClientPeer[];
  /**
   * Who may open the UI and query API (16686, 16685). Unset: any pod in the cluster (open ports);
   * `[]`: no pod (`kubectl port-forward` is not subject to NetworkPolicies). @default - any pod
   */
  readonly uiAllowFrom?: ClientPeer[];
  /** Namespace whose pods (Prometheus) may scrape 8888. @default 'monitoring' */
  readonly monitoringNamespace?: string;
  /** `app.kubernetes.io/part-of` label. @default - not set */
  readonly partOf?: string;
}

/** The port of an Elasticsearch URL (9200 when the URL names none). */
function elasticsearchPort(url: string): number {
  const port = new URL(url).port;
  return port === '' ? 9200 : Number(port);
}

const CONFIG_DIR = '/etc/jaeger';
const ES_AUTH_DIR = '/etc/jaeger/es-auth';
const ES_CA_DIR = '/etc/jaeger/es-ca';

/** The storage of {@link Jaeger}, checked: its configuration and what the pod needs for it. */
interface ResolvedStorage {
  readonly config: JaegerStorageConfig;
  readonly secrets: string[];
  readonly env: k8s.EnvVar[];
  readonly mounts: k8s.VolumeMount[];
  readonly volumes: k8s.Volume[];
}

/** {@link JaegerProps} after validation and defaults. */
interface ResolvedJaeger {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly resources: ComputeResources;
  readonly monitoringNamespace: string;
  readonly storageType: 'memory' | 'elasticsearch';
  readonly storage: ResolvedStorage;
  readonly replicas: number;
  readonly selectorLabels: Record<string, string>;
  readonly labels: Record<string, string>;
  /** undefined: any pod. */
  readonly allowFrom?: readonly ClientPeer[];
  /** undefined: any pod. */
  readonly uiAllowFrom?: readonly ClientPeer[];
  readonly elasticsearch?: JaegerElasticsearchTarget;
}

/** Container ports, by name. */
const CONTAINER_PORTS: ReadonlyArray<readonly [string, number]> = [
  ['otlp-grpc', JAEGER_PORTS.otlpGrpc], ['otlp-http', JAEGER_PORTS.otlpHttp], ['query', JAEGER_PORTS.queryHttp],
  ['query-grpc', JAEGER_PORTS.queryGrpc], ['health', JAEGER_PORTS.health], ['metrics', JAEGER_PORTS.metrics],
];
const OTLP_PORTS = [JAEGER_PORTS.otlpGrpc, JAEGER_PORTS.otlpHttp];
const QUERY_PORTS = [JAEGER_PORTS.queryHttp, JAEGER_PORTS.queryGrpc];

/**
 * Jaeger v2 (SPEC §12): the single `jaeger` binary (built on the OpenTelemetry Collector) running
 * collector and query together: OTLP gRPC 4317 and HTTP 4318 in, the UI and API on 16686, traces in
 * memory (dev) or in Elasticsearch (production). Its configuration is generated (jaeger-config.ts),
 * binds every listener to 0.0.0.0, and lives in a content-addressed ConfigMap, so a change rolls the
 * Deployment. Probes use the healthcheckv2 extension on 13133; its own metrics are on 8888.
 * Pod Security `restricted` (uid 10001, read-only root, `/tmp` emptyDir), no API token.
 */
export class Jaeger extends PlatformWorkload {
  public readonly name: string;
  public readonly namespace: string;
  public readonly image: string;
  public readonly replicas: number;
  public readonly storageType: 'memory' | 'elasticsearch';
  public readonly selectorLabels: Record<string, string>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly configMap: k8s.KubeConfigMap;
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  public readonly podDisruptionBudget?: PodDisruptionBudget;
  /** Jaeger's own metrics on the Service port `metrics`. */
  public readonly metricsEndpoint: MetricsEndpoint;
  /** `http://<name>.<namespace>.svc:4318`: what OTLP/HTTP exporters send to. */
  public readonly otlpHttpEndpoint: string;
  /** `<name>.<namespace>.svc:4317`: what OTLP/gRPC exporters send to. */
  public readonly otlpGrpcEndpoint: string;

  /** Who sends traces (OTLP): `allowFrom` and {@link allowClient} peers, or any pod when `allowFrom` is unset. */
  private readonly otlpClients: ClientAccess;
  /** Who opens the UI and query API: `uiAllowFrom`, or any pod when it is unset. */
  private readonly queryClients: ClientAccess;

  constructor(scope: Construct, id: string, props: JaegerProps) {
    super(scope, id);
    checkUniqueObjectNames(this);
    const r = this.resolve(props);
    ({ name: this.name, namespace: this.namespace, image: this.image, replicas: this.replicas, storageType: this.storageType, selectorLabels: this.selectorLabels } = r);
    this.otlpGrpcEndpoint = `${this.name}.${this.namespace}.svc:${JAEGER_PORTS.otlpGrpc}`;
    this.otlpHttpEndpoint = `http://${this.name}.${this.namespace}.svc:${JAEGER_PORTS.otlpHttp}`;
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels: r.labels },
      automountServiceAccountToken: false,
    });
    this.configMap = contentAddressedConfigMap(this, 'Config', { baseName: `${this.name}-config`, labels: r.labels, data: { 'config.yaml': renderJaegerConfig(r.storage.config) } });
    this.deployment = this.createDeployment(r);
    this.service = this.createService(r);
    this.otlpClients = this.admitPeers(r.allowFrom, 'allowFrom', OTLP_PORTS, 'otlp');
    this.queryClients = this.admitPeers(r.uiAllowFrom, 'uiAllowFrom', QUERY_PORTS, 'query');
    this.networkPolicy = lazyIngressPolicy(this, 'NetworkPolicy', {
      name: this.name,
      labels: r.labels,
      selectorLabels: this.selectorLabels,
      rules: () => [this.otlpClients.rule(), this.queryClients.rule(), namespaceIngressRule(r.monitoringNamespace, [JAEGER_PORTS.metrics])],
    });
    this.declareFlows(r);
    if (this.replicas > 1) {
      this.podDisruptionBudget = new PodDisruptionBudget(this, 'Pdb', { name: `${this.name}-pdb`, labels: r.labels, selector: this.selectorLabels, maxUnavailable: 1 });
    }
    this.metricsEndpoint = { component: 'jaeger', namespace: this.namespace, via: 'service', selector: this.selectorLabels, portName: 'metrics', path: '/metrics' };
  }

  /**
   * Lets `peer` (a label selector, a cdk8s-plus-27 workload or a construct of this library) send
   * traces (OTLP); only changes the NetworkPolicy when `allowFrom` was given (otherwise every pod may).
   */
  public allowClient(peer: ClientPeer): void {
    this.otlpClients.admit('allowClient', peer);
  }

  /** Every check and default, before any object. */
  private resolve(props: JaegerProps): ResolvedJaeger {
    const name = checkDnsLabel(this, 'name', props.name ?? 'jaeger');
    const namespace = namespaceOf(this);
    const image = checkPinnedImage(this, 'image', props.image ?? JAEGER_DEFAULT_IMAGE);
    const resources = checkResources(this, 'resources', props.resources ?? JAEGER_DEFAULT_RESOURCES);
    const monitoringNamespace = checkDnsLabel(this, 'monitoringNamespace', props.monitoringNamespace ?? 'monitoring');
    for (const [prop, peers] of [['allowFrom', props.allowFrom], ['uiAllowFrom', props.uiAllowFrom]] as const) {
      check(peers === undefined || Array.isArray(peers), this, prop, String(peers), 'must be a list of clients');
    }
    check(props.storage !== undefined, this, 'storage', 'undefined',
      'is required: { type: "elasticsearch", elasticsearch, credentialsSecret?, caSecret? } (or { type: "memory" } to accept losing every trace on restart)');
    const storageType = checkOneOf(this, 'storage.type', props.storage.type, ['memory', 'elasticsearch'] as const);
    const storage = this.storageConfig(props.storage);
    const replicas = checkInteger(this, 'replicas', props.replicas ?? (storageType === 'elasticsearch' ? 2 : 1), 1);
    check(replicas === 1 || storageType === 'elasticsearch', this, 'replicas', replicas,
      'must be 1 with memory storage: each replica would keep its own traces and the UI would show a random part of them');
    const selector = selectorLabels({ name: 'jaeger', instance: name, component: 'all-in-one' });
    const labels = standardLabels({ name: 'jaeger', instance: name, component: 'all-in-one', partOf: checkLabelValue(this, 'partOf', props.partOf), version: imageVersion(image) });
    const elasticsearch = props.storage.type === 'elasticsearch' ? props.storage.elasticsearch : undefined;
    return {
      name, namespace, image, resources, monitoringNamespace, storageType, storage, replicas, selectorLabels: selector, labels,
      allowFrom: props.allowFrom, uiAllowFrom: props.uiAllowFrom, elasticsearch,
    };
  }

  private createDeployment(r: ResolvedJaeger): k8s.KubeDeployment {
    const { labels, resources } = r;
    const { secrets, env, mounts, volumes } = r.storage;
    const health = httpProbe(JAEGER_HEALTH_PATH, 'health', { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    return stackDeployment(this, {
      name: this.name,
      labels,
      selectorLabels: this.selectorLabels,
      replicas: this.replicas,
      // Memory storage: the old pod holds the traces until the new one is up (maxUnavailable 0).
      strategy: 'surge',
      podAnnotations: externalSecretsAnnotations(secrets),
      pod: {
        serviceAccountName: this.serviceAccount.name,
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 30,
        securityContext: restrictedPodSecurityContext({ runAsUser: JAEGER_UID }),
        affinity: this.replicas > 1 ? podAntiAffinity(this.selectorLabels, 'preferred') : undefined,
        containers: [{
          name: 'jaeger',
          image: this.image,
          imagePullPolicy: 'IfNotPresent',
          args: [`--config=${CONFIG_DIR}/config.yaml`],
          env: env.length > 0 ? env : undefined,
          ports: CONTAINER_PORTS.map(([name, containerPort]) => ({ name, containerPort, protocol: 'TCP' })),
          resources: toResourceRequirements(resources),
          securityContext: restrictedContainerSecurityContext(),
          readinessProbe: health,
          livenessProbe: httpProbe(JAEGER_HEALTH_PATH, 'health', { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6, initialDelaySeconds: 10 }),
          volumeMounts: [
            { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
            { name: 'tmp', mountPath: '/tmp' },
            ...mounts,
          ],
        }],
        volumes: [
          { name: 'config', configMap: { name: this.configMap.name } },
          { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
          ...volumes,
        ],
      },
    });

  }

  /** Every port but the health check's; gRPC ports say so (`appProtocol`). */
  private createService(r: ResolvedJaeger): k8s.KubeService {
    const labels = r.labels;
    return new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels },
      spec: {
        selector: this.selectorLabels,
        ports: CONTAINER_PORTS.filter(([name]) => name !== 'health').map(([name, port]) => ({
          ...namedServicePort(name, port), protocol: 'TCP', ...(name.endsWith('grpc') ? { appProtocol: 'grpc' } : {}),
        })),
      },
    });
  }

  /**
   * The clients of `ports`: the peers of `prop` (`allowFrom`, `uiAllowFrom`) admitted, or, when the
   * prop is unset, any pod (declared as open ports named `jaeger <what>`). A local adapter over
   * {@link ClientAccess}: the open ports keep their one name per port set.
   */
  private admitPeers(peers: readonly ClientPeer[] | undefined, prop: string, ports: readonly number[], what: string): ClientAccess {
    const open = peers === undefined ? 'any-pod' : 'none';
    const access = new ClientAccess((p, peer, port, target) => this.admitClient(p, peer, port, target), { ports, target: (port) => `jaeger ${what} ${port}`, open });
    peers?.forEach((peer, i) => access.admit(`${prop}[${i}]`, peer));
    if (open === 'any-pod') for (const port of ports) this.flowDeclarations.addOpen({ name: `jaeger ${what}`, to: this.podRef, port });
    return access;
  }

  /** The scrape, the flow to Elasticsearch (admitted there), and the annotation. */
  private declareFlows(r: ResolvedJaeger): void {
    this.declareScrape(r.monitoringNamespace, JAEGER_PORTS.metrics);
    const es = r.elasticsearch;
    if (es && es.podRef && typeof es.allowClient === 'function') {
      es.allowClient(this);
      this.flowDeclarations.add({ name: 'jaeger -> elasticsearch http', from: this.podRef, to: es.podRef, port: elasticsearchPort(es.url) });
    }
    this.flowDeclarations.annotate(this.deployment);
  }

  /** The storage section of the configuration and the Secrets, env, mounts and volumes it needs. */
  private storageConfig(storage: JaegerStorage): ResolvedStorage {
    if (storage.type === 'memory') {
      const maxTraces = checkInteger(this, 'storage.maxTraces', storage.maxTraces ?? JAEGER_DEFAULT_MAX_TRACES, 1);
      return { config: { type: 'memory', maxTraces }, secrets: [], env: [], mounts: [], volumes: [] };
    }
    const es = storage.elasticsearch;
    check(typeof es?.url === 'string' && /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(es.url), this, 'storage.elasticsearch.url', es?.url,
      'must be the Elasticsearch URL, e.g. "https://elasticsearch-logging.logging.svc.cluster.local:9200"');
    const https = es.url.startsWith('https://');
    const secured = es.securityEnabled ?? https;
    const credentials = storage.credentialsSecret === undefined ? undefined : checkDnsSubdomain(this, 'storage.credentialsSecret', storage.credentialsSecret);
    const ca = storage.caSecret === undefined ? undefined : checkDnsSubdomain(this, 'storage.caSecret', storage.caSecret);
    check(!secured || credentials !== undefined, this, 'storage.credentialsSecret', storage.credentialsSecret,
      `is required: Elasticsearch at ${es.url} has security on; name a Secret in namespace ${this.namespace} with keys username and password (Secrets are not readable across namespaces)`);
    check(!https || ca !== undefined, this, 'storage.caSecret', storage.caSecret,
      `is required for ${es.url}: name a Secret in namespace ${this.namespace} whose key ca.crt verifies the Elasticsearch certificate`);
    const indexPrefix = storage.indexPrefix ?? 'jaeger';
    check(/^[a-z0-9][a-z0-9_-]{0,60}$/.test(indexPrefix), this, 'storage.indexPrefix', indexPrefix, 'must be a lowercase Elasticsearch index prefix');
    const shards = checkInteger(this, 'storage.shards', storage.shards ?? 1, 1);
    const replicas = checkInteger(this, 'storage.replicas', storage.replicas ?? 1, 0);
    return {
      config: {
        type: 'elasticsearch',
        serverUrls: [es.url.replace(/\/$/, '')],
        indexPrefix,
        shards,
        replicas,
        ...(credentials ? { basicAuth: { usernameEnv: 'ES_USERNAME', passwordFile: `${ES_AUTH_DIR}/password` } } : {}),
        ...(ca ? { caFile: `${ES_CA_DIR}/ca.crt` } : {}),
      },
      secrets: [credentials, ca].filter((s): s is string => s !== undefined),
      env: credentials ? [{ name: 'ES_USERNAME', valueFrom: { secretKeyRef: { name: credentials, key: 'username' } } }] : [],
      mounts: [
        ...(credentials ? [{ name: 'es-auth', mountPath: ES_AUTH_DIR, readOnly: true }] : []),
        ...(ca ? [{ name: 'es-ca', mountPath: ES_CA_DIR, readOnly: true }] : []),
      ],
      volumes: [
        ...(credentials ? [{ name: 'es-auth', secret: { secretName: credentials, defaultMode: 0o440, items: [{ key: 'password', path: 'password' }] } }] : []),
        ...(ca ? [{ name: 'es-ca', secret: { secretName: ca, defaultMode: 0o444, items: [{ key: 'ca.crt', path: 'ca.crt' }] } }] : []),
      ],
    };
  }
}
