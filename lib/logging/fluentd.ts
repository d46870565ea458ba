import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { makeClusterScoped } from '../core/escape-hatches';
import { contentAddressedConfigMap } from '../core/config-map';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { MetricsEndpoint } from '../core/metrics';
import { namespaceOf } from '../core/namespace';
import { PlatformWorkload } from '../core/platform-workload';
import { lazyIngressPolicy, namespaceIngressRule } from '../core/client-access';
import { httpProbe, startupBudget } from '../core/probes';
import { checkQuantity, MIB, parseQuantity } from '../core/quantity';
import { checkResources, ComputeResources, toResourceRequirements } from '../core/resources';
import { tolerateEverything } from '../core/scheduling';
import { checkUniqueObjectNames } from '../core/unique-names';
import { relaxedContainerSecurityContext, SecurityRelaxation, securityExceptionAnnotations } from '../core/security';
import { check, checkDnsLabel, checkInteger, checkLabelValue, checkPinnedImage } from '../core/validation';
import type { PodSecurityLevel } from '../core/pod-security';
import { checkSecretName, credentialEnv, externalSecretsAnnotations, LOGGING_PART_OF } from './elastic-stack';
import { Elasticsearch, ELASTICSEARCH_PORTS } from './elasticsearch';
import {
  FLUENTD_CERTS_DIR, FLUENTD_CONF_DIR, FLUENTD_CONF_FILE, FLUENTD_PORTS, LOG_EXCLUDE_ANNOTATION, renderFluentConf,
} from './fluentd-config';

/**
 * Pinned `fluent/fluentd-kubernetes-daemonset` Elasticsearch 8 variant: Fluentd 1.19.3 on Debian
 * with fluent-plugin-elasticsearch 5.4 (elasticsearch-ruby 8.x), kubernetes_metadata_filter 3.8,
 * multi-format-parser, parser-cri and prometheus 2.2. An immutable patch tag (`v1.19.3-...-1.1`),
 * not the moving `v1.19-debian-elasticsearch8-1`.
 */
export const FLUENTD_DEFAULT_IMAGE = 'fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-elasticsearch8-1.1';

/** Why Fluentd runs as root with host mounts: recorded on the pod template and the namespace. */
export const FLUENTD_SECURITY_REASON =
  'fluentd-es reads every container log under /var/log/pods and /var/lib/docker/containers, which the container runtime writes as root with mode 0640, and keeps its position file and buffer in a host directory: it runs as uid 0 (no capabilities added) with hostPath mounts';

const FLUENTD_RELAXATION: SecurityRelaxation = { reason: FLUENTD_SECURITY_REASON, runAsRoot: true };

/** The file buffer on the node's disk. */
export interface FluentdBuffer {
  /** Size of one chunk, i.e. of one bulk request to Elasticsearch. @default '8Mi' */
  readonly chunkLimitSize?: string;
  /**
   * Disk the buffer may use on each node before the input blocks (the lines then wait in the
   * node's log files). @default '2Gi'
   */
  readonly totalLimitSize?: string;
  /** Seconds between flushes. @default 5 */
  readonly flushIntervalSeconds?: number;
  /** Upper bound of the exponential retry wait, in seconds. @default 60 */
  readonly retryMaxIntervalSeconds?: number;
}

