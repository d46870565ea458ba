import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { makeClusterScoped } from '../core/escape-hatches';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { MetricsEndpoint } from '../core/metrics';
import { namespaceOf } from '../core/namespace';
import { ClientPeer, namedServicePort } from '../core/network';
import { ClientAccess, lazyIngressPolicy, namespaceIngressRule } from '../core/client-access';
import { PlatformWorkload } from '../core/platform-workload';
import { PodDisruptionBudget } from '../core/pod-disruption-budget';
import { httpProbe } from '../core/probes';
import { checkResources, ComputeResources, toResourceRequirements } from '../core/resources';
import { derivedDnsLabels } from '../core/names';
import { AntiAffinityMode, checkAntiAffinity, podAntiAffinity, zoneSpread } from '../core/scheduling';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, NOBODY } from '../core/security';
import {
  check, checkBoolean, checkDnsLabel, checkInteger, checkLabelValue, checkOneOf, checkPinnedImage, checkPort,
} from '../core/validation';
import { checkUniqueObjectNames } from '../core/unique-names';
import { ApiAccess, checkApiRules } from '../core/api-access';
import { budgetToIntOrString, changeCauseAnnotations, checkIntOrPercent, IntOrPercent, isZeroBudget } from '../core/rollout';

/** How the Service is exposed. */
export type WebAppServiceType = 'ClusterIP' | 'NodePort';

/** Every {@link WebAppServiceType}, exactly as spelled. */
export const WEB_APP_SERVICE_TYPES: readonly WebAppServiceType[] = ['ClusterIP', 'NodePort'];

/** Rolling-update behaviour of the Deployment. */
export interface WebAppRollout {
  /** Extra pods above `replicas` during a rollout (integer or percentage). @default 1 (origin) */
  readonly maxSurge?: IntOrPercent;
  /** Pods below `replicas` during a rollout (integer or percentage). Not 0 together with maxSurge 0. @default 1 (origin) */
  readonly maxUnavailable?: IntOrPercent;
  /** Seconds a new pod must stay Ready before it counts as available. @default 10 (origin) */
  readonly minReadySeconds?: number;
  /** Seconds without progress before the rollout is reported failed (`ProgressDeadlineExceeded`). @default 600 */
  readonly progressDeadlineSeconds?: number;
}

/** A HorizontalPodAutoscaler (autoscaling/v2) on CPU utilisation. */
export interface WebAppAutoscaling {
  /** Lower bound, >= 1. */
  readonly minReplicas: number;
  /** Upper bound, >= minReplicas. */
  readonly maxReplicas: number;
  /** Average CPU use as a percentage of the CPU request, 1–100. @default 70 */
  readonly targetCpuUtilization?: number;
}

