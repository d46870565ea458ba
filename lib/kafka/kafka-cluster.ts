import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { contentAddressedConfigMap } from '../core/config-map';
import { imageVersion, selectorLabels, standardLabels, WorkloadIdentity } from '../core/labels';
import { MetricsEndpoint } from '../core/metrics';
import { namespaceOf } from '../core/namespace';
import { ClientPeer, namedServicePort } from '../core/network';
import { ClientAccess, lazyIngressPolicy, namespaceIngressRule, podsIngressRule } from '../core/client-access';
import { PlatformWorkload } from '../core/platform-workload';
import { PodDisruptionBudget } from '../core/pod-disruption-budget';
import { quorumAnnotations } from '../core/quorum';
import { startupBudget, tcpProbe } from '../core/probes';
import { checkJvmMemoryLimit, checkQuantity, jvmHeapMiB } from '../core/quantity';
import { checkResources, ComputeResources, toResourceRequirements } from '../core/resources';
import { AntiAffinityMode, checkAntiAffinity, podAntiAffinity, zoneSpread } from '../core/scheduling';
import { checkUniqueObjectNames } from '../core/unique-names';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { check, checkBoolean, checkDnsLabel, checkDnsSubdomain, checkInteger, checkLabelValue, checkPinnedImage, checkPort } from '../core/validation';
import { ZOOKEEPER_PORTS, ZookeeperEnsemble } from '../zookeeper/zookeeper-ensemble';
import {
  KAFKA_PATHS, kafkaVersionOf, kafkaLocalJmxOpts, kafkaLoggingFor, KafkaPropertyList, renderKafkaJmxExporterConfig, renderKafkaProperties, renderKafkaStartScript,
} from './kafka-config';
import { KafkaRollout } from './kafka-rollout';

/**
 * Default image in ZooKeeper mode. Kafka 4.0 removed ZooKeeper mode, so this pins the last line that
 * has it (3.9). The image's own entrypoint (`/etc/kafka/docker/run`) only configures KRaft, so the
 * construct bypasses it: it runs `/opt/kafka/bin/kafka-server-start.sh` with a generated
 * `server.properties` and a small start script (see {@link KafkaCluster}).
 */
export const KAFKA_ZOOKEEPER_MODE_IMAGE = 'apache/kafka:3.9.1';

/** Default image in KRaft mode: the Kafka 4.1 line (no ZooKeeper). */
export const KAFKA_KRAFT_MODE_IMAGE = 'apache/kafka:4.1.1';

/**
 * Default JMX exporter image. Upstream `prometheus/jmx_exporter` publishes jars only, not images,
 * and Kafka images do not carry the exporter. Bitnami's image runs the exporter's standalone HTTP
 * server (`java -jar /opt/bitnami/jmx-exporter/jmx_prometheus_standalone.jar <port> <config>`);
 * since Bitnami's 2025 catalog change its versioned tags live, frozen, under `bitnamilegacy`.
 * Mirror it (or build `FROM eclipse-temurin` with the upstream jar) into your registry and set
 * `metrics.image` / `metrics.jarPath` for production.
 */
export const KAFKA_JMX_EXPORTER_IMAGE = 'docker.io/bitnamilegacy/jmx-exporter:1.1.0-debian-12-r0';

/** The standalone exporter jar inside {@link KAFKA_JMX_EXPORTER_IMAGE}. */
export const KAFKA_JMX_EXPORTER_JAR = '/opt/bitnami/jmx-exporter/jmx_prometheus_standalone.jar';

/** Dedicated KRaft controllers get `node.id` = this + ordinal, so they never collide with broker ids. */
export const KAFKA_CONTROLLER_ID_OFFSET = 1000;

/** Default ports: broker listener 9093 (origin), KRaft controller 9094, exporter 5556, loopback JMX 5555. */
export const KAFKA_DEFAULT_PORTS = { broker: 9093, controller: 9094, metrics: 5556, jmx: 5555 } as const;

/** The uid/gid of `appuser` in the `apache/kafka` image (Alpine `adduser -D`, first user). */
export const KAFKA_UID = 1000;

/**
 * ZooKeeper mode (Kafka 3.x only): brokers keep their metadata in `ensemble`, reached through its
 * client Service; the construct lets the brokers in through the ensemble's NetworkPolicy.
 */
export interface KafkaZookeeperMode {
  readonly type: 'zookeeper';
  /** The ensemble holding the cluster metadata. */
  readonly ensemble: ZookeeperEnsemble;
  /**
   * ZooKeeper path under which this cluster keeps its znodes (Kafka creates it), e.g. `/kafka`;
   * recommended when the ensemble is shared. Never change it on a running cluster: a new chroot is
   * an empty cluster. @default - the ensemble root
   */
  readonly chroot?: string;
}

/** Dedicated KRaft controllers: a second StatefulSet `<name>-controller`. */
export interface KafkaControllerOptions {
  /** Controllers: 1, 3 or 5 (a majority quorum survives (n-1)/2 failures). @default 3 */
  readonly replicas?: number;
  /** Per-controller CPU and memory; the heap is half the memory limit. @default requests 250m / 1Gi, limits 1 CPU / 1Gi */
  readonly resources?: ComputeResources;
  /** Per-controller metadata volume. @default 10Gi on the default StorageClass, retained */
  readonly storage?: KafkaStorage;
  /** RollingUpdate partition of the controller StatefulSet (see {@link KafkaRollout}). @default 0 */
  readonly partition?: number;
}

/**
 * KRaft mode (Kafka 3.3+, the only mode of Kafka 4.x): a static controller quorum
 * (`controller.quorum.voters`) built from the stable pod DNS names.
 */
export interface KafkaKraftMode {
  readonly type: 'kraft';
  /**
   * The cluster id every node's storage is formatted with: 22 base64url characters encoding 16
   * bytes. Generate it once (`kafka-storage.sh random-uuid`) and keep it in code; it is never
   * generated at synth time, so every synth and every restart agree.
   */
  readonly clusterId: string;
  /**
   * Dedicated controllers. When absent the cluster runs in combined mode: every broker is also a
   * controller (`process.roles=broker,controller`), so the broker count must be odd.
   * @default - combined mode
   */
  readonly controllers?: KafkaControllerOptions;
}

/** Where the cluster keeps its metadata. */
export type KafkaMode = KafkaZookeeperMode | KafkaKraftMode;

/** A Kafka listener: its name in `listeners` and its TCP port. Security protocol is PLAINTEXT. */
export interface KafkaListener {
  /** Listener name: upper case letters, digits and `_`. */
  readonly name?: string;
  /** TCP port. */
  readonly port?: number;
}

/** The listeners of the cluster. */
export interface KafkaListeners {
  /** Clients and inter-broker replication. @default { name: 'BROKER', port: 9093 } */
  readonly broker?: KafkaListener;
  /** KRaft controller quorum (ignored in ZooKeeper mode). @default { name: 'CONTROLLER', port: 9094 } */
  readonly controller?: KafkaListener;
}

