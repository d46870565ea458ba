import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { MetricsEndpoint } from '../core/metrics';
import { namespaceOf } from '../core/namespace';
import { namedServicePort } from '../core/network';
import { httpProbe } from '../core/probes';
import { checkResources, ComputeResources, toResourceRequirements } from '../core/resources';
import { NOBODY, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { checkUniqueObjectNames } from '../core/unique-names';
import { check, checkCidr, checkDnsLabel, checkLabelValue, checkPinnedImage } from '../core/validation';
import { ANY_IPV4, IDeclaresIpEgress, IpEgress } from '../core/ip-egress';
import { PlatformWorkload } from '../core/platform-workload';
import { apiServerEgress, bindClusterRole, copyIpEgress, metricsIngressPolicy, stackDeployment } from './stack-deployment';

/** Pinned kube-state-metrics: v2.20.0 (2026-08-17) is built with client-go 1.36 (upstream compatibility matrix), the latest release, the only one its maintainers support. */
export const KUBE_STATE_METRICS_DEFAULT_IMAGE = 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0';

/** Ports of upstream's examples/standard: object metrics (`http-metrics`) and its own metrics (`telemetry`). */
export const KUBE_STATE_METRICS_PORTS = { metrics: 8080, telemetry: 8081 } as const;

/**
 * The API group of every resource kube-state-metrics v2.20 can export (its `--resources` names),
 * read from upstream's `examples/standard/cluster-role.yaml` and `pkg/options/resource.go`.
 */
export const KUBE_STATE_METRICS_RESOURCE_GROUPS: Readonly<Record<string, string>> = {
  certificatesigningrequests: 'certificates.k8s.io',
  configmaps: '',
  cronjobs: 'batch',
  daemonsets: 'apps',
  deployments: 'apps',
  endpointslices: 'discovery.k8s.io',
  horizontalpodautoscalers: 'autoscaling',
  ingressclasses: 'networking.k8s.io',
  ingresses: 'networking.k8s.io',
  jobs: 'batch',
  leases: 'coordination.k8s.io',
  limitranges: '',
  mutatingadmissionpolicies: 'admissionregistration.k8s.io',
  mutatingadmissionpolicybindings: 'admissionregistration.k8s.io',
  mutatingwebhookconfigurations: 'admissionregistration.k8s.io',
  namespaces: '',
  networkpolicies: 'networking.k8s.io',
  nodes: '',
  persistentvolumeclaims: '',
  persistentvolumes: '',
  poddisruptionbudgets: 'policy',
  pods: '',
  replicasets: 'apps',
  replicationcontrollers: '',
  resourcequotas: '',
  secrets: '',
  serviceaccounts: '',
  services: '',
  statefulsets: 'apps',
  storageclasses: 'storage.k8s.io',
  validatingadmissionpolicies: 'admissionregistration.k8s.io',
  validatingadmissionpolicybindings: 'admissionregistration.k8s.io',
  validatingwebhookconfigurations: 'admissionregistration.k8s.io',
  volumeattachments: 'storage.k8s.io',
};

/**
 * The resources exported by default: upstream's default set (`DefaultResources`, v2.20) without
 * `secrets`. Listing every Secret of the cluster is the strongest read right kube-state-metrics
 * asks for, and no platform alert or dashboard reads `kube_secret_*`; add `'secrets'` to
 * `resources` to get them back.
 */
export const KUBE_STATE_METRICS_DEFAULT_RESOURCES: readonly string[] = [
  'certificatesigningrequests', 'configmaps', 'cronjobs', 'daemonsets', 'deployments', 'endpointslices', 'horizontalpodautoscalers',
  'ingresses', 'jobs', 'leases', 'limitranges', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings', 'mutatingwebhookconfigurations',
  'namespaces', 'networkpolicies', 'nodes', 'persistentvolumeclaims', 'persistentvolumes', 'poddisruptionbudgets', 'pods', 'replicasets',
  'replicationcontrollers', 'resourcequotas', 'services', 'statefulsets', 'storageclasses', 'validatingadmissionpolicies',
  'validatingadmissionpolicybindings', 'validatingwebhookconfigurations', 'volumeattachments',
];

/** Resources the platform's alerts and dashboards read: they cannot be left out. */
export const KUBE_STATE_METRICS_REQUIRED_RESOURCES: readonly string[] = ['daemonsets', 'deployments', 'pods', 'statefulsets'];

/** Default CPU and memory (upstream gives none; ~250Mi for a few thousand objects). */
export const KUBE_STATE_METRICS_DEFAULT_COMPUTE_RESOURCES: ComputeResources = { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } };

