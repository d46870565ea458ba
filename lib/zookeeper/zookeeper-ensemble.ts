import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { contentAddressedConfigMap } from '../core/config-map';
import { quorumAnnotations } from '../core/quorum';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { namespaceOf } from '../core/namespace';
import { ClientPeer, namedServicePort } from '../core/network';
import { ClientAccess, lazyIngressPolicy, namespaceIngressRule, podsIngressRule } from '../core/client-access';
import { PlatformWorkload } from '../core/platform-workload';
import { MetricsEndpoint } from '../core/metrics';
import { PodDisruptionBudget } from '../core/pod-disruption-budget';
import { execProbe, startupBudget } from '../core/probes';
import { checkJvmMemoryLimit, checkQuantity, jvmHeapMiB } from '../core/quantity';
import { checkResources, ComputeResources, toResourceRequirements } from '../core/resources';
import { AntiAffinityMode, checkAntiAffinity, podAntiAffinity, zoneSpread } from '../core/scheduling';
import { checkUniqueObjectNames } from '../core/unique-names';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { check, checkBoolean, checkDnsLabel, checkDnsSubdomain, checkInteger, checkLabelValue, checkOddQuorum, checkPinnedImage } from '../core/validation';
import { LOGBACK_XML, renderStartScript, renderZooCfg, ruokCommand, servingCommand } from './zookeeper-config';

/** Pinned official image; 3.9 is the current stable line. */
export const ZOOKEEPER_DEFAULT_IMAGE = 'zookeeper:3.9.3';

/** Ports of a ZooKeeper server. */
export const ZOOKEEPER_PORTS = { client: 2181, server: 2888, leaderElection: 3888, metrics: 7000 } as const;

/** Persistent storage of each server. */
export interface ZookeeperStorage {
  /** Size of each server's volume. @default '10Gi' */
  readonly size?: string;
  /** StorageClass of the volumes. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/** Props of {@link ZookeeperEnsemble}. */
export interface ZookeeperEnsembleProps {
  /** Name of the StatefulSet; Services are `<name>-hs` and `<name>-cs`, the PDB `<name>-pdb`. @default 'zk' */
  readonly name?: string;
  /** Number of servers: odd, so a majority quorum survives (replicas-1)/2 failures. @default 3 */
  readonly replicas?: number;
  /** Pinned image (tag or digest, never latest). @default ZOOKEEPER_DEFAULT_IMAGE */
  readonly image?: string;
  /** Per-server CPU and memory; the JVM heap is half the memory limit. @default requests 1 CPU / 2Gi, limits 2 CPU / 2Gi (origin) */
  readonly resources?: ComputeResources;
  /** Per-server persistent volume. @default 10Gi on the default StorageClass, retained on delete and scale-down */
  readonly storage?: ZookeeperStorage;
  /** Cluster DNS domain used in the server list. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** Servers a voluntary disruption may take at once; at most (replicas-1)/2 so quorum holds. @default 1 */
  readonly maxUnavailable?: number;
  /**
   * RollingUpdate partition: only pods with an ordinal >= partition get a new template.
   * `replicas` stages a change without rolling any pod. @default 0
   */
  readonly partition?: number;
  /** Keep servers on separate nodes: `required` (production) or `preferred` (dev). @default 'required' */
  readonly antiAffinity?: AntiAffinityMode;
  /** Also spread servers across zones (best effort). @default false */
  readonly zoneSpread?: boolean;
  /** Seconds a server gets to shut down cleanly. @default 60 */
  readonly terminationGracePeriodSeconds?: number;
  /** Namespace whose pods (Prometheus) may scrape the metrics port. @default 'monitoring' */
  readonly monitoringNamespace?: string;
  /** `app.kubernetes.io/part-of` label. @default - not set */
  readonly partOf?: string;
}

const DEFAULT_RESOURCES: ComputeResources = {
  requests: { cpu: '1', memory: '2Gi' },
  limits: { cpu: '2', memory: '2Gi' },
};

const DATA_DIR = '/data';
const CONF_DIR = '/conf';

/**
 * A quorum-aware Apache ZooKeeper ensemble (SPEC §3): StatefulSet `zk`, headless Service `zk-hs`
 * for peer traffic and per-pod DNS, client Service `zk-cs`, PodDisruptionBudget `zk-pdb`,
 * a dedicated token-less ServiceAccount and a NetworkPolicy that admits clients declared with
 * {@link allowClient}. Declares its flows (peers on 2888/3888, clients on 2181, scrapes on 7000)
 * and can be selected by cdk8s-plus-27 network policies ({@link PlatformWorkload}).
 *
 * The server id is the pod ordinal + 1 and the server list uses stable per-pod DNS names, so a
 * rescheduled server keeps its identity and data. A single-server ensemble has no PDB: there is no
 * quorum to protect and a zero-disruption budget would block every node drain.
 */
export class ZookeeperEnsemble extends PlatformWorkload {
  public readonly name: string;
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly image: string;
  public readonly clusterDomain: string;
  /** Labels that select the servers; stable across upgrades. */
  public readonly selectorLabels: Record<string, string>;
  public readonly headlessServiceName: string;
  public readonly clientServiceName: string;
  public readonly statefulSet: k8s.KubeStatefulSet;
  public readonly headlessService: k8s.KubeService;
  public readonly clientService: k8s.KubeService;
  public readonly podDisruptionBudget?: PodDisruptionBudget;
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** `zk-cs.<ns>.svc.<domain>:2181`: what clients put in their connect string. */
  public readonly connectString: string;
  /** Per-server DNS names in ordinal order (`zk-0.zk-hs.<ns>.svc.<domain>`, ...). */
  public readonly serverHosts: string[];
  /** The native Prometheus provider's port (7000, `metrics`) on the headless Service. */
  public readonly metricsEndpoint: MetricsEndpoint;

