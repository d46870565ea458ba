import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import {
  Prometheus as PrometheusResource,
  PrometheusSpecAlertingAlertmanagersApiVersion,
  PrometheusSpecAlertingAlertmanagersPort,
  PrometheusSpecResourcesLimits,
  PrometheusSpecResourcesRequests,
  PrometheusSpecStorageVolumeClaimTemplateSpecResourcesRequests,
} from '../../imports/prometheuses-monitoring.coreos.com';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { MetricsEndpoint } from '../core/metrics';
import { namespaceOf } from '../core/namespace';
import type { PodDisruptionBudget } from '../core/pod-disruption-budget';
import { checkQuantity } from '../core/quantity';
import { checkResources, ComputeResources } from '../core/resources';
import { checkUniqueObjectNames } from '../core/unique-names';
import { check, checkCidr, checkDnsLabel, checkDnsSubdomain, checkInteger, checkLabelValue, checkOneOf, checkPinnedImage } from '../core/validation';
import { checkPrometheusDuration } from '../monitoring/promql';
import { checkKubeLabels, checkPortName, checkPrometheusLabelName } from '../monitoring/validation';
import { IConstruct } from 'constructs';
import { declaresFlows, IDeclaresFlows, PodRef } from '../core/flows';
import { ANY_IPV4, IDeclaresIpEgress, IpEgress } from '../core/ip-egress';
import { ClientAccess, lazyIngressPolicy, namespaceIngressRule } from '../core/client-access';
import { ClientPeer } from '../core/network';
import { PlatformWorkload } from '../core/platform-workload';
import {
  OPERATOR_POD_ANTI_AFFINITIES, OperatorPodAntiAffinity, operatorPodAntiAffinity, operatorPodResources, operatorPodSecurityContext, operatorPodService,
} from './operator-pods';
import { apiServerEgress, bindClusterRole, copyIpEgress } from './stack-deployment';
import {
  OPERATOR_POD_PORTS, PLATFORM_DISCOVERY_LABELS, PROMETHEUS_DEFAULT_IMAGE, prometheusPodSelector,
} from './operator-stack-pins';

/** Where Prometheus sends alerts: an Alertmanager Service (see `Alertmanager.endpoint`). */
export interface AlertmanagerEndpoint {
  /** Namespace of the Service. */
  readonly namespace: string;
  /** Name of the Service in front of the Alertmanager pods. */
  readonly serviceName: string;
  /** Name of its HTTP port. @default 'web' */
  readonly portName?: string;
}

/** Persistent storage of the TSDB. */
export interface PrometheusStorage {
  /** PVC size per replica, a quantity (`50Gi`). */
  readonly size: string;
  /** StorageClass. @default - the cluster's default class */
  readonly storageClassName?: string;
}

/** Props of {@link Prometheus}. */
export interface PrometheusProps {
  /** `metadata.name` of the Prometheus resource (pods are `prometheus-<name>-<i>`). @default 'platform' */
  readonly name?: string;
  /** Name of the cluster, the `cluster` external label on every series and alert leaving Prometheus. */
  readonly clusterName: string;
  /** Pinned image. @default PROMETHEUS_DEFAULT_IMAGE (v3.13.2) */
  readonly image?: string;
  /** Replicas (each scrapes everything; Alertmanager deduplicates their alerts). @default 2 */
  readonly replicas?: number;
  /** How long samples are kept, a Prometheus duration. @default '15d' */
  readonly retention?: string;
  /**
   * Size at which the oldest blocks are deleted (`<n>{B,KB,MB,GB,TB,PB,EB}`, powers of 1024 in
   * Prometheus); must stay below the volume size (WAL and compaction need room).
   * @default 80% of the storage size
   */
  readonly retentionSize?: string;
  /** The PVC of each replica. @default 50Gi on the default StorageClass */
  readonly storage?: PrometheusStorage;
  /** CPU and memory of the prometheus container. @default requests 500m / 2Gi, limits 2 CPU / 4Gi (PROMETHEUS_DEFAULT_RESOURCES) */
  readonly resources?: ComputeResources;
  /** `required`: with several replicas, each on its own node (hard anti-affinity); `none`: no constraint. @default 'required' */
  readonly antiAffinity?: OperatorPodAntiAffinity;
  /**
   * Labels the ServiceMonitors, PodMonitors, Probes and PrometheusRules must carry to be selected
   * (in every namespace). @default PLATFORM_DISCOVERY_LABELS (`prometheus: platform`)
   */
  readonly discoveryLabels?: Record<string, string>;
  /** Where alerts go. @default - none (alerts are evaluated, not sent) */
  readonly alertmanager?: AlertmanagerEndpoint;
  /** Default scrape interval. @default '30s' */
  readonly scrapeInterval?: string;
  /** Rule evaluation interval. @default '30s' */
  readonly evaluationInterval?: string;
  /** More external labels (`region`, `environment`); `cluster` is set from clusterName. @default - none */
  readonly externalLabels?: Record<string, string>;
  /**
   * Where Prometheus reaches the Kubernetes API server (target discovery; ports 443 and 6443): its
   * {@link Prometheus.ipEgress}. Narrow it to the control plane's addresses when known. @default '0.0.0.0/0'
   */
  readonly apiServerCidr?: string;
}

