import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import {
  Alertmanager as AlertmanagerResource,
  AlertmanagerSpecResourcesLimits,
  AlertmanagerSpecResourcesRequests,
} from '../../imports/alertmanagers-monitoring.coreos.com';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { MetricsEndpoint } from '../core/metrics';
import { namespaceOf } from '../core/namespace';
import type { PodDisruptionBudget } from '../core/pod-disruption-budget';
import { checkResources, ComputeResources } from '../core/resources';
import { checkUniqueObjectNames } from '../core/unique-names';
import { checkCidr, checkDnsLabel, checkInteger, checkOneOf, checkPinnedImage } from '../core/validation';
import { ANY_IPV4, IDeclaresIpEgress, IpEgress } from '../core/ip-egress';
import { ClientAccess, lazyIngressPolicy, namespaceIngressRule, policyPort } from '../core/client-access';
import { ClientPeer } from '../core/network';
import { PlatformWorkload } from '../core/platform-workload';
import { checkPrometheusDuration } from '../monitoring/promql';
import {
  AlertmanagerConfiguration, alertmanagerConfigurationProblems, defaultAlertmanagerConfiguration, notificationPorts, referencedSecrets, renderAlertmanagerConfiguration,
} from './alertmanager-config';
import {
  OPERATOR_POD_ANTI_AFFINITIES, OperatorPodAntiAffinity, operatorPodAntiAffinity, operatorPodResources, operatorPodSecurityContext, operatorPodService,
} from './operator-pods';
import { copyIpEgress } from './stack-deployment';
import { AlertmanagerEndpoint } from './prometheus';
import { ALERTMANAGER_DEFAULT_IMAGE, alertmanagerPodSelector } from './operator-stack-pins';

/** Props of {@link Alertmanager}. */
export interface AlertmanagerProps {
  /** `metadata.name` of the Alertmanager resource. @default 'platform' */
  readonly name?: string;
  /** Pinned image. @default ALERTMANAGER_DEFAULT_IMAGE (v0.33.1) */
  readonly image?: string;
  /** Replicas (they gossip silences and de-duplicate notifications). @default 2 */
  readonly replicas?: number;
  /** The typed configuration. @default defaultAlertmanagerConfiguration() (a `null` receiver, Watchdog route, inhibit rules) */
  readonly configuration?: AlertmanagerConfiguration;
  /** How long silences and the notification log are kept. @default '120h' */
  readonly retention?: string;
  /** CPU and memory of the alertmanager container. @default requests 50m / 128Mi, limits 200m / 256Mi (ALERTMANAGER_DEFAULT_RESOURCES) */
  readonly resources?: ComputeResources;
  /** `required`: with several replicas, each on its own node (hard anti-affinity); `none`: no constraint. @default 'required' */
  readonly antiAffinity?: OperatorPodAntiAffinity;
  /** Namespace whose pods (Prometheus) may scrape its metrics. @default - its own namespace */
  readonly monitoringNamespace?: string;
  /**
   * Where the receivers are (Slack, PagerDuty, webhooks, SMTP): the destination of its {@link
   * Alertmanager.ipEgress} on the ports the configuration needs ({@link notificationPorts}).
   * @default '0.0.0.0/0'
   */
  readonly receiverCidr?: string;
}

/** Default resources of the alertmanager container. */
export const ALERTMANAGER_DEFAULT_RESOURCES: ComputeResources = { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } };

/** Ports of the Alertmanager pods: the API (`web`) and the cluster gossip (`mesh`, TCP and UDP). */
export const ALERTMANAGER_PORTS = { web: 9093, mesh: 9094 } as const;

/** Key of the generated configuration Secret that the operator reads. */
export const ALERTMANAGER_CONFIG_KEY = 'alertmanager.yaml';

/** {@link AlertmanagerProps} after validation and defaults. */
interface ResolvedAlertmanager {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly version?: string;
  readonly replicas: number;
  readonly antiAffinity: OperatorPodAntiAffinity;
  readonly retention: string;
  readonly resources: ComputeResources;
  readonly monitoringNamespace: string;
  readonly receiverCidr: string;
  /** The rendered `alertmanager.yaml`. */
  readonly configurationYaml: string;
  /** Existing Secrets the receivers read (mounted by the operator). */
  readonly secrets: string[];
  /** Ports the receivers are reached on. */
  readonly notificationPorts: number[];
  /** `alertmanager-<name>`: ServiceAccount, Service, PDB, NetworkPolicy. */
  readonly resourceName: string;
  readonly labels: Record<string, string>;
  readonly podSelector: Record<string, string>;
}