/** Props of {@link WebApp}. */
export interface WebAppProps {
  /** Name of the Deployment, Service, ServiceAccount and HPA (DNS label, at most 52 characters). */
  readonly name: string;
  /** Pinned image (tag or digest, never latest). */
  readonly image: string;
  /** Container port serving HTTP (named `http`). @default 8080 */
  readonly port?: number;
  /** Service port in front of `http`. @default - the container port */
  readonly servicePort?: number;
  /** Container entrypoint. @default - the image's ENTRYPOINT */
  readonly command?: string[];
  /** Container arguments. @default - the image's CMD */
  readonly args?: string[];
  /** Plain environment variables (no secrets: mount those from Secrets). @default - none */
  readonly env?: Record<string, string>;
  /** Desired pods; leave unset with `autoscaling` (the HPA owns the count). @default 2 */
  readonly replicas?: number;
  /** Rolling-update settings. @default maxSurge 1, maxUnavailable 1, minReadySeconds 10 (origin) */
  readonly rollout?: WebAppRollout;
  /** Old ReplicaSets kept for `kubectl rollout undo`. @default 10 */
  readonly revisionHistoryLimit?: number;
  /** Why this revision exists; written as `kubernetes.io/change-cause` and shown by `kubectl rollout history`. @default - none */
  readonly changeCause?: string;
  /** `app.kubernetes.io/version` label (never in a selector). @default - the image tag */
  readonly version?: string;
  /** HTTP path of the readiness probe. @default '/' */
  readonly readinessPath?: string;
  /** HTTP path of the liveness probe. @default - readinessPath */
  readonly livenessPath?: string;
  /** CPU and memory. @default requests 100m / 128Mi, limits 500m / 256Mi */
  readonly resources?: ComputeResources;
  /** uid (and gid) the container runs as; must not be 0. @default 65534 */
  readonly runAsUser?: number;
  /** Writable directories (emptyDir, 64Mi each) under the read-only root filesystem. @default ['/tmp'] */
  readonly writablePaths?: string[];
  /** Keep replicas on separate nodes. @default 'preferred' */
  readonly antiAffinity?: AntiAffinityMode;
  /** Also spread replicas across zones (best effort). @default false */
  readonly zoneSpread?: boolean;
  /** Service type. NodePort opens the port on every node for traffic from outside. @default 'ClusterIP' */
  readonly serviceType?: WebAppServiceType;
  /** Fixed node port (30000–32767), only with `serviceType: 'NodePort'`. @default - allocated by Kubernetes */
  readonly nodePort?: number;
  /**
   * Kubernetes API access. When set, the dedicated ServiceAccount gets a Role (namespaced `rules`)
   * and/or ClusterRole (`clusterRules`) and its token is mounted; otherwise no token is mounted.
   * The namespace `default` ServiceAccount is never used. @default - no API access, no token
   */
  readonly apiAccess?: ApiAccess;
  /** HorizontalPodAutoscaler on CPU; replaces `replicas`. @default - none */
  readonly autoscaling?: WebAppAutoscaling;
  /** Container port (named `metrics`) serving Prometheus metrics; must differ from `port`. @default - none */
  readonly metricsPort?: number;
  /** HTTP path of the metrics. @default '/metrics' */
  readonly metricsPath?: string;
  /**
   * Who may reach the app port. Unset: any pod in the cluster for ClusterIP; any source for NodePort
   * (external clients arrive through the node and may be SNATed to node addresses, which no pod
   * selector matches). Set (even `[]`): only these peers and those added with {@link WebApp.allowClient}.
   * Each is a label selector, a cdk8s-plus-27 workload or a construct of this library.
   * @default - see above
   */
  readonly allowFrom?: ClientPeer[];
  /** Namespace whose pods (Prometheus) may scrape the metrics port. @default 'monitoring' */
  readonly monitoringNamespace?: string;
  /** Seconds a pod gets to finish requests on shutdown. @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** `app.kubernetes.io/part-of` label. @default - not set */
  readonly partOf?: string;
}

const DEFAULT_RESOURCES: ComputeResources = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
};

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const HTTP_PATH = /^\/[\x21-\x7e]*$/;
const WRITABLE_PATH = /^(\/[A-Za-z0-9._-]+)+$/;

/** {@link WebAppProps} after validation and defaults: what the render methods read. */
interface ResolvedWebApp {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly port: number;
  readonly servicePort: number;
  readonly serviceType: WebAppServiceType;
  readonly nodePort?: number;
  readonly metricsPort?: number;
  readonly metricsPath: string;
  readonly readinessPath: string;
  readonly livenessPath: string;
  /** The Deployment's count (without autoscaling) or the HPA's minimum. */
  readonly replicas: number;
  readonly autoscaling?: Required<WebAppAutoscaling>;
  /** The fewest pods wanted: a PodDisruptionBudget above one. */
  readonly minPods: number;
  readonly rollout: Required<WebAppRollout>;
  readonly revisionHistoryLimit: number;
  readonly resources: ComputeResources;
  readonly runAsUser: number;
  readonly terminationGracePeriodSeconds: number;
  readonly monitoringNamespace: string;
  readonly writable: { path: string; volume: string }[];
  readonly antiAffinity: AntiAffinityMode;
  readonly spreadZones: boolean;
  readonly env: { name: string; value: string }[];
  readonly command?: string[];
  readonly args?: string[];
  readonly apiRules: k8s.PolicyRule[];
  readonly apiClusterRules: k8s.PolicyRule[];
  readonly callsApi: boolean;
  /** Undefined: the app port is open (any pod for ClusterIP, any source for NodePort). */
  readonly allowFrom?: ClientPeer[];
  readonly selectorLabels: Record<string, string>;
  readonly labels: Record<string, string>;
  /** The `kubernetes.io/change-cause` annotation, if any. */
  readonly changeCause?: Record<string, string>;
  readonly url: string;
}

