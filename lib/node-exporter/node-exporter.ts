import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { namedServicePort } from '../core/network';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { MetricsEndpoint } from '../core/metrics';
import { namespaceOf } from '../core/namespace';
import { httpProbe } from '../core/probes';
import { checkResources, ComputeResources, toResourceRequirements } from '../core/resources';
import { tolerateEverything } from '../core/scheduling';
import { relaxedContainerSecurityContext, restrictedPodSecurityContext, securityExceptionAnnotations, SecurityRelaxation, NOBODY } from '../core/security';
import { check, checkBoolean, checkDnsLabel, checkDnsSubdomain, checkInteger, checkLabelValue, checkPinnedImage, checkPort } from '../core/validation';
import { checkUniqueObjectNames } from '../core/unique-names';
import { budgetToIntOrString, changeCauseAnnotations, checkIntOrPercent, IntOrPercent } from '../core/rollout';

/** Pinned upstream image (v1.9.1, released 2025-04; the 1.9 line is current). */
export const NODE_EXPORTER_DEFAULT_IMAGE = 'quay.io/prometheus/node-exporter:v1.9.1';

/** The port node-exporter serves on, on every node (origin: 9100, named `scrape`). */
export const NODE_EXPORTER_PORT = 9100;

/** Name of the container and Service port that serves the metrics. */
export const NODE_EXPORTER_PORT_NAME = 'scrape';

/**
 * Why the pods need more than Pod Security `restricted` (recorded on the pod template as the
 * `platform.cdk8s.io/security-exception` annotation). The container itself stays at the restricted
 * baseline: uid 65534, read-only root filesystem, every capability dropped, RuntimeDefault seccomp.
 */
export const NODE_EXPORTER_SECURITY_REASON =
  'node-exporter reports on the node itself: hostNetwork (node network interfaces and stats, scraped at <nodeIP>:9100 via hostPort), ' +
  'hostPID (every host process in /proc) and read-only hostPath mounts of /proc, /sys and / (filesystems, hardware)';

/**
 * Default collector flags: leave out container, kubelet and runtime mounts (they duplicate the real
 * disks and churn with every pod) and virtual network devices (one `veth` per pod).
 */
export const NODE_EXPORTER_DEFAULT_COLLECTOR_ARGS: readonly string[] = [
  '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|run/k3s/containerd/.+|var/lib/docker/.+|var/lib/containerd/.+|var/lib/kubelet/pods/.+)($|/)',
  '--collector.netclass.ignored-devices=^(veth.*|cali.*|[a-f0-9]{15})$',
  '--collector.netdev.device-exclude=^(veth.*|cali.*|[a-f0-9]{15})$',
];

/** Props of {@link NodeExporter}. */
export interface NodeExporterProps {
  /** Name of the DaemonSet, its Service and ServiceAccount. @default 'node-exporter' (origin) */
  readonly name?: string;
  /** Pinned image (tag or digest, never latest). @default NODE_EXPORTER_DEFAULT_IMAGE */
  readonly image?: string;
  /** Container port (named `scrape`). @default 9100 (origin) */
  readonly port?: number;
  /**
   * Port opened on each node. With `hostNetwork` the container already listens in the node's
   * network namespace, so Kubernetes requires hostPort to equal the container port.
   * @default - the container port
   */
  readonly hostPort?: number;
  /**
   * Nodes whose exporter may be down at once during a rollout: an integer >= 1 or a percentage
   * (`'10%'`). `1` replaces one pod at a time, so a bad image halts the rollout at one node.
   * @default 1
   */
  readonly maxUnavailable?: IntOrPercent;
  /**
   * Old ControllerRevisions kept, so `kubectl rollout undo ds/<name> --to-revision=N` can return
   * to any of them. @default 10
   */
  readonly revisionHistoryLimit?: number;
  /** Why this revision exists; written as `kubernetes.io/change-cause` and shown by `kubectl rollout history`. @default - none */
  readonly changeCause?: string;
  /** CPU and memory. @default requests 50m / 64Mi, limits 250m / 180Mi */
  readonly resources?: ComputeResources;
  /**
   * PriorityClass of the pods; `system-node-critical` keeps the exporter from being evicted (or
   * left unscheduled) on a full node. `null` sets none. @default 'system-node-critical'
   */
  readonly priorityClassName?: string | null;
  /**
   * Collector flags after the path and listen flags; each must start with `--`.
   * @default NODE_EXPORTER_DEFAULT_COLLECTOR_ARGS
   */
  readonly collectorArgs?: string[];
  /**
   * Listen on every interface of the node instead of only its InternalIP (`status.hostIP`).
   * Binding to the InternalIP keeps node metrics off public interfaces. @default false
   */
  readonly listenOnAllInterfaces?: boolean;
  /** `app.kubernetes.io/part-of` label. @default - not set */
  readonly partOf?: string;
}