/** Props of {@link KubeStateMetrics}. */
export interface KubeStateMetricsProps {
  /** Name of the Deployment, Service, ServiceAccount; ClusterRole(Binding) `<namespace>-<name>`. @default 'kube-state-metrics' */
  readonly name?: string;
  /** Pinned image. @default KUBE_STATE_METRICS_DEFAULT_IMAGE */
  readonly image?: string;
  /**
   * Resources to export (`--resources`); the ClusterRole grants list/watch on exactly these.
   * Must include {@link KUBE_STATE_METRICS_REQUIRED_RESOURCES}. @default KUBE_STATE_METRICS_DEFAULT_RESOURCES
   */
  readonly resources?: string[];
  /** CPU and memory. @default requests 50m / 128Mi, limits 500m / 512Mi (KUBE_STATE_METRICS_DEFAULT_COMPUTE_RESOURCES) */
  readonly computeResources?: ComputeResources;
  /** Namespace whose pods (Prometheus) may scrape it. @default 'monitoring' */
  readonly monitoringNamespace?: string;
  /**
   * Where it reaches the Kubernetes API server (ports 443 and 6443): its {@link
   * KubeStateMetrics.ipEgress}. Narrow it to the control plane's addresses when known. @default '0.0.0.0/0'
   */
  readonly apiServerCidr?: string;
  /** `app.kubernetes.io/part-of` label. @default - not set */
  readonly partOf?: string;
}

/** {@link KubeStateMetricsProps} after validation and defaults. */
interface ResolvedKubeStateMetrics {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly compute: ComputeResources;
  readonly monitoringNamespace: string;
  readonly apiServerCidr: string;
  /** Sorted. */
  readonly exportedResources: readonly string[];
  readonly selectorLabels: Record<string, string>;
  readonly labels: Record<string, string>;
}

/**
 * kube-state-metrics (SPEC §12): the Deployment that turns Kubernetes objects into metrics
 * (`kube_statefulset_*`, `kube_daemonset_*`, `kube_deployment_*` that the platform's rollout alerts
 * read). A ServiceAccount with its token (it lists and watches the API), a least-privilege
 * ClusterRole (list/watch on exactly the exported resources, no wildcard, no Secrets by default), a
 * headless Service with `http-metrics` 8080 and `telemetry` 8081 as upstream, an ingress
 * NetworkPolicy admitting the monitoring namespace, Pod Security `restricted`.
 *
 * Its {@link metricsEndpoint} asks for `honorLabels: true`: the series describe other objects, so
 * their `namespace`, `pod` and `node` labels must stay the object's, not be renamed
 * `exported_namespace` in favour of kube-state-metrics' own target labels.
 */
export class KubeStateMetrics extends PlatformWorkload implements IDeclaresIpEgress {
  public readonly name: string;
  public readonly namespace: string;
  public readonly image: string;
  /** Exported resources, sorted. */
  public readonly exportedResources: readonly string[];
  public readonly selectorLabels: Record<string, string>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly clusterRole: k8s.KubeClusterRole;
  public readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** Object metrics on `http-metrics`, to be scraped with `honorLabels: true` as job `kube-state-metrics`. */
  public readonly metricsEndpoint: MetricsEndpoint;

  private readonly egress: IpEgress[];