  /** The clients of the client port ({@link allowClient}). */
  private readonly clients: ClientAccess = this.clientAccess({ ports: [ZOOKEEPER_PORTS.client], target: 'zookeeper client port' });

  constructor(scope: Construct, id: string, props: ZookeeperEnsembleProps = {}) {
    super(scope, id);
    checkUniqueObjectNames(this);
    this.name = checkDnsLabel(this, 'name', props.name ?? 'zk', 52);
    this.namespace = namespaceOf(this);
    this.replicas = checkOddQuorum(this, 'replicas', props.replicas ?? 3);
    this.image = checkPinnedImage(this, 'image', props.image ?? ZOOKEEPER_DEFAULT_IMAGE);
    this.clusterDomain = checkDnsSubdomain(this, 'clusterDomain', props.clusterDomain ?? 'cluster.local');
    const resources = checkResources(this, 'resources', props.resources ?? DEFAULT_RESOURCES);
    checkJvmMemoryLimit(this, 'resources.limits.memory', resources.limits.memory);
    const storageSize = props.storage?.size ?? '10Gi';
    checkQuantity(this, 'storage.size', storageSize);
    if (props.storage?.storageClassName !== undefined) checkDnsSubdomain(this, 'storage.storageClassName', props.storage.storageClassName);
    const partition = checkInteger(this, 'partition', props.partition ?? 0, 0, this.replicas);
    const grace = checkInteger(this, 'terminationGracePeriodSeconds', props.terminationGracePeriodSeconds ?? 60, 1);
    const monitoringNamespace = checkDnsLabel(this, 'monitoringNamespace', props.monitoringNamespace ?? 'monitoring');

    this.headlessServiceName = `${this.name}-hs`;
    this.clientServiceName = `${this.name}-cs`;
    this.selectorLabels = selectorLabels({ name: 'zookeeper', instance: this.name, component: 'server' });
    const labels = standardLabels({ name: 'zookeeper', instance: this.name, component: 'server', partOf: checkLabelValue(this, 'partOf', props.partOf), version: imageVersion(this.image) });
    const svcDomain = `${this.namespace}.svc.${this.clusterDomain}`;
    this.serverHosts = Array.from({ length: this.replicas }, (_, i) => `${this.name}-${i}.${this.headlessServiceName}.${svcDomain}`);
    this.connectString = `${this.clientServiceName}.${svcDomain}:${ZOOKEEPER_PORTS.client}`;

    const config = this.createConfigMap(labels);
    this.headlessService = this.createHeadlessService(labels);
    this.clientService = this.createClientService(labels);
    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels },
      automountServiceAccountToken: false,
    });
    this.statefulSet = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name: this.name, labels, annotations: quorumAnnotations('zookeeper', this.serverHosts.join(',')) },
      spec: {
        serviceName: this.headlessServiceName,
        replicas: this.replicas,
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        revisionHistoryLimit: 10,
        selector: { matchLabels: this.selectorLabels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: serviceAccount.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: grace,
            securityContext: restrictedPodSecurityContext({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 }),
            affinity: podAntiAffinity(this.selectorLabels, checkAntiAffinity(this, 'antiAffinity', props.antiAffinity ?? 'required')),
            topologySpreadConstraints: checkBoolean(this, 'zoneSpread', props.zoneSpread) ? zoneSpread(this.selectorLabels) : undefined,
            containers: [this.container(resources)],
            volumes: [
              { name: 'config', configMap: { name: config.name, defaultMode: 0o444 } },
              { name: 'logs', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
            ],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data', labels: this.selectorLabels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: props.storage?.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(storageSize) } },
          },
        }],
      },
    });

    if (this.replicas > 1) {
      const maxQuorumLoss = (this.replicas - 1) / 2;
      this.podDisruptionBudget = new PodDisruptionBudget(this, 'Pdb', {
        name: `${this.name}-pdb`,
        labels,
        selector: this.selectorLabels,
        maxUnavailable: checkInteger(this, 'maxUnavailable', props.maxUnavailable ?? 1, 1, maxQuorumLoss),
      });
    } else if (props.maxUnavailable !== undefined) {
      check(false, this, 'maxUnavailable', props.maxUnavailable, 'a single-server ensemble has no quorum to protect and gets no PodDisruptionBudget; leave maxUnavailable unset');
    }
    this.networkPolicy = this.createNetworkPolicy(labels, monitoringNamespace);
    this.flowDeclarations.add({ name: 'zookeeper peers (quorum)', from: this.podRef, to: this.podRef, port: ZOOKEEPER_PORTS.server });
    this.flowDeclarations.add({ name: 'zookeeper peers (leader election)', from: this.podRef, to: this.podRef, port: ZOOKEEPER_PORTS.leaderElection });
    this.declareScrape(monitoringNamespace, ZOOKEEPER_PORTS.metrics);
    this.flowDeclarations.annotate(this.statefulSet);
    this.metricsEndpoint = { component: 'zookeeper', namespace: this.namespace, via: 'service', selector: this.selectorLabels, portName: 'metrics' };
  }

  /**
   * Lets `peer` (e.g. a KafkaCluster, a cdk8s-plus-27 workload or `{ podLabels, namespace? }`)
   * reach the client port, and declares that flow. Nothing else may: the client port is closed
   * until a client is declared.
   */
  public allowClient(peer: ClientPeer): void {
    this.clients.admit('allowClient', peer);
  }

  private container(resources: ComputeResources): k8s.Container {
    const ruok = ruokCommand(ZOOKEEPER_PORTS.client);
    const serving = servingCommand(ZOOKEEPER_PORTS.client);
    const heap = jvmHeapMiB(resources.limits.memory);
    return {
      name: 'zookeeper',
      image: this.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['sh', `${CONF_DIR}/start.sh`],
      ports: [
        { name: 'client', containerPort: ZOOKEEPER_PORTS.client },
        { name: 'server', containerPort: ZOOKEEPER_PORTS.server },
        { name: 'leader-election', containerPort: ZOOKEEPER_PORTS.leaderElection },
        { name: 'metrics', containerPort: ZOOKEEPER_PORTS.metrics },
      ],
      env: [
        { name: 'ZOOCFGDIR', value: CONF_DIR },
        { name: 'ZOO_LOG_DIR', value: '/logs' },
        { name: 'ZK_SERVER_HEAP', value: String(heap) },
        { name: 'SERVER_JVMFLAGS', value: `-Xms${heap}m -XX:+ExitOnOutOfMemoryError` },
        { name: 'JMXDISABLE', value: 'true' },
      ],
      resources: toResourceRequirements(resources),
      securityContext: restrictedContainerSecurityContext(),
      // Startup and liveness: the JVM answers (ruok). Readiness: it serves (srvr reports a Mode), so a
      // server without quorum leaves the client Service and stops counting for the PDB.
      startupProbe: startupBudget(execProbe(ruok), 300),
      readinessProbe: execProbe(serving, { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
      livenessProbe: execProbe(ruok, { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 }),
      volumeMounts: [
        { name: 'data', mountPath: DATA_DIR },
        { name: 'config', mountPath: CONF_DIR, readOnly: true },
        { name: 'logs', mountPath: '/logs' },
        { name: 'tmp', mountPath: '/tmp' },
      ],
    };
  }

  private createConfigMap(labels: Record<string, string>): { name: string; data: Record<string, string> } {
    const data = {
      'zoo.cfg': renderZooCfg({
        replicas: this.replicas,
        serverHosts: this.serverHosts,
        clientPort: ZOOKEEPER_PORTS.client,
        serverPort: ZOOKEEPER_PORTS.server,
        electionPort: ZOOKEEPER_PORTS.leaderElection,
        metricsPort: ZOOKEEPER_PORTS.metrics,
        dataDir: DATA_DIR,
      }),
      'logback.xml': LOGBACK_XML,
      'start.sh': renderStartScript(DATA_DIR),
    };
    const configMap = contentAddressedConfigMap(this, 'Config', { baseName: `${this.name}-config`, labels, data });
    return { name: configMap.name, data };
  }

  /**
   * Peer traffic and per-pod DNS. `publishNotReadyAddresses` lets servers resolve each other before
   * they are Ready (they only become Ready once a quorum forms) and lets Prometheus scrape a server
   * that is failing, so its alert can fire.
   */
  private createHeadlessService(labels: Record<string, string>): k8s.KubeService {
    return new k8s.KubeService(this, 'HeadlessService', {
      metadata: { name: this.headlessServiceName, labels },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: this.selectorLabels,
        ports: [
          namedServicePort('server', ZOOKEEPER_PORTS.server),
          namedServicePort('leader-election', ZOOKEEPER_PORTS.leaderElection),
          namedServicePort('metrics', ZOOKEEPER_PORTS.metrics),
        ],
      },
    });
  }

  private createClientService(labels: Record<string, string>): k8s.KubeService {
    return new k8s.KubeService(this, 'ClientService', {
      metadata: { name: this.clientServiceName, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: [namedServicePort('client', ZOOKEEPER_PORTS.client)],
      },
    });
  }

  /** Ingress: quorum ports only from the ensemble, client port only from declared clients, metrics from monitoring. */
  private createNetworkPolicy(labels: Record<string, string>, monitoringNamespace: string): k8s.KubeNetworkPolicy {
    const ensemble = podsIngressRule([this.selectorLabels], [ZOOKEEPER_PORTS.server, ZOOKEEPER_PORTS.leaderElection]);
    const monitoring = namespaceIngressRule(monitoringNamespace, [ZOOKEEPER_PORTS.metrics]);
    return lazyIngressPolicy(this, 'NetworkPolicy', {
      name: this.name, labels, selectorLabels: this.selectorLabels,
      rules: () => [ensemble, this.clients.rule(), monitoring],
    });
  }
}