/** Persistent storage of each node. */
export interface KafkaStorage {
  /** Size of each volume. @default '100Gi' for brokers, '10Gi' for dedicated controllers */
  readonly size?: string;
  /** StorageClass of the volumes. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/** The Prometheus JMX exporter sidecar. */
export interface KafkaMetricsOptions {
  /** Run the exporter next to every Kafka node. @default true */
  readonly enabled?: boolean;
  /** Pinned exporter image with `java` on its PATH. @default KAFKA_JMX_EXPORTER_IMAGE */
  readonly image?: string;
  /** Path of the standalone exporter jar inside `image`. @default KAFKA_JMX_EXPORTER_JAR */
  readonly jarPath?: string;
  /** HTTP port of `/metrics` (container and Service port named `metrics`). @default 5556 */
  readonly port?: number;
  /** Loopback-only JMX port the exporter reads. @default 5555 */
  readonly jmxPort?: number;
  /** Exporter CPU and memory. @default requests 50m / 256Mi, limits 250m / 256Mi */
  readonly resources?: ComputeResources;
}

/** Props of {@link KafkaCluster}. */
export interface KafkaClusterProps {
  /**
   * Name of the broker StatefulSet; Services are `<name>-hs` (and `<name>-controller-hs`), the PDB
   * `<name>-pdb`. At most 41 characters so every derived name stays valid. @default 'kafka'
   */
  readonly name?: string;
  /** ZooKeeper mode (Kafka 3.9) or KRaft mode (Kafka 4.x). */
  readonly mode: KafkaMode;
  /** Number of brokers, 1 to 1000 (odd in combined KRaft mode). @default 3 */
  readonly replicas?: number;
  /** Pinned image. @default KAFKA_ZOOKEEPER_MODE_IMAGE in ZooKeeper mode, KAFKA_KRAFT_MODE_IMAGE in KRaft mode */
  readonly image?: string;
  /**
   * Per-broker CPU and memory; the JVM heap is half the memory limit (page cache takes the rest).
   * @default requests 250m / 1Gi (origin), limits 2 CPU / 2Gi (1 GiB heap)
   */
  readonly resources?: ComputeResources;
  /** Per-broker persistent volume. @default 100Gi on the default StorageClass, retained on delete and scale-down */
  readonly storage?: KafkaStorage;
  /** Listener names and ports. @default broker BROKER:9093, controller CONTROLLER:9094 */
  readonly listeners?: KafkaListeners;
  /** Cluster DNS domain used in advertised listeners and the quorum. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /**
   * RollingUpdate partition: only brokers with an ordinal >= partition get a new template
   * (0 to `replicas`; see {@link KafkaRollout}). To canary a new image on the highest broker of a
   * 3-broker cluster, apply `{ image: NEW, partition: KafkaRollout.canary(3) }` (= 2): only
   * `kafka-2` restarts. When it is healthy, apply `partition: 0` (or walk `rolloutPlan(3)`); to
   * back out, put the old image back. Keeping `partition: KafkaRollout.canary(replicas)` as the
   * resting value makes every image change a canary by changing that one prop.
   * @default 0
   */
  readonly partition?: number;
  /** `default.replication.factor`, at most `replicas`. @default min(3, replicas) */
  readonly replicationFactor?: number;
  /** `min.insync.replicas`, at most the replication factor. @default min(2, replicationFactor) */
  readonly minInsyncReplicas?: number;
  /** `auto.create.topics.enable`. @default false: topics are declared, not created by typos */
  readonly autoCreateTopics?: boolean;
  /**
   * Further `server.properties` entries for every node (e.g. `num.partitions`, `log.retention.hours`).
   * Keys the construct manages (ids, listeners, quorum, ZooKeeper, log dirs, durability) are rejected.
   * @default {}
   */
  readonly config?: Record<string, string>;
  /** Keep brokers (and controllers) on separate nodes: `required` (production) or `preferred` (dev). @default 'required' */
  readonly antiAffinity?: AntiAffinityMode;
  /** Also spread nodes across zones (best effort). @default false */
  readonly zoneSpread?: boolean;
  /**
   * Seconds a broker gets after SIGTERM. Kafka's controlled shutdown moves partition leadership
   * to other brokers before it stops, and then flushes and closes its logs; cutting it short means
   * unclean log recovery on the next start. @default 120
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Seconds a starting node may take before liveness applies: JVM start plus log recovery after
   * an unclean stop, which grows with the data on the volume. @default 600
   */
  readonly startupBudgetSeconds?: number;
  /** Prometheus JMX exporter sidecar. @default enabled, see KafkaMetricsOptions */
  readonly metrics?: KafkaMetricsOptions;
  /** Namespace whose pods (Prometheus) may scrape the metrics port. @default 'monitoring' */
  readonly monitoringNamespace?: string;
  /** `app.kubernetes.io/part-of` label. @default - not set */
  readonly partOf?: string;
}

const DEFAULT_BROKER_RESOURCES: ComputeResources = {
  requests: { cpu: '250m', memory: '1Gi' },
  limits: { cpu: '2', memory: '2Gi' },
};
const DEFAULT_CONTROLLER_RESOURCES: ComputeResources = {
  requests: { cpu: '250m', memory: '1Gi' },
  limits: { cpu: '1', memory: '1Gi' },
};
const DEFAULT_EXPORTER_RESOURCES: ComputeResources = {
  requests: { cpu: '50m', memory: '256Mi' },
  limits: { cpu: '250m', memory: '256Mi' },
};

const LISTENER_NAME = /^[A-Z][A-Z0-9_]{0,31}$/;
const CHROOT = /^(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+$/;
const CONFIG_KEY = /^[a-z][a-z0-9]*([._-][a-z0-9]+)*$/;
const RESERVED_CLUSTER_IDS = ['AAAAAAAAAAAAAAAAAAAAAA', 'AAAAAAAAAAAAAAAAAAAAAQ'];

/** `server.properties` keys the construct owns; `config` may not set them. */
export const KAFKA_MANAGED_CONFIG_KEYS: readonly string[] = [
  'broker.id', 'node.id', 'process.roles', 'listeners', 'advertised.listeners', 'listener.security.protocol.map',
  'inter.broker.listener.name', 'controller.listener.names', 'controller.quorum.voters', 'controller.quorum.bootstrap.servers',
  'zookeeper.connect', 'log.dir', 'log.dirs', 'metadata.log.dir', 'default.replication.factor', 'min.insync.replicas',
  'offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'transaction.state.log.min.isr',
  'unclean.leader.election.enable', 'auto.create.topics.enable',
];

/** True for a canonical, non-reserved Kafka cluster id (base64url of 16 bytes, 22 characters). */
export function isKafkaClusterId(id: string): boolean {
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(id)) return false;
  const bytes = Buffer.from(id, 'base64url');
  return bytes.length === 16 && bytes.toString('base64url') === id && !RESERVED_CLUSTER_IDS.includes(id);
}

type Role = 'broker' | 'controller';

/** One StatefulSet of Kafka nodes (the brokers, or the dedicated controllers). */
interface NodeGroupSpec {
  readonly component: Role;
  readonly stsName: string;
  readonly serviceName: string;
  readonly replicas: number;
  readonly partition: number;
  readonly resources: ComputeResources;
  readonly storage: CheckedStorage;
  readonly selector: Record<string, string>;
  readonly labels: Record<string, string>;
  /** Listener ports this group serves, by port name. */
  readonly ports: ReadonlyArray<{ readonly name: Role; readonly port: number }>;
  /** Port name the probes dial. */
  readonly probePort: Role;
  readonly properties: KafkaPropertyList;
  readonly idProperty: 'broker.id' | 'node.id';
  readonly idOffset: number;
  readonly advertised?: { readonly listenerName: string; readonly port: number };
  readonly pdbName: string;
  /** The KRaft voters when this group holds the controller quorum (dedicated controllers, or combined brokers). */
  readonly quorumVoters?: string;
}

/** What a StatefulSet of Kafka nodes produced. */
interface NodeGroup {
  readonly statefulSet: k8s.KubeStatefulSet;
  readonly headlessService: k8s.KubeService;
  readonly podDisruptionBudget?: PodDisruptionBudget;
}

/** Pod settings shared by the brokers and the dedicated controllers. */
interface PodSettings {
  readonly antiAffinity: AntiAffinityMode;
  readonly zoneSpread: boolean;
  readonly grace: number;
  readonly startupBudgetSeconds: number;
  readonly logging: { readonly file: string; readonly content: string; readonly opts: string };
  readonly metrics?: CheckedMetrics;
  /** KRaft mode: the id start.sh formats the storage with. */
  readonly clusterId?: string;
}

interface CheckedListener {
  readonly name: string;
  readonly port: number;
}

interface CheckedStorage {
  readonly size: string;
  readonly storageClassName?: string;
}

interface CheckedMetrics {
  readonly image: string;
  readonly jarPath: string;
  readonly port: number;
  readonly jmxPort: number;
  readonly resources: ComputeResources;
}

/** Where the metadata lives: `zookeeper.connect`, or the KRaft voters. */
interface ResolvedMetadata {
  /** ZooKeeper mode: the ensemble the brokers must be let into. */
  readonly ensemble?: ZookeeperEnsemble;
  readonly zookeeperConnect?: string;
  readonly controllerQuorumVoters?: string;
  /** `server.properties` entries of the brokers that depend on the mode. */
  readonly brokerProperties: KafkaPropertyList;
}

/** {@link KafkaClusterProps} after validation and defaults: what the render methods read. */
interface ResolvedProps {
  readonly name: string;
  readonly namespace: string;
  readonly mode: KafkaMode['type'];
  readonly replicas: number;
  readonly image: string;
  readonly clusterDomain: string;
  readonly partition: number;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly heapMiB: number;
  readonly selectorLabels: Record<string, string>;
  readonly controllerSelectorLabels?: Record<string, string>;
  /** Labels of the broker objects (and of the shared ServiceAccount). */
  readonly labels: Record<string, string>;
  readonly headlessServiceName: string;
  readonly brokerListener: CheckedListener;
  /** KRaft mode only. */
  readonly controllerListener?: CheckedListener;
  readonly brokerHosts: string[];
  readonly bootstrapServers: string;
  readonly metadata: ResolvedMetadata;
  readonly monitoringNamespace: string;
  readonly pod: PodSettings;
  readonly brokers: NodeGroupSpec;
  /** KRaft mode with dedicated controllers only. */
  readonly controllers?: NodeGroupSpec;
}

/**
 * An Apache Kafka cluster (SPEC §4): StatefulSet `kafka` (3 brokers, Parallel pod management,
 * RollingUpdate with a `partition`), headless Service `kafka-hs` for per-broker DNS, PDB `kafka-pdb`
 * (`maxUnavailable: 1`, none for a single broker), a token-less ServiceAccount, a NetworkPolicy,
 * and an optional Prometheus JMX exporter sidecar.
 *
 * **How a broker starts.** The `apache/kafka` image's entrypoint only knows KRaft, so the construct
 * runs `kafka-server-start.sh` itself: a generated `server.properties` (ConfigMap) holds everything
 * the brokers share; a small start script copies it to a writable emptyDir and appends what is
 * per pod: `broker.id` / `node.id` from the pod ordinal and
 * `advertised.listeners=BROKER://kafka-<i>.kafka-hs.<ns>.svc.<clusterDomain>:9093`. A rescheduled
 * broker keeps its id, its volume and its address. In KRaft mode the script first formats the
 * storage with the fixed cluster id (`kafka-storage.sh format --ignore-formatted`).
 *
 * **Modes.** ZooKeeper mode (Kafka 3.9, `apache/kafka:3.9.1`) takes a typed {@link ZookeeperEnsemble}
 * and an optional chroot. KRaft mode (Kafka 4.x, `apache/kafka:4.1.1`) uses a static quorum from the
 * pod DNS names, either combined (every broker is a controller) or with dedicated controllers in a
 * second StatefulSet `kafka-controller` (`kafka-controller-hs`, `kafka-controller-pdb`), whose node ids
 * start at 1000.
 *
 * **Durability.** `default.replication.factor = min(3, replicas)`, `min.insync.replicas = min(2, RF)`,
 * internal topics at `min(3, replicas)`, unclean leader election off, topic auto-creation off.
 *
 * **Rollouts as code.** Set `partition` with {@link KafkaRollout}: stage (`replicas`), canary the
 * highest broker (`replicas - 1`), then progress down to 0 (`rolloutPlan`), one apply per step.
 */
export class KafkaCluster extends PlatformWorkload {
  public readonly name: string;
  public readonly namespace: string;
  public readonly mode: KafkaMode['type'];
  /** Brokers. */
  public readonly replicas: number;
  public readonly image: string;
  public readonly clusterDomain: string;
  /** Labels that select the brokers; stable across upgrades. */
  public readonly selectorLabels: Record<string, string>;
  /** Labels that select the dedicated controllers (KRaft with `controllers`). */
  public readonly controllerSelectorLabels?: Record<string, string>;
  public readonly headlessServiceName: string;
  public readonly brokerPort: number;
  /** The broker RollingUpdate partition in force. */
  public readonly partition: number;
  /** `default.replication.factor`. */
  public readonly replicationFactor: number;
  /** `min.insync.replicas`. */
  public readonly minInsyncReplicas: number;
  /** Broker JVM heap (MiB), half the memory limit. */
  public readonly heapMiB: number;
  public readonly statefulSet: k8s.KubeStatefulSet;
  public readonly headlessService: k8s.KubeService;
  public readonly podDisruptionBudget?: PodDisruptionBudget;
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  public readonly controllerStatefulSet?: k8s.KubeStatefulSet;
  public readonly controllerHeadlessService?: k8s.KubeService;
  public readonly controllerPodDisruptionBudget?: PodDisruptionBudget;
  public readonly controllerNetworkPolicy?: k8s.KubeNetworkPolicy;
  /** Per-broker DNS names in ordinal order (`kafka-0.kafka-hs.<ns>.svc.<domain>`, ...). */
  public readonly brokerHosts: string[];
  /** `kafka-0.kafka-hs.<ns>.svc.<domain>:9093,...`: what clients put in `bootstrap.servers`. */
  public readonly bootstrapServers: string;
  /** ZooKeeper mode: the `zookeeper.connect` value (ensemble connect string + chroot). */
  public readonly zookeeperConnect?: string;
  /** KRaft mode: the `controller.quorum.voters` value. */
  public readonly controllerQuorumVoters?: string;
  /** The JMX exporter's `/metrics` on the headless Services (port `metrics`); undefined when metrics are off. */
  public readonly metricsEndpoint?: MetricsEndpoint;