/** Default resources of the prometheus container. */
export const PROMETHEUS_DEFAULT_RESOURCES: ComputeResources = { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } };

const DEFAULTS = { replicas: 2, retention: '15d', storage: '50Gi' } as const;


const RETENTION_SIZE = /^(0|([0-9]*(\.[0-9]+)?(B|KB|MB|GB|TB|PB|EB)))$/;
const UNIT: Record<string, number> = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40, PB: 2 ** 50, EB: 2 ** 60 };

/** {@link PrometheusProps} after validation and defaults. */
interface ResolvedPrometheus {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly version?: string;
  readonly replicas: number;
  readonly antiAffinity: OperatorPodAntiAffinity;
  readonly retention: string;
  readonly retentionSize: string;
  readonly storageSize: string;
  readonly storageClassName?: string;
  readonly resources: ComputeResources;
  readonly discoveryLabels: Record<string, string>;
  readonly scrapeInterval: string;
  readonly evaluationInterval: string;
  /** Including `cluster`. */
  readonly externalLabels: Record<string, string>;
  readonly apiServerCidr: string;
  readonly alertmanager?: AlertmanagerEndpoint;
  /** `prometheus-<name>`: the ServiceAccount, Service and PDB. */
  readonly resourceName: string;
  readonly labels: Record<string, string>;
  readonly podSelector: Record<string, string>;
}

/**
 * The platform's Prometheus (SPEC §12): a `monitoring.coreos.com/v1` Prometheus resource the
 * Prometheus Operator turns into a StatefulSet, plus what the operator does not create: the
 * ServiceAccount with read-only discovery RBAC (ClusterRole, as kube-prometheus' `prometheus-k8s`
 * role, extended to every namespace), a Service `prometheus-<name>` (port `web`), and with
 * several replicas (2 by default) a PodDisruptionBudget.
 *
 * It selects exactly the monitors and rules that carry {@link PLATFORM_DISCOVERY_LABELS} (or
 * `discoveryLabels`), in every namespace; `externalLabels.cluster` names the cluster; pods run
 * under Pod Security `restricted` (non-root uid 1000, fsGroup 2000, RuntimeDefault seccomp; the
 * operator sets the containers' read-only root, no privilege escalation, every capability dropped).
 */
export class Prometheus extends PlatformWorkload implements IDeclaresIpEgress {
  public readonly name: string;
  public readonly namespace: string;
  public readonly image: string;
  public readonly replicas: number;
  public readonly apiObject: PrometheusResource;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly clusterRole: k8s.KubeClusterRole;
  public readonly service: k8s.KubeService;
  public readonly podDisruptionBudget?: PodDisruptionBudget;
  /** Labels the operator gives the pods (what the Service and PDB select). */
  public readonly podSelector: Record<string, string>;
  /** Labels the selected monitors and rules must carry. */
  public readonly discoveryLabels: Record<string, string>;
  /** Prometheus' own metrics on the Service port `web`. */
  public readonly metricsEndpoint: MetricsEndpoint;
  /** `http://prometheus-<name>.<namespace>.svc:9090`: the query API (Grafana's datasource). */
  public readonly url: string;
  /** The port of the query API and of its own metrics (`web`). */
  public readonly webPort: number = OPERATOR_POD_PORTS.prometheus[0].containerPort;
  /** Admits clients of the query API (Grafana) and the monitoring namespace (its own scrape). */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** The operator's pod labels, as for every workload of this library ({@link podSelector}). */
  public readonly selectorLabels: Record<string, string>;

