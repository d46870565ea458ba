import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { makeClusterScoped } from '../core/escape-hatches';
import { externalSecretsAnnotations } from '../core/external-secrets';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { namespaceOf } from '../core/namespace';
import { namedServicePort, tcpPort } from '../core/network';
import { PodDisruptionBudget } from '../core/pod-disruption-budget';
import { httpProbe } from '../core/probes';
import { checkResources, ComputeResources, toResourceRequirements } from '../core/resources';
import { podAntiAffinity } from '../core/scheduling';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { checkUniqueObjectNames } from '../core/unique-names';
import { check, checkCidr, checkDnsLabel, checkDnsSubdomain, checkInteger, checkLabelValue, checkOneOf, checkPinnedImage } from '../core/validation';
import { apiServerEgress, bindClusterRole, copyIpEgress, stackDeployment } from './stack-deployment';
import { ANY_IPV4, IDeclaresIpEgress, IpEgress } from '../core/ip-egress';
import { PlatformWorkload } from '../core/platform-workload';

/**
 * Pinned metrics-server v0.8.1 (2026-01-29). Its README's compatibility matrix: 0.9.x supports
 * Kubernetes 1.34+, 0.8.x 1.31+; the platform targets 1.31–1.36 (what clusters run at the end of
 * 2026), so the 0.8 line is the newest that covers all of it.
 */
export const METRICS_SERVER_DEFAULT_IMAGE = 'registry.k8s.io/metrics-server/metrics-server:v0.8.1';

/** The aggregated API metrics-server serves (and prometheus-adapter's resource metrics as well). */
export const METRICS_API_SERVICE_NAME = 'v1beta1.metrics.k8s.io';

/** The container port (upstream: `--secure-port=10250`, named `https`); the Service listens on 443. */
export const METRICS_SERVER_PORT = 10250;

/** The kubelet port metrics-server reads `/metrics/resource` from (the nodes' status port, 10250 by default). */
export const METRICS_SERVER_KUBELET_PORT = 10250;

/** uid upstream's manifests run the image as (the Dockerfile says 65534; either works). */
export const METRICS_SERVER_UID = 1000;

/** Default resources (upstream requests 100m / 200Mi for ~100 nodes). */
export const METRICS_SERVER_DEFAULT_RESOURCES: ComputeResources = { requests: { cpu: '100m', memory: '200Mi' }, limits: { cpu: '1', memory: '400Mi' } };

/**
 * A serving certificate for the aggregated API instead of the self-signed one: the API server
 * then verifies metrics-server against `caBundle` (no `insecureSkipTLSVerify`).
 */
export interface MetricsServerServingCertificate {
  /** Existing Secret of type `kubernetes.io/tls` (keys `tls.crt`, `tls.key`) for `<name>.<namespace>.svc`. */
  readonly secretName: string;
  /** Base64 PEM of the CA that signed it (e.g. from cert-manager's CA Issuer). */
  readonly caBundle: string;
}

/** Props of {@link MetricsServer}. */
export interface MetricsServerProps {
  /** Name of the Deployment, Service, ServiceAccount and the base of its RBAC. @default 'metrics-server' */
  readonly name?: string;
  /** Pinned image. @default METRICS_SERVER_DEFAULT_IMAGE */
  readonly image?: string;
  /** Replicas; more than one get hard anti-affinity and a PDB (upstream's high-availability manifest). @default 2 */
  readonly replicas?: number;
  /** CPU and memory. @default requests 100m / 200Mi, limits 1 CPU / 400Mi (METRICS_SERVER_DEFAULT_RESOURCES) */
  readonly resources?: ComputeResources;
  /** Node address types to reach kubelets by, in order. @default ['InternalIP', 'ExternalIP', 'Hostname'] (upstream) */
  readonly kubeletPreferredAddressTypes?: Array<'InternalIP' | 'ExternalIP' | 'Hostname' | 'InternalDNS' | 'ExternalDNS'>;
  /**
   * Skip verifying kubelet serving certificates (`--kubelet-insecure-tls`). Only for clusters whose
   * kubelets have self-signed certificates (kind, minikube); upstream: "for testing purposes only".
   * @default false
   */
  readonly kubeletInsecureTls?: boolean;
  /** @default - a self-signed certificate and `insecureSkipTLSVerify: true` on the APIService (upstream) */
  readonly servingCertificate?: MetricsServerServingCertificate;
  /**
   * Sources the API server reaches metrics-server from (ingress on 10250). The API server is no
   * pod; narrow this to the control plane's addresses when known. @default '0.0.0.0/0'
   */
  readonly apiServerCidr?: string;
  /**
   * Addresses of the nodes, whose kubelets metrics-server scrapes on 10250 (the nodes' status
   * port, `--kubelet-use-node-status-port`): its {@link MetricsServer.ipEgress}, with the API
   * server's (`apiServerCidr`, 443 and 6443). @default '0.0.0.0/0'
   */
  readonly nodeCidr?: string;
  /** `app.kubernetes.io/part-of` label. @default - not set */
  readonly partOf?: string;
}

