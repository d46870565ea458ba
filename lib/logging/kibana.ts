import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { contentAddressedConfigMap } from '../core/config-map';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { namespaceOf } from '../core/namespace';
import { PlatformWorkload } from '../core/platform-workload';
import { ClientAccess, lazyIngressPolicy } from '../core/client-access';
import { namedServicePort } from '../core/network';
import { PodDisruptionBudget } from '../core/pod-disruption-budget';
import { execProbe, httpProbe, startupBudget, tcpProbe } from '../core/probes';
import { maxHeapMiB } from '../core/image-contract';
import { MIB, parseQuantity } from '../core/quantity';
import { checkResources, ComputeResources, toResourceRequirements } from '../core/resources';
import { AntiAffinityMode, checkAntiAffinity, podAntiAffinity } from '../core/scheduling';
import { checkUniqueObjectNames } from '../core/unique-names';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { check, checkBoolean, checkDnsLabel, checkInteger, checkLabelValue, checkPinnedImage } from '../core/validation';
import {
  authenticatedCurl, checkElasticVersion, checkImageVersion, checkSecretName, credentialEnv, externalSecretsAnnotations,
  LOGGING_PART_OF,
} from './elastic-stack';
import { Elasticsearch, ELASTICSEARCH_PORTS } from './elasticsearch';
import { KIBANA_IMAGE_CONTRACT } from './kibana-image';

/** Kibana's UI/API port. */
export const KIBANA_PORT = 5601;

/** The official image for a stack version. */
export function kibanaImage(version: string): string {
  return `docker.elastic.co/kibana/kibana:${version}`;
}

const KIBANA_HOME = '/usr/share/kibana';

/** Props of {@link Kibana}. */
export interface KibanaProps {
  /** The cluster Kibana reads; its URL and version come from it. */
  readonly elasticsearch: Elasticsearch;
  /** Deployment and Service name (also in the API-server proxy path). @default 'kibana-logging' */
  readonly name?: string;
  /** Must equal the Elasticsearch version (Kibana refuses any other). @default the Elasticsearch version */
  readonly version?: string;
  /** Pinned image; its tag must equal the version. @default docker.elastic.co/kibana/kibana:<version> */
  readonly image?: string;
  /** @default 1 */
  readonly replicas?: number;
  /**
   * CPU and memory. The origin's 100m CPU limit is far too little for Kibana 8: it starts a
   * Node.js server with more than a hundred plugins and runs saved-object migrations at start,
   * which at 100m takes many minutes and trips any startup probe; 1 CPU starts it in about a
   * minute. The Node.js heap (`--max-old-space-size`) is what the limit leaves after ~320Mi
   * outside the heap and a 5% margin: 652Mi in the default 1Gi (the old 3/4, 768Mi, left too
   * little for the young generation, code and native memory). At least 896Mi.
   * @default requests 500m / 1Gi, limits 1 CPU / 1Gi
   */
  readonly resources?: ComputeResources;
  /**
   * Serve Kibana through the API-server proxy at
   * `/api/v1/namespaces/<ns>/services/<name>/proxy`. The proxy strips that prefix before
   * forwarding, so Kibana gets it as `server.basePath` (to build links) with
   * `server.rewriteBasePath: false` (requests arrive without it). @default false
   */
  readonly apiServerProxy?: boolean;
  /**
   * A base path of your own (e.g. `/kibana` behind an ingress that keeps the prefix); Kibana
   * then strips it itself (`server.rewriteBasePath: true`). Not with apiServerProxy. @default - none
   */
  readonly basePath?: string;
  /**
   * Secret (in the Kibana namespace) with keys `username` and `password` of the built-in
   * `kibana_system` user (Kibana 8 refuses the `elastic` superuser). Required when Elasticsearch
   * security is on.
   */
  readonly credentialsSecret?: string;
  /**
   * Secret with key `ca.crt` (the Elasticsearch CA) in the Kibana namespace, when security is on.
   * @default the Elasticsearch TLS Secret, which is only readable when Kibana shares its namespace
   */
  readonly caSecret?: string;
  /** Keep replicas on separate nodes. @default 'preferred' */
  readonly antiAffinity?: AntiAffinityMode;
  /** `app.kubernetes.io/part-of` label. @default 'logging' */
  readonly partOf?: string;
}

const KIBANA_NODE_MEMORY = KIBANA_IMAGE_CONTRACT.memory!;
/** Smallest Node.js heap Kibana 8 gets (saved-object migrations at start need it). */
const KIBANA_MIN_HEAP_MIB = 512;
/** Smallest memory limit: gives at least {@link KIBANA_MIN_HEAP_MIB} of heap. */
const KIBANA_MIN_MEMORY_MIB = 896;

