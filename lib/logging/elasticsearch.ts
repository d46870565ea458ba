import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { contentAddressedConfigMap } from '../core/config-map';
import { MEMORY_MARGIN_FRACTION } from '../core/image-contract';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { MetricsEndpoint } from '../core/metrics';
import { namespaceOf } from '../core/namespace';
import { ClientAccess, lazyIngressPolicy, namespaceIngressRule, podsIngressRule } from '../core/client-access';
import { ClientPeer, namedServicePort } from '../core/network';
import { PlatformWorkload } from '../core/platform-workload';
import { PodDisruptionBudget } from '../core/pod-disruption-budget';
import { execProbe, httpProbe, startupBudget, tcpProbe } from '../core/probes';
import { checkQuantity, jvmHeapMiB, MIB, parseQuantity } from '../core/quantity';
import { checkResources, ComputeResources, toResourceRequirements } from '../core/resources';
import { AntiAffinityMode, checkAntiAffinity, podAntiAffinity, zoneSpread } from '../core/scheduling';
import { checkUniqueObjectNames } from '../core/unique-names';
import {
  relaxedContainerSecurityContext, restrictedContainerSecurityContext, restrictedPodSecurityContext,
  SecurityRelaxation, securityExceptionAnnotations,
} from '../core/security';
import { check, checkBoolean, checkDnsLabel, checkDnsSubdomain, checkInteger, checkLabelValue, checkPinnedImage } from '../core/validation';
import type { PodSecurityLevel } from '../core/pod-security';
import {
  authenticatedCurl, checkElasticVersion, checkImageVersion, checkSecretName, ELASTIC_STACK_VERSION,
  externalSecretsAnnotations, LOGGING_PART_OF,
} from './elastic-stack';
import { ELASTICSEARCH_IMAGE_CONTRACT } from './elasticsearch-image';
import {
  ES_CERTS_SUBDIR, ES_CONFIG_DIR, ES_DATA_DIR, ES_LOGS_DIR, renderElasticsearchYml, renderPrepareConfigScript,
} from './elasticsearch-config';

/**
 * Pinned Prometheus exporter (prometheus-community/elasticsearch_exporter v1.10.0, December 2025):
 * Elasticsearch has no native Prometheus endpoint. It serves `elasticsearch_cluster_health_status`
 * and node statistics on 9114.
 */
export const ELASTICSEARCH_EXPORTER_DEFAULT_IMAGE = 'quay.io/prometheuscommunity/elasticsearch-exporter:v1.10.0';

/** The official image for a stack version. */
export function elasticsearchImage(version: string): string {
  return `docker.elastic.co/elasticsearch/elasticsearch:${version}`;
}

/** Ports of an Elasticsearch pod. */
export const ELASTICSEARCH_PORTS = { http: 9200, transport: 9300, metrics: 9114 } as const;