/** `obj`, made cluster-scoped (no `metadata.namespace`). */
function clusterScoped<T extends ApiObject>(obj: T): T {
  makeClusterScoped(obj);
  return obj;
}

const ADDRESS_TYPES = ['InternalIP', 'ExternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS'] as const;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Constructs of an app that emit an APIService named `v1beta1.metrics.k8s.io`, as `path` strings. */
export function metricsApiServiceEmitters(root: IConstruct): string[] {
  return root.node.findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && c.kind === 'APIService' && c.name === METRICS_API_SERVICE_NAME)
    .map((c) => c.node.path);
}

/** {@link MetricsServerProps} after validation and defaults. */
interface ResolvedMetricsServer {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly replicas: number;
  readonly resources: ComputeResources;
  readonly addressTypes: readonly string[];
  readonly insecureKubelet: boolean;
  readonly apiServerCidr: string;
  readonly nodeCidr: string;
  readonly cert?: MetricsServerServingCertificate;
  readonly selectorLabels: Record<string, string>;
  readonly labels: Record<string, string>;
}

/**
 * metrics-server (SPEC §12): the resource metrics API (`v1beta1.metrics.k8s.io`) that `kubectl top`
 * and HorizontalPodAutoscalers on CPU/memory read. Upstream's `manifests/base` as a construct:
 * Deployment (args `--cert-dir=/tmp --secure-port=10250 --kubelet-preferred-address-types=...
 * --kubelet-use-node-status-port --metric-resolution=15s`, uid 1000, read-only root, `/tmp`
 * emptyDir, `system-cluster-critical`), ServiceAccount (token: it calls the API), ClusterRoles
 * `system:aggregated-metrics-reader` (aggregated into view/edit/admin) and `system:metrics-server`,
 * the auth-delegator ClusterRoleBinding, the RoleBinding to `extension-apiserver-authentication-reader`
 * in kube-system, Service 443 → `https`, and the APIService. By default 2 replicas on separate
 * nodes with a PDB (upstream's high-availability manifest).
 *
 * APIService TLS: metrics-server generates a self-signed certificate at start, which no CA bundle
 * known at synth time can verify, so upstream sets `insecureSkipTLSVerify: true` (the API server
 * still authenticates itself to metrics-server with its front-proxy client certificate, and the
 * traffic stays encrypted). Give `servingCertificate` (e.g. issued by cert-manager) to pin the CA.
 *
 * Only one APIService `v1beta1.metrics.k8s.io` can exist: prometheus-adapter's resource-metrics
 * mode registers the same name. Synth fails when anything else in the app emits it.
 */
export class MetricsServer extends PlatformWorkload implements IDeclaresIpEgress {
  public readonly name: string;
  public readonly namespace: string;
  public readonly image: string;
  public readonly replicas: number;
  public readonly selectorLabels: Record<string, string>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly apiService: k8s.KubeApiService;
  public readonly aggregatedReaderRole: k8s.KubeClusterRole;
  public readonly clusterRole: k8s.KubeClusterRole;
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  public readonly podDisruptionBudget?: PodDisruptionBudget;

  private readonly egress: IpEgress[];