const DEFAULT_RESOURCES: ComputeResources = {
  requests: { cpu: '500m', memory: '1Gi' },
  limits: { cpu: '1', memory: '1Gi' },
};

/** {@link KibanaProps} after validation and defaults: what the render methods read. */
interface ResolvedKibana {
  readonly name: string;
  readonly namespace: string;
  readonly version: string;
  readonly image: string;
  readonly replicas: number;
  readonly resources: ComputeResources;
  /** Node.js old-space size (`--max-old-space-size`), MiB. */
  readonly heapMiB: number;
  readonly credentialsSecret?: string;
  readonly caSecret?: string;
  readonly apiServerProxyPath: string;
  readonly basePath?: string;
  /** Whether Kibana strips the base path itself (`server.rewriteBasePath`). */
  readonly rewriteBasePath: boolean;
  readonly antiAffinity: AntiAffinityMode;
  readonly selectorLabels: Record<string, string>;
  /** Labels of every object. */
  readonly labels: Record<string, string>;
}

/**
 * Kibana for the logging cluster (SPEC §5): Deployment `kibana-logging`, Service
 * `kibana-logging` (5601 `ui`), a ConfigMap with `kibana.yml`, a token-less ServiceAccount, a
 * NetworkPolicy that opens only the UI port (the API-server proxy connects from the control
 * plane, which no pod selector can name), and a PodDisruptionBudget when replicas > 1.
 *
 * Updates use `Recreate`: Kibana does not support two versions running against one cluster at
 * once (saved-object migrations), so the old pods stop before new ones start.
 */
export class Kibana extends PlatformWorkload {
  public readonly name: string;
  public readonly namespace: string;
  public readonly version: string;
  public readonly image: string;
  public readonly replicas: number;
  /** Labels that select the Kibana pods; stable across upgrades. */
  public readonly selectorLabels: Record<string, string>;
  /** `server.basePath`, if any. */
  public readonly basePath?: string;
  /** Path of Kibana through the API server (`kubectl proxy` serves it at http://localhost:8001<path>/). */
  public readonly apiServerProxyPath: string;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly configMap: k8s.KubeConfigMap;
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  public readonly podDisruptionBudget?: PodDisruptionBudget;

  private readonly resolved: ResolvedKibana;
  private readonly es: Elasticsearch;
  /** The UI port, open to every source: the API-server proxy is not a pod. */
  private readonly uiClients: ClientAccess;

  constructor(scope: Construct, id: string, props: KibanaProps) {
    super(scope, id);
    checkUniqueObjectNames(this);
    this.es = props.elasticsearch;
    const r = this.resolved = this.resolve(props);
    ({
      name: this.name, namespace: this.namespace, version: this.version, image: this.image, replicas: this.replicas,
      selectorLabels: this.selectorLabels, basePath: this.basePath, apiServerProxyPath: this.apiServerProxyPath,
    } = r);
    this.uiClients = this.clientAccess({ ports: [KIBANA_PORT], target: 'kibana ui', open: 'anywhere' });

    this.configMap = this.createConfigMap();
    const serviceAccount = this.createServiceAccount();
    this.deployment = this.createDeployment(serviceAccount.name);
    this.service = this.createService();
    this.networkPolicy = this.createNetworkPolicy();
    this.podDisruptionBudget = this.createPodDisruptionBudget();
    this.es.allowClient(this);
    this.flowDeclarations.add({ name: 'kibana -> elasticsearch http', from: this.podRef, to: this.es.podRef, port: ELASTICSEARCH_PORTS.http });
    this.flowDeclarations.annotate(this.deployment);
  }

  /** Validation and defaults: every prop is checked here, once, before any object is rendered. */
  private resolve(props: KibanaProps): ResolvedKibana {
    const es = this.es;
    const name = checkDnsLabel(this, 'name', props.name ?? 'kibana-logging', 52);
    const namespace = namespaceOf(this);
    const version = checkElasticVersion(this, 'version', props.version ?? es.version);
    check(version === es.version, this, 'version', version,
      `must equal the Elasticsearch version ${es.version}: Kibana refuses to run against another version`);
    const image = checkPinnedImage(this, 'image', props.image ?? kibanaImage(version));
    checkImageVersion(this, 'image', image, version);
    const replicas = checkInteger(this, 'replicas', props.replicas ?? 1, 1);
    const resources = this.resolveResources(props.resources ?? DEFAULT_RESOURCES);
    const { credentialsSecret, caSecret } = this.resolveSecrets(props, namespace);
    const apiServerProxyPath = `/api/v1/namespaces/${namespace}/services/${name}/proxy`;
    const basePath = this.resolveBasePath(props, apiServerProxyPath);
    const identity = { name: 'kibana', instance: name, component: 'ui' };
    const partOf = checkLabelValue(this, 'partOf', props.partOf ?? LOGGING_PART_OF);
    return {
      name, namespace, version, image, replicas, resources, credentialsSecret, caSecret, apiServerProxyPath, basePath,
      // --max-old-space-size bounds only V8's old space: the young generation, code and native memory
      // come on top (KIBANA_IMAGE_CONTRACT.memory), so the heap is what the limit leaves beside them.
      heapMiB: maxHeapMiB(KIBANA_NODE_MEMORY, parseQuantity(resources.limits.memory)!),
      rewriteBasePath: basePath !== undefined && !props.apiServerProxy,
      antiAffinity: checkAntiAffinity(this, 'antiAffinity', props.antiAffinity ?? 'preferred'),
      selectorLabels: selectorLabels(identity),
      labels: standardLabels({ ...identity, partOf, version: imageVersion(image) }),
    };
  }

