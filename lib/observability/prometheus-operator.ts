import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { MetricsEndpoint } from '../core/metrics';
import { namespaceOf } from '../core/namespace';
import { httpProbe } from '../core/probes';
import { checkResources, ComputeResources, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, NOBODY } from '../core/security';
import { checkUniqueObjectNames } from '../core/unique-names';
import { check, checkCidr, checkDnsLabel, checkPinnedImage } from '../core/validation';
import { ANY_IPV4, IDeclaresIpEgress, IpEgress } from '../core/ip-egress';
import { PlatformWorkload } from '../core/platform-workload';
import { imageTag } from '../core/image-contract';
import { apiServerEgress, bindClusterRole, copyIpEgress, metricsIngressPolicy, stackDeployment } from './stack-deployment';
import {
  PROMETHEUS_CONFIG_RELOADER_DEFAULT_IMAGE, PROMETHEUS_OPERATOR_DEFAULT_IMAGE, PROMETHEUS_OPERATOR_VERSION,
} from './operator-stack-pins';

/** Props of {@link PrometheusOperator}. */
export interface PrometheusOperatorProps {
  /** Name of the Deployment, ServiceAccount and Service; the ClusterRole(Binding) is `<namespace>-<name>`. @default 'prometheus-operator' */
  readonly name?: string;
  /** Pinned operator image, of the release whose CRDs are vendored (v0.93). @default PROMETHEUS_OPERATOR_DEFAULT_IMAGE */
  readonly image?: string;
  /** Pinned config-reloader image the operator adds to Prometheus and Alertmanager pods. @default PROMETHEUS_CONFIG_RELOADER_DEFAULT_IMAGE */
  readonly configReloaderImage?: string;
  /** CPU and memory of the operator. @default requests 100m / 128Mi, limits 500m / 256Mi (PROMETHEUS_OPERATOR_DEFAULT_RESOURCES) */
  readonly resources?: ComputeResources;
  /** CPU and memory of each config-reloader sidecar. @default requests 10m / 32Mi, limits 100m / 64Mi */
  readonly configReloaderResources?: ComputeResources;
  /**
   * Where the operator reaches the Kubernetes API server (ports 443 and 6443): its {@link
   * PrometheusOperator.ipEgress}. Narrow it to the control plane's addresses when known. @default '0.0.0.0/0'
   */
  readonly apiServerCidr?: string;
  /** Namespace whose pods (Prometheus) may scrape its metrics. @default - its own namespace */
  readonly monitoringNamespace?: string;
}

/** Default operator resources. */
export const PROMETHEUS_OPERATOR_DEFAULT_RESOURCES: ComputeResources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };

/** Default resources of each config-reloader sidecar. */
export const PROMETHEUS_CONFIG_RELOADER_DEFAULT_RESOURCES: ComputeResources = { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } };

/** The operator's HTTP port (metrics, `/healthz`): `--web.listen-address=:8080`, named `http`. */
export const PROMETHEUS_OPERATOR_PORT = 8080;

const R = ['get', 'list', 'watch'];

/**
 * Least-privilege ClusterRole rules of the operator: upstream's `prometheus-operator` ClusterRole
 * (prometheus-operator `example/rbac/prometheus-operator/`, kube-prometheus
 * `prometheusOperator-clusterRole.yaml`) with every `*` spelled out as the verbs the operator
 * uses: it only reads its custom resources and writes their status and finalizers; it owns the
 * StatefulSets, ConfigMaps, Secrets and governing Services it generates; it deletes pods when a
 * StatefulSet must be recreated. The kubelet-endpoints sync (`--kubelet-service`) is off, so it
 * needs no write access to Endpoints; no kube-rbac-proxy, so no token/access reviews.
 */