/** Storage of each Elasticsearch node. */
export interface ElasticsearchStorage {
  /**
   * Use an emptyDir instead of a PersistentVolumeClaim: every index is lost when a pod moves.
   * For experiments only (an explicit opt-in; the platform refuses it in its production profile).
   * @default false
   */
  readonly emptyDir?: boolean;
  /** Size of each node's volume (or the emptyDir's size limit). @default '30Gi' */
  readonly size?: string;
  /** StorageClass of the volumes. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/**
 * Elasticsearch security. Off by default: then only a strict NetworkPolicy guards the cluster
 * (only Fluentd and Kibana reach 9200, only Elasticsearch pods reach 9300). On: TLS on HTTP and
 * transport and authenticated users; every credential and certificate comes from Secrets created
 * outside the manifests (never a password in a manifest), listed in the pod template's
 * `platform.cdk8s.io/external-secrets` annotation.
 */
export interface ElasticsearchSecurity {
  /** @default false */
  readonly enabled: boolean;
  /**
   * Secret (in the Elasticsearch namespace) whose key `password` is the bootstrap password of the
   * built-in `elastic` superuser. Required when enabled.
   */
  readonly elasticPasswordSecret?: string;
  /**
   * Secret (type `kubernetes.io/tls`, keys `tls.crt`, `tls.key`, `ca.crt`) used for HTTP and
   * transport TLS. The certificate must name `<name>`, `<name>.<ns>.svc` and
   * `<name>.<ns>.svc.<clusterDomain>`. Required when enabled.
   */
  readonly tlsSecret?: string;
  /**
   * Secret with keys `username` and `password` of a user with the `monitor` cluster privilege,
   * for the metrics exporter. @default - the `elastic` user from elasticPasswordSecret
   */
  readonly exporterCredentialsSecret?: string;
}

/** Props of {@link Elasticsearch}. */
export interface ElasticsearchProps {
  /** StatefulSet and client Service name; the headless Service is `<name>-headless`, the PDB `<name>-pdb`. @default 'elasticsearch-logging' */
  readonly name?: string;
  /** Elastic Stack 8.x release (Kibana must run the same). @default ELASTIC_STACK_VERSION */
  readonly version?: string;
  /** Pinned image; its tag must equal `version`. @default docker.elastic.co/elasticsearch/elasticsearch:<version> */
  readonly image?: string;
  /**
   * Number of nodes, all master-eligible: odd (1, 3, 5, ...). The origin's 2 is refused: with two
   * master-eligible nodes Elasticsearch keeps only one in the voting configuration, so losing that
   * one stops the cluster; two nodes tolerate no more failures than one. @default 3
   */
  readonly replicas?: number;
  /** `cluster.name`. @default 'kubernetes-logging' */
  readonly clusterName?: string;
  /**
   * Per-node CPU and memory; the JVM heap is half the memory limit (at most 31 GiB, to keep
   * compressed object pointers); the rest is Lucene's file-system cache. The memory limit must be at
   * least {@link ELASTICSEARCH_MIN_MEMORY_MIB} MiB (1463Mi, from the image contract).
   * @default requests 1 CPU / 4Gi, limits 2 CPU / 4Gi (origin: about 3 GB per pod)
   */
  readonly resources?: ComputeResources;
  /** Per-node storage. @default a retained 30Gi PersistentVolumeClaim per node */
  readonly storage?: ElasticsearchStorage;
  /**
   * Add a privileged init container that sets `vm.max_map_count=262144` on the node and let
   * Lucene use mmap. The namespace then needs Pod Security `privileged` ({@link podSecurityLevel}).
   * @default false (`node.store.allow_mmap: false`, no host change, restricted Pod Security)
   */
  readonly sysctlInitContainer?: boolean;
  /** TLS and authentication. @default { enabled: false } */
  readonly security?: ElasticsearchSecurity;
  /** Cluster DNS domain used in discovery and client URLs. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** Keep nodes on separate hosts. @default 'required' */
  readonly antiAffinity?: AntiAffinityMode;
  /** Also spread nodes across zones (best effort). @default false */
  readonly zoneSpread?: boolean;
  /** Nodes a voluntary disruption may take at once; at most (replicas-1)/2 so masters keep a quorum. @default 1 */
  readonly maxUnavailable?: number;
  /** Seconds a node gets to stop cleanly (flush, leave the cluster). @default 120 */
  readonly terminationGracePeriodSeconds?: number;
  /** Pinned image of the metrics exporter sidecar. @default ELASTICSEARCH_EXPORTER_DEFAULT_IMAGE */
  readonly exporterImage?: string;
  /** Resources of the exporter sidecar. @default requests 50m / 64Mi, limits 200m / 128Mi */
  readonly exporterResources?: ComputeResources;
  /** Namespace whose pods (Prometheus) may scrape the exporter. @default 'monitoring' */
  readonly monitoringNamespace?: string;
  /** `app.kubernetes.io/part-of` label. @default 'logging' */
  readonly partOf?: string;
}

/** The defaults: a production cluster (the platform's dev profile passes smaller values). */
const DEFAULTS: { replicas: number; resources: ComputeResources; size: string; antiAffinity: AntiAffinityMode } = {
  replicas: 3,
  resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } },
  size: '30Gi',
  antiAffinity: 'required',
};

const EXPORTER_RESOURCES: ComputeResources = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } };
const HELPER_RESOURCES: ComputeResources = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } };
const MAX_HEAP_MIB = 31 * 1024;
/** Share of the memory limit the JVM heap gets (`-Xms`/`-Xmx`). */
const HEAP_FRACTION = 0.5;
const ES_MEMORY = ELASTICSEARCH_IMAGE_CONTRACT.memory!;