/**
 * A stateless HTTP service with safe rolling updates (SPEC §7): Deployment + Service `<name>`, a
 * dedicated ServiceAccount (token only with `apiAccess`, plus a least-privilege Role/ClusterRole),
 * an optional HorizontalPodAutoscaler, a PodDisruptionBudget `<name>-pdb` whenever more than one
 * pod is wanted, and a NetworkPolicy for the app and metrics ports.
 *
 * The generated `KubeDeployment` is used instead of cdk8s-plus-27's Deployment, which forces
 * `automountServiceAccountToken: false` (an API-calling app needs its token) and cannot express
 * `revisionHistoryLimit` or topology spread. Selectors use only the stable name/instance/component
 * labels: changing image, version, replicas or resources never touches a selector or a name.
 *
 * With `serviceType: 'NodePort'` and a metrics port, metrics get their own ClusterIP Service
 * `<name>-metrics`, so no node port is opened for them.
 */
export class WebApp extends PlatformWorkload {
  public readonly name: string;
  public readonly namespace: string;
  public readonly image: string;
  public readonly port: number;
  /** Labels that select the pods; stable across upgrades (no version). */
  public readonly selectorLabels: Record<string, string>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  /** ClusterIP Service for metrics (NodePort apps with a metrics port only). */
  public readonly metricsService?: k8s.KubeService;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly role?: k8s.KubeRole;
  public readonly clusterRole?: k8s.KubeClusterRole;
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  public readonly podDisruptionBudget?: PodDisruptionBudget;
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** Metrics on the Service port `metrics` (only with `metricsPort`). */
  public readonly metricsEndpoint?: MetricsEndpoint;
  /** `<name>.<namespace>.svc:<servicePort>`: what in-cluster clients call. */
  public readonly url: string;

  private readonly resolved: ResolvedWebApp;
  /** The clients of the app port (`allowFrom`, {@link allowClient}). */
  private readonly clients: ClientAccess;

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    checkUniqueObjectNames(this);
    const r = this.resolved = this.resolve(props);
    ({ name: this.name, namespace: this.namespace, image: this.image, port: this.port, selectorLabels: this.selectorLabels, url: this.url } = r);
    // Unset allowFrom: the port is open (any pod for ClusterIP, any source for NodePort); set: only admitted peers.
    this.clients = this.clientAccess({ ports: [r.port], target: `${r.name} http`, open: r.allowFrom ? 'none' : r.serviceType === 'NodePort' ? 'anywhere' : 'any-pod' });
    r.allowFrom?.forEach((peer, i) => this.clients.admit(`allowFrom[${i}]`, peer));