export const PROMETHEUS_OPERATOR_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: ['monitoring.coreos.com'],
    resources: ['alertmanagers', 'alertmanagerconfigs', 'prometheuses', 'prometheusagents', 'thanosrulers', 'scrapeconfigs', 'servicemonitors', 'podmonitors', 'probes', 'prometheusrules'],
    verbs: R,
  },
  {
    apiGroups: ['monitoring.coreos.com'],
    resources: [
      'alertmanagers', 'alertmanagers/finalizers', 'alertmanagers/status', 'prometheuses', 'prometheuses/finalizers', 'prometheuses/status',
      'prometheusagents', 'prometheusagents/finalizers', 'prometheusagents/status', 'thanosrulers', 'thanosrulers/finalizers', 'thanosrulers/status',
      'servicemonitors/status', 'podmonitors/status', 'probes/status', 'scrapeconfigs/status',
    ],
    verbs: ['update', 'patch'],
  },
  { apiGroups: ['apps'], resources: ['statefulsets'], verbs: [...R, 'create', 'update', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: [...R, 'create', 'update', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'delete'] },
  { apiGroups: [''], resources: ['services', 'services/finalizers'], verbs: ['get', 'create', 'update', 'delete'] },
  { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
  { apiGroups: [''], resources: ['namespaces'], verbs: R },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: R },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get'] },
];

/** {@link PrometheusOperatorProps} after validation and defaults. */
interface ResolvedPrometheusOperator {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly configReloaderImage: string;
  readonly resources: ComputeResources;
  /** Of each config-reloader sidecar. */
  readonly reloader: ComputeResources;
  readonly apiServerCidr: string;
  readonly monitoringNamespace: string;
  readonly selectorLabels: Record<string, string>;
  readonly labels: Record<string, string>;
}

/**
 * The Prometheus Operator (SPEC §12), pinned to the release whose CRDs are vendored
 * ({@link PROMETHEUS_OPERATOR_VERSION}): a one-replica Deployment under Pod Security `restricted`
 * (uid 65534, read-only root, no capabilities), its ServiceAccount, the least-privilege
 * ClusterRole {@link PROMETHEUS_OPERATOR_RULES} and binding, and a Service `<name>` on port `http`
 * for its metrics (`metricsEndpoint`). It watches every namespace. The CRDs are emitted by
 * {@link PrometheusOperatorCrds}, applied before anything else.
 */
export class PrometheusOperator extends PlatformWorkload implements IDeclaresIpEgress {
  public readonly name: string;
  public readonly namespace: string;
  public readonly image: string;
  public readonly configReloaderImage: string;
  public readonly selectorLabels: Record<string, string>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly clusterRole: k8s.KubeClusterRole;
  public readonly service: k8s.KubeService;
  /** Admits Prometheus (the monitoring namespace) to the metrics port; the API server is no pod. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** Operator metrics on the Service port `http`. */
  public readonly metricsEndpoint: MetricsEndpoint;

  private readonly egress: IpEgress[];