/**
 * Smallest memory limit (MiB) whose heap ({@link HEAP_FRACTION} of it) fits the image contract:
 * limit >= heap + the contract's fixed memory outside the heap (metaspace, code cache, threads) +
 * its share per heap byte (direct memory is half the heap, G1 structures) + the margin. With the
 * 8.x numbers: 256Mi / (1 - 0.5 x 1.55 - 0.05) = 1463Mi; a 1Gi limit (512Mi heap) needs ~1.1Gi.
 */
export const ELASTICSEARCH_MIN_MEMORY_MIB = Math.ceil(
  ES_MEMORY.nonHeapMiB / (1 - HEAP_FRACTION * (1 + (ES_MEMORY.offHeapPerHeap ?? 0)) - MEMORY_MARGIN_FRACTION));
const SEED_DIR = '/mnt/config';
const GENERATED_DIR = '/mnt/generated';

const SYSCTL_RELAXATION: SecurityRelaxation = {
  reason: 'elasticsearch init container sysctl: sets vm.max_map_count=262144 on the node so Lucene can mmap its index files; needs root and a privileged container',
  runAsRoot: true,
  privileged: true,
};

/** {@link ElasticsearchProps} after validation and defaults: what the render methods read. */
interface ResolvedProps {
  readonly name: string;
  readonly namespace: string;
  readonly version: string;
  readonly image: string;
  readonly replicas: number;
  readonly clusterName: string;
  readonly clusterDomain: string;
  readonly heapMiB: number;
  readonly resources: ComputeResources;
  readonly exporterImage: string;
  readonly exporterResources: ComputeResources;
  readonly storage: ResolvedStorage;
  readonly security: ResolvedSecurity;
  readonly terminationGracePeriodSeconds: number;
  readonly monitoringNamespace: string;
  /** Whether the privileged sysctl init container runs (and Lucene may mmap). */
  readonly sysctl: boolean;
  readonly antiAffinity: AntiAffinityMode;
  readonly zoneSpread: boolean;
  /** Budget of the PodDisruptionBudget; undefined for a single node, which gets none. */
  readonly maxUnavailable?: number;
  readonly selectorLabels: Record<string, string>;
  /** Labels of every object. */
  readonly labels: Record<string, string>;
  readonly headlessServiceName: string;
  /** `<namespace>.svc.<clusterDomain>`. */
  readonly serviceDomain: string;
  readonly host: string;
  readonly url: string;
}

interface ResolvedStorage {
  readonly emptyDir: boolean;
  readonly size: string;
  readonly storageClassName?: string;
}

interface ResolvedSecurity {
  readonly enabled: boolean;
  readonly elasticPasswordSecret?: string;
  readonly tlsSecret?: string;
  readonly exporterCredentialsSecret?: string;
}

/**
 * An Elasticsearch 8 cluster for cluster logging (SPEC §5): StatefulSet `elasticsearch-logging`,
 * headless discovery Service `elasticsearch-logging-headless`, client Service
 * `elasticsearch-logging` (9200 `http`, 9300 `transport`), PodDisruptionBudget (replicas > 1),
 * a token-less ServiceAccount, a ConfigMap with `elasticsearch.yml`, and a NetworkPolicy that
 * admits clients declared with {@link allowClient} (Fluentd and Kibana do it themselves).
 *
 * Every node is master-eligible and holds data. The root filesystem is read-only: the config dir,
 * logs and `/tmp` are emptyDirs and data lives on a retained PersistentVolumeClaim. A
 * `prometheus-community/elasticsearch-exporter` sidecar serves metrics on `metrics` (9114).
 */