  private resolveResources(value: ComputeResources): ComputeResources {
    const resources = checkResources(this, 'resources', value);
    check(parseQuantity(resources.limits.memory)! >= KIBANA_MIN_MEMORY_MIB * MIB, this, 'resources.limits.memory', resources.limits.memory,
      `Kibana 8 needs at least ${KIBANA_MIN_MEMORY_MIB}Mi: a Node.js heap of ${KIBANA_MIN_HEAP_MIB}Mi or more plus about ${KIBANA_NODE_MEMORY.nonHeapMiB}Mi outside it`);
    check(parseQuantity(resources.limits.cpu)! >= 0.5, this, 'resources.limits.cpu', resources.limits.cpu,
      'Kibana 8 needs at least 500m to start within its startup budget (the origin\'s 100m does not)');
    return resources;
  }

  private resolveSecrets(props: KibanaProps, namespace: string): { credentialsSecret?: string; caSecret?: string } {
    const es = this.es;
    const credentialsSecret = checkSecretName(this, 'credentialsSecret', props.credentialsSecret, es.securityEnabled,
      'username and password of the kibana_system user');
    const sameNamespace = namespace === es.namespace;
    const caSecret = checkSecretName(this, 'caSecret', props.caSecret ?? (sameNamespace ? es.tlsSecretName : undefined),
      es.securityEnabled, `the Elasticsearch CA under key "ca.crt" (Kibana in ${namespace} cannot read Secrets of ${es.namespace})`);
    if (!es.securityEnabled) {
      check(!credentialsSecret && !props.caSecret, this, 'credentialsSecret', credentialsSecret ?? props.caSecret,
        'Elasticsearch security is off: Kibana sends no credentials; drop credentialsSecret and caSecret');
    }
    return { credentialsSecret, caSecret };
  }

  private resolveBasePath(props: KibanaProps, apiServerProxyPath: string): string | undefined {
    checkBoolean(this, 'apiServerProxy', props.apiServerProxy);
    check(!(props.apiServerProxy && props.basePath !== undefined), this, 'basePath', props.basePath,
      'cannot be combined with apiServerProxy, which sets the base path itself');
    if (props.basePath !== undefined) {
      check(/^(\/[A-Za-z0-9._~-]+)+$/.test(props.basePath), this, 'basePath', props.basePath,
        'must start with "/" and not end with "/", e.g. "/kibana"');
    }
    return props.apiServerProxy ? apiServerProxyPath : props.basePath;
  }

  /** `kibana.yml`, mounted read-only. */
  private createConfigMap(): k8s.KubeConfigMap {
    const r = this.resolved;
    const es = this.es;
    const caPath = `${KIBANA_HOME}/config/certs/ca.crt`;
    const yml = [
      `server.name: ${JSON.stringify(r.name)}`,
      'server.host: "0.0.0.0"',
      `server.port: ${KIBANA_PORT}`,
      ...(r.basePath !== undefined ? [`server.basePath: ${JSON.stringify(r.basePath)}`, `server.rewriteBasePath: ${r.rewriteBasePath}`] : []),
      'server.shutdownTimeout: "5s"',
      `elasticsearch.hosts: [${JSON.stringify(es.url)}]`,
      ...(es.securityEnabled ? [
        'elasticsearch.username: "${ELASTICSEARCH_USERNAME}"',
        'elasticsearch.password: "${ELASTICSEARCH_PASSWORD}"',
        `elasticsearch.ssl.certificateAuthorities: [${JSON.stringify(caPath)}]`,
        'elasticsearch.ssl.verificationMode: "full"',
      ] : []),
      `path.data: "${KIBANA_HOME}/data"`,
      'telemetry.optIn: false',
      'telemetry.allowChangingOptInStatus: false',
    ].join('\n') + '\n';
    return contentAddressedConfigMap(this, 'Config', { baseName: `${r.name}-config`, labels: r.labels, data: { 'kibana.yml': yml } });
  }