    this.serviceAccount = this.createServiceAccount();
    if (r.apiRules.length > 0) this.role = this.createRole(r.labels, r.apiRules);
    if (r.apiClusterRules.length > 0) this.clusterRole = this.createClusterRole(r.labels, r.apiClusterRules);
    this.deployment = this.createDeployment();
    ({ service: this.service, metricsService: this.metricsService } = this.createServices());
    if (r.autoscaling) this.autoscaler = this.createAutoscaler(r.labels, r.autoscaling);
    if (r.minPods > 1) this.podDisruptionBudget = this.createPodDisruptionBudget();
    this.networkPolicy = this.createNetworkPolicy();
    if (r.metricsPort !== undefined) this.declareScrape(r.monitoringNamespace, r.metricsPort);
    this.flowDeclarations.annotate(this.deployment);
    if (r.metricsPort !== undefined) {
      this.metricsEndpoint = { component: r.name, namespace: r.namespace, via: 'service', selector: r.selectorLabels, portName: 'metrics', path: r.metricsPath };
    }
  }

  /**
   * Lets `peer` (a label selector, a cdk8s-plus-27 workload or a construct of this library) reach
   * the app port, and declares that flow. Only changes the policy when `allowFrom` was given: by
   * default every pod in the cluster (ClusterIP) or every source (NodePort) may already connect.
   */
  public allowClient(peer: ClientPeer): void {
    this.clients.admit('allowClient', peer);
  }

  /** Every check and default, before any object exists. */
  private resolve(props: WebAppProps): ResolvedWebApp {
    const name = checkDnsLabel(this, 'name', props.name, 52);
    const namespace = namespaceOf(this);
    const image = checkPinnedImage(this, 'image', props.image);
    const port = checkPort(this, 'port', props.port ?? 8080);
    const servicePort = checkPort(this, 'servicePort', props.servicePort ?? port);
    const serviceType = checkOneOf(this, 'serviceType', props.serviceType ?? 'ClusterIP', WEB_APP_SERVICE_TYPES);
    if (props.nodePort !== undefined) {
      check(serviceType === 'NodePort', this, 'nodePort', props.nodePort, 'needs serviceType "NodePort"');
      checkInteger(this, 'nodePort', props.nodePort, 30000, 32767);
    }
    const metricsPort = props.metricsPort === undefined ? undefined : checkPort(this, 'metricsPort', props.metricsPort);
    check(metricsPort === undefined || metricsPort !== port, this, 'metricsPort', metricsPort, `must differ from port (${port}): metrics get their own named port`);
    check(metricsPort === undefined || metricsPort !== servicePort, this, 'servicePort', servicePort, `must differ from metricsPort (${metricsPort}): a Service cannot expose one port number twice`);
    const metricsPath = checkHttpPath(this, 'metricsPath', props.metricsPath ?? '/metrics');
    const readinessPath = checkHttpPath(this, 'readinessPath', props.readinessPath ?? '/');
    const livenessPath = checkHttpPath(this, 'livenessPath', props.livenessPath ?? readinessPath);

    const { replicas, autoscaling } = this.resolveReplicas(props);
    const rollout = this.resolveRollout(props.rollout ?? {});
    const revisionHistoryLimit = checkInteger(this, 'revisionHistoryLimit', props.revisionHistoryLimit ?? 10, 0);
    const resources = checkResources(this, 'resources', props.resources ?? DEFAULT_RESOURCES);
    const runAsUser = checkInteger(this, 'runAsUser', props.runAsUser ?? NOBODY, 1, 2147483647);
    const terminationGracePeriodSeconds = checkInteger(this, 'terminationGracePeriodSeconds', props.terminationGracePeriodSeconds ?? 30, 1);
    const monitoringNamespace = checkDnsLabel(this, 'monitoringNamespace', props.monitoringNamespace ?? 'monitoring');
    const writable = this.checkWritablePaths(props.writablePaths ?? ['/tmp']);
    const antiAffinity = checkAntiAffinity(this, 'antiAffinity', props.antiAffinity ?? 'preferred');
    const spreadZones = checkBoolean(this, 'zoneSpread', props.zoneSpread) ?? false;
    const env = Object.keys(props.env ?? {}).sort().map((key) => {
      check(ENV_NAME.test(key), this, 'env', key, 'must be a valid environment variable name');
      return { name: key, value: props.env![key] };
    });
    const apiRules = props.apiAccess ? checkApiRules(this, 'apiAccess.rules', props.apiAccess.rules ?? []) : [];
    const apiClusterRules = props.apiAccess ? checkApiRules(this, 'apiAccess.clusterRules', props.apiAccess.clusterRules ?? []) : [];
    check(!props.apiAccess || apiRules.length + apiClusterRules.length > 0, this, 'apiAccess', '{}',
      'must hold at least one rule or clusterRule; leave apiAccess unset for an app that does not call the Kubernetes API');

    const selector = selectorLabels({ name, instance: name, component: 'web' });
    check(props.allowFrom === undefined || Array.isArray(props.allowFrom), this, 'allowFrom', String(props.allowFrom), 'must be a list of peers');
    const version = checkLabelValue(this, 'version', props.version) ?? imageVersion(image);
    const labels = standardLabels({ name, instance: name, component: 'web', partOf: checkLabelValue(this, 'partOf', props.partOf), version });
    const changeCause = changeCauseAnnotations(this, props.changeCause);
    return {
      name, namespace, image, port, servicePort, serviceType, nodePort: props.nodePort, metricsPort, metricsPath, readinessPath, livenessPath,
      replicas, autoscaling, minPods: autoscaling ? autoscaling.minReplicas : replicas, rollout, revisionHistoryLimit, resources, runAsUser,
      terminationGracePeriodSeconds, monitoringNamespace, writable, antiAffinity, spreadZones, env,
      command: props.command ? [...props.command] : undefined, args: props.args ? [...props.args] : undefined,
      apiRules, apiClusterRules, callsApi: props.apiAccess !== undefined, allowFrom: props.allowFrom ? [...props.allowFrom] : undefined,
      selectorLabels: selector, labels, changeCause, url: `${name}.${namespace}.svc:${servicePort}`,
    };
  }

  private resolveReplicas(props: WebAppProps): { replicas: number; autoscaling?: Required<WebAppAutoscaling> } {
    if (props.autoscaling) {
      check(props.replicas === undefined, this, 'replicas', props.replicas, 'must be unset with autoscaling: the HorizontalPodAutoscaler owns the count (use autoscaling.minReplicas)');
      const min = checkInteger(this, 'autoscaling.minReplicas', props.autoscaling.minReplicas, 1);
      checkInteger(this, 'autoscaling.maxReplicas', props.autoscaling.maxReplicas, 1);
      check(props.autoscaling.maxReplicas >= min, this, 'autoscaling.minReplicas', min, `must not exceed autoscaling.maxReplicas (${props.autoscaling.maxReplicas})`);
      const targetCpuUtilization = checkInteger(this, 'autoscaling.targetCpuUtilization', props.autoscaling.targetCpuUtilization ?? 70, 1, 100);
      return { replicas: min, autoscaling: { minReplicas: min, maxReplicas: props.autoscaling.maxReplicas, targetCpuUtilization } };
    }
    return { replicas: checkInteger(this, 'replicas', props.replicas ?? 2, 1) };
  }

  private resolveRollout(r: WebAppRollout): Required<WebAppRollout> {
    // Only maxUnavailable is capped at 100%: a surge of "200%" (three times the pods) is valid.
    const maxSurge = checkIntOrPercent(this, 'rollout.maxSurge', r.maxSurge ?? 1, 0, Infinity);
    const maxUnavailable = checkIntOrPercent(this, 'rollout.maxUnavailable', r.maxUnavailable ?? 1, 0);
    check(!(isZeroBudget(maxSurge) && isZeroBudget(maxUnavailable)), this, 'rollout.maxUnavailable', maxUnavailable,
      'must not be 0 when rollout.maxSurge is 0 too: the rollout could neither add nor remove a pod (Kubernetes rejects it)');
    const minReadySeconds = checkInteger(this, 'rollout.minReadySeconds', r.minReadySeconds ?? 10, 0);
    const progressDeadlineSeconds = checkInteger(this, 'rollout.progressDeadlineSeconds', r.progressDeadlineSeconds ?? 600, 1);
    check(progressDeadlineSeconds > minReadySeconds, this, 'rollout.progressDeadlineSeconds', progressDeadlineSeconds,
      `must exceed rollout.minReadySeconds (${minReadySeconds})`);
    return { maxSurge, maxUnavailable, minReadySeconds, progressDeadlineSeconds };
  }

  /**
   * Each writable path gets an emptyDir named after it (`/var/cache/app` -> `var-cache-app`). Two
   * different paths whose names would collide (`/var/cache/app`, `/var/cache-app`) or a name
   * longer than 63 characters get a hash suffix instead (see {@link derivedDnsLabels}); the same
   * directory twice is an error.
   */
  private checkWritablePaths(paths: string[]): { path: string; volume: string }[] {
    check(Array.isArray(paths), this, 'writablePaths', String(paths), 'must be a list of absolute directory paths');
    const seen = new Set<string>();
    for (const path of paths) {
      check(typeof path === 'string' && WRITABLE_PATH.test(path) && !path.split('/').some((segment) => segment === '.' || segment === '..'), this, 'writablePaths', path,
        'must be an absolute directory path such as "/tmp" or "/var/cache/app", without "." or ".." segments');
      check(!seen.has(path), this, 'writablePaths', path, 'must be unique: each directory gets one emptyDir');
      seen.add(path);
    }
    const volumes = derivedDnsLabels(paths, { fallback: 'writable' });
    return paths.map((path) => ({ path, volume: volumes.get(path)! }));
  }

  private createServiceAccount(): k8s.KubeServiceAccount {
    const r = this.resolved;
    return new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: r.name, labels: r.labels },
      automountServiceAccountToken: r.callsApi,
    });
  }

  private createDeployment(): k8s.KubeDeployment {
    const r = this.resolved;
    return new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: r.name, labels: r.labels, annotations: r.changeCause },
      spec: {
        // With an HPA the count is left out, so re-applying the manifest never resets the scale.
        replicas: r.autoscaling ? undefined : r.replicas,
        revisionHistoryLimit: r.revisionHistoryLimit,
        minReadySeconds: r.rollout.minReadySeconds,
        progressDeadlineSeconds: r.rollout.progressDeadlineSeconds,
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: budgetToIntOrString(r.rollout.maxSurge), maxUnavailable: budgetToIntOrString(r.rollout.maxUnavailable) },
        },
        selector: { matchLabels: r.selectorLabels },
        template: {
          metadata: { labels: r.labels },
          spec: {
            serviceAccountName: this.serviceAccount.name,
            automountServiceAccountToken: r.callsApi,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: r.terminationGracePeriodSeconds,
            securityContext: restrictedPodSecurityContext({ runAsUser: r.runAsUser, runAsGroup: r.runAsUser }),
            affinity: podAntiAffinity(r.selectorLabels, r.antiAffinity),
            topologySpreadConstraints: r.spreadZones ? zoneSpread(r.selectorLabels) : undefined,
            containers: [this.container()],
            volumes: r.writable.map((w) => ({ name: w.volume, emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } })),
          },
        },
      },
    });
  }

  private container(): k8s.Container {
    const r = this.resolved;
    return {
      name: r.name,
      image: r.image,
      imagePullPolicy: 'IfNotPresent',
      command: r.command,
      args: r.args,
      env: r.env.length > 0 ? r.env : undefined,
      ports: [
        { name: 'http', containerPort: r.port, protocol: 'TCP' },
        ...(r.metricsPort !== undefined ? [{ name: 'metrics', containerPort: r.metricsPort, protocol: 'TCP' }] : []),
      ],
      resources: toResourceRequirements(r.resources),
      securityContext: restrictedContainerSecurityContext(),
      readinessProbe: httpProbe(r.readinessPath, 'http', { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 }),
      livenessProbe: httpProbe(r.livenessPath, 'http', { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 }),
      volumeMounts: r.writable.map((w) => ({ name: w.volume, mountPath: w.path })),
    };
  }

  /** Service `<name>`; with NodePort and a metrics port, metrics get their own ClusterIP Service `<name>-metrics`. */
  private createServices(): { service: k8s.KubeService; metricsService?: k8s.KubeService } {
    const r = this.resolved;
    const metricsServicePort: k8s.ServicePort | undefined = r.metricsPort === undefined ? undefined
      : { ...namedServicePort('metrics', r.metricsPort), protocol: 'TCP' };
    const separateMetrics = r.serviceType === 'NodePort' && metricsServicePort !== undefined;
    const service = new k8s.KubeService(this, 'Service', {
      metadata: { name: r.name, labels: r.labels },
      spec: {
        type: r.serviceType,
        selector: r.selectorLabels,
        ports: [
          { ...namedServicePort('http', r.servicePort), protocol: 'TCP', nodePort: r.nodePort },
          ...(metricsServicePort && !separateMetrics ? [metricsServicePort] : []),
        ],
      },
    });
    if (!separateMetrics) return { service };
    const metricsService = new k8s.KubeService(this, 'MetricsService', {
      metadata: { name: `${r.name}-metrics`, labels: r.labels },
      spec: { type: 'ClusterIP', selector: r.selectorLabels, ports: [metricsServicePort!] },
    });
    return { service, metricsService };
  }

  private createPodDisruptionBudget(): PodDisruptionBudget {
    const r = this.resolved;
    return new PodDisruptionBudget(this, 'Pdb', { name: `${r.name}-pdb`, labels: r.labels, selector: r.selectorLabels, maxUnavailable: 1 });
  }

  private createRole(labels: Record<string, string>, rules: k8s.PolicyRule[]): k8s.KubeRole {
    const role = new k8s.KubeRole(this, 'Role', { metadata: { name: this.name, labels }, rules });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: this.name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: this.namespace }],
    });
    return role;
  }

  /** Cluster-scoped names must be unique across namespaces: `<namespace>-<name>`. */
  private createClusterRole(labels: Record<string, string>, rules: k8s.PolicyRule[]): k8s.KubeClusterRole {
    const name = `${this.namespace}-${this.name}`;
    const clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', { metadata: { name, labels }, rules });
    const binding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: this.namespace }],
    });
    makeClusterScoped(clusterRole);
    makeClusterScoped(binding);
    return clusterRole;
  }

  private createAutoscaler(labels: Record<string, string>, a: Required<WebAppAutoscaling>): k8s.KubeHorizontalPodAutoscalerV2 {
    return new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: { name: this.name, labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        metrics: [{
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCpuUtilization } },
        }],
      },
    });
  }

  /** Ingress only: the app port from its clients (or open), the metrics port from monitoring. Egress is not restricted. */
  private createNetworkPolicy(): k8s.KubeNetworkPolicy {
    const r = this.resolved;
    const metrics = r.metricsPort === undefined ? [] : [namespaceIngressRule(r.monitoringNamespace, [r.metricsPort])];
    return lazyIngressPolicy(this, 'NetworkPolicy', {
      name: r.name, labels: r.labels, selectorLabels: r.selectorLabels,
      rules: () => [this.clients.rule(), ...metrics],
    });
  }
}

function checkHttpPath(scope: Construct, prop: string, value: string): string {
  check(typeof value === 'string' && HTTP_PATH.test(value), scope, prop, value, 'must be an absolute HTTP path such as "/healthz"');
  return value;
}