export class Elasticsearch extends PlatformWorkload {
  public readonly name: string;
  public readonly namespace: string;
  public readonly version: string;
  public readonly image: string;
  public readonly replicas: number;
  public readonly clusterName: string;
  public readonly clusterDomain: string;
  /** JVM heap of each node, in MiB. */
  public readonly heapMiB: number;
  /** Labels that select the Elasticsearch pods; stable across upgrades. */
  public readonly selectorLabels: Record<string, string>;
  public readonly headlessServiceName: string;
  public readonly clientServiceName: string;
  /** Fully qualified DNS name of the client Service. */
  public readonly host: string;
  public readonly httpPort: number = ELASTICSEARCH_PORTS.http;
  /** `http(s)://elasticsearch-logging.<ns>.svc.<domain>:9200`: what clients connect to. */
  public readonly url: string;
  /** Whether TLS and authentication are on. */
  public readonly securityEnabled: boolean;
  /** The TLS Secret (holding `ca.crt`) when security is on. */
  public readonly tlsSecretName?: string;
  public readonly statefulSet: k8s.KubeStatefulSet;
  public readonly headlessService: k8s.KubeService;
  public readonly clientService: k8s.KubeService;
  public readonly configMap: k8s.KubeConfigMap;
  public readonly podDisruptionBudget?: PodDisruptionBudget;
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** The exporter sidecar's port (9114, `metrics`) on the headless Service. */
  public readonly metricsEndpoint: MetricsEndpoint;
  /**
   * Pod Security level the namespace needs: `restricted`, or `privileged` with the opt-in sysctl
   * init container. Label the namespace with it (NamespacesChart).
   */
  public readonly podSecurityLevel: PodSecurityLevel;
  /** Why the namespace needs more than `restricted` (only with the sysctl init container). */
  public readonly podSecurityReason?: string;
  /** Namespace whose pods may scrape the exporter. */
  public readonly monitoringNamespace: string;

  private readonly resolved: ResolvedProps;
  /** Clients of the HTTP port (9200). */
  private readonly httpClients: ClientAccess;

  constructor(scope: Construct, id: string, props: ElasticsearchProps = {}) {
    super(scope, id);
    checkUniqueObjectNames(this);
    const r = this.resolved = this.resolve(props);
    ({
      name: this.name, namespace: this.namespace, version: this.version, image: this.image,
      replicas: this.replicas, clusterName: this.clusterName, clusterDomain: this.clusterDomain, heapMiB: this.heapMiB,
      selectorLabels: this.selectorLabels, headlessServiceName: this.headlessServiceName, host: this.host, url: this.url,
      monitoringNamespace: this.monitoringNamespace, security: { enabled: this.securityEnabled, tlsSecret: this.tlsSecretName },
    } = r);
    this.clientServiceName = r.name;
    this.httpClients = this.clientAccess({ ports: [ELASTICSEARCH_PORTS.http], target: 'elasticsearch http' });
    this.podSecurityLevel = r.sysctl ? 'privileged' : 'restricted';
    this.podSecurityReason = r.sysctl ? SYSCTL_RELAXATION.reason : undefined;

    this.configMap = this.createConfigMap();
    this.headlessService = this.createHeadlessService();
    this.clientService = this.createClientService();
    const serviceAccount = this.createServiceAccount();
    this.statefulSet = this.createStatefulSet(serviceAccount.name);
    this.podDisruptionBudget = this.createPodDisruptionBudget();
    this.networkPolicy = this.createNetworkPolicy();
    this.flowDeclarations.add({ name: 'elasticsearch -> elasticsearch transport', from: this.podRef, to: this.podRef, port: ELASTICSEARCH_PORTS.transport });
    this.declareScrape(this.monitoringNamespace, ELASTICSEARCH_PORTS.metrics);
    this.flowDeclarations.annotate(this.statefulSet);
    this.metricsEndpoint = { component: 'elasticsearch', namespace: this.namespace, via: 'service', selector: this.selectorLabels, portName: 'metrics' };
  }

  /**
   * Lets `peer` (a label selector, a cdk8s-plus-27 workload or a construct of this library) reach
   * the HTTP port (9200), and declares that flow. Nothing else may: Fluentd and Kibana declare
   * themselves when they are given this cluster.
   */
  public allowClient(peer: ClientPeer): void {
    this.httpClients.admit('allowClient', peer);
  }