/** Props of {@link Fluentd}. */
export interface FluentdProps {
  /** Where logs go; Fluentd is admitted by its NetworkPolicy. */
  readonly elasticsearch: Elasticsearch;
  /** DaemonSet, ServiceAccount, ClusterRole(Binding), ConfigMap (`<name>-config`) name. @default 'fluentd-es' */
  readonly name?: string;
  /** Pinned image (tag or digest). @default FLUENTD_DEFAULT_IMAGE */
  readonly image?: string;
  /**
   * CPU and memory. The origin's 200Mi limit is too small here: Fluentd's Ruby heap alone is
   * about 100-150Mi, the metadata cache grows with the pods of the node, and each of the two flush
   * threads holds a chunk (8Mi) plus its JSON bulk body while sending; 512Mi leaves headroom so a
   * burst after an Elasticsearch outage does not OOM-kill the agent (and re-read the backlog).
   * Memory request = limit so the agent is the last to be evicted.
   * @default requests 100m / 512Mi, limits 1 CPU / 512Mi
   */
  readonly resources?: ComputeResources;
  /** File buffer on the node. @default 8Mi chunks, 2Gi total, flush every 5 s, retries back off up to 60 s */
  readonly buffer?: FluentdBuffer;
  /**
   * Host directory for the position file and the buffer (mounted at the same path). Under
   * `/var/lib` or `/var/log`. @default '/var/lib/fluentd-es'
   */
  readonly hostStateDir?: string;
  /** Index prefix; indices are `<prefix>-YYYY.MM.DD`. @default 'logstash' */
  readonly logstashPrefix?: string;
  /**
   * Secret (in Fluentd's namespace) with keys `username` and `password` of an Elasticsearch user
   * allowed to write `<prefix>-*` indices. Required when Elasticsearch security is on.
   */
  readonly credentialsSecret?: string;
  /**
   * Secret (in Fluentd's namespace) with key `ca.crt`: the CA of the Elasticsearch certificate
   * (Secrets cannot be read across namespaces). Required when Elasticsearch security is on.
   */
  readonly caSecret?: string;
  /**
   * Seconds an unfinished multiline record (a stack trace still being written) or a split long
   * line waits for its next line before it is shipped as it is. Longer joins traces written
   * slowly; shorter ships single lines sooner (every line waits until the next one of its stream
   * or this long). @default 5
   */
  readonly multilineFlushIntervalSeconds?: number;
  /** Nodes whose agent may be down at once during a rollout. @default 1 */
  readonly maxUnavailable?: number;
  /** @default 'system-node-critical' */
  readonly priorityClassName?: string;
  /** Namespace whose pods (Prometheus) may scrape the metrics port. @default 'monitoring' */
  readonly monitoringNamespace?: string;
  /** `app.kubernetes.io/part-of` label. @default 'logging' */
  readonly partOf?: string;
}

/** Ruby's temporary directory (`TMPDIR`): an emptyDir made sticky by the `tmp-mode` init container. */
export const FLUENTD_TMP_DIR = '/tmp';

/** The one-shot `chmod` of the `tmp-mode` init container. */
const TMP_MODE_RESOURCES: ComputeResources = {
  requests: { cpu: '10m', memory: '16Mi' },
  limits: { cpu: '100m', memory: '32Mi' },
};

const DEFAULT_RESOURCES: ComputeResources = {
  requests: { cpu: '100m', memory: '512Mi' },
  limits: { cpu: '1', memory: '512Mi' },
};

/**
 * The Fluentd node agent (SPEC §5): DaemonSet `fluentd-es` on every node (tolerates every taint,
 * `system-node-critical`), with a dedicated ServiceAccount whose token is mounted because the
 * `kubernetes_metadata` filter calls the API (with the namespace's default account it got 401),
 * a ClusterRole of exactly get/list/watch on pods and namespaces, its binding, the generated
 * configuration ({@link renderFluentConf}) and a NetworkPolicy that admits only Prometheus.
 *
 * Its namespace must be labelled Pod Security `privileged`: reading root-owned host logs needs
 * uid 0 and hostPath volumes, which `restricted` and `baseline` forbid. Put it in a namespace of
 * its own so nothing else gets that allowance.
 */