/**
 * The platform's Alertmanager (SPEC §12): a `monitoring.coreos.com/v1` Alertmanager resource, its
 * configuration (typed, see alertmanager-config.ts) rendered into a Secret
 * `alertmanager-<name>-config` that holds NO credential (receivers read theirs from existing
 * Secrets, listed in `spec.secrets` and mounted by the operator), a ServiceAccount without token,
 * a Service `alertmanager-<name>` (port `web`, what Prometheus sends to) and, with more than one
 * replica, a PodDisruptionBudget. The configuration is validated at synth time (every route's
 * receiver exists, matchers parse, no inline credential).
 *
 * Why a generated Secret rather than an `AlertmanagerConfig` resource: the operator scopes every
 * route of an AlertmanagerConfig to its own namespace (a `namespace` matcher is added), which
 * would hide the platform's alerts from other namespaces; `configSecret` is the global configuration.
 */
export class Alertmanager extends PlatformWorkload implements IDeclaresIpEgress {
  public readonly name: string;
  public readonly namespace: string;
  public readonly image: string;
  public readonly replicas: number;
  public readonly apiObject: AlertmanagerResource;
  public readonly configSecret: k8s.KubeSecret;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly service: k8s.KubeService;
  public readonly podDisruptionBudget?: PodDisruptionBudget;
  public readonly podSelector: Record<string, string>;
  /** The rendered `alertmanager.yaml`. */
  public readonly configurationYaml: string;
  /** Where Prometheus sends alerts (`Prometheus` prop `alertmanager`). */
  public readonly endpoint: AlertmanagerEndpoint;
  /** Alertmanager's own metrics on the Service port `web`. */
  public readonly metricsEndpoint: MetricsEndpoint;
  /** Admits Prometheus (clients) and the monitoring namespace on `web`, and the replicas to each other on the mesh port. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** The operator's pod labels, as for every workload of this library ({@link podSelector}). */
  public readonly selectorLabels: Record<string, string>;

  /** Clients of the API (Prometheus sends alerts there). */
  private readonly webClients: ClientAccess;
  private readonly egress: IpEgress[];