  /** Validation and defaults: every prop is checked here, once, before any object is rendered. */
  private resolve(props: ElasticsearchProps): ResolvedProps {
    const name = checkDnsLabel(this, 'name', props.name ?? 'elasticsearch-logging', 52);
    const namespace = namespaceOf(this);
    const version = checkElasticVersion(this, 'version', props.version ?? ELASTIC_STACK_VERSION);
    const image = checkPinnedImage(this, 'image', props.image ?? elasticsearchImage(version));
    checkImageVersion(this, 'image', image, version);
    const replicas = checkInteger(this, 'replicas', props.replicas ?? DEFAULTS.replicas, 1);
    check(replicas % 2 === 1, this, 'replicas', replicas,
      'every node is master-eligible, so use an odd count (1, 3, 5, ...): with an even count Elasticsearch leaves one node out of the voting configuration and tolerates no more failures than one node fewer (2 tolerates none)');
    const clusterName = props.clusterName ?? 'kubernetes-logging';
    check(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(clusterName), this, 'clusterName', clusterName,
      'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit');
    const clusterDomain = checkDnsSubdomain(this, 'clusterDomain', props.clusterDomain ?? 'cluster.local');
    const resources = checkResources(this, 'resources', props.resources ?? DEFAULTS.resources);
    check(parseQuantity(resources.limits.memory)! >= ELASTICSEARCH_MIN_MEMORY_MIB * MIB, this, 'resources.limits.memory', resources.limits.memory,
      `Elasticsearch needs at least ${ELASTICSEARCH_MIN_MEMORY_MIB}Mi: the JVM heap is half the limit, and outside it the JVM needs `
      + `${ES_MEMORY.nonHeapMiB}Mi (metaspace, code cache, threads) plus ${Math.round((ES_MEMORY.offHeapPerHeap ?? 0) * 100)}% of the heap `
      + `(direct memory is half the heap, G1 structures), plus a ${MEMORY_MARGIN_FRACTION * 100}% margin (its image contract)`);
    const exporterResources = checkResources(this, 'exporterResources', props.exporterResources ?? EXPORTER_RESOURCES);
    const exporterImage = checkPinnedImage(this, 'exporterImage', props.exporterImage ?? ELASTICSEARCH_EXPORTER_DEFAULT_IMAGE);
    const storage = this.resolveStorage(props.storage ?? {}, DEFAULTS.size);
    const security = this.resolveSecurity(props.security ?? { enabled: false });
    const terminationGracePeriodSeconds = checkInteger(this, 'terminationGracePeriodSeconds', props.terminationGracePeriodSeconds ?? 120, 1);
    const monitoringNamespace = checkDnsLabel(this, 'monitoringNamespace', props.monitoringNamespace ?? 'monitoring');
    const sysctl = checkBoolean(this, 'sysctlInitContainer', props.sysctlInitContainer) ?? false;
    const partOf = checkLabelValue(this, 'partOf', props.partOf ?? LOGGING_PART_OF);
    const antiAffinity = checkAntiAffinity(this, 'antiAffinity', props.antiAffinity ?? DEFAULTS.antiAffinity);
    const spreadZones = checkBoolean(this, 'zoneSpread', props.zoneSpread) ?? false;
    const maxUnavailable = this.resolveMaxUnavailable(props.maxUnavailable, replicas);

    const identity = { name: 'elasticsearch', instance: name, component: 'node' };
    const serviceDomain = `${namespace}.svc.${clusterDomain}`;
    const host = `${name}.${serviceDomain}`;
    return {
      name, namespace, version, image, replicas, clusterName, clusterDomain,
      heapMiB: Math.min(MAX_HEAP_MIB, jvmHeapMiB(resources.limits.memory, HEAP_FRACTION)),
      resources, exporterImage, exporterResources, storage, security, terminationGracePeriodSeconds, monitoringNamespace,
      sysctl, antiAffinity, zoneSpread: spreadZones, maxUnavailable,
      selectorLabels: selectorLabels(identity),
      labels: standardLabels({ ...identity, partOf, version: imageVersion(image) }),
      headlessServiceName: `${name}-headless`,
      serviceDomain,
      host,
      url: `${security.enabled ? 'https' : 'http'}://${host}:${ELASTICSEARCH_PORTS.http}`,
    };
  }

  private resolveStorage(storage: ElasticsearchStorage, defaultSize: string): ResolvedStorage {
    const emptyDir = checkBoolean(this, 'storage.emptyDir', storage.emptyDir) ?? false;
    const size = storage.size ?? defaultSize;
    checkQuantity(this, 'storage.size', size);
    check(parseQuantity(size)! >= MIB * 1024, this, 'storage.size', size, 'must be at least 1Gi for an Elasticsearch data path');
    if (storage.storageClassName !== undefined) {
      check(!emptyDir, this, 'storage.storageClassName', storage.storageClassName, 'has no meaning with storage.emptyDir');
      checkDnsSubdomain(this, 'storage.storageClassName', storage.storageClassName);
    }
    return { emptyDir, size, storageClassName: storage.storageClassName };
  }