export class Fluentd extends PlatformWorkload {
  public readonly name: string;
  public readonly namespace: string;
  public readonly image: string;
  /** Labels that select the agent pods; stable across upgrades. */
  public readonly selectorLabels: Record<string, string>;
  public readonly daemonSet: k8s.KubeDaemonSet;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly clusterRole: k8s.KubeClusterRole;
  public readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;
  public readonly configMap: k8s.KubeConfigMap;
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** Disk the file buffer may use on each node (for buffer-size alert thresholds). */
  public readonly bufferTotalLimitBytes: number;
  /** The generated `fluent.conf`. */
  public readonly config: string;
  /** Prefix of the daily indices it writes (`<prefix>-YYYY.MM.DD`). */
  public readonly logstashPrefix: string;
  /** The Prometheus plugin's port (24231, `metrics`) on the agent pods. */
  public readonly metricsEndpoint: MetricsEndpoint;
  /** Pod Security level the namespace needs. */
  public readonly podSecurityLevel: PodSecurityLevel = 'privileged';
  /** Why: root and hostPath volumes to read host logs. */
  public readonly podSecurityReason: string = FLUENTD_SECURITY_REASON;
  /** Namespace whose pods may scrape the metrics port. */
  public readonly monitoringNamespace: string;

  private readonly resolved: ResolvedFluentd;
  private readonly es: Elasticsearch;

  constructor(scope: Construct, id: string, props: FluentdProps) {
    super(scope, id);
    checkUniqueObjectNames(this);
    this.es = props.elasticsearch;
    const r = this.resolved = this.resolve(props);
    ({
      name: this.name, namespace: this.namespace, image: this.image, selectorLabels: this.selectorLabels,
      bufferTotalLimitBytes: this.bufferTotalLimitBytes, logstashPrefix: this.logstashPrefix, monitoringNamespace: this.monitoringNamespace,
    } = r);
    this.config = this.renderConfig();
    this.configMap = contentAddressedConfigMap(this, 'Config', { baseName: `${r.name}-config`, labels: r.labels, data: { [FLUENTD_CONF_FILE]: this.config } });
    this.serviceAccount = this.createServiceAccount();
    [this.clusterRole, this.clusterRoleBinding] = this.createRbac();
    this.daemonSet = this.createDaemonSet();
    this.networkPolicy = this.createNetworkPolicy();
    this.es.allowClient(this);
    this.flowDeclarations.add({ name: 'fluentd -> elasticsearch http', from: this.podRef, to: this.es.podRef, port: ELASTICSEARCH_PORTS.http });
    this.declareScrape(this.monitoringNamespace, FLUENTD_PORTS.metrics);
    this.flowDeclarations.annotate(this.daemonSet);
    this.metricsEndpoint = { component: 'fluentd', namespace: this.namespace, via: 'pod', selector: this.selectorLabels, portName: 'metrics' };
  }