  constructor(scope: Construct, id: string, props: PrometheusOperatorProps = {}) {
    super(scope, id);
    checkUniqueObjectNames(this);
    const r = this.resolve(props);
    ({ name: this.name, namespace: this.namespace, image: this.image, configReloaderImage: this.configReloaderImage, selectorLabels: this.selectorLabels } = r);
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels: r.labels },
      automountServiceAccountToken: true,
    });
    this.clusterRole = bindClusterRole(this, {
      name: `${this.namespace}-${this.name}`,
      labels: r.labels,
      rules: PROMETHEUS_OPERATOR_RULES.map((rule) => ({ ...rule, apiGroups: [...rule.apiGroups!], resources: [...rule.resources!], verbs: [...rule.verbs] })),
      serviceAccount: { name: this.serviceAccount.name, namespace: this.namespace },
    }).clusterRole;
    this.deployment = this.createDeployment(r);
    this.service = this.createService(r);
    this.metricsEndpoint = { component: 'prometheus-operator', namespace: this.namespace, via: 'service', selector: this.selectorLabels, portName: 'http', path: '/metrics' };
    this.networkPolicy = metricsIngressPolicy(this, { name: this.name, labels: r.labels, selectorLabels: this.selectorLabels, monitoringNamespace: r.monitoringNamespace, ports: [PROMETHEUS_OPERATOR_PORT] });
    this.declareScrape(r.monitoringNamespace, PROMETHEUS_OPERATOR_PORT);
    this.flowDeclarations.annotate(this.deployment);
    this.egress = [apiServerEgress(this, r.apiServerCidr)];
  }

  /** Egress to the API server: the operator watches every namespace and writes what it generates. */
  public ipEgress(): IpEgress[] {
    return copyIpEgress(this.egress);
  }

  /** Every check and default, before any object; both images of the release whose CRDs are vendored. */
  private resolve(props: PrometheusOperatorProps): ResolvedPrometheusOperator {
    const namespace = namespaceOf(this);
    const name = checkDnsLabel(this, 'name', props.name ?? 'prometheus-operator', 52);
    const image = checkPinnedImage(this, 'image', props.image ?? PROMETHEUS_OPERATOR_DEFAULT_IMAGE);
    const configReloaderImage = checkPinnedImage(this, 'configReloaderImage', props.configReloaderImage ?? PROMETHEUS_CONFIG_RELOADER_DEFAULT_IMAGE);
    const minor = PROMETHEUS_OPERATOR_VERSION.split('.').slice(0, 2).join('.');
    for (const [prop, img] of [['image', image], ['configReloaderImage', configReloaderImage]] as const) {
      const tag = imageTag(img);
      check(tag === undefined || tag.startsWith(`${minor}.`), this, prop, img,
        `must be a ${minor}.x release: the vendored CRDs are those of ${PROMETHEUS_OPERATOR_VERSION} (re-vendor vendor/crds/prometheus-operator to move)`);
    }
    const resources = checkResources(this, 'resources', props.resources ?? PROMETHEUS_OPERATOR_DEFAULT_RESOURCES);
    const reloader = checkResources(this, 'configReloaderResources', props.configReloaderResources ?? PROMETHEUS_CONFIG_RELOADER_DEFAULT_RESOURCES);
    const apiServerCidr = checkCidr(this, 'apiServerCidr', props.apiServerCidr ?? ANY_IPV4);
    const monitoringNamespace = checkDnsLabel(this, 'monitoringNamespace', props.monitoringNamespace ?? namespace);
    return {
      name, namespace, image, configReloaderImage, resources, reloader, apiServerCidr, monitoringNamespace,
      selectorLabels: selectorLabels({ name: 'prometheus-operator', instance: name, component: 'controller' }),
      labels: standardLabels({ name: 'prometheus-operator', instance: name, component: 'controller', partOf: 'monitoring', version: imageVersion(image) }),
    };
  }

  private createDeployment(r: ResolvedPrometheusOperator): k8s.KubeDeployment {
    const { labels, resources, reloader } = r;
    return stackDeployment(this, {
      name: this.name,
      labels,
      selectorLabels: this.selectorLabels,
      replicas: 1,
      revisionHistoryLimit: 5,
      // One operator at a time: no leader election between an old and a new pod.
      strategy: 'recreate',
      podAnnotations: { 'kubectl.kubernetes.io/default-container': 'prometheus-operator' },
      pod: {
        serviceAccountName: this.serviceAccount.name,
        automountServiceAccountToken: true,
        securityContext: restrictedPodSecurityContext({ runAsUser: NOBODY, runAsGroup: NOBODY }),
        containers: [{
          name: 'prometheus-operator',
          image: this.image,
          imagePullPolicy: 'IfNotPresent',
          args: [
            `--prometheus-config-reloader=${this.configReloaderImage}`,
            `--config-reloader-cpu-request=${reloader.requests.cpu}`,
            `--config-reloader-cpu-limit=${reloader.limits.cpu}`,
            `--config-reloader-memory-request=${reloader.requests.memory}`,
            `--config-reloader-memory-limit=${reloader.limits.memory}`,
            `--web.listen-address=:${PROMETHEUS_OPERATOR_PORT}`,
            '--log-format=logfmt',
          ],
          ports: [{ name: 'http', containerPort: PROMETHEUS_OPERATOR_PORT, protocol: 'TCP' }],
          resources: toResourceRequirements(resources),
          securityContext: restrictedContainerSecurityContext(),
          readinessProbe: httpProbe('/healthz', 'http', { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
          livenessProbe: httpProbe('/healthz', 'http', { initialDelaySeconds: 10, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 }),
        }],
      },
    });
  }

  /** Port `http`: the operator's metrics. */
  private createService(r: ResolvedPrometheusOperator): k8s.KubeService {
    const labels = r.labels;
    return new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels },
      spec: {
        selector: this.selectorLabels,
        ports: [{ name: 'http', port: PROMETHEUS_OPERATOR_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
  }
}
