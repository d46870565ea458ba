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
import { PodDisruptionBudget } from '../core/pod-disruption-budget';
import { checkResources, ComputeResources } from '../core/resources';
import { checkUniqueObjectNames } from '../core/unique-names';
import { checkDnsLabel, checkInteger, checkOneOf, checkPinnedImage } from '../core/validation';
import { checkPrometheusDuration } from '../monitoring/promql';
import {
  AlertmanagerConfiguration, alertmanagerConfigurationProblems, defaultAlertmanagerConfiguration, referencedSecrets, renderAlertmanagerConfiguration,
} from './alertmanager-config';
import { AlertmanagerEndpoint } from './prometheus';
import { ALERTMANAGER_DEFAULT_IMAGE, alertmanagerPodSelector, StackProfile, STACK_PROFILES } from './prometheus-common';

/** Props of {@link Alertmanager}. */
export interface AlertmanagerProps {
  /** `metadata.name` of the Alertmanager resource. @default 'platform' */
  readonly name?: string;
  /** Sizes: `production` (2 replicas in a cluster, PDB) or `dev` (1 replica, small). @default 'production' */
  readonly profile?: StackProfile;
  /** Pinned image. @default ALERTMANAGER_DEFAULT_IMAGE (v0.33.1) */
  readonly image?: string;
  /** Replicas (they gossip silences and de-duplicate notifications). @default 2 (production), 1 (dev) */
  readonly replicas?: number;
  /** The typed configuration. @default defaultAlertmanagerConfiguration() (a `null` receiver, Watchdog route, inhibit rules) */
  readonly configuration?: AlertmanagerConfiguration;
  /** How long silences and the notification log are kept. @default '120h' */
  readonly retention?: string;
  /** CPU and memory of the alertmanager container. @default see ALERTMANAGER_DEFAULT_RESOURCES */
  readonly resources?: ComputeResources;
}

/** Default resources by profile. */
export const ALERTMANAGER_DEFAULT_RESOURCES: Readonly<Record<StackProfile, ComputeResources>> = {
  production: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
  dev: { requests: { cpu: '10m', memory: '48Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
};

/** Key of the generated configuration Secret that the operator reads. */
export const ALERTMANAGER_CONFIG_KEY = 'alertmanager.yaml';

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
export class Alertmanager extends Construct {
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

  constructor(scope: Construct, id: string, props: AlertmanagerProps = {}) {
    super(scope, id);
    checkUniqueObjectNames(this);
    this.namespace = namespaceOf(this);
    this.name = checkDnsLabel(this, 'name', props.name ?? 'platform', 40);
    const profile = checkOneOf(this, 'profile', props.profile ?? 'production', STACK_PROFILES);
    this.image = checkPinnedImage(this, 'image', props.image ?? ALERTMANAGER_DEFAULT_IMAGE);
    const version = imageVersion(this.image);
    this.replicas = checkInteger(this, 'replicas', props.replicas ?? (profile === 'production' ? 2 : 1), 1, 10);
    const retention = checkPrometheusDuration(this, 'retention', props.retention ?? '120h', 3600_000);
    const resources = checkResources(this, 'resources', props.resources ?? ALERTMANAGER_DEFAULT_RESOURCES[profile]);
    const configuration = props.configuration ?? defaultAlertmanagerConfiguration();
    const problems = alertmanagerConfigurationProblems(configuration);
    if (problems.length > 0) throw new Error(`${this.node.path}: invalid configuration (must be a valid Alertmanager configuration):\n- ${problems.join('\n- ')}`);
    this.configurationYaml = renderAlertmanagerConfiguration(configuration);
    const secrets = referencedSecrets(configuration);

    const resourceName = `alertmanager-${this.name}`;
    const labels = standardLabels({ name: 'alertmanager', instance: this.name, component: 'alertmanager', partOf: 'monitoring', version });
    this.podSelector = alertmanagerPodSelector(this.name);

    this.configSecret = new k8s.KubeSecret(this, 'Config', {
      metadata: { name: `${resourceName}-config`, labels },
      type: 'Opaque',
      stringData: { [ALERTMANAGER_CONFIG_KEY]: this.configurationYaml },
    });
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: resourceName, labels },
      // Alertmanager never calls the Kubernetes API.
      automountServiceAccountToken: false,
    });
    this.apiObject = new AlertmanagerResource(this, 'Resource', {
      metadata: { name: this.name, labels },
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
        resources: {
          requests: { cpu: AlertmanagerSpecResourcesRequests.fromString(resources.requests.cpu), memory: AlertmanagerSpecResourcesRequests.fromString(resources.requests.memory) },
          limits: { cpu: AlertmanagerSpecResourcesLimits.fromString(resources.limits.cpu), memory: AlertmanagerSpecResourcesLimits.fromString(resources.limits.memory) },
        },
        securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } },
        affinity: this.replicas > 1 && profile === 'production' ? {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: this.podSelector } }],
          },
        } : undefined,
      },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: resourceName, labels },
      spec: {
        selector: this.podSelector,
        sessionAffinity: 'ClientIP',
        ports: [
          { name: 'web', port: 9093, targetPort: k8s.IntOrString.fromString('web'), protocol: 'TCP' },
          { name: 'reloader-web', port: 8080, targetPort: k8s.IntOrString.fromString('reloader-web'), protocol: 'TCP' },
        ],
      },
    });
    if (this.replicas > 1) {
      this.podDisruptionBudget = new PodDisruptionBudget(this, 'PodDisruptionBudget', {
        name: resourceName, labels, selector: this.podSelector, maxUnavailable: 1,
      });
    }
    this.endpoint = { namespace: this.namespace, serviceName: this.service.name, portName: 'web' };
    this.metricsEndpoint = { component: 'alertmanager', namespace: this.namespace, via: 'service', selector: selectorLabels({ name: 'alertmanager', instance: this.name, component: 'alertmanager' }), portName: 'web', path: '/metrics' };
    this.node.addValidation({
      validate: () => {
        const spec = this.apiObject.toJson().spec ?? {};
        return spec.configSecret === this.configSecret.name && spec.securityContext && spec.resources ? []
          : [`Alertmanager ${this.name} lost configSecret, securityContext or resources on the way to JSON`];
      },
    });
  }
}
