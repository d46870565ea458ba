import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { contentAddressedConfigMap } from '../core/config-map';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { MetricsEndpoint } from '../core/metrics';
import { namespaceOf } from '../core/namespace';
import { ClientPeer, NetworkPeer, namedServicePort, namespacePeer, tcpPort, toPolicyPeer } from '../core/network';
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
  readonly storageSize: string;
  readonly storageClassName?: string;
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

  private readonly clients: NetworkPeer[] = [];

  constructor(scope: Construct, id: string, props: KafkaClusterProps) {
    super(scope, id);
    checkUniqueObjectNames(this);
    this.name = checkDnsLabel(this, 'name', props.name ?? 'kafka', 41);
    this.namespace = namespaceOf(this);
    const mode = props.mode;
    check(mode !== undefined && mode !== null && (mode.type === 'zookeeper' || mode.type === 'kraft'), this, 'mode.type',
      (mode as { type?: unknown } | undefined)?.type, 'must be "zookeeper" (with an ensemble) or "kraft" (with a clusterId)');
    this.mode = mode.type;
    const dedicated = mode.type === 'kraft' && mode.controllers !== undefined;

    // Brokers and, in KRaft, the quorum.
    this.replicas = checkInteger(this, 'replicas', props.replicas ?? 3, 1, KAFKA_CONTROLLER_ID_OFFSET);
    if (mode.type === 'kraft' && !dedicated) {
      check(this.replicas % 2 === 1, this, 'replicas', this.replicas,
        'in combined KRaft mode every broker is also a controller: must be an odd integer (1, 3, 5, ...) so a majority quorum survives failures; or use dedicated controllers');
    }
    const controllerReplicas = dedicated ? this.checkControllerReplicas((mode as KafkaKraftMode).controllers!.replicas ?? 3) : 0;

    // Image and version.
    this.image = checkPinnedImage(this, 'image', props.image ?? (mode.type === 'zookeeper' ? KAFKA_ZOOKEEPER_MODE_IMAGE : KAFKA_KRAFT_MODE_IMAGE));
    const version = kafkaVersionOf(this.image);
    if (mode.type === 'zookeeper') {
      check(version === undefined || version.major < 4, this, 'image', this.image,
        `Kafka 4.0 removed ZooKeeper mode: use a 3.x image (default ${KAFKA_ZOOKEEPER_MODE_IMAGE}) or KRaft mode`);
    } else {
      check(version === undefined || version.major > 3 || (version.major === 3 && version.minor >= 3), this, 'image', this.image,
        `KRaft mode needs Kafka 3.3 or later (default ${KAFKA_KRAFT_MODE_IMAGE})`);
    }
    const logging = kafkaLoggingFor(version?.major ?? (mode.type === 'zookeeper' ? 3 : 4));

    this.clusterDomain = checkDnsSubdomain(this, 'clusterDomain', props.clusterDomain ?? 'cluster.local');
    const resources = checkResources(this, 'resources', props.resources ?? DEFAULT_BROKER_RESOURCES);
    checkJvmMemoryLimit(this, 'resources.limits.memory', resources.limits.memory);
    const storage = this.checkStorage('storage', props.storage, '100Gi');
    this.partition = checkInteger(this, 'partition', props.partition ?? 0, 0, this.replicas);
    const grace = checkInteger(this, 'terminationGracePeriodSeconds', props.terminationGracePeriodSeconds ?? 120, 30);
    const startupBudgetSeconds = checkInteger(this, 'startupBudgetSeconds', props.startupBudgetSeconds ?? 600, 30);
    const monitoringNamespace = checkDnsLabel(this, 'monitoringNamespace', props.monitoringNamespace ?? 'monitoring');

    // Listeners and ports.
    const brokerListener = this.checkListener('listeners.broker', props.listeners?.broker, 'BROKER', KAFKA_DEFAULT_PORTS.broker);
    const controllerListener = mode.type === 'kraft'
      ? this.checkListener('listeners.controller', props.listeners?.controller, 'CONTROLLER', KAFKA_DEFAULT_PORTS.controller)
      : undefined;
    if (controllerListener) {
      check(controllerListener.name !== brokerListener.name, this, 'listeners.controller.name', controllerListener.name, 'must differ from listeners.broker.name');
    }
    this.brokerPort = brokerListener.port;
    const metrics = this.checkMetrics(props.metrics);
    const usedPorts: Array<[string, number]> = [['listeners.broker.port', brokerListener.port]];
    if (controllerListener) usedPorts.push(['listeners.controller.port', controllerListener.port]);
    if (metrics) usedPorts.push(['metrics.port', metrics.port], ['metrics.jmxPort', metrics.jmxPort]);
    usedPorts.forEach(([prop, port], i) => {
      const clash = usedPorts.slice(0, i).find(([, other]) => other === port);
      check(!clash, this, prop, port, `must differ from ${clash?.[0]} (${clash?.[1]})`);
    });

    // Durable topic defaults.
    this.replicationFactor = this.checkBounded('replicationFactor', props.replicationFactor ?? Math.min(3, this.replicas), this.replicas,
      `default.replication.factor must be an integer from 1 to ${this.replicas} (the broker count)`);
    this.minInsyncReplicas = this.checkBounded('minInsyncReplicas', props.minInsyncReplicas ?? Math.min(2, this.replicationFactor), this.replicationFactor,
      `min.insync.replicas must be an integer from 1 to ${this.replicationFactor} (the replication factor), or every acks=all write fails`);
    const internalRf = Math.min(3, this.replicas);
    check(props.autoCreateTopics === undefined || typeof props.autoCreateTopics === 'boolean', this, 'autoCreateTopics', props.autoCreateTopics, 'must be true or false');
    const extraConfig = this.checkExtraConfig(props.config ?? {});

    // Names, labels, addresses.
    this.headlessServiceName = `${this.name}-hs`;
    const identity = (component: Role) => ({ name: 'kafka', instance: this.name, component, partOf: checkLabelValue(this, 'partOf', props.partOf), version: imageVersion(this.image) });
    this.selectorLabels = selectorLabels(identity('broker'));
    const brokerLabels = standardLabels(identity('broker'));
    const svcDomain = `${this.namespace}.svc.${this.clusterDomain}`;
    const brokerPodDomain = `${this.headlessServiceName}.${svcDomain}`;
    this.brokerHosts = Array.from({ length: this.replicas }, (_, i) => `${this.name}-${i}.${brokerPodDomain}`);
    this.bootstrapServers = this.brokerHosts.map((host) => `${host}:${brokerListener.port}`).join(',');

    const controllerName = `${this.name}-controller`;
    const controllerServiceName = `${controllerName}-hs`;
    if (dedicated) this.controllerSelectorLabels = selectorLabels(identity('controller'));

    // Shared server.properties parts.
    const durability: KafkaPropertyList = [
      ['default.replication.factor', String(this.replicationFactor)],
      ['min.insync.replicas', String(this.minInsyncReplicas)],
      ['offsets.topic.replication.factor', String(internalRf)],
      ['transaction.state.log.replication.factor', String(internalRf)],
      ['transaction.state.log.min.isr', String(Math.min(2, internalRf))],
      ['unclean.leader.election.enable', 'false'],
      ['auto.create.topics.enable', String(props.autoCreateTopics ?? false)],
    ];
    const common: KafkaPropertyList = [['log.dirs', KAFKA_PATHS.logDirs], ...durability, ...extraConfig];
    const brokerListeners: KafkaPropertyList = [['inter.broker.listener.name', brokerListener.name]];

    let brokerProperties: KafkaPropertyList;
    if (mode.type === 'zookeeper') {
      check(mode.ensemble instanceof ZookeeperEnsemble, this, 'mode.ensemble', String(mode.ensemble), 'must be a ZookeeperEnsemble construct');
      const chroot = mode.chroot;
      if (chroot !== undefined) {
        check(typeof chroot === 'string' && CHROOT.test(chroot) && chroot.split('/')[1] !== 'zookeeper', this, 'mode.chroot', chroot,
          'must be an absolute ZooKeeper path such as "/kafka": "/"-separated segments of letters, digits, ".", "_" and "-", not starting with "." and not under the reserved /zookeeper');
      }
      this.zookeeperConnect = `${mode.ensemble.connectString}${chroot ?? ''}`;
      brokerProperties = [
        ['listeners', `${brokerListener.name}://:${brokerListener.port}`],
        ['listener.security.protocol.map', `${brokerListener.name}:PLAINTEXT`],
        ...brokerListeners,
        ['zookeeper.connect', this.zookeeperConnect],
        ['zookeeper.connection.timeout.ms', '18000'],
        ...common,
      ];
      mode.ensemble.allowClient(this);
      this.flowDeclarations.add({ name: 'kafka -> zookeeper client port', from: this.podRef, to: mode.ensemble.podRef, port: ZOOKEEPER_PORTS.client });
    } else {
      check(isKafkaClusterId(mode.clusterId), this, 'mode.clusterId', mode.clusterId,
        'must be a Kafka cluster id: 22 base64url characters encoding 16 bytes (run `kafka-storage.sh random-uuid` once and keep the result), not a reserved id');
      const ctl = controllerListener!;
      const voters = dedicated
        ? Array.from({ length: controllerReplicas }, (_, i) =>
          `${KAFKA_CONTROLLER_ID_OFFSET + i}@${controllerName}-${i}.${controllerServiceName}.${svcDomain}:${ctl.port}`)
        : this.brokerHosts.map((host, i) => `${i}@${host}:${ctl.port}`);
      this.controllerQuorumVoters = voters.join(',');
      const quorum: KafkaPropertyList = [
        ['controller.quorum.voters', this.controllerQuorumVoters],
        ['controller.listener.names', ctl.name],
      ];
      brokerProperties = dedicated
        ? [
          ['process.roles', 'broker'],
          ...quorum,
          ['listeners', `${brokerListener.name}://:${brokerListener.port}`],
          ['listener.security.protocol.map', `${brokerListener.name}:PLAINTEXT,${ctl.name}:PLAINTEXT`],
          ...brokerListeners,
          ...common,
        ]
        : [
          ['process.roles', 'broker,controller'],
          ...quorum,
          ['listeners', `${brokerListener.name}://:${brokerListener.port},${ctl.name}://:${ctl.port}`],
          ['listener.security.protocol.map', `${brokerListener.name}:PLAINTEXT,${ctl.name}:PLAINTEXT`],
          ...brokerListeners,
          ...common,
        ];
    }

    // Shared pod pieces.
    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels: brokerLabels },
      automountServiceAccountToken: false,
    });
    const pod = {
      serviceAccountName: serviceAccount.name,
      antiAffinity: checkAntiAffinity(this, 'antiAffinity', props.antiAffinity ?? 'required'),
      zoneSpread: checkBoolean(this, 'zoneSpread', props.zoneSpread) ?? false,
      grace,
      startupBudgetSeconds,
      logging,
      metrics,
      clusterId: mode.type === 'kraft' ? mode.clusterId : undefined,
    };

    const brokers = this.createNodeGroup({
      component: 'broker',
      stsName: this.name,
      serviceName: this.headlessServiceName,
      replicas: this.replicas,
      partition: this.partition,
      resources,
      storageSize: storage.size,
      storageClassName: storage.storageClassName,
      selector: this.selectorLabels,
      labels: brokerLabels,
      ports: mode.type === 'kraft' && !dedicated
        ? [{ name: 'broker', port: brokerListener.port }, { name: 'controller', port: controllerListener!.port }]
        : [{ name: 'broker', port: brokerListener.port }],
      probePort: 'broker',
      properties: brokerProperties,
      idProperty: mode.type === 'zookeeper' ? 'broker.id' : 'node.id',
      idOffset: 0,
      advertised: { listenerName: brokerListener.name, port: brokerListener.port },
      pdbName: `${this.name}-pdb`,
      quorumVoters: mode.type === 'kraft' && !dedicated ? this.controllerQuorumVoters : undefined,
    }, pod);
    this.statefulSet = brokers.statefulSet;
    this.headlessService = brokers.headlessService;
    this.podDisruptionBudget = brokers.podDisruptionBudget;
    this.heapMiB = jvmHeapMiB(resources.limits.memory);

    const kafkaPods = { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': this.name };
    if (dedicated) {
      const options = (mode as KafkaKraftMode).controllers!;
      const ctl = controllerListener!;
      const controllerLabels = standardLabels(identity('controller'));
      const controllers = this.createNodeGroup({
        component: 'controller',
        stsName: controllerName,
        serviceName: controllerServiceName,
        replicas: controllerReplicas,
        partition: checkInteger(this, 'mode.controllers.partition', options.partition ?? 0, 0, controllerReplicas),
        resources: checkControllerResources(this, options.resources ?? DEFAULT_CONTROLLER_RESOURCES),
        storageSize: this.checkStorage('mode.controllers.storage', options.storage, '10Gi').size,
        storageClassName: options.storage?.storageClassName,
        selector: this.controllerSelectorLabels!,
        labels: controllerLabels,
        ports: [{ name: 'controller', port: ctl.port }],
        probePort: 'controller',
        properties: [
          ['process.roles', 'controller'],
          ['controller.quorum.voters', this.controllerQuorumVoters!],
          ['controller.listener.names', ctl.name],
          ['listeners', `${ctl.name}://:${ctl.port}`],
          ['listener.security.protocol.map', `${ctl.name}:PLAINTEXT`],
          ...common,
        ],
        idProperty: 'node.id',
        idOffset: KAFKA_CONTROLLER_ID_OFFSET,
        pdbName: `${controllerName}-pdb`,
        quorumVoters: this.controllerQuorumVoters,
      }, pod);
      this.controllerStatefulSet = controllers.statefulSet;
      this.controllerHeadlessService = controllers.headlessService;
      this.controllerPodDisruptionBudget = controllers.podDisruptionBudget;

      // Brokers and controllers reach the controller quorum port; monitoring scrapes the exporter.
      this.controllerNetworkPolicy = new k8s.KubeNetworkPolicy(this, 'ControllerNetworkPolicy', {
        metadata: { name: controllerName, labels: controllerLabels },
        spec: {
          podSelector: { matchLabels: this.controllerSelectorLabels! },
          policyTypes: ['Ingress'],
          ingress: [
            { from: [{ podSelector: { matchLabels: this.selectorLabels } }, { podSelector: { matchLabels: this.controllerSelectorLabels! } }], ports: [tcpPort(ctl.port)] },
            ...(metrics ? [{ from: [namespacePeer(monitoringNamespace)], ports: [tcpPort(metrics.port)] }] : []),
          ],
        },
      });
    }

    this.networkPolicy = this.createBrokerNetworkPolicy(brokerLabels, {
      brokerPort: brokerListener.port,
      combinedControllerPort: mode.type === 'kraft' && !dedicated ? controllerListener!.port : undefined,
      metricsPort: metrics?.port,
      monitoringNamespace,
    });

    if (metrics) {
      this.metricsEndpoint = { component: 'kafka', namespace: this.namespace, via: 'service', selector: kafkaPods, portName: 'metrics' };
    }
    this.declareFlows(brokerListener.port, controllerListener?.port, metrics?.port, monitoringNamespace);
  }

  /**
   * Lets `peer` (producers, consumers, Connect, ...: a cdk8s-plus-27 workload, a construct of this
   * library such as a WebApp, or `{ podLabels, namespace? }`) reach the broker listener, and
   * declares that flow. Nothing else may: the broker port only admits other brokers until a client
   * is declared.
   */
  public allowClient(peer: ClientPeer): void {
    this.clients.push(...this.admitClient('allowClient', peer, this.brokerPort, 'kafka broker port'));
  }

  /** The partition sequence to roll this cluster's brokers: see {@link KafkaRollout.progressive}. */
  public rolloutPlan(fractions?: readonly number[]): number[] {
    return KafkaRollout.progressive(this.replicas, fractions);
  }

  /**
   * The flows the cluster needs and admits (clients come with {@link allowClient}): broker to broker
   * replication, the KRaft controller quorum (combined: broker to broker on the controller port;
   * dedicated: brokers and controllers to the controllers), scrapes of the exporters. The
   * ZooKeeper client flow is declared with the ensemble.
   */
  private declareFlows(brokerPort: number, controllerPort: number | undefined, metricsPort: number | undefined, monitoringNamespace: string): void {
    const brokers = this.podRef;
    this.flowDeclarations.add({ name: 'kafka broker -> kafka broker', from: brokers, to: brokers, port: brokerPort });
    const controllers = this.controllerSelectorLabels ? { namespace: this.namespace, labels: { ...this.controllerSelectorLabels } } : undefined;
    if (controllerPort !== undefined && !controllers) {
      this.flowDeclarations.add({ name: 'kafka controller quorum', from: brokers, to: brokers, port: controllerPort });
    }
    if (controllerPort !== undefined && controllers) {
      this.flowDeclarations.add({ name: 'kafka broker -> kafka controller', from: brokers, to: controllers, port: controllerPort });
      this.flowDeclarations.add({ name: 'kafka controller quorum', from: controllers, to: controllers, port: controllerPort });
    }
    if (metricsPort !== undefined) {
      this.declareScrape(monitoringNamespace, metricsPort);
      if (controllers) this.declareScrape(monitoringNamespace, metricsPort, controllers, 'kafka controller metrics');
    }
    this.flowDeclarations.annotate(this.statefulSet);
  }

  private createNodeGroup(spec: NodeGroupSpec, pod: {
    serviceAccountName: string; antiAffinity: AntiAffinityMode; zoneSpread: boolean; grace: number; startupBudgetSeconds: number;
    logging: { file: string; content: string; opts: string }; metrics?: CheckedMetrics; clusterId?: string;
  }): NodeGroup {
    const heap = jvmHeapMiB(spec.resources.limits.memory);
    const serverEnv: Array<[string, string]> = [
      ['LOG_DIR', KAFKA_PATHS.logs],
      ['KAFKA_HEAP_OPTS', `-Xms${heap}m -Xmx${heap}m`],
      ['KAFKA_JVM_PERFORMANCE_OPTS', '-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true'],
      ['KAFKA_GC_LOG_OPTS', `-Xlog:gc*:file=${KAFKA_PATHS.logs}/gc.log:time,tags:filecount=5,filesize=10M`],
      ['KAFKA_LOG4J_OPTS', pod.logging.opts],
      ...(pod.metrics ? [['KAFKA_JMX_OPTS', kafkaLocalJmxOpts(pod.metrics.jmxPort)] as [string, string]] : []),
    ];
    const data: Record<string, string> = {
      'server.properties': renderKafkaProperties(`Kafka ${spec.component} configuration generated by cdk8s-platform; start.sh appends the per-pod id${spec.advertised ? ' and advertised.listeners' : ''}.`, spec.properties),
      'start.sh': renderKafkaStartScript({
        idProperty: spec.idProperty,
        idOffset: spec.idOffset,
        advertised: spec.advertised,
        podDomain: `${spec.serviceName}.${this.namespace}.svc.${this.clusterDomain}`,
        clusterId: pod.clusterId,
        serverEnv,
      }),
      [pod.logging.file]: pod.logging.content,
      ...(pod.metrics ? { 'jmx-exporter.yaml': renderKafkaJmxExporterConfig(pod.metrics.jmxPort) } : {}),
    };
    const idSuffix = spec.component === 'broker' ? '' : 'Controller';
    const configName = contentAddressedConfigMap(this, `${idSuffix}Config`, { baseName: `${spec.stsName}-config`, labels: spec.labels, data }).name;

    const headlessService = new k8s.KubeService(this, `${idSuffix}HeadlessService`, {
      metadata: { name: spec.serviceName, labels: spec.labels },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: spec.selector,
        ports: [
          ...spec.ports.map((p) => namedServicePort(p.name, p.port)),
          ...(pod.metrics ? [namedServicePort('metrics', pod.metrics.port)] : []),
        ],
      },
    });

    const containers: k8s.Container[] = [{
      name: 'kafka',
      image: this.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['sh', `${KAFKA_PATHS.config}/start.sh`],
      ports: spec.ports.map((p) => ({ name: p.name, containerPort: p.port })),
      resources: toResourceRequirements(spec.resources),
      securityContext: restrictedContainerSecurityContext(),
      startupProbe: startupBudget(tcpProbe(spec.probePort), pod.startupBudgetSeconds),
      readinessProbe: tcpProbe(spec.probePort, { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
      livenessProbe: tcpProbe(spec.probePort, { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 }),
      volumeMounts: [
        { name: 'data', mountPath: KAFKA_PATHS.data },
        { name: 'config', mountPath: KAFKA_PATHS.config, readOnly: true },
        { name: 'runtime', mountPath: KAFKA_PATHS.runtime },
        { name: 'logs', mountPath: KAFKA_PATHS.logs },
        { name: 'tmp', mountPath: KAFKA_PATHS.tmp },
      ],
    }];
    if (pod.metrics) containers.push(this.exporterContainer(pod.metrics));

    const statefulSet = new k8s.KubeStatefulSet(this, spec.component === 'broker' ? 'Resource' : 'ControllerResource', {
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
          spec: {
            serviceAccountName: pod.serviceAccountName,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: pod.grace,
            securityContext: restrictedPodSecurityContext({ runAsUser: KAFKA_UID, runAsGroup: KAFKA_UID, fsGroup: KAFKA_UID }),
            affinity: podAntiAffinity(spec.selector, pod.antiAffinity),
            topologySpreadConstraints: pod.zoneSpread ? zoneSpread(spec.selector) : undefined,
            containers,
            volumes: [
              { name: 'config', configMap: { name: configName, defaultMode: 0o444 } },
              { name: 'runtime', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
              { name: 'logs', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
              ...(pod.metrics ? [{ name: 'exporter-tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }] : []),
            ],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data', labels: spec.selector },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: spec.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(spec.storageSize) } },
          },
        }],
      },
    });

    const podDisruptionBudget = spec.replicas > 1
      ? new PodDisruptionBudget(this, `${idSuffix}Pdb`, { name: spec.pdbName, labels: spec.labels, selector: spec.selector, maxUnavailable: 1 })
      : undefined;
    return { statefulSet, headlessService, podDisruptionBudget };
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
  private createBrokerNetworkPolicy(labels: Record<string, string>, ports: {
    brokerPort: number; combinedControllerPort?: number; metricsPort?: number; monitoringNamespace: string;
  }): k8s.KubeNetworkPolicy {
    const peers: k8s.NetworkPolicyIngressRule = {
      from: [{ podSelector: { matchLabels: this.selectorLabels } }],
      ports: [tcpPort(ports.brokerPort), ...(ports.combinedControllerPort ? [tcpPort(ports.combinedControllerPort)] : [])],
    };
    const monitoring: k8s.NetworkPolicyIngressRule[] = ports.metricsPort
      ? [{ from: [namespacePeer(ports.monitoringNamespace)], ports: [tcpPort(ports.metricsPort)] }]
      : [];
    const clientRules = (): k8s.NetworkPolicyIngressRule[] => this.clients.length === 0 ? [] : [{
      from: this.clients.map(toPolicyPeer),
      ports: [tcpPort(ports.brokerPort)],
    }];
    return new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels },
      spec: {
        podSelector: { matchLabels: this.selectorLabels },
        policyTypes: ['Ingress'],
        ingress: Lazy.any({ produce: () => [peers, ...clientRules(), ...monitoring] }) as unknown as k8s.NetworkPolicyIngressRule[],
      },
    });
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

interface CheckedMetrics {
  readonly image: string;
  readonly jarPath: string;
  readonly port: number;
  readonly jmxPort: number;
  readonly resources: ComputeResources;
}

/** Controller resources, with the same JVM memory floor as the brokers (the heap is half the limit). */
function checkControllerResources(scope: Construct, resources: ComputeResources): ComputeResources {
  const checked = checkResources(scope, 'mode.controllers.resources', resources);
  checkJvmMemoryLimit(scope, 'mode.controllers.resources.limits.memory', checked.limits.memory);
  return checked;
}