  /** Validation and defaults: every prop is checked here, once, before any object is rendered. */
  private resolve(props: FluentdProps): ResolvedFluentd {
    const es = this.es;
    const name = checkDnsLabel(this, 'name', props.name ?? 'fluentd-es', 52);
    const namespace = namespaceOf(this);
    const image = checkPinnedImage(this, 'image', props.image ?? FLUENTD_DEFAULT_IMAGE);
    const resources = checkResources(this, 'resources', props.resources ?? DEFAULT_RESOURCES);
    check(parseQuantity(resources.limits.memory)! >= 256 * MIB, this, 'resources.limits.memory', resources.limits.memory,
      'Fluentd with a file buffer and the metadata cache needs at least 256Mi');
    const buffer = this.resolveBuffer(props.buffer ?? {});
    const stateDir = props.hostStateDir ?? '/var/lib/fluentd-es';
    check(/^\/var\/(lib|log)\/[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/.test(stateDir) && !stateDir.startsWith('/var/log/containers')
      && !stateDir.startsWith('/var/log/pods') && !stateDir.startsWith('/var/lib/docker'),
    this, 'hostStateDir', stateDir,
    'must be an absolute directory under /var/lib or /var/log (lowercase letters, digits, ".", "_", "-"), outside /var/log/containers, /var/log/pods and /var/lib/docker');
    const logstashPrefix = props.logstashPrefix ?? 'logstash';
    check(/^[a-z0-9][a-z0-9_-]{0,99}$/.test(logstashPrefix), this, 'logstashPrefix', logstashPrefix,
      'must be a lowercase Elasticsearch index prefix: letters, digits, "_" and "-", starting with a letter or digit');
    const multilineFlushIntervalSeconds = checkInteger(this, 'multilineFlushIntervalSeconds', props.multilineFlushIntervalSeconds ?? 5, 1, 60);
    const maxUnavailable = checkInteger(this, 'maxUnavailable', props.maxUnavailable ?? 1, 1);
    const priorityClassName = checkDnsLabel(this, 'priorityClassName', props.priorityClassName ?? 'system-node-critical');
    const monitoringNamespace = checkDnsLabel(this, 'monitoringNamespace', props.monitoringNamespace ?? 'monitoring');
    const credentialsSecret = checkSecretName(this, 'credentialsSecret', props.credentialsSecret, es.securityEnabled,
      'username and password of an Elasticsearch user that may write the log indices');
    const caSecret = checkSecretName(this, 'caSecret', props.caSecret, es.securityEnabled, 'the Elasticsearch CA certificate under key "ca.crt"');
    if (!es.securityEnabled) {
      check(!credentialsSecret && !caSecret, this, 'credentialsSecret', credentialsSecret ?? caSecret,
        'Elasticsearch security is off: Fluentd sends no credentials; drop credentialsSecret and caSecret');
    }
    const identity = { name: 'fluentd', instance: name, component: 'agent' };
    return {
      name, namespace, image, resources, buffer, bufferTotalLimitBytes: buffer.totalLimitBytes, stateDir, logstashPrefix,
      multilineFlushIntervalSeconds, maxUnavailable, priorityClassName, monitoringNamespace, credentialsSecret, caSecret,
      selectorLabels: selectorLabels(identity),
      labels: standardLabels({ ...identity, partOf: checkLabelValue(this, 'partOf', props.partOf ?? LOGGING_PART_OF), version: imageVersion(image) }),
    };
  }

  private resolveBuffer(buffer: FluentdBuffer): ResolvedFluentd['buffer'] {
    const chunk = checkQuantity(this, 'buffer.chunkLimitSize', buffer.chunkLimitSize ?? '8Mi');
    const total = checkQuantity(this, 'buffer.totalLimitSize', buffer.totalLimitSize ?? '2Gi');
    check(Number.isInteger(chunk) && chunk >= MIB && chunk <= 64 * MIB, this, 'buffer.chunkLimitSize', buffer.chunkLimitSize ?? '8Mi',
      'must be a whole number of bytes from 1Mi to 64Mi (Elasticsearch rejects bulk bodies over 100MB)');
    check(Number.isInteger(total) && total >= 4 * chunk, this, 'buffer.totalLimitSize', buffer.totalLimitSize ?? '2Gi',
      `must be a whole number of bytes and at least 4 chunks (${4 * chunk / MIB}Mi)`);
    return {
      chunkLimitBytes: chunk,
      totalLimitBytes: total,
      flushIntervalSeconds: checkInteger(this, 'buffer.flushIntervalSeconds', buffer.flushIntervalSeconds ?? 5, 1, 300),
      retryMaxIntervalSeconds: checkInteger(this, 'buffer.retryMaxIntervalSeconds', buffer.retryMaxIntervalSeconds ?? 60, 1, 3600),
    };
  }

  /** The generated `fluent.conf` ({@link renderFluentConf}). */
  private renderConfig(): string {
    const r = this.resolved;
    const es = this.es;
    return renderFluentConf({
      stateDir: r.stateDir,
      ownLogsGlob: `/var/log/containers/${r.name}-*_${r.namespace}_*.log`,
      elasticsearch: {
        host: es.host,
        port: es.httpPort,
        scheme: es.securityEnabled ? 'https' : 'http',
        authenticated: es.securityEnabled,
        caFile: r.caSecret ? `${FLUENTD_CERTS_DIR}/ca.crt` : undefined,
      },
      logstashPrefix: r.logstashPrefix,
      multilineFlushIntervalSeconds: r.multilineFlushIntervalSeconds,
      excludeAnnotation: LOG_EXCLUDE_ANNOTATION,
      buffer: r.buffer,
    });
  }

  private createServiceAccount(): k8s.KubeServiceAccount {
    return new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels: this.resolved.labels },
      // The metadata filter authenticates to the API server with this account's token.
      automountServiceAccountToken: true,
    });
  }

  /** Exactly get/list/watch on pods and namespaces, bound to the agent's ServiceAccount. */
  private createRbac(): [k8s.KubeClusterRole, k8s.KubeClusterRoleBinding] {
    const { labels } = this.resolved;
    // Cluster-scoped: named `<namespace>-<name>` so a second copy (another tenant) never replaces this one's RBAC.
    const clusterRoleName = `${this.namespace}-${this.name}`;
    const clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: clusterRoleName, labels },
      rules: [{ apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] }],
    });
    makeClusterScoped(clusterRole);
    const clusterRoleBinding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: clusterRoleName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
    });
    makeClusterScoped(clusterRoleBinding);
    return [clusterRole, clusterRoleBinding];
  }

  private createDaemonSet(): k8s.KubeDaemonSet {
    const r = this.resolved;
    return new k8s.KubeDaemonSet(this, 'Resource', {
      metadata: { name: r.name, labels: r.labels },
      spec: {
        selector: { matchLabels: r.selectorLabels },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(r.maxUnavailable) } },
        revisionHistoryLimit: 10,
        template: {
          metadata: {
            labels: r.labels,
            annotations: {
              ...securityExceptionAnnotations([FLUENTD_RELAXATION]),
              ...externalSecretsAnnotations([r.credentialsSecret, r.caSecret]),
            },
          },
          spec: this.podSpec(),
        },
      },
    });
  }

  private podSpec(): k8s.PodSpec {
    const r = this.resolved;
    return {
      serviceAccountName: this.serviceAccount.name,
      automountServiceAccountToken: true,
      enableServiceLinks: false,
      priorityClassName: r.priorityClassName,
      tolerations: tolerateEverything(),
      terminationGracePeriodSeconds: 30,
      // Root: the container runtime writes the log files as root with mode 0640.
      securityContext: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [this.tmpModeContainer()],
      containers: [this.fluentdContainer()],
      volumes: this.volumes(),
    };
  }

  /**
   * Fluentd 1.15.1+ creates its lock directory under Ruby's Dir.tmpdir at start, and Ruby
   * refuses a world-writable directory without the sticky bit, which is what an emptyDir is
   * (0777): it then falls back to the working directory on the read-only root and the agent
   * crash-loops (`Read-only file system @ dir_s_mkdir - /home/fluent/fluentd-lock-...`,
   * fluent/fluentd-kubernetes-daemonset#1393, #1453, fluent/fluentd#3924; see
   * FLUENTD_IMAGE_CONTRACT). This init step gives the `tmp` emptyDir the sticky bit, like a
   * normal /tmp, with the image's own `chmod`: the pod already runs as uid 0, which owns the
   * emptyDir, so no capability is needed (the namespace is `privileged` anyway). An init step
   * rather than a wrapped entrypoint keeps the image's `tini -- /fluentd/entrypoint.sh`
   * untouched; an emptyDir rather than the hostPath state directory keeps stale lock
   * directories off the node.
   */
  private tmpModeContainer(): k8s.Container {
    return {
      name: 'tmp-mode',
      image: this.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['chmod', '1777', FLUENTD_TMP_DIR],
      resources: toResourceRequirements(TMP_MODE_RESOURCES),
      securityContext: relaxedContainerSecurityContext(FLUENTD_RELAXATION),
      volumeMounts: [{ name: 'tmp', mountPath: FLUENTD_TMP_DIR }],
    };
  }

  private fluentdContainer(): k8s.Container {
    const r = this.resolved;
    const monitorProbe = httpProbe('/api/plugins.json', 'monitor');
    return {
      name: 'fluentd',
      image: r.image,
      imagePullPolicy: 'IfNotPresent',
      env: [
        { name: 'FLUENTD_CONF', value: FLUENTD_CONF_FILE },
        // Ruby's Dir.tmpdir tries TMPDIR first: the sticky emptyDir (see initContainers).
        { name: 'TMPDIR', value: FLUENTD_TMP_DIR },
        // The image's entrypoint would otherwise try to edit the (read-only) mounted config.
        { name: 'FLUENT_ELASTICSEARCH_SED_DISABLE', value: 'true' },
        // Lets the metadata filter watch only the pods of its own node.
        { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        ...(r.credentialsSecret ? credentialEnv(r.credentialsSecret, 'ELASTICSEARCH_USERNAME', 'ELASTICSEARCH_PASSWORD') : []),
      ],
      ports: [
        { name: 'metrics', containerPort: FLUENTD_PORTS.metrics },
        { name: 'monitor', containerPort: FLUENTD_PORTS.monitor },
      ],
      resources: toResourceRequirements(r.resources),
      securityContext: relaxedContainerSecurityContext(FLUENTD_RELAXATION),
      startupProbe: startupBudget(monitorProbe, 120),
      readinessProbe: monitorProbe,
      livenessProbe: httpProbe('/api/plugins.json', 'monitor', { failureThreshold: 6 }),
      volumeMounts: [
        { name: 'varlog', mountPath: '/var/log', readOnly: true },
        { name: 'dockercontainers', mountPath: '/var/lib/docker/containers', readOnly: true },
        { name: 'state', mountPath: r.stateDir },
        { name: 'config', mountPath: FLUENTD_CONF_DIR, readOnly: true },
        ...(r.caSecret ? [{ name: 'certs', mountPath: FLUENTD_CERTS_DIR, readOnly: true }] : []),
        { name: 'tmp', mountPath: FLUENTD_TMP_DIR },
      ],
    };
  }

  private volumes(): k8s.Volume[] {
    const r = this.resolved;
    return [
      { name: 'varlog', hostPath: { path: '/var/log', type: 'Directory' } },
      // Docker nodes keep the log files here (/var/log/pods links to them); on containerd nodes it is empty.
      { name: 'dockercontainers', hostPath: { path: '/var/lib/docker/containers', type: 'DirectoryOrCreate' } },
      { name: 'state', hostPath: { path: r.stateDir, type: 'DirectoryOrCreate' } },
      { name: 'config', configMap: { name: this.configMap.name, defaultMode: 0o444 } },
      ...(r.caSecret ? [{ name: 'certs', secret: { secretName: r.caSecret, defaultMode: 0o444, items: [{ key: 'ca.crt', path: 'ca.crt' }] } }] : []),
      { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
    ];
  }

  /** Only Prometheus; the kubelet's probes of the monitor port come from the node itself. */
  private createNetworkPolicy(): k8s.KubeNetworkPolicy {
    const monitoring = namespaceIngressRule(this.monitoringNamespace, [FLUENTD_PORTS.metrics]);
    return lazyIngressPolicy(this, 'NetworkPolicy', {
      name: this.name,
      labels: this.resolved.labels,
      selectorLabels: this.selectorLabels,
      rules: () => [monitoring],
    });
  }
}

/** {@link FluentdProps} after validation and defaults: what the render methods read. */
interface ResolvedFluentd {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly resources: ComputeResources;
  readonly buffer: { chunkLimitBytes: number; totalLimitBytes: number; flushIntervalSeconds: number; retryMaxIntervalSeconds: number };
  readonly bufferTotalLimitBytes: number;
  readonly stateDir: string;
  readonly logstashPrefix: string;
  readonly multilineFlushIntervalSeconds: number;
  readonly maxUnavailable: number;
  readonly priorityClassName: string;
  readonly monitoringNamespace: string;
  readonly credentialsSecret?: string;
  readonly caSecret?: string;
  readonly selectorLabels: Record<string, string>;
  /** Labels of every object. */
  readonly labels: Record<string, string>;
}