  private resolveSecurity(security: ElasticsearchSecurity): ResolvedSecurity {
    const enabled = checkBoolean(this, 'security.enabled', security.enabled) === true;
    const elasticPasswordSecret = checkSecretName(this, 'security.elasticPasswordSecret', security.elasticPasswordSecret, enabled,
      'the elastic user\'s bootstrap password under key "password"');
    const tlsSecret = checkSecretName(this, 'security.tlsSecret', security.tlsSecret, enabled, 'tls.crt, tls.key and ca.crt');
    const exporterCredentialsSecret = checkSecretName(this, 'security.exporterCredentialsSecret', security.exporterCredentialsSecret, false,
      'username and password');
    if (!enabled) {
      check(!elasticPasswordSecret && !tlsSecret && !exporterCredentialsSecret, this, 'security.enabled', security.enabled,
        'Secrets are named but security is off: set security.enabled to true or drop the Secret names');
    }
    return { enabled, elasticPasswordSecret, tlsSecret, exporterCredentialsSecret };
  }

  /** At most (replicas-1)/2, so the masters keep a quorum; a single node gets no budget at all. */
  private resolveMaxUnavailable(maxUnavailable: number | undefined, replicas: number): number | undefined {
    if (replicas > 1) return checkInteger(this, 'maxUnavailable', maxUnavailable ?? 1, 1, (replicas - 1) / 2);
    check(maxUnavailable === undefined, this, 'maxUnavailable', maxUnavailable,
      'a single node gets no PodDisruptionBudget (a zero budget would block every node drain); leave maxUnavailable unset');
    return undefined;
  }

  /** `elasticsearch.yml`, copied by the prepare-config init container into the writable config dir. */
  private createConfigMap(): k8s.KubeConfigMap {
    const r = this.resolved;
    const nodeNames = Array.from({ length: r.replicas }, (_, i) => `${r.name}-${i}`);
    const elasticsearchYml = renderElasticsearchYml({
      clusterName: r.clusterName,
      replicas: r.replicas,
      nodeNames,
      seedHosts: nodeNames.map((n) => `${n}.${r.headlessServiceName}.${r.serviceDomain}:${ELASTICSEARCH_PORTS.transport}`),
      httpPort: ELASTICSEARCH_PORTS.http,
      transportPort: ELASTICSEARCH_PORTS.transport,
      allowMmap: r.sysctl,
      security: r.security.enabled,
    });
    return contentAddressedConfigMap(this, 'Config', {
      baseName: `${r.name}-config`, labels: r.labels, data: { 'elasticsearch.yml': elasticsearchYml },
    });
  }