  private readonly resolved: ResolvedProps;
  /** Producers, consumers, ...: the clients of the broker listener ({@link allowClient}). */
  private readonly clients: ClientAccess;

  constructor(scope: Construct, id: string, props: KafkaClusterProps) {
    super(scope, id);
    checkUniqueObjectNames(this);
    const r = this.resolved = this.resolve(props);
    ({
      name: this.name, namespace: this.namespace, mode: this.mode, replicas: this.replicas, image: this.image,
      clusterDomain: this.clusterDomain, selectorLabels: this.selectorLabels, controllerSelectorLabels: this.controllerSelectorLabels,
      headlessServiceName: this.headlessServiceName, partition: this.partition, replicationFactor: this.replicationFactor,
      minInsyncReplicas: this.minInsyncReplicas, heapMiB: this.heapMiB, brokerHosts: this.brokerHosts,
      bootstrapServers: this.bootstrapServers, brokerListener: { port: this.brokerPort },
      metadata: { zookeeperConnect: this.zookeeperConnect, controllerQuorumVoters: this.controllerQuorumVoters },
    } = r);
    this.clients = this.clientAccess({ ports: [this.brokerPort], target: 'kafka broker port' });

    const serviceAccountName = this.createServiceAccount().name;
    ({ statefulSet: this.statefulSet, headlessService: this.headlessService, podDisruptionBudget: this.podDisruptionBudget }
      = this.createNodeGroup(r.brokers, serviceAccountName));
    if (r.controllers) {
      ({ statefulSet: this.controllerStatefulSet, headlessService: this.controllerHeadlessService, podDisruptionBudget: this.controllerPodDisruptionBudget }
        = this.createNodeGroup(r.controllers, serviceAccountName));
      this.controllerNetworkPolicy = this.createControllerNetworkPolicy(r.controllers);
    }
    this.networkPolicy = this.createBrokerNetworkPolicy();
    if (r.pod.metrics) {
      const kafkaPods = { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': this.name };
      this.metricsEndpoint = { component: 'kafka', namespace: this.namespace, via: 'service', selector: kafkaPods, portName: 'metrics' };
    }
    if (r.metadata.ensemble) this.joinZookeeper(r.metadata.ensemble);
    this.declareFlows();
  }

  /**
   * Lets `peer` (producers, consumers, Connect, ...: a cdk8s-plus-27 workload, a construct of this
   * library such as a WebApp, or `{ podLabels, namespace? }`) reach the broker listener, and
   * declares that flow. Nothing else may: the broker port only admits other brokers until a client
   * is declared.
   */
  public allowClient(peer: ClientPeer): void {
    this.clients.admit('allowClient', peer);
  }

  /** The partition sequence to roll this cluster's brokers: see {@link KafkaRollout.progressive}. */
  public rolloutPlan(fractions?: readonly number[]): number[] {
    return KafkaRollout.progressive(this.replicas, fractions);
  }

  /**
   * Validates every prop and derives every default, name and `server.properties` entry, before
   * any object exists: a bad prop throws with nothing half-built.
   */
  private resolve(props: KafkaClusterProps): ResolvedProps {
    const name = checkDnsLabel(this, 'name', props.name ?? 'kafka', 41);
    const namespace = namespaceOf(this);
    const mode = props.mode;
    check(mode !== undefined && mode !== null && (mode.type === 'zookeeper' || mode.type === 'kraft'), this, 'mode.type',
      (mode as { type?: unknown } | undefined)?.type, 'must be "zookeeper" (with an ensemble) or "kraft" (with a clusterId)');
    const controllerOptions = mode.type === 'kraft' ? mode.controllers : undefined;
    const replicas = this.resolveReplicas(props.replicas ?? 3, mode.type, controllerOptions !== undefined);
    const controllerReplicas = controllerOptions ? this.checkControllerReplicas(controllerOptions.replicas ?? 3) : 0;
    const { image, logging } = this.resolveImage(props.image, mode.type);
    const clusterDomain = checkDnsSubdomain(this, 'clusterDomain', props.clusterDomain ?? 'cluster.local');
    const resources = checkResources(this, 'resources', props.resources ?? DEFAULT_BROKER_RESOURCES);
    checkJvmMemoryLimit(this, 'resources.limits.memory', resources.limits.memory);
    const storage = this.checkStorage('storage', props.storage, '100Gi');
    const partition = checkInteger(this, 'partition', props.partition ?? 0, 0, replicas);
    const grace = checkInteger(this, 'terminationGracePeriodSeconds', props.terminationGracePeriodSeconds ?? 120, 30);
    const startupBudgetSeconds = checkInteger(this, 'startupBudgetSeconds', props.startupBudgetSeconds ?? 600, 30);
    const monitoringNamespace = checkDnsLabel(this, 'monitoringNamespace', props.monitoringNamespace ?? 'monitoring');
    const { broker, controller, metrics } = this.resolvePorts(props.listeners, props.metrics, mode.type);
    const durability = this.resolveDurability(props, replicas);
    const common: KafkaPropertyList = [['log.dirs', KAFKA_PATHS.logDirs], ...durability.properties, ...this.checkExtraConfig(props.config ?? {})];

    // Names, labels, addresses, then what the mode needs.
    const identity = (component: Role): WorkloadIdentity => ({ name: 'kafka', instance: name, component, partOf: checkLabelValue(this, 'partOf', props.partOf), version: imageVersion(image) });
    const brokerIdentity = identity('broker');
    const headlessServiceName = `${name}-hs`;
    const svcDomain = `${namespace}.svc.${clusterDomain}`;
    const brokerHosts = Array.from({ length: replicas }, (_, i) => `${name}-${i}.${headlessServiceName}.${svcDomain}`);
    const controllerName = `${name}-controller`;
    const metadata = mode.type === 'zookeeper'
      ? this.resolveZookeeper(mode, broker, common)
      : this.resolveKraft(mode, broker, controller!, common, brokerHosts, controllerOptions
        && Array.from({ length: controllerReplicas }, (_, i) => `${controllerName}-${i}.${controllerName}-hs.${svcDomain}`));

    const pod: PodSettings = {
      antiAffinity: checkAntiAffinity(this, 'antiAffinity', props.antiAffinity ?? 'required'),
      zoneSpread: checkBoolean(this, 'zoneSpread', props.zoneSpread) ?? false,
      grace, startupBudgetSeconds, logging, metrics,
      clusterId: mode.type === 'kraft' ? mode.clusterId : undefined,
    };
    const brokers = this.resolveBrokers({
      name, headlessServiceName, replicas, partition, resources, storage, identity: brokerIdentity, broker, controller, metadata,
      idProperty: mode.type === 'zookeeper' ? 'broker.id' : 'node.id', combined: mode.type === 'kraft' && !controllerOptions,
    });
    const controllers = controllerOptions
      ? this.resolveControllers(controllerOptions, controllerName, controllerReplicas, identity('controller'), controller!, metadata.controllerQuorumVoters!, common)
      : undefined;
    return {
      name, namespace, mode: mode.type, replicas, image, clusterDomain, partition,
      replicationFactor: durability.replicationFactor, minInsyncReplicas: durability.minInsyncReplicas, heapMiB: jvmHeapMiB(resources.limits.memory),
      selectorLabels: brokers.selector, controllerSelectorLabels: controllers?.selector, labels: brokers.labels, headlessServiceName,
      brokerListener: broker, controllerListener: controller,
      brokerHosts, bootstrapServers: brokerHosts.map((host) => `${host}:${broker.port}`).join(','),
      metadata, monitoringNamespace, pod, brokers, controllers,
    };
  }

  /** Brokers: 1 to 1000 (below the controller id offset); odd when every broker is also a controller. */
  private resolveReplicas(replicas: number, mode: KafkaMode['type'], dedicated: boolean): number {
    checkInteger(this, 'replicas', replicas, 1, KAFKA_CONTROLLER_ID_OFFSET);
    if (mode === 'kraft' && !dedicated) {
      check(replicas % 2 === 1, this, 'replicas', replicas,
        'in combined KRaft mode every broker is also a controller: must be an odd integer (1, 3, 5, ...) so a majority quorum survives failures; or use dedicated controllers');
    }
    return replicas;
  }

  /** The pinned image, checked against the mode (ZooKeeper needs 3.x, KRaft 3.3+), and the log4j setup of its version. */
  private resolveImage(requested: string | undefined, mode: KafkaMode['type']): { image: string; logging: PodSettings['logging'] } {
    const image = checkPinnedImage(this, 'image', requested ?? (mode === 'zookeeper' ? KAFKA_ZOOKEEPER_MODE_IMAGE : KAFKA_KRAFT_MODE_IMAGE));
    const version = kafkaVersionOf(image);
    if (mode === 'zookeeper') {
      check(version === undefined || version.major < 4, this, 'image', image,
        `Kafka 4.0 removed ZooKeeper mode: use a 3.x image (default ${KAFKA_ZOOKEEPER_MODE_IMAGE}) or KRaft mode`);
    } else {
      check(version === undefined || version.major > 3 || (version.major === 3 && version.minor >= 3), this, 'image', image,
        `KRaft mode needs Kafka 3.3 or later (default ${KAFKA_KRAFT_MODE_IMAGE})`);
    }
    return { image, logging: kafkaLoggingFor(version?.major ?? (mode === 'zookeeper' ? 3 : 4)) };
  }

  /** Listeners (the controller one in KRaft mode only) and the exporter, with no two on one port. */
  private resolvePorts(listeners: KafkaListeners | undefined, metricsOptions: KafkaMetricsOptions | undefined, mode: KafkaMode['type']): {
    broker: CheckedListener; controller?: CheckedListener; metrics?: CheckedMetrics;
  } {
    const broker = this.checkListener('listeners.broker', listeners?.broker, 'BROKER', KAFKA_DEFAULT_PORTS.broker);
    const controller = mode === 'kraft'
      ? this.checkListener('listeners.controller', listeners?.controller, 'CONTROLLER', KAFKA_DEFAULT_PORTS.controller)
      : undefined;
    if (controller) {
      check(controller.name !== broker.name, this, 'listeners.controller.name', controller.name, 'must differ from listeners.broker.name');
    }
    const metrics = this.checkMetrics(metricsOptions);
    const usedPorts: Array<[string, number]> = [['listeners.broker.port', broker.port]];
    if (controller) usedPorts.push(['listeners.controller.port', controller.port]);
    if (metrics) usedPorts.push(['metrics.port', metrics.port], ['metrics.jmxPort', metrics.jmxPort]);
    usedPorts.forEach(([prop, port], i) => {
      const clash = usedPorts.slice(0, i).find(([, other]) => other === port);
      check(!clash, this, prop, port, `must differ from ${clash?.[0]} (${clash?.[1]})`);
    });
    return { broker, controller, metrics };
  }

  /**
   * Durable topic defaults: `default.replication.factor = min(3, replicas)`, `min.insync.replicas =
   * min(2, RF)`, internal topics at `min(3, replicas)`, unclean leader election and auto-creation off.
   */
  private resolveDurability(props: KafkaClusterProps, replicas: number): { replicationFactor: number; minInsyncReplicas: number; properties: KafkaPropertyList } {
    const replicationFactor = this.checkBounded('replicationFactor', props.replicationFactor ?? Math.min(3, replicas), replicas,
      `default.replication.factor must be an integer from 1 to ${replicas} (the broker count)`);
    const minInsyncReplicas = this.checkBounded('minInsyncReplicas', props.minInsyncReplicas ?? Math.min(2, replicationFactor), replicationFactor,
      `min.insync.replicas must be an integer from 1 to ${replicationFactor} (the replication factor), or every acks=all write fails`);
    const internalRf = Math.min(3, replicas);
    checkBoolean(this, 'autoCreateTopics', props.autoCreateTopics);
    return {
      replicationFactor,
      minInsyncReplicas,
      properties: [
        ['default.replication.factor', String(replicationFactor)],
        ['min.insync.replicas', String(minInsyncReplicas)],
        ['offsets.topic.replication.factor', String(internalRf)],
        ['transaction.state.log.replication.factor', String(internalRf)],
        ['transaction.state.log.min.isr', String(Math.min(2, internalRf))],
        ['unclean.leader.election.enable', 'false'],
        ['auto.create.topics.enable', String(props.autoCreateTopics ?? false)],
      ],
    };
  }

  /** ZooKeeper mode: a typed ensemble, an optional chroot, and the brokers' listener and `zookeeper.connect`. */
  private resolveZookeeper(mode: KafkaZookeeperMode, broker: CheckedListener, common: KafkaPropertyList): ResolvedMetadata {
    check(mode.ensemble instanceof ZookeeperEnsemble, this, 'mode.ensemble', String(mode.ensemble), 'must be a ZookeeperEnsemble construct');
    const chroot = mode.chroot;
    if (chroot !== undefined) {
      check(typeof chroot === 'string' && CHROOT.test(chroot) && chroot.split('/')[1] !== 'zookeeper', this, 'mode.chroot', chroot,
        'must be an absolute ZooKeeper path such as "/kafka": "/"-separated segments of letters, digits, ".", "_" and "-", not starting with "." and not under the reserved /zookeeper');
    }
    const zookeeperConnect = `${mode.ensemble.connectString}${chroot ?? ''}`;
    return {
      ensemble: mode.ensemble,
      zookeeperConnect,
      brokerProperties: [
        ['listeners', `${broker.name}://:${broker.port}`],
        ['listener.security.protocol.map', `${broker.name}:PLAINTEXT`],
        ['inter.broker.listener.name', broker.name],
        ['zookeeper.connect', zookeeperConnect],
        ['zookeeper.connection.timeout.ms', '18000'],
        ...common,
      ],
    };
  }

  /**
   * KRaft mode: the fixed cluster id and a static quorum from the pod DNS names, held by the
   * dedicated controllers (`controllerHosts`, node ids from 1000) or by every broker (combined).
   */
  private resolveKraft(mode: KafkaKraftMode, broker: CheckedListener, ctl: CheckedListener, common: KafkaPropertyList,
    brokerHosts: string[], controllerHosts: string[] | undefined): ResolvedMetadata {
    check(isKafkaClusterId(mode.clusterId), this, 'mode.clusterId', mode.clusterId,
      'must be a Kafka cluster id: 22 base64url characters encoding 16 bytes (run `kafka-storage.sh random-uuid` once and keep the result), not a reserved id');
    const controllerQuorumVoters = (controllerHosts
      ? controllerHosts.map((host, i) => `${KAFKA_CONTROLLER_ID_OFFSET + i}@${host}:${ctl.port}`)
      : brokerHosts.map((host, i) => `${i}@${host}:${ctl.port}`)).join(',');
    return {
      controllerQuorumVoters,
      brokerProperties: [
        ['process.roles', controllerHosts ? 'broker' : 'broker,controller'],
        ['controller.quorum.voters', controllerQuorumVoters],
        ['controller.listener.names', ctl.name],
        ['listeners', controllerHosts ? `${broker.name}://:${broker.port}` : `${broker.name}://:${broker.port},${ctl.name}://:${ctl.port}`],
        ['listener.security.protocol.map', `${broker.name}:PLAINTEXT,${ctl.name}:PLAINTEXT`],
        ['inter.broker.listener.name', broker.name],
        ...common,
      ],
    };
  }

  /**
   * The broker StatefulSet `<name>`, advertising its listener per pod; in combined KRaft mode the
   * brokers also serve the controller listener and hold the quorum.
   */
  private resolveBrokers(o: {
    name: string; headlessServiceName: string; replicas: number; partition: number; resources: ComputeResources; storage: CheckedStorage;
    identity: WorkloadIdentity; broker: CheckedListener; controller?: CheckedListener; metadata: ResolvedMetadata;
    idProperty: NodeGroupSpec['idProperty']; combined: boolean;
  }): NodeGroupSpec {
    return {
      component: 'broker',
      stsName: o.name,
      serviceName: o.headlessServiceName,
      replicas: o.replicas,
      partition: o.partition,
      resources: o.resources,
      storage: o.storage,
      selector: selectorLabels(o.identity),
      labels: standardLabels(o.identity),
      ports: o.combined ? [{ name: 'broker', port: o.broker.port }, { name: 'controller', port: o.controller!.port }] : [{ name: 'broker', port: o.broker.port }],
      probePort: 'broker',
      properties: o.metadata.brokerProperties,
      idProperty: o.idProperty,
      idOffset: 0,
      advertised: { listenerName: o.broker.name, port: o.broker.port },
      pdbName: `${o.name}-pdb`,
      quorumVoters: o.combined ? o.metadata.controllerQuorumVoters : undefined,
    };
  }

  /** The dedicated controller StatefulSet `<name>-controller`, node ids from {@link KAFKA_CONTROLLER_ID_OFFSET}. */
  private resolveControllers(options: KafkaControllerOptions, stsName: string, replicas: number, identity: WorkloadIdentity,
    ctl: CheckedListener, quorumVoters: string, common: KafkaPropertyList): NodeGroupSpec {
    return {
      component: 'controller',
      stsName,
      serviceName: `${stsName}-hs`,
      replicas,
      partition: checkInteger(this, 'mode.controllers.partition', options.partition ?? 0, 0, replicas),
      resources: checkControllerResources(this, options.resources ?? DEFAULT_CONTROLLER_RESOURCES),
      storage: this.checkStorage('mode.controllers.storage', options.storage, '10Gi'),
      selector: selectorLabels(identity),
      labels: standardLabels(identity),
      ports: [{ name: 'controller', port: ctl.port }],
      probePort: 'controller',
      properties: [
        ['process.roles', 'controller'],
        ['controller.quorum.voters', quorumVoters],
        ['controller.listener.names', ctl.name],
        ['listeners', `${ctl.name}://:${ctl.port}`],
        ['listener.security.protocol.map', `${ctl.name}:PLAINTEXT`],
        ...common,
      ],
      idProperty: 'node.id',
      idOffset: KAFKA_CONTROLLER_ID_OFFSET,
      pdbName: `${stsName}-pdb`,
      quorumVoters,
    };
  }

  /** One token-less ServiceAccount for brokers and controllers. */
  private createServiceAccount(): k8s.KubeServiceAccount {
    return new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels: this.resolved.labels },
      automountServiceAccountToken: false,
    });
  }

  /** A StatefulSet of Kafka nodes with its config, headless Service and (more than one node) PDB. */
  private createNodeGroup(spec: NodeGroupSpec, serviceAccountName: string): NodeGroup {
    const configName = this.createNodeConfigMap(spec).name;
    const headlessService = this.createNodeHeadlessService(spec);
    const statefulSet = this.createNodeStatefulSet(spec, configName, serviceAccountName);
    const podDisruptionBudget = spec.replicas > 1
      ? new PodDisruptionBudget(this, `${idPrefix(spec)}Pdb`, { name: spec.pdbName, labels: spec.labels, selector: spec.selector, maxUnavailable: 1 })
      : undefined;
    return { statefulSet, headlessService, podDisruptionBudget };
  }

  /** `server.properties`, `start.sh`, the log4j file and the exporter config, content-addressed. */
  private createNodeConfigMap(spec: NodeGroupSpec): k8s.KubeConfigMap {
    const { logging, metrics, clusterId } = this.resolved.pod;
    const heap = jvmHeapMiB(spec.resources.limits.memory);
    const serverEnv: Array<[string, string]> = [
      ['LOG_DIR', KAFKA_PATHS.logs],
      ['KAFKA_HEAP_OPTS', `-Xms${heap}m -Xmx${heap}m`],
      ['KAFKA_JVM_PERFORMANCE_OPTS', '-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true'],
      ['KAFKA_GC_LOG_OPTS', `-Xlog:gc*:file=${KAFKA_PATHS.logs}/gc.log:time,tags:filecount=5,filesize=10M`],
      ['KAFKA_LOG4J_OPTS', logging.opts],
      ...(metrics ? [['KAFKA_JMX_OPTS', kafkaLocalJmxOpts(metrics.jmxPort)] as [string, string]] : []),
    ];
    const data: Record<string, string> = {
      'server.properties': renderKafkaProperties(`Kafka ${spec.component} configuration generated by cdk8s-platform; start.sh appends the per-pod id${spec.advertised ? ' and advertised.listeners' : ''}.`, spec.properties),
      'start.sh': renderKafkaStartScript({
        idProperty: spec.idProperty,
        idOffset: spec.idOffset,
        advertised: spec.advertised,
        podDomain: `${spec.serviceName}.${this.namespace}.svc.${this.clusterDomain}`,
        clusterId,
        serverEnv,
      }),
      [logging.file]: logging.content,
      ...(metrics ? { 'jmx-exporter.yaml': renderKafkaJmxExporterConfig(metrics.jmxPort) } : {}),
    };
    return contentAddressedConfigMap(this, `${idPrefix(spec)}Config`, { baseName: `${spec.stsName}-config`, labels: spec.labels, data });
  }

  /** Per-pod DNS for advertised listeners and the quorum; not-ready pods are published so the quorum can form. */
  private createNodeHeadlessService(spec: NodeGroupSpec): k8s.KubeService {
    const metrics = this.resolved.pod.metrics;
    return new k8s.KubeService(this, `${idPrefix(spec)}HeadlessService`, {
      metadata: { name: spec.serviceName, labels: spec.labels },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: spec.selector,
        ports: [
          ...spec.ports.map((p) => namedServicePort(p.name, p.port)),
          ...(metrics ? [namedServicePort('metrics', metrics.port)] : []),
        ],
      },
    });
  }

  private createNodeStatefulSet(spec: NodeGroupSpec, configName: string, serviceAccountName: string): k8s.KubeStatefulSet {
    return new k8s.KubeStatefulSet(this, spec.component === 'broker' ? 'Resource' : 'ControllerResource', {
      metadata: {
        name: spec.stsName,
        labels: spec.labels,
        annotations: spec.quorumVoters ? quorumAnnotations('kraft-static', spec.quorumVoters) : undefined,
      },
      spec: {
        serviceName: spec.serviceName,
        replicas: spec.replicas,
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: spec.partition } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        revisionHistoryLimit: 10,
        selector: { matchLabels: spec.selector },
        template: {
          metadata: { labels: spec.labels },
          spec: this.nodePodSpec(spec, configName, serviceAccountName),
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data', labels: spec.selector },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: spec.storage.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(spec.storage.size) } },
          },
        }],
      },
    });
  }

  /** Restricted pod security as `appuser`; the root filesystem is read-only, so runtime, logs and /tmp are emptyDirs. */
  private nodePodSpec(spec: NodeGroupSpec, configName: string, serviceAccountName: string): k8s.PodSpec {
    const pod = this.resolved.pod;
    return {
      serviceAccountName,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: pod.grace,
      securityContext: restrictedPodSecurityContext({ runAsUser: KAFKA_UID, runAsGroup: KAFKA_UID, fsGroup: KAFKA_UID }),
      affinity: podAntiAffinity(spec.selector, pod.antiAffinity),
      topologySpreadConstraints: pod.zoneSpread ? zoneSpread(spec.selector) : undefined,
      containers: [this.kafkaContainer(spec), ...(pod.metrics ? [this.exporterContainer(pod.metrics)] : [])],
      volumes: [
        { name: 'config', configMap: { name: configName, defaultMode: 0o444 } },
        { name: 'runtime', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
        { name: 'logs', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
        ...(pod.metrics ? [{ name: 'exporter-tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }] : []),
      ],
    };
  }

  /** The Kafka server, started by the generated start script; probes dial the group's own listener. */
  private kafkaContainer(spec: NodeGroupSpec): k8s.Container {
    return {
      name: 'kafka',
      image: this.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['sh', `${KAFKA_PATHS.config}/start.sh`],
      ports: spec.ports.map((p) => ({ name: p.name, containerPort: p.port })),
      resources: toResourceRequirements(spec.resources),
      securityContext: restrictedContainerSecurityContext(),
      startupProbe: startupBudget(tcpProbe(spec.probePort), this.resolved.pod.startupBudgetSeconds),
      readinessProbe: tcpProbe(spec.probePort, { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
      livenessProbe: tcpProbe(spec.probePort, { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 }),
      volumeMounts: [
        { name: 'data', mountPath: KAFKA_PATHS.data },
        { name: 'config', mountPath: KAFKA_PATHS.config, readOnly: true },
        { name: 'runtime', mountPath: KAFKA_PATHS.runtime },
        { name: 'logs', mountPath: KAFKA_PATHS.logs },
        { name: 'tmp', mountPath: KAFKA_PATHS.tmp },
      ],
    };
  }

  /** The exporter sidecar: standalone HTTP server reading the broker's loopback JMX port. */
  private exporterContainer(metrics: CheckedMetrics): k8s.Container {
    return {
      name: 'jmx-exporter',
      image: metrics.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['java', '-XX:MaxRAMPercentage=50', '-XX:+ExitOnOutOfMemoryError', '-jar', metrics.jarPath, String(metrics.port), '/etc/jmx-exporter/jmx-exporter.yaml'],
      ports: [{ name: 'metrics', containerPort: metrics.port }],
      resources: toResourceRequirements(metrics.resources),
      securityContext: restrictedContainerSecurityContext(),
      readinessProbe: tcpProbe('metrics', { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
      livenessProbe: tcpProbe('metrics', { periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 }),
      volumeMounts: [
        { name: 'config', mountPath: '/etc/jmx-exporter', readOnly: true },
        { name: 'exporter-tmp', mountPath: '/tmp' },
      ],
    };
  }

  /**
   * Ingress of the brokers: the broker port from other brokers (replication) and declared clients,
   * the controller port from the other nodes in combined KRaft mode, the metrics port from monitoring.
   */
  private createBrokerNetworkPolicy(): k8s.KubeNetworkPolicy {
    const r = this.resolved;
    const brokerPort = r.brokerListener.port;
    const combinedControllerPort = r.mode === 'kraft' && !r.controllers ? r.controllerListener!.port : undefined;
    const peers = podsIngressRule([this.selectorLabels], [brokerPort, ...(combinedControllerPort ? [combinedControllerPort] : [])]);
    const monitoring = r.pod.metrics ? [namespaceIngressRule(r.monitoringNamespace, [r.pod.metrics.port])] : [];
    return lazyIngressPolicy(this, 'NetworkPolicy', {
      name: this.name,
      labels: r.labels,
      selectorLabels: this.selectorLabels,
      rules: () => [peers, this.clients.rule(), ...monitoring],
    });
  }

  /** Brokers and controllers reach the controller quorum port; monitoring scrapes the exporter. */
  private createControllerNetworkPolicy(controllers: NodeGroupSpec): k8s.KubeNetworkPolicy {
    const { controllerListener, monitoringNamespace, pod } = this.resolved;
    return new k8s.KubeNetworkPolicy(this, 'ControllerNetworkPolicy', {
      metadata: { name: controllers.stsName, labels: controllers.labels },
      spec: {
        podSelector: { matchLabels: controllers.selector },
        policyTypes: ['Ingress'],
        ingress: [
          podsIngressRule([this.selectorLabels, controllers.selector], [controllerListener!.port]),
          ...(pod.metrics ? [namespaceIngressRule(monitoringNamespace, [pod.metrics.port])] : []),
        ],
      },
    });
  }

  /** ZooKeeper mode: lets the brokers in through the ensemble's NetworkPolicy and declares that flow. */
  private joinZookeeper(ensemble: ZookeeperEnsemble): void {
    ensemble.allowClient(this);
    this.flowDeclarations.add({ name: 'kafka -> zookeeper client port', from: this.podRef, to: ensemble.podRef, port: ZOOKEEPER_PORTS.client });
  }

  /**
   * The flows the cluster needs and admits (clients come with {@link allowClient}): broker to broker
   * replication, the KRaft controller quorum (combined: broker to broker on the controller port;
   * dedicated: brokers and controllers to the controllers), scrapes of the exporters. The
   * ZooKeeper client flow is declared with the ensemble.
   */
  private declareFlows(): void {
    const { brokerListener, controllerListener, pod, monitoringNamespace } = this.resolved;
    const brokers = this.podRef;
    this.flowDeclarations.add({ name: 'kafka broker -> kafka broker', from: brokers, to: brokers, port: brokerListener.port });
    const controllers = this.controllerSelectorLabels ? { namespace: this.namespace, labels: { ...this.controllerSelectorLabels } } : undefined;
    if (controllerListener && !controllers) {
      this.flowDeclarations.add({ name: 'kafka controller quorum', from: brokers, to: brokers, port: controllerListener.port });
    }
    if (controllerListener && controllers) {
      this.flowDeclarations.add({ name: 'kafka broker -> kafka controller', from: brokers, to: controllers, port: controllerListener.port });
      this.flowDeclarations.add({ name: 'kafka controller quorum', from: controllers, to: controllers, port: controllerListener.port });
    }
    if (pod.metrics) {
      this.declareScrape(monitoringNamespace, pod.metrics.port);
      if (controllers) this.declareScrape(monitoringNamespace, pod.metrics.port, controllers, 'kafka controller metrics');
    }
    this.flowDeclarations.annotate(this.statefulSet);
  }

  private checkControllerReplicas(value: number): number {
    check([1, 3, 5].includes(value), this, 'mode.controllers.replicas', value,
      'must be 1, 3 or 5: an odd quorum so a majority survives failures (larger quorums only slow metadata commits)');
    return value;
  }

  private checkListener(prop: string, listener: KafkaListener | undefined, defaultName: string, defaultPort: number): { name: string; port: number } {
    const name = listener?.name ?? defaultName;
    check(typeof name === 'string' && LISTENER_NAME.test(name), this, `${prop}.name`, name,
      'must be a Kafka listener name: an upper case letter, then upper case letters, digits or "_", at most 32 characters');
    return { name, port: checkPort(this, `${prop}.port`, listener?.port ?? defaultPort) };
  }

  private checkStorage(prop: string, storage: KafkaStorage | undefined, defaultSize: string): { size: string; storageClassName?: string } {
    const size = storage?.size ?? defaultSize;
    checkQuantity(this, `${prop}.size`, size);
    if (storage?.storageClassName !== undefined) checkDnsSubdomain(this, `${prop}.storageClassName`, storage.storageClassName);
    return { size, storageClassName: storage?.storageClassName };
  }

  private checkMetrics(options: KafkaMetricsOptions | undefined): CheckedMetrics | undefined {
    if (options?.enabled === false) return undefined;
    const jarPath = options?.jarPath ?? KAFKA_JMX_EXPORTER_JAR;
    check(typeof jarPath === 'string' && /^\/[^\s]*\.jar$/.test(jarPath), this, 'metrics.jarPath', jarPath, 'must be an absolute path to a .jar file without spaces');
    return {
      image: checkPinnedImage(this, 'metrics.image', options?.image ?? KAFKA_JMX_EXPORTER_IMAGE),
      jarPath,
      port: checkPort(this, 'metrics.port', options?.port ?? KAFKA_DEFAULT_PORTS.metrics),
      jmxPort: checkPort(this, 'metrics.jmxPort', options?.jmxPort ?? KAFKA_DEFAULT_PORTS.jmx),
      resources: checkResources(this, 'metrics.resources', options?.resources ?? DEFAULT_EXPORTER_RESOURCES),
    };
  }

  private checkBounded(prop: string, value: number, max: number, allowed: string): number {
    check(Number.isInteger(value) && value >= 1 && value <= max, this, prop, value, allowed);
    return value;
  }

  private checkExtraConfig(config: Record<string, string>): KafkaPropertyList {
    return Object.keys(config).sort().map((key) => {
      const value = config[key];
      check(CONFIG_KEY.test(key), this, 'config key', key, 'must be a Kafka property name: lower case words separated by ".", "_" or "-"');
      check(!KAFKA_MANAGED_CONFIG_KEYS.includes(key), this, 'config key', key,
        'is managed by KafkaCluster (ids, listeners, quorum, ZooKeeper, log dirs and durability have their own props)');
      check(typeof value === 'string' && value.length > 0 && !/[\r\n\\]/.test(value), this, `config["${key}"]`, value,
        'must be a non-empty string without line breaks or backslashes');
      return [key, value] as const;
    });
  }
}

/** Construct id prefix of a node group's objects: none for the brokers, `Controller` for the controllers. */
function idPrefix(spec: NodeGroupSpec): string {
  return spec.component === 'broker' ? '' : 'Controller';
}

/** Controller resources, with the same JVM memory floor as the brokers (the heap is half the limit). */
function checkControllerResources(scope: Construct, resources: ComputeResources): ComputeResources {
  const checked = checkResources(scope, 'mode.controllers.resources', resources);
  checkJvmMemoryLimit(scope, 'mode.controllers.resources.limits.memory', checked.limits.memory);
  return checked;
}