  constructor(scope: Construct, id: string, props: MetricsServerProps = {}) {
    super(scope, id);
    checkUniqueObjectNames(this);
    const r = this.resolve(props);
    ({ name: this.name, namespace: this.namespace, image: this.image, replicas: this.replicas, selectorLabels: this.selectorLabels } = r);
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels: r.labels },
      automountServiceAccountToken: false,
    });
    ({ aggregatedReaderRole: this.aggregatedReaderRole, clusterRole: this.clusterRole } = this.createRbac(r));
    this.deployment = this.createDeployment(r);
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels: r.labels },
      spec: { selector: this.selectorLabels, ports: [{ ...namedServicePort('https', 443), protocol: 'TCP', appProtocol: 'https' }] },
    });
    this.apiService = this.createApiService(r);
    this.networkPolicy = this.createNetworkPolicy(r);
    if (this.replicas > 1) {
      this.podDisruptionBudget = new PodDisruptionBudget(this, 'Pdb', { name: `${this.name}-pdb`, labels: r.labels, selector: this.selectorLabels, maxUnavailable: 1 });
    }
    // No pod connects to it (the API server is no pod) and it connects to none: no flows, only
    // egress to the API server and the kubelets, by address.
    this.flowDeclarations.annotate(this.deployment);
    this.egress = [
      apiServerEgress(this, r.apiServerCidr),
      { name: `${this.name}-kubelets`, namespace: this.namespace, podLabels: { ...this.selectorLabels }, cidr: r.nodeCidr, ports: [METRICS_SERVER_KUBELET_PORT] },
    ];
    this.addSingleApiServiceValidation();
  }

  /** Egress to the API server (reads nodes and pods, delegates authentication) and to every kubelet (10250). */
  public ipEgress(): IpEgress[] {
    return copyIpEgress(this.egress);
  }
  /** Every check and default, before any object. */
  private resolve(props: MetricsServerProps): ResolvedMetricsServer {
    const name = checkDnsLabel(this, 'name', props.name ?? 'metrics-server');
    const namespace = namespaceOf(this);
    const image = checkPinnedImage(this, 'image', props.image ?? METRICS_SERVER_DEFAULT_IMAGE);
    const replicas = checkInteger(this, 'replicas', props.replicas ?? 2, 1);
    const resources = checkResources(this, 'resources', props.resources ?? METRICS_SERVER_DEFAULT_RESOURCES);
    const addressTypes = props.kubeletPreferredAddressTypes ?? ['InternalIP', 'ExternalIP', 'Hostname'];
    check(Array.isArray(addressTypes) && addressTypes.length > 0, this, 'kubeletPreferredAddressTypes', String(addressTypes), 'must list at least one node address type');
    addressTypes.forEach((t, i) => checkOneOf(this, `kubeletPreferredAddressTypes[${i}]`, t, ADDRESS_TYPES));
    const insecureKubelet = props.kubeletInsecureTls ?? false;
    check(typeof insecureKubelet === 'boolean', this, 'kubeletInsecureTls', insecureKubelet, 'must be true or false');
    const apiServerCidr = checkCidr(this, 'apiServerCidr', props.apiServerCidr ?? ANY_IPV4);
    const nodeCidr = checkCidr(this, 'nodeCidr', props.nodeCidr ?? ANY_IPV4);
    const cert = props.servingCertificate;
    if (cert) {
      checkDnsSubdomain(this, 'servingCertificate.secretName', cert.secretName);
      check(typeof cert.caBundle === 'string' && BASE64.test(cert.caBundle), this, 'servingCertificate.caBundle', '<redacted>', 'must be the base64 encoding of the PEM CA certificate');
    }
    const selector = selectorLabels({ name: 'metrics-server', instance: name, component: 'metrics-api' });
    const labels = standardLabels({ name: 'metrics-server', instance: name, component: 'metrics-api', partOf: checkLabelValue(this, 'partOf', props.partOf), version: imageVersion(image) });
    return { name, namespace, image, replicas, resources, addressTypes, insecureKubelet, apiServerCidr, nodeCidr, cert, selectorLabels: selector, labels };
  }

  /** The aggregated reader, the ClusterRole of metrics-server and its bindings (auth delegation, requestheader CA). */
  private createRbac(r: ResolvedMetricsServer): { aggregatedReaderRole: k8s.KubeClusterRole; clusterRole: k8s.KubeClusterRole } {
    const labels = r.labels;
    const subject = { kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: this.namespace };
    // Upstream names: the aggregated reader must keep its system: name (what `kubectl top` users
    // get through view/edit/admin); the others are prefixed when the instance is renamed.
    const prefix = this.name === 'metrics-server' ? '' : `${this.name}:`;
    const aggregatedReaderRole = clusterScoped(new k8s.KubeClusterRole(this, 'AggregatedReader', {
      metadata: {
        name: `${prefix}system:aggregated-metrics-reader`,
        labels: {
          ...labels,
          'rbac.authorization.k8s.io/aggregate-to-view': 'true',
          'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
          'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
        },
      },
      rules: [{ apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] }],
    }));
    const clusterRole = bindClusterRole(this, {
      name: `${prefix}system:metrics-server`,
      labels,
      rules: [
        { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
      ],
      serviceAccount: subject,
    }).clusterRole;
    clusterScoped(new k8s.KubeClusterRoleBinding(this, 'AuthDelegator', {
      metadata: { name: `${this.name}:system:auth-delegator`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [subject],
    }));
    // The requestheader client CA lives in kube-system/extension-apiserver-authentication.
    new k8s.KubeRoleBinding(this, 'AuthReader', {
      metadata: { name: `${this.name}-auth-reader`, namespace: 'kube-system', labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' },
      subjects: [subject],
    });
    return { aggregatedReaderRole, clusterRole };
  }

  private createDeployment(r: ResolvedMetricsServer): k8s.KubeDeployment {
    const { labels, cert, addressTypes, insecureKubelet, resources } = r;
    const args = [
      '--cert-dir=/tmp',
      `--secure-port=${METRICS_SERVER_PORT}`,
      `--kubelet-preferred-address-types=${addressTypes.join(',')}`,
      '--kubelet-use-node-status-port',
      '--metric-resolution=15s',
      ...(insecureKubelet ? ['--kubelet-insecure-tls'] : []),
      ...(cert ? ['--tls-cert-file=/etc/metrics-server/tls/tls.crt', '--tls-private-key-file=/etc/metrics-server/tls/tls.key'] : []),
    ];
    const container: k8s.Container = {
      name: 'metrics-server',
      image: this.image,
      imagePullPolicy: 'IfNotPresent',
      args,
      ports: [{ name: 'https', containerPort: METRICS_SERVER_PORT, protocol: 'TCP' }],
      resources: toResourceRequirements(resources),
      securityContext: restrictedContainerSecurityContext(),
      readinessProbe: httpProbe('/readyz', 'https', { scheme: 'HTTPS', periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 20 }),
      livenessProbe: httpProbe('/livez', 'https', { scheme: 'HTTPS', periodSeconds: 10, failureThreshold: 3 }),
      volumeMounts: [
        { name: 'tmp-dir', mountPath: '/tmp' },
        ...(cert ? [{ name: 'tls', mountPath: '/etc/metrics-server/tls', readOnly: true }] : []),
      ],
    };
    return stackDeployment(this, {
      name: this.name,
      labels,
      selectorLabels: this.selectorLabels,
      replicas: this.replicas,
      // Upstream: never fewer ready replicas during a rollout (the HPA and kubectl top depend on it).
      strategy: 'surge',
      podAnnotations: externalSecretsAnnotations([cert?.secretName]),
      pod: {
        serviceAccountName: this.serviceAccount.name,
        // It reads nodes and pods and delegates authentication: the token is mounted here only.
        automountServiceAccountToken: true,
        priorityClassName: 'system-cluster-critical',
        securityContext: restrictedPodSecurityContext({ runAsUser: METRICS_SERVER_UID }),
        affinity: this.replicas > 1 ? podAntiAffinity(this.selectorLabels, 'required') : undefined,
        containers: [container],
        volumes: [
          { name: 'tmp-dir', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
          ...(cert ? [{ name: 'tls', secret: { secretName: cert.secretName, defaultMode: 0o440 } }] : []),
        ],
      },
    });
  }

  private createApiService(r: ResolvedMetricsServer): k8s.KubeApiService {
    const { labels, cert } = r;
    return clusterScoped(new k8s.KubeApiService(this, 'ApiService', {
      metadata: { name: METRICS_API_SERVICE_NAME, labels },
      spec: {
        service: { name: this.service.name, namespace: this.namespace, port: 443 },
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        groupPriorityMinimum: 100,
        versionPriority: 100,
        ...(cert ? { caBundle: cert.caBundle } : { insecureSkipTlsVerify: true }),
      },
    }));
  }

  private createNetworkPolicy(r: ResolvedMetricsServer): k8s.KubeNetworkPolicy {
    const { labels, apiServerCidr: cidr } = r;
    return new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels },
      spec: {
        podSelector: { matchLabels: this.selectorLabels },
        policyTypes: ['Ingress'],
        // The API server proxies every metrics.k8s.io request to 10250; it is no pod.
        ingress: [{ from: [{ ipBlock: { cidr } }], ports: [tcpPort(METRICS_SERVER_PORT)] }],
      },
    });
  }

  /** prometheus-adapter (resource metrics) registers the same APIService: there can be only one. */
  private addSingleApiServiceValidation(): void {
    this.node.addValidation({
      validate: () => {
        const others = metricsApiServiceEmitters(this.node.root).filter((path) => path !== this.apiService.node.path);
        return others.map((path) => `${this.node.path}: APIService ${METRICS_API_SERVICE_NAME} is also emitted by ${path} (prometheus-adapter?): ` +
          'the API server serves metrics.k8s.io from exactly one backend; keep metrics-server or the adapter\'s resource metrics, not both');
      },
    });
  }
}