const DEFAULT_RESOURCES: ComputeResources = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '250m', memory: '180Mi' },
};

/** Host paths mounted read-only, with the flag that points node-exporter at each. */
const HOST_MOUNTS = [
  { volume: 'proc', hostPath: '/proc', mountPath: '/host/proc', flag: '--path.procfs' },
  { volume: 'sys', hostPath: '/sys', mountPath: '/host/sys', flag: '--path.sysfs' },
  { volume: 'root', hostPath: '/', mountPath: '/host/root', flag: '--path.rootfs' },
] as const;

/**
 * Prometheus node-exporter on every node (SPEC §6): DaemonSet `node-exporter` with an explicit
 * `RollingUpdate` strategy, `hostNetwork`, `hostPID` and port 9100 published as hostPort `scrape`;
 * a headless Service `node-exporter` for discovery; a token-less ServiceAccount.
 *
 * Rollouts: updating the image replaces `maxUnavailable` pods at a time (1 by default), each new
 * pod must pass its readiness probe before the next node is touched, so a bad image halts at one
 * node. `revisionHistoryLimit` keeps old ControllerRevisions for
 * `kubectl rollout undo ds node-exporter --to-revision=N`, and `changeCause` records why.
 *
 * Security: the pods must live in a namespace labelled Pod Security `privileged` (the platform's
 * `metrics` namespace): hostNetwork, hostPID, hostPort and hostPath volumes are all forbidden by
 * `baseline`. The reason is recorded in the pod-template annotation
 * `platform.cdk8s.io/security-exception`; everything else stays at the restricted baseline.
 *
 * No NetworkPolicy: with `hostNetwork` the pods share the node's network namespace, which
 * NetworkPolicies do not govern (CNIs apply them to pod interfaces only). The listener is bound to
 * the node's InternalIP by default instead; restrict 9100 with node firewalls if needed.
 */