  constructor(scope: Construct, id: string, props: KubeStateMetricsProps = {}) {
    super(scope, id);
    checkUniqueObjectNames(this);
    const r = this.resolve(props);
    ({ name: this.name, namespace: this.namespace, image: this.image, exportedResources: this.exportedResources, selectorLabels: this.selectorLabels } = r);
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels: r.labels },
      automountServiceAccountToken: false,
    });
    ({ clusterRole: this.clusterRole, binding: this.clusterRoleBinding } = this.createClusterRole(r));
    this.deployment = this.createDeployment(r);
    this.service = this.createService(r);
    const ports = [KUBE_STATE_METRICS_PORTS.metrics, KUBE_STATE_METRICS_PORTS.telemetry];
    this.networkPolicy = metricsIngressPolicy(this, { name: this.name, labels: r.labels, selectorLabels: this.selectorLabels, monitoringNamespace: r.monitoringNamespace, ports });
    // Object metrics (what the alerts read) and its own telemetry, both for Prometheus.
    this.declareScrape(r.monitoringNamespace, KUBE_STATE_METRICS_PORTS.metrics);
    this.declareScrape(r.monitoringNamespace, KUBE_STATE_METRICS_PORTS.telemetry, this.podRef, 'kube-state-metrics telemetry');
    this.flowDeclarations.annotate(this.deployment);
    this.egress = [apiServerEgress(this, r.apiServerCidr)];
    this.metricsEndpoint = {
      component: 'kube-state-metrics', namespace: this.namespace, via: 'service', selector: this.selectorLabels, portName: 'http-metrics', path: '/metrics', honorLabels: true,
    };
  }

  /** Egress to the API server: it lists and watches the exported resources. */
  public ipEgress(): IpEgress[] {
    return copyIpEgress(this.egress);
  }

  /** Every check and default, before any object. */
  private resolve(props: KubeStateMetricsProps): ResolvedKubeStateMetrics {
    const name = checkDnsLabel(this, 'name', props.name ?? 'kube-state-metrics');
    const namespace = namespaceOf(this);
    const image = checkPinnedImage(this, 'image', props.image ?? KUBE_STATE_METRICS_DEFAULT_IMAGE);
    const compute = checkResources(this, 'computeResources', props.computeResources ?? KUBE_STATE_METRICS_DEFAULT_COMPUTE_RESOURCES);
    const monitoringNamespace = checkDnsLabel(this, 'monitoringNamespace', props.monitoringNamespace ?? 'monitoring');
    const apiServerCidr = checkCidr(this, 'apiServerCidr', props.apiServerCidr ?? ANY_IPV4);
    const exportedResources = this.resolveExportedResources(props.resources ?? [...KUBE_STATE_METRICS_DEFAULT_RESOURCES]);
    const selector = selectorLabels({ name: 'kube-state-metrics', instance: name, component: 'exporter' });
    const labels = standardLabels({ name: 'kube-state-metrics', instance: name, component: 'exporter', partOf: checkLabelValue(this, 'partOf', props.partOf), version: imageVersion(image) });
    return { name, namespace, image, compute, monitoringNamespace, apiServerCidr, exportedResources, selectorLabels: selector, labels };
  }

  /** Known resources, including the required ones; sorted, each once. */
  private resolveExportedResources(requested: string[]): readonly string[] {
    check(Array.isArray(requested), this, 'resources', String(requested), 'must be a list of kube-state-metrics resource names');
    requested.forEach((r, i) => check(Object.prototype.hasOwnProperty.call(KUBE_STATE_METRICS_RESOURCE_GROUPS, r), this, `resources[${i}]`, r,
      `must be a kube-state-metrics v2.20 resource: ${Object.keys(KUBE_STATE_METRICS_RESOURCE_GROUPS).join(', ')}`));
    const missing = KUBE_STATE_METRICS_REQUIRED_RESOURCES.filter((r) => !requested.includes(r));
    check(missing.length === 0, this, 'resources', requested.join(','), `must include ${missing.join(', ')}: the platform's rollout alerts and dashboards read them`);
    return [...new Set(requested)].sort();
  }

  private createClusterRole(r: ResolvedKubeStateMetrics): { clusterRole: k8s.KubeClusterRole; binding: k8s.KubeClusterRoleBinding } {
    const labels = r.labels;
    // One rule per API group, resources sorted: list/watch only, exactly what --resources exports.
    const byGroup = new Map<string, string[]>();
    for (const resource of this.exportedResources) {
      const group = KUBE_STATE_METRICS_RESOURCE_GROUPS[resource];
      byGroup.set(group, [...(byGroup.get(group) ?? []), resource]);
    }
    return bindClusterRole(this, {
      name: `${this.namespace}-${this.name}`,
      labels,
      rules: [...byGroup.keys()].sort().map((group) => ({ apiGroups: [group], resources: byGroup.get(group)!, verbs: ['list', 'watch'] })),
      serviceAccount: { name: this.serviceAccount.name, namespace: this.namespace },
    });
  }

  private createDeployment(r: ResolvedKubeStateMetrics): k8s.KubeDeployment {
    const { labels, compute } = r;
    return stackDeployment(this, {
      name: this.name,
      labels,
      selectorLabels: this.selectorLabels,
      replicas: 1,
      pod: {
        serviceAccountName: this.serviceAccount.name,
        // It lists and watches the API: the token is mounted for this pod only.
        automountServiceAccountToken: true,
        securityContext: restrictedPodSecurityContext({ runAsUser: NOBODY }),
        containers: [{
          name: 'kube-state-metrics',
          image: this.image,
          imagePullPolicy: 'IfNotPresent',
          args: [
            `--port=${KUBE_STATE_METRICS_PORTS.metrics}`,
            `--telemetry-port=${KUBE_STATE_METRICS_PORTS.telemetry}`,
            `--resources=${this.exportedResources.join(',')}`,
          ],
          ports: [
            { name: 'http-metrics', containerPort: KUBE_STATE_METRICS_PORTS.metrics, protocol: 'TCP' },
            { name: 'telemetry', containerPort: KUBE_STATE_METRICS_PORTS.telemetry, protocol: 'TCP' },
          ],
          resources: toResourceRequirements(compute),
          securityContext: restrictedContainerSecurityContext(),
          // As upstream: ready once the telemetry server answers, alive while the metrics server does.
          readinessProbe: httpProbe('/readyz', 'telemetry', { initialDelaySeconds: 5, timeoutSeconds: 5 }),
          livenessProbe: httpProbe('/livez', 'http-metrics', { initialDelaySeconds: 5, timeoutSeconds: 5, failureThreshold: 6 }),
        }],
      },
    });
  }

  /** Headless, as upstream: `http-metrics` 8080 and `telemetry` 8081. */
  private createService(r: ResolvedKubeStateMetrics): k8s.KubeService {
    const labels = r.labels;
    return new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels },
      spec: {
        clusterIp: 'None',
        selector: this.selectorLabels,
        ports: [
          { ...namedServicePort('http-metrics', KUBE_STATE_METRICS_PORTS.metrics), protocol: 'TCP' },
          { ...namedServicePort('telemetry', KUBE_STATE_METRICS_PORTS.telemetry), protocol: 'TCP' },
        ],
      },
    });
  }
}