  private createServiceAccount(): k8s.KubeServiceAccount {
    return new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels: this.resolved.labels },
      automountServiceAccountToken: false,
    });
  }

  private createDeployment(serviceAccountName: string): k8s.KubeDeployment {
    const r = this.resolved;
    return new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: r.name, labels: r.labels },
      spec: {
        replicas: r.replicas,
        selector: { matchLabels: r.selectorLabels },
        strategy: { type: 'Recreate' },
        revisionHistoryLimit: 10,
        template: {
          metadata: {
            labels: r.labels,
            annotations: {
              ...externalSecretsAnnotations([r.credentialsSecret, r.caSecret]),
            },
          },
          spec: {
            serviceAccountName,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 30,
            securityContext: restrictedPodSecurityContext({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 }),
            affinity: podAntiAffinity(r.selectorLabels, r.antiAffinity),
            containers: [this.kibanaContainer()],
            volumes: this.volumes(),
          },
        },
      },
    });
  }

  /**
   * Readiness: the status API. With rewriteBasePath Kibana only answers below the base path;
   * through the API-server proxy (rewriteBasePath false) requests arrive without it.
   */
  private statusProbe(): k8s.Probe {
    const r = this.resolved;
    const statusPath = `${r.rewriteBasePath ? r.basePath : ''}/api/status`;
    return this.es.securityEnabled
      ? execProbe(authenticatedCurl(`http://127.0.0.1:${KIBANA_PORT}${statusPath}`, 'ELASTICSEARCH_USERNAME', 'ELASTICSEARCH_PASSWORD'))
      : httpProbe(statusPath, 'ui');
  }

  private kibanaContainer(): k8s.Container {
    const r = this.resolved;
    return {
      name: 'kibana',
      image: r.image,
      imagePullPolicy: 'IfNotPresent',
      ports: [{ name: 'ui', containerPort: KIBANA_PORT }],
      env: [
        { name: 'NODE_OPTIONS', value: `--max-old-space-size=${r.heapMiB}` },
        ...(r.credentialsSecret ? credentialEnv(r.credentialsSecret, 'ELASTICSEARCH_USERNAME', 'ELASTICSEARCH_PASSWORD') : []),
      ],
      resources: toResourceRequirements(r.resources),
      securityContext: restrictedContainerSecurityContext(),
      // Migrations run before the port opens; the status API then needs Elasticsearch.
      startupProbe: startupBudget(tcpProbe('ui'), 300),
      readinessProbe: this.statusProbe(),
      livenessProbe: tcpProbe('ui', { failureThreshold: 6 }),
      volumeMounts: [
        { name: 'config', mountPath: `${KIBANA_HOME}/config/kibana.yml`, subPath: 'kibana.yml', readOnly: true },
        ...(r.caSecret ? [{ name: 'certs', mountPath: `${KIBANA_HOME}/config/certs`, readOnly: true }] : []),
        { name: 'data', mountPath: `${KIBANA_HOME}/data` },
        { name: 'tmp', mountPath: '/tmp' },
      ],
    };
  }

  private volumes(): k8s.Volume[] {
    const { caSecret } = this.resolved;
    return [
      { name: 'config', configMap: { name: this.configMap.name, defaultMode: 0o444 } },
      ...(caSecret ? [{ name: 'certs', secret: { secretName: caSecret, defaultMode: 0o444, items: [{ key: 'ca.crt', path: 'ca.crt' }] } }] : []),
      { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
      { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('512Mi') } },
    ];
  }

  private createService(): k8s.KubeService {
    return new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels: this.resolved.labels },
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: [namedServicePort('ui', KIBANA_PORT)],
      },
    });
  }

  /** The UI port only, from anywhere: the API-server proxy is not a pod. */
  private createNetworkPolicy(): k8s.KubeNetworkPolicy {
    return lazyIngressPolicy(this, 'NetworkPolicy', {
      name: this.name,
      labels: this.resolved.labels,
      selectorLabels: this.selectorLabels,
      rules: () => [this.uiClients.rule()],
    });
  }

  private createPodDisruptionBudget(): PodDisruptionBudget | undefined {
    const r = this.resolved;
    if (r.replicas <= 1) return undefined;
    return new PodDisruptionBudget(this, 'Pdb', {
      name: `${r.name}-pdb`, labels: r.labels, selector: r.selectorLabels, maxUnavailable: 1,
    });
  }
}