export class NodeExporter extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly image: string;
  public readonly port: number;
  /** Labels that select the exporter pods; stable across upgrades (no version). */
  public readonly selectorLabels: Record<string, string>;
  public readonly daemonSet: k8s.KubeDaemonSet;
  /** Headless Service `node-exporter`: one endpoint per node, for discovery. */
  public readonly service: k8s.KubeService;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** Metrics on the Service port `scrape`. */
  public readonly metricsEndpoint: MetricsEndpoint;

  constructor(scope: Construct, id: string, props: NodeExporterProps = {}) {
    super(scope, id);
    checkUniqueObjectNames(this);
    this.name = checkDnsLabel(this, 'name', props.name ?? 'node-exporter');
    this.namespace = namespaceOf(this);
    this.image = checkPinnedImage(this, 'image', props.image ?? NODE_EXPORTER_DEFAULT_IMAGE);
    this.port = checkPort(this, 'port', props.port ?? NODE_EXPORTER_PORT);
    const hostPort = checkPort(this, 'hostPort', props.hostPort ?? this.port);
    check(hostPort === this.port, this, 'hostPort', hostPort,
      `must equal the container port (${this.port}): with hostNetwork the container listens on the node itself, so Kubernetes rejects a different hostPort`);
    const maxUnavailable = checkIntOrPercent(this, 'maxUnavailable', props.maxUnavailable ?? 1, 1);
    const revisionHistoryLimit = checkInteger(this, 'revisionHistoryLimit', props.revisionHistoryLimit ?? 10, 0);
    const resources = checkResources(this, 'resources', props.resources ?? DEFAULT_RESOURCES);
    const priorityClassName = props.priorityClassName === null ? undefined
      : checkDnsSubdomain(this, 'priorityClassName', props.priorityClassName ?? 'system-node-critical');
    const collectorArgs = props.collectorArgs ?? [...NODE_EXPORTER_DEFAULT_COLLECTOR_ARGS];
    check(Array.isArray(collectorArgs), this, 'collectorArgs', String(collectorArgs), 'must be a list of node-exporter flags');
    const listenOnAllInterfaces = checkBoolean(this, 'listenOnAllInterfaces', props.listenOnAllInterfaces) ?? false;
    collectorArgs.forEach((arg, i) => check(typeof arg === 'string' && /^--[a-z][\w.-]*(=.*)?$/.test(arg), this, `collectorArgs[${i}]`, arg,
      'must be a node-exporter flag such as "--no-collector.wifi" or "--collector.textfile.directory=/dir"'));
    const reservedFlag = collectorArgs.find((arg) => /^--(path\.|web\.listen-address)/.test(arg));
    check(reservedFlag === undefined, this, 'collectorArgs', reservedFlag, 'must not set --path.* or --web.listen-address: the construct sets them to match its mounts and port');

    this.selectorLabels = selectorLabels({ name: 'node-exporter', instance: this.name, component: 'exporter' });
    const labels = {
      ...standardLabels({ name: 'node-exporter', instance: this.name, component: 'exporter', partOf: checkLabelValue(this, 'partOf', props.partOf), version: imageVersion(this.image) }),
      // Origin label, informational only: selectors use the app.kubernetes.io labels above.
      app: this.name,
    };

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels },
      // node-exporter reads the node, never the Kubernetes API.
      automountServiceAccountToken: false,
    });

    // Documented departure from Pod Security `restricted` (see NODE_EXPORTER_SECURITY_REASON):
    // the pod needs the node's network and PID namespaces and read-only host filesystems. The
    // container context adds nothing: it stays non-root, read-only, with every capability dropped.
    const relaxation: SecurityRelaxation = { reason: NODE_EXPORTER_SECURITY_REASON };

    this.daemonSet = new k8s.KubeDaemonSet(this, 'Resource', {
      metadata: { name: this.name, labels, annotations: changeCauseAnnotations(this, props.changeCause) },
      spec: {
        selector: { matchLabels: this.selectorLabels },
        // Explicit (origin): replace maxUnavailable nodes at a time. maxSurge must stay 0: a
        // second pod cannot bind the same hostPort on the same node.
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: budgetToIntOrString(maxUnavailable), maxSurge: k8s.IntOrString.fromNumber(0) },
        },
        revisionHistoryLimit,
        template: {
          metadata: { labels, annotations: securityExceptionAnnotations([relaxation]) },
          spec: {
            serviceAccountName: this.serviceAccount.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            hostNetwork: true,
            hostPid: true,
            // Without it a hostNetwork pod resolves with the node's resolv.conf, not cluster DNS.
            dnsPolicy: 'ClusterFirstWithHostNet',
            priorityClassName,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: tolerateEverything(),
            terminationGracePeriodSeconds: 30,
            securityContext: restrictedPodSecurityContext({ runAsUser: NOBODY, runAsGroup: NOBODY }),
            containers: [this.container(resources, hostPort, relaxation, collectorArgs, listenOnAllInterfaces)],
            volumes: HOST_MOUNTS.map((m) => ({ name: m.volume, hostPath: { path: m.hostPath, type: 'Directory' } })),
          },
        },
      },
    });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels },
      spec: {
        clusterIp: 'None',
        // A failing exporter stays a scrape target, so "exporter down" alerts fire for it.
        publishNotReadyAddresses: true,
        selector: this.selectorLabels,
        ports: [{ ...namedServicePort(NODE_EXPORTER_PORT_NAME, this.port), protocol: 'TCP' }],
      },
    });

    this.metricsEndpoint = {
      component: 'node-exporter',
      namespace: this.namespace,
      via: 'service',
      selector: this.selectorLabels,
      portName: NODE_EXPORTER_PORT_NAME,
      path: '/metrics',
    };
  }

  private container(resources: ComputeResources, hostPort: number, relaxation: SecurityRelaxation, collectorArgs: string[], allInterfaces: boolean): k8s.Container {
    const listen = allInterfaces ? `:${this.port}` : `[$(HOST_IP)]:${this.port}`;
    return {
      name: 'node-exporter',
      image: this.image,
      imagePullPolicy: 'IfNotPresent',
      args: [
        ...HOST_MOUNTS.map((m) => `${m.flag}=${m.mountPath}`),
        '--path.udev.data=/host/root/run/udev/data',
        `--web.listen-address=${listen}`,
        ...collectorArgs,
      ],
      env: allInterfaces ? undefined : [{ name: 'HOST_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.hostIP' } } }],
      ports: [{ name: NODE_EXPORTER_PORT_NAME, containerPort: this.port, hostPort, protocol: 'TCP' }],
      resources: toResourceRequirements(resources),
      securityContext: relaxedContainerSecurityContext(relaxation),
      readinessProbe: httpProbe('/', NODE_EXPORTER_PORT_NAME, { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
      livenessProbe: httpProbe('/', NODE_EXPORTER_PORT_NAME, { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 }),
      volumeMounts: HOST_MOUNTS.map((m) => ({
        name: m.volume,
        mountPath: m.mountPath,
        readOnly: true,
        // Mounts made on the host later (new disks, kubelet volumes) appear in the container too.
        ...(m.volume === 'proc' ? {} : { mountPropagation: 'HostToContainer' }),
      })),
    };
  }
}