  constructor(scope: Construct, id: string, props: AlertmanagerProps = {}) {
    super(scope, id);
    checkUniqueObjectNames(this);
    const r = this.resolve(props);
    ({ name: this.name, namespace: this.namespace, image: this.image, replicas: this.replicas, configurationYaml: this.configurationYaml, podSelector: this.podSelector } = r);
    this.selectorLabels = this.podSelector;
    this.configSecret = new k8s.KubeSecret(this, 'Config', {
      metadata: { name: `${r.resourceName}-config`, labels: r.labels },
      type: 'Opaque',
      stringData: { [ALERTMANAGER_CONFIG_KEY]: this.configurationYaml },
    });
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: r.resourceName, labels: r.labels },
      // Alertmanager never calls the Kubernetes API.
      automountServiceAccountToken: false,
    });
    this.apiObject = this.createResource(r);
    ({ service: this.service, podDisruptionBudget: this.podDisruptionBudget } = operatorPodService(this, {
      name: r.resourceName, labels: r.labels, podSelector: this.podSelector, replicas: this.replicas, ports: [['web', ALERTMANAGER_PORTS.web], ['reloader-web', 8080]],
    }));
    this.endpoint = { namespace: this.namespace, serviceName: this.service.name, portName: 'web' };
    this.metricsEndpoint = { component: 'alertmanager', namespace: this.namespace, via: 'service', selector: selectorLabels({ name: 'alertmanager', instance: this.name, component: 'alertmanager' }), portName: 'web', path: '/metrics' };
    this.webClients = this.clientAccess({ ports: [ALERTMANAGER_PORTS.web], target: 'alertmanager web' });
    this.networkPolicy = this.createNetworkPolicy(r);
    this.declareFlows(r);
    this.egress = r.notificationPorts.length === 0 ? [] : [{ name: `${r.resourceName}-receivers`, namespace: this.namespace, podLabels: { ...this.podSelector }, cidr: r.receiverCidr, ports: r.notificationPorts }];
    this.addOutputValidation();
  }

  /** Admits `peer` (Prometheus, or any client) to the API on 9093, where alerts are sent. */
  public allowClient(peer: ClientPeer): void {
    this.webClients.admit('allowClient', peer);
  }

  /** Egress to the receivers (none with "null" receivers only). */
  public ipEgress(): IpEgress[] {
    return copyIpEgress(this.egress);
  }

  /** Every check and default, before any object; the configuration validated and rendered. */
  private resolve(props: AlertmanagerProps): ResolvedAlertmanager {
    const name = checkDnsLabel(this, 'name', props.name ?? 'platform', 40);
    const namespace = namespaceOf(this);
    const antiAffinity = checkOneOf(this, 'antiAffinity', props.antiAffinity ?? 'required', OPERATOR_POD_ANTI_AFFINITIES);
    const image = checkPinnedImage(this, 'image', props.image ?? ALERTMANAGER_DEFAULT_IMAGE);
    const version = imageVersion(image);
    const replicas = checkInteger(this, 'replicas', props.replicas ?? 2, 1, 10);
    const retention = checkPrometheusDuration(this, 'retention', props.retention ?? '120h', 3600_000);
    const resources = checkResources(this, 'resources', props.resources ?? ALERTMANAGER_DEFAULT_RESOURCES);
    const configuration = props.configuration ?? defaultAlertmanagerConfiguration();
    const problems = alertmanagerConfigurationProblems(configuration);
    if (problems.length > 0) throw new Error(`${this.node.path}: invalid configuration (must be a valid Alertmanager configuration):\n- ${problems.join('\n- ')}`);
    const monitoringNamespace = checkDnsLabel(this, 'monitoringNamespace', props.monitoringNamespace ?? namespace);
    const receiverCidr = checkCidr(this, 'receiverCidr', props.receiverCidr ?? ANY_IPV4);
    return {
      name, namespace, image, version, replicas, antiAffinity, retention, resources, monitoringNamespace, receiverCidr,
      configurationYaml: renderAlertmanagerConfiguration(configuration),
      secrets: referencedSecrets(configuration),
      notificationPorts: notificationPorts(configuration),
      resourceName: `alertmanager-${name}`,
      labels: standardLabels({ name: 'alertmanager', instance: name, component: 'alertmanager', partOf: 'monitoring', version }),
      podSelector: alertmanagerPodSelector(name),
    };
  }

  /** The Alertmanager custom resource. */
  private createResource(r: ResolvedAlertmanager): AlertmanagerResource {
    const { version, secrets, retention, resources } = r;
    return new AlertmanagerResource(this, 'Resource', {
      metadata: { name: this.name, labels: r.labels },
      spec: {
        image: this.image,
        version,
        replicas: this.replicas,
        serviceAccountName: this.serviceAccount.name,
        automountServiceAccountToken: false,
        podMetadata: { labels: { 'app.kubernetes.io/part-of': 'monitoring', 'app.kubernetes.io/component': 'alertmanager' } },
        configSecret: this.configSecret.name,
        secrets: secrets.length > 0 ? secrets : undefined,
        retention,
        resources: operatorPodResources(resources, AlertmanagerSpecResourcesRequests, AlertmanagerSpecResourcesLimits),
        securityContext: operatorPodSecurityContext(),
        affinity: operatorPodAntiAffinity(this.replicas, r.antiAffinity, this.podSelector),
      },
    });
  }

  /** Clients and the monitoring namespace on `web`; with several replicas, their gossip on the mesh port (TCP and UDP). */
  private createNetworkPolicy(r: ResolvedAlertmanager): k8s.KubeNetworkPolicy {
    const { web, mesh } = ALERTMANAGER_PORTS;
    const self = [{ podSelector: { matchLabels: { ...this.podSelector } } }];
    return lazyIngressPolicy(this, 'NetworkPolicy', {
      name: r.resourceName,
      labels: r.labels,
      selectorLabels: this.podSelector,
      rules: () => [
        this.webClients.rule(),
        namespaceIngressRule(r.monitoringNamespace, [web]),
        // Replicas gossip silences and notification state (TCP and UDP); one replica does not cluster.
        ...(this.replicas > 1 ? [{ from: self, ports: [policyPort(mesh)] }, { from: self, ports: [policyPort(mesh, 'UDP')] }] : []),
      ],
    });
  }

  /** The scrape, the mesh between replicas, and the annotation. */
  private declareFlows(r: ResolvedAlertmanager): void {
    this.declareScrape(r.monitoringNamespace, ALERTMANAGER_PORTS.web);
    if (this.replicas > 1) {
      for (const protocol of ['TCP', 'UDP']) {
        this.flowDeclarations.add({ name: `alertmanager mesh (${protocol})`, from: this.podRef, to: this.podRef, port: ALERTMANAGER_PORTS.mesh, protocol });
      }
    }
    this.flowDeclarations.annotate(this.apiObject);
  }

  /** Synth-time proof that the typed class kept the fields the platform depends on. */
  private addOutputValidation(): void {
    this.node.addValidation({
      validate: () => {
        const spec = this.apiObject.toJson().spec ?? {};
        return spec.configSecret === this.configSecret.name && spec.securityContext && spec.resources ? []
          : [`Alertmanager ${this.name} lost configSecret, securityContext or resources on the way to JSON`];
      },
    });
  }
}