  /** Clients of the query API (Grafana). */
  private readonly queryClients: ClientAccess;
  private readonly egress: IpEgress[];

  constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    checkUniqueObjectNames(this);
    const r = this.resolve(props);
    ({ name: this.name, namespace: this.namespace, image: this.image, replicas: this.replicas, discoveryLabels: this.discoveryLabels, podSelector: this.podSelector } = r);
    this.selectorLabels = this.podSelector;
    this.url = `http://${r.resourceName}.${this.namespace}.svc:${OPERATOR_POD_PORTS.prometheus[0].containerPort}`;
    ({ serviceAccount: this.serviceAccount, clusterRole: this.clusterRole } = this.createRbac(r));
    this.apiObject = this.createResource(r);
    ({ service: this.service, podDisruptionBudget: this.podDisruptionBudget } = operatorPodService(this, {
      name: r.resourceName, labels: r.labels, podSelector: this.podSelector, replicas: this.replicas, ports: [['web', 9090], ['reloader-web', 8080]],
    }));
    this.metricsEndpoint = { component: 'prometheus', namespace: this.namespace, via: 'service', selector: selectorLabels({ name: 'prometheus', instance: this.name, component: 'prometheus' }), portName: 'web', path: '/metrics' };
    this.queryClients = this.clientAccess({ ports: [this.webPort], target: 'prometheus web' });
    this.networkPolicy = lazyIngressPolicy(this, 'NetworkPolicy', {
      name: r.resourceName,
      labels: r.labels,
      selectorLabels: this.podSelector,
      // Its own namespace scrapes /metrics on `web`; clients (Grafana) query it there.
      rules: () => [namespaceIngressRule(this.namespace, [this.webPort]), this.queryClients.rule()],
    });
    this.declareScrape(this.namespace, this.webPort);
    this.scrapeTargetsOf(this);
    this.flowDeclarations.annotate(this.apiObject);
    this.egress = [apiServerEgress({ name: r.resourceName, namespace: this.namespace, selectorLabels: this.podSelector }, r.apiServerCidr)];
    this.node.addValidation({ validate: () => this.verifyOutput() });
  }

  /**
   * Declares `prometheus -> <target>` for every scrape `sources` declare, now and later: each flow
   * from the whole of Prometheus' namespace (how a workload admits "monitoring" on its metrics
   * port, `declareScrape`), narrowed to the Prometheus pods. `NetworkChart.addFlowsOf(prometheus)`
   * then opens exactly those egresses of a default-denying monitoring namespace.
   */
  public scrapeTargetsOf(...sources: IDeclaresFlows[]): void {
    sources.forEach((source, i) => {
      check(declaresFlows(source), this, `scrapeTargetsOf[${i}]`, String((source as IConstruct | undefined)?.node?.path ?? source),
        'must declare its flows (a construct of this library)');
      source.onFlow((flow) => {
        if (flow.from.namespace !== this.namespace || Object.keys(flow.from.labels).length > 0) return;
        this.flowDeclarations.add({
          name: flow.name.replace(/^[^ ]+ -> /, 'prometheus -> '),
          from: this.podRef,
          to: flow.to,
          port: flow.port,
          protocol: flow.protocol,
        });
      });
    });
  }

  /**
   * Declares that Prometheus scrapes `target` on `port`, for targets that declare no flows
   * themselves (e.g. node-exporter on the host network: add egress by address to the nodes as well,
   * a NetworkPolicy cannot select host-network pods reliably).
   */
  public scrapes(target: PodRef, port: number, what: string): void {
    this.flowDeclarations.add({ name: `prometheus -> ${what}`, from: this.podRef, to: target, port });
  }

  /** Admits `peer` (Grafana, a label selector, a cdk8s-plus-27 workload) to the query API on 9090. */
  public allowClient(peer: ClientPeer): void {
    this.queryClients.admit('allowClient', peer);
  }

  /** Egress to the API server: target discovery lists Services, Endpoints and Pods. */
  public ipEgress(): IpEgress[] {
    return copyIpEgress(this.egress);
  }

  /** Every check and default, before any object. */
  private resolve(props: PrometheusProps): ResolvedPrometheus {
    const name = checkDnsLabel(this, 'name', props.name ?? 'platform', 40);
    const namespace = namespaceOf(this);
    const antiAffinity = checkOneOf(this, 'antiAffinity', props.antiAffinity ?? 'required', OPERATOR_POD_ANTI_AFFINITIES);
    const clusterName = checkLabelValue(this, 'clusterName', props.clusterName);
    check(typeof clusterName === 'string' && clusterName.length > 0, this, 'clusterName', clusterName, 'must name the cluster (a non-empty label value)');
    const image = checkPinnedImage(this, 'image', props.image ?? PROMETHEUS_DEFAULT_IMAGE);
    const version = imageVersion(image);
    const replicas = checkInteger(this, 'replicas', props.replicas ?? DEFAULTS.replicas, 1, 10);
    const retention = checkPrometheusDuration(this, 'retention', props.retention ?? DEFAULTS.retention, 3600_000);
    const storage = this.resolveStorage(props.storage, props.retentionSize);
    const resources = checkResources(this, 'resources', props.resources ?? PROMETHEUS_DEFAULT_RESOURCES);
    const discoveryLabels = checkKubeLabels(this, 'discoveryLabels', { ...(props.discoveryLabels ?? PLATFORM_DISCOVERY_LABELS) }, true);
    const scrapeInterval = checkPrometheusDuration(this, 'scrapeInterval', props.scrapeInterval ?? '30s', 1000);
    const evaluationInterval = checkPrometheusDuration(this, 'evaluationInterval', props.evaluationInterval ?? '30s', 1000);
    const externalLabels = this.resolveExternalLabels(props.externalLabels ?? {}, clusterName!);
    const apiServerCidr = checkCidr(this, 'apiServerCidr', props.apiServerCidr ?? ANY_IPV4);
    if (props.alertmanager) {
      checkDnsLabel(this, 'alertmanager.namespace', props.alertmanager.namespace);
      checkDnsLabel(this, 'alertmanager.serviceName', props.alertmanager.serviceName);
      if (props.alertmanager.portName !== undefined) checkPortName(this, 'alertmanager.portName', props.alertmanager.portName);
    }
    return {
      name, namespace, image, version, replicas, antiAffinity, retention, ...storage, resources, discoveryLabels, scrapeInterval, evaluationInterval,
      externalLabels, apiServerCidr, alertmanager: props.alertmanager,
      resourceName: `prometheus-${name}`,
      labels: standardLabels({ name: 'prometheus', instance: name, component: 'prometheus', partOf: 'monitoring', version }),
      podSelector: prometheusPodSelector(name),
    };
  }

  /** The volume (at least 1Gi) and the retention size (default 80% of it, at most 90%). */
  private resolveStorage(storage: PrometheusStorage | undefined, requestedRetentionSize: string | undefined): Pick<ResolvedPrometheus, 'storageSize' | 'storageClassName' | 'retentionSize'> {
    const storageSize = storage?.size ?? DEFAULTS.storage;
    const storageBytes = checkQuantity(this, 'storage.size', storageSize);
    check(storageBytes >= 2 ** 30, this, 'storage.size', storageSize, 'must be at least 1Gi');
    const storageClassName = storage?.storageClassName === undefined ? undefined : checkDnsSubdomain(this, 'storage.storageClassName', storage.storageClassName);
    const retentionSize = requestedRetentionSize ?? `${Math.floor((storageBytes * 0.8) / 2 ** 20)}MB`;
    check(RETENTION_SIZE.test(retentionSize), this, 'retentionSize', retentionSize, 'must be a Prometheus byte size such as "40GB" (units B, KB, MB, GB, TB, PB, EB)');
    const m = /^([0-9.]+)([A-Z]+)$/.exec(retentionSize);
    const retentionBytes = m ? Number(m[1]) * UNIT[m[2]] : 0;
    check(retentionBytes > 0 && retentionBytes <= storageBytes * 0.9, this, 'retentionSize', retentionSize,
      `must be positive and at most 90% of storage.size (${storageSize}): the WAL and compaction need the rest`);
    return { storageSize, storageClassName, retentionSize };
  }

  /** `extra` (valid label names, non-empty values, no `cluster`) and `cluster: clusterName`. */
  private resolveExternalLabels(extra: Record<string, string>, clusterName: string): Record<string, string> {
    for (const [key, value] of Object.entries(extra)) {
      checkPrometheusLabelName(this, 'externalLabels key', key);
      check(key !== 'cluster', this, 'externalLabels key', key, 'is set from clusterName');
      check(typeof value === 'string' && value.length > 0, this, `externalLabels[${key}]`, value, 'must be a non-empty string');
    }
    return { ...extra, cluster: clusterName };
  }

  /** The ServiceAccount (token mounted: discovery calls the API) and its read-only discovery ClusterRole. */
  private createRbac(r: ResolvedPrometheus): { serviceAccount: k8s.KubeServiceAccount; clusterRole: k8s.KubeClusterRole } {
    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: r.resourceName, labels: r.labels },
      // Prometheus calls the API for service discovery: the pod mounts the token (the operator's default).
      automountServiceAccountToken: true,
    });
    const clusterRole = bindClusterRole(this, {
      name: `${this.namespace}-${r.resourceName}`,
      labels: r.labels,
      serviceAccount: { name: serviceAccount.name, namespace: this.namespace },
      rules: [
        // Target discovery (kubernetes_sd_configs of every ServiceMonitor/PodMonitor), in every namespace.
        { apiGroups: [''], resources: ['services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
        // kube-prometheus' prometheus-k8s ClusterRole: kubelet metrics and the API servers' /metrics.
        { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
        { nonResourceUrLs: ['/metrics'], verbs: ['get'] },
      ],
    }).clusterRole;
    return { serviceAccount, clusterRole };
  }

  /** The Prometheus custom resource. */
  private createResource(r: ResolvedPrometheus): PrometheusResource {
    const { version, scrapeInterval, evaluationInterval, retention, retentionSize, storageClassName, storageSize, resources } = r;
    const selector = { matchLabels: { ...this.discoveryLabels } };
    const everyNamespace = {};
    return new PrometheusResource(this, 'Resource', {
      metadata: { name: this.name, labels: r.labels },
      spec: {
        image: this.image,
        version,
        replicas: this.replicas,
        serviceAccountName: this.serviceAccount.name,
        podMetadata: { labels: { 'app.kubernetes.io/part-of': 'monitoring', 'app.kubernetes.io/component': 'prometheus' } },
        externalLabels: r.externalLabels,
        scrapeInterval,
        evaluationInterval,
        retention,
        retentionSize,
        serviceMonitorSelector: selector,
        serviceMonitorNamespaceSelector: everyNamespace,
        podMonitorSelector: selector,
        podMonitorNamespaceSelector: everyNamespace,
        probeSelector: selector,
        probeNamespaceSelector: everyNamespace,
        ruleSelector: selector,
        ruleNamespaceSelector: everyNamespace,
        resources: operatorPodResources(resources, PrometheusSpecResourcesRequests, PrometheusSpecResourcesLimits),
        securityContext: operatorPodSecurityContext(),
        storage: {
          volumeClaimTemplate: {
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName,
              resources: { requests: { storage: PrometheusSpecStorageVolumeClaimTemplateSpecResourcesRequests.fromString(storageSize) } },
            },
          },
        },
        alerting: r.alertmanager ? {
          alertmanagers: [{
            namespace: r.alertmanager.namespace,
            name: r.alertmanager.serviceName,
            port: PrometheusSpecAlertingAlertmanagersPort.fromString(r.alertmanager.portName ?? 'web'),
            apiVersion: PrometheusSpecAlertingAlertmanagersApiVersion.V2,
          }],
        } : undefined,
        // Spread replicas over nodes (the operator adds no anti-affinity of its own).
        affinity: operatorPodAntiAffinity(this.replicas, r.antiAffinity, this.podSelector),
      },
    });
  }

  /** Synth-time proof that the typed class kept the fields the platform depends on. */
  private verifyOutput(): string[] {
    const spec = this.apiObject.toJson().spec ?? {};
    const missing = ['serviceMonitorSelector', 'podMonitorSelector', 'ruleSelector', 'serviceMonitorNamespaceSelector', 'podMonitorNamespaceSelector',
      'ruleNamespaceSelector', 'externalLabels', 'retention', 'retentionSize', 'storage', 'securityContext', 'resources', 'serviceAccountName']
      .filter((field) => spec[field] === undefined);
    return missing.length === 0 ? [] : [`Prometheus ${this.name} lost ${missing.join(', ')} on the way to JSON`];
  }
}