  /**
   * Discovery and per-pod DNS. `publishNotReadyAddresses` lets nodes find each other before they
   * are Ready (readiness needs a formed cluster) and lets Prometheus scrape a failing node.
   */
  private createHeadlessService(): k8s.KubeService {
    return new k8s.KubeService(this, 'HeadlessService', {
      metadata: { name: this.headlessServiceName, labels: this.resolved.labels },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: this.selectorLabels,
        ports: [
          namedServicePort('transport', ELASTICSEARCH_PORTS.transport),
          namedServicePort('metrics', ELASTICSEARCH_PORTS.metrics),
        ],
      },
    });
  }

  private createClientService(): k8s.KubeService {
    return new k8s.KubeService(this, 'ClientService', {
      metadata: { name: this.clientServiceName, labels: this.resolved.labels },
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: [
          namedServicePort('http', ELASTICSEARCH_PORTS.http),
          namedServicePort('transport', ELASTICSEARCH_PORTS.transport),
        ],
      },
    });
  }

  private createServiceAccount(): k8s.KubeServiceAccount {
    return new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels: this.resolved.labels },
      automountServiceAccountToken: false,
    });
  }

  private createStatefulSet(serviceAccountName: string): k8s.KubeStatefulSet {
    const r = this.resolved;
    return new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name: r.name, labels: r.labels },
      spec: {
        serviceName: r.headlessServiceName,
        replicas: r.replicas,
        // Nodes must all start to elect the first master; ordered start would wait for a Ready pod-0 forever.
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        persistentVolumeClaimRetentionPolicy: r.storage.emptyDir ? undefined : { whenDeleted: 'Retain', whenScaled: 'Retain' },
        revisionHistoryLimit: 10,
        selector: { matchLabels: r.selectorLabels },
        template: {
          metadata: { labels: r.labels, annotations: this.podAnnotations() },
          spec: this.podSpec(serviceAccountName),
        },
        volumeClaimTemplates: r.storage.emptyDir ? undefined : [{
          metadata: { name: 'data', labels: r.selectorLabels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: r.storage.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(r.storage.size) } },
          },
        }],
      },
    });
  }

  /** The sysctl relaxation (when on) and the Secrets the pod needs that the manifests do not create. */
  private podAnnotations(): Record<string, string> {
    const { sysctl, security } = this.resolved;
    return {
      ...securityExceptionAnnotations(sysctl ? [SYSCTL_RELAXATION] : []),
      ...externalSecretsAnnotations([security.elasticPasswordSecret, security.tlsSecret, security.exporterCredentialsSecret]),
    };
  }

  private podSpec(serviceAccountName: string): k8s.PodSpec {
    const r = this.resolved;
    return {
      serviceAccountName,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: r.terminationGracePeriodSeconds,
      securityContext: restrictedPodSecurityContext({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 }),
      affinity: podAntiAffinity(r.selectorLabels, r.antiAffinity),
      topologySpreadConstraints: r.zoneSpread ? zoneSpread(r.selectorLabels) : undefined,
      initContainers: [
        ...(r.sysctl ? [this.sysctlContainer()] : []),
        this.prepareConfigContainer(),
      ],
      containers: [this.elasticsearchContainer(), this.exporterContainer()],
      volumes: this.volumes(),
    };
  }

  /** Read-only root filesystem: config, logs and /tmp are emptyDirs; data too only with storage.emptyDir. */
  private volumes(): k8s.Volume[] {
    const { storage, security } = this.resolved;
    return [
      { name: 'generated-config', configMap: { name: this.configMap.name, defaultMode: 0o444 } },
      { name: 'config', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
      { name: 'logs', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
      { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
      ...(storage.emptyDir ? [{ name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString(storage.size) } }] : []),
      ...(security.tlsSecret ? [{ name: 'certs', secret: { secretName: security.tlsSecret, defaultMode: 0o440 } }] : []),
    ];
  }

  /** Readiness: the node answers its local view of cluster health (no master round trip). */
  private healthProbeHandler(): k8s.Probe {
    const path = '/_cluster/health?local=true';
    if (!this.securityEnabled) return httpProbe(path, 'http');
    // Loopback call with the node's own certificate, whose names are the Service's, not 127.0.0.1.
    return execProbe(authenticatedCurl(`https://127.0.0.1:${ELASTICSEARCH_PORTS.http}${path}`, 'ELASTIC_USERNAME', 'ELASTIC_PASSWORD', true));
  }

  private elasticsearchContainer(): k8s.Container {
    const { resources, security } = this.resolved;
    const health = this.healthProbeHandler();
    return {
      name: 'elasticsearch',
      image: this.image,
      imagePullPolicy: 'IfNotPresent',
      ports: [
        { name: 'http', containerPort: ELASTICSEARCH_PORTS.http },
        { name: 'transport', containerPort: ELASTICSEARCH_PORTS.transport },
      ],
      env: [
        { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'ES_JAVA_OPTS', value: `-Xms${this.heapMiB}m -Xmx${this.heapMiB}m` },
        ...(security.elasticPasswordSecret ? [
          { name: 'ELASTIC_USERNAME', value: 'elastic' },
          { name: 'ELASTIC_PASSWORD', valueFrom: { secretKeyRef: { name: security.elasticPasswordSecret, key: 'password' } } },
        ] : []),
      ],
      resources: toResourceRequirements(resources),
      securityContext: restrictedContainerSecurityContext(),
      startupProbe: startupBudget({ ...health, timeoutSeconds: 5 }, 300),
      readinessProbe: { ...health, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      livenessProbe: tcpProbe('transport', { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 }),
      volumeMounts: [
        { name: 'data', mountPath: ES_DATA_DIR },
        { name: 'config', mountPath: ES_CONFIG_DIR },
        ...(security.tlsSecret ? [{ name: 'certs', mountPath: `${ES_CONFIG_DIR}/${ES_CERTS_SUBDIR}`, readOnly: true }] : []),
        { name: 'logs', mountPath: ES_LOGS_DIR },
        { name: 'tmp', mountPath: '/tmp' },
      ],
    };
  }

  private prepareConfigContainer(): k8s.Container {
    return {
      name: 'prepare-config',
      image: this.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['sh', '-c', renderPrepareConfigScript(SEED_DIR, GENERATED_DIR)],
      resources: toResourceRequirements(HELPER_RESOURCES),
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [
        { name: 'config', mountPath: SEED_DIR },
        { name: 'generated-config', mountPath: GENERATED_DIR, readOnly: true },
      ],
    };
  }

  private sysctlContainer(): k8s.Container {
    return {
      name: 'sysctl',
      image: this.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['sysctl', '-w', 'vm.max_map_count=262144'],
      resources: toResourceRequirements(HELPER_RESOURCES),
      securityContext: relaxedContainerSecurityContext(SYSCTL_RELAXATION),
    };
  }

  /**
   * The metrics sidecar. With security on it logs in as the exporter user when one is given,
   * otherwise as `elastic`.
   */
  private exporterContainer(): k8s.Container {
    const { exporterImage, exporterResources, security } = this.resolved;
    const passwordSecret = security.exporterCredentialsSecret ?? security.elasticPasswordSecret;
    const userEnv: k8s.EnvVar = security.exporterCredentialsSecret
      ? { name: 'ES_USERNAME', valueFrom: { secretKeyRef: { name: security.exporterCredentialsSecret, key: 'username' } } }
      : { name: 'ES_USERNAME', value: 'elastic' };
    const scheme = security.enabled ? 'https' : 'http';
    return {
      name: 'exporter',
      image: exporterImage,
      imagePullPolicy: 'IfNotPresent',
      args: [
        `--es.uri=${scheme}://127.0.0.1:${ELASTICSEARCH_PORTS.http}`,
        `--web.listen-address=:${ELASTICSEARCH_PORTS.metrics}`,
        '--web.telemetry-path=/metrics',
        '--es.timeout=10s',
        // elasticsearch_indices_settings_stats_read_only_indices: indices with
        // index.blocks.read_only_allow_delete (flood-stage disk watermark), for ElasticsearchIndicesReadOnly.
        '--es.indices_settings',
        // The sidecar talks to its own node over loopback; the certificate names the Service.
        ...(security.enabled ? ['--es.ssl-skip-verify'] : []),
      ],
      env: security.enabled && passwordSecret ? [
        userEnv,
        { name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: passwordSecret, key: 'password' } } },
      ] : undefined,
      ports: [{ name: 'metrics', containerPort: ELASTICSEARCH_PORTS.metrics }],
      resources: toResourceRequirements(exporterResources),
      securityContext: restrictedContainerSecurityContext(),
      readinessProbe: httpProbe('/healthz', 'metrics'),
      livenessProbe: httpProbe('/healthz', 'metrics', { failureThreshold: 6 }),
    };
  }

  /** Only for more than one node: a budget of zero would block every node drain. */
  private createPodDisruptionBudget(): PodDisruptionBudget | undefined {
    const r = this.resolved;
    if (r.maxUnavailable === undefined) return undefined;
    return new PodDisruptionBudget(this, 'Pdb', {
      name: `${r.name}-pdb`, labels: r.labels, selector: r.selectorLabels, maxUnavailable: r.maxUnavailable,
    });
  }

  /** Ingress: transport only between nodes, HTTP only from declared clients, metrics from monitoring. */
  private createNetworkPolicy(): k8s.KubeNetworkPolicy {
    const cluster = podsIngressRule([this.selectorLabels], [ELASTICSEARCH_PORTS.transport]);
    const monitoring = namespaceIngressRule(this.monitoringNamespace, [ELASTICSEARCH_PORTS.metrics]);
    return lazyIngressPolicy(this, 'NetworkPolicy', {
      name: this.name,
      labels: this.resolved.labels,
      selectorLabels: this.selectorLabels,
      rules: () => [cluster, this.httpClients.rule(), monitoring],
    });
  }
}
