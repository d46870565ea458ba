import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { stringify } from 'yaml';
import { contentAddressedConfigMap } from '../core/config-map';
import { externalSecretsAnnotations } from '../core/external-secrets';
import { imageVersion, selectorLabels, standardLabels } from '../core/labels';
import { MetricsEndpoint } from '../core/metrics';
import { namespaceOf } from '../core/namespace';
import { ClientAccess, lazyIngressPolicy, namespaceIngressRule } from '../core/client-access';
import { ClientPeer, namedServicePort } from '../core/network';
import type { PodRef } from '../core/flows';
import { PlatformWorkload } from '../core/platform-workload';
import { httpProbe, startupBudget } from '../core/probes';
import { checkResources, ComputeResources, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { checkUniqueObjectNames } from '../core/unique-names';
import { check, checkDnsLabel, checkDnsSubdomain, checkLabelValue, checkPinnedImage } from '../core/validation';
import { DashboardSpec, dashboardProblems, renderDashboard } from './dashboards/model';
import { platformDashboards } from './dashboards';
import { stackDeployment } from './stack-deployment';

/** Pinned Grafana (kube-prometheus `versions.json` of 2026-08-10: Grafana 13.1.3). */
export const GRAFANA_DEFAULT_IMAGE = 'grafana/grafana:13.1.3';

/** The HTTP port Grafana serves its UI, API, `/api/health` and `/metrics` on (named `http`). */
export const GRAFANA_PORT = 3000;

/** uid of the Grafana image (`ARG GF_UID="472"`). */
export const GRAFANA_UID = 472;

/** uid of the provisioned Prometheus datasource, referenced by every dashboard panel. */
export const GRAFANA_PROMETHEUS_DATASOURCE_UID = 'prometheus';

/** Default resources. */
export const GRAFANA_DEFAULT_RESOURCES: ComputeResources = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } };

/** Where the admin credentials come from: an existing Secret (never a value in a manifest). */
export interface GrafanaAdminCredentials {
  /** Name of a Secret in Grafana's namespace. */
  readonly secretName: string;
  /** Key holding the admin user name. @default 'admin-user' (the Grafana Helm chart's key) */
  readonly userKey?: string;
  /** Key holding the admin password. @default 'admin-password' */
  readonly passwordKey?: string;
}

/**
 * The Prometheus Grafana queries, as a construct of this library (the platform's `Prometheus`):
 * its URL becomes the datasource and the `grafana -> prometheus` flow is declared at both ends.
 */
export interface GrafanaPrometheusTarget {
  /** `http://<service>.<namespace>.svc:<port>`. */
  readonly url: string;
  /** The Prometheus pods. */
  readonly podRef: PodRef;
  /** The port Prometheus serves its query API on (9090). */
  readonly webPort: number;
  /** Admits `peer` to the query API. */
  allowClient(peer: ClientPeer): void;
}

/** Props of {@link Grafana}. */
export interface GrafanaProps {
  /** Name of the Deployment, Service, ServiceAccount and the base of its ConfigMaps. @default 'grafana' */
  readonly name?: string;
  /** Pinned image. @default GRAFANA_DEFAULT_IMAGE */
  readonly image?: string;
  /** Admin credentials from an existing Secret (create it before installing). */
  readonly admin: GrafanaAdminCredentials;
  /**
   * URL of Prometheus as Grafana's server reaches it (the datasource uses `access: proxy`), e.g.
   * `http://prometheus-operated.monitoring.svc:9090`. Give this or `prometheus`.
   * @default - `prometheus.url`
   */
  readonly prometheusUrl?: string;
  /**
   * The platform's Prometheus: the datasource URL, and the flow `grafana -> prometheus` declared
   * (Prometheus admits Grafana). Without it (a Prometheus given only by URL) Grafana declares no
   * flow to it: allow it yourself. @default - none
   */
  readonly prometheus?: GrafanaPrometheusTarget;
  /** Dashboards to provision (one ConfigMap each). @default platformDashboards() */
  readonly dashboards?: DashboardSpec[];
  /** Folder the dashboards appear in. @default 'Platform' */
  readonly dashboardFolder?: string;
  /** CPU and memory. @default requests 100m / 256Mi, limits 1 CPU / 512Mi (GRAFANA_DEFAULT_RESOURCES) */
  readonly resources?: ComputeResources;
  /**
   * Who may open the UI (port 3000): label selectors, cdk8s-plus-27 workloads or constructs of this
   * library. Unset: any pod in the cluster, declared as an open port (`kubectl port-forward` is not
   * subject to NetworkPolicies). Set: only these peers (plus {@link Grafana.allowClient}), each a
   * declared flow. @default - any pod
   */
  readonly allowFrom?: ClientPeer[];
  /** Namespace whose pods (Prometheus) may scrape `/metrics`. @default 'monitoring' */
  readonly monitoringNamespace?: string;
  /** `app.kubernetes.io/part-of` label. @default - not set */
  readonly partOf?: string;
}

const URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[^\s]*)?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const ADMIN_DIR = '/etc/grafana/admin';
const DASHBOARDS_DIR = '/var/lib/grafana-dashboards';

/**
 * Grafana (SPEC §12): Deployment + Service `grafana` (port `http` 3000), token-less ServiceAccount,
 * ingress NetworkPolicy, a provisioned Prometheus datasource and one dashboard per component, each
 * rendered from typed code (lib/observability/dashboards) into its own content-addressed ConfigMap.
 *
 * Stateless on purpose: `/var/lib/grafana` (the SQLite database) is an emptyDir. Everything that
 * matters is provisioned at start (datasource, dashboards, admin user from the Secret); what users
 * change in the UI (preferences, stars, ad-hoc dashboards) is lost when the pod is replaced. A
 * single replica: each replica would have its own database (logins would not carry over).
 *
 * Admin credentials only from an existing Secret, mounted read-only and passed as
 * `GF_SECURITY_ADMIN_USER__FILE` / `GF_SECURITY_ADMIN_PASSWORD__FILE` (read by the image's run.sh).
 * Sign-up, anonymous access, usage reporting and update checks are off (the monitoring namespace
 * has no egress to the internet). Plugin preinstalls stay on: Grafana 13 bundles and preinstalls
 * data sources such as Prometheus through that mechanism; without internet it logs and goes on.
 */
/** {@link GrafanaProps} after validation and defaults. */
interface ResolvedGrafana {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly resources: ComputeResources;
  readonly prometheusUrl: string;
  readonly prometheus?: GrafanaPrometheusTarget;
  readonly admin: { readonly secretName: string; readonly userKey: string; readonly passwordKey: string };
  readonly monitoringNamespace: string;
  readonly folder: string;
  readonly dashboards: readonly DashboardSpec[];
  /** undefined: any pod may open the UI. */
  readonly allowFrom?: readonly ClientPeer[];
  readonly selectorLabels: Record<string, string>;
  readonly labels: Record<string, string>;
}

/**
 * Grafana (SPEC §12): Deployment + Service `grafana` (port `http` 3000), token-less ServiceAccount,
 * ingress NetworkPolicy, a provisioned Prometheus datasource and one dashboard per component, each
 * rendered from typed code (lib/observability/dashboards) into its own content-addressed ConfigMap.
 *
 * Stateless on purpose: `/var/lib/grafana` (the SQLite database) is an emptyDir. Everything that
 * matters is provisioned at start (datasource, dashboards, admin user from the Secret); what users
 * change in the UI (preferences, stars, ad-hoc dashboards) is lost when the pod is replaced. A
 * single replica: each replica would have its own database (logins would not carry over).
 *
 * Admin credentials only from an existing Secret, mounted read-only and passed as
 * `GF_SECURITY_ADMIN_USER__FILE` / `GF_SECURITY_ADMIN_PASSWORD__FILE` (read by the image's run.sh).
 * Sign-up, anonymous access, usage reporting and update checks are off (the monitoring namespace
 * has no egress to the internet). Plugin preinstalls stay on: Grafana 13 bundles and preinstalls
 * data sources such as Prometheus through that mechanism; without internet it logs and goes on.
 */
export class Grafana extends PlatformWorkload {
  public readonly name: string;
  public readonly namespace: string;
  public readonly image: string;
  public readonly port = GRAFANA_PORT;
  public readonly selectorLabels: Record<string, string>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** Datasource and dashboard-provider configuration. */
  public readonly provisioningConfigMap: k8s.KubeConfigMap;
  /** One ConfigMap per dashboard, in the order of `dashboards`. */
  public readonly dashboardConfigMaps: k8s.KubeConfigMap[];
  /** The dashboards provisioned. */
  public readonly dashboards: readonly DashboardSpec[];
  /** Grafana's own metrics on the Service port `http`. */
  public readonly metricsEndpoint: MetricsEndpoint;
  /** `http://<name>.<namespace>.svc:3000`. */
  public readonly url: string;

  /** Who opens the UI: `allowFrom` and {@link allowClient} peers, or any pod when `allowFrom` is unset. */
  private readonly uiClients: ClientAccess;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    checkUniqueObjectNames(this);
    const r = this.resolve(props);
    ({ name: this.name, namespace: this.namespace, image: this.image, selectorLabels: this.selectorLabels, dashboards: this.dashboards } = r);
    this.url = `http://${this.name}.${this.namespace}.svc:${GRAFANA_PORT}`;
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels: r.labels },
      // Grafana never calls the Kubernetes API.
      automountServiceAccountToken: false,
    });
    this.provisioningConfigMap = this.createProvisioning(r);
    this.dashboardConfigMaps = this.createDashboardConfigMaps(r);
    this.deployment = this.createDeployment(r);
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels: r.labels },
      spec: { selector: this.selectorLabels, ports: [{ ...namedServicePort('http', GRAFANA_PORT), protocol: 'TCP' }] },
    });
    this.uiClients = this.clientAccess({ ports: [GRAFANA_PORT], target: 'grafana ui', open: r.allowFrom === undefined ? 'any-pod' : 'none' });
    r.allowFrom?.forEach((peer, i) => this.uiClients.admit(`allowFrom[${i}]`, peer));
    this.networkPolicy = this.createNetworkPolicy(r);
    this.declareFlows(r);
    this.metricsEndpoint = { component: 'grafana', namespace: this.namespace, via: 'service', selector: this.selectorLabels, portName: 'http', path: '/metrics' };
  }

  /**
   * Lets `peer` (a label selector, a cdk8s-plus-27 workload or a construct of this library) open
   * the UI; only changes the NetworkPolicy when `allowFrom` was given (otherwise every pod may).
   */
  public allowClient(peer: ClientPeer): void {
    this.uiClients.admit('allowClient', peer);
  }

  /** Every check and default, before any object. */
  private resolve(props: GrafanaProps): ResolvedGrafana {
    const name = checkDnsLabel(this, 'name', props.name ?? 'grafana', 40);
    const namespace = namespaceOf(this);
    const image = checkPinnedImage(this, 'image', props.image ?? GRAFANA_DEFAULT_IMAGE);
    const resources = checkResources(this, 'resources', props.resources ?? GRAFANA_DEFAULT_RESOURCES);
    const prometheusUrl = props.prometheusUrl ?? props.prometheus?.url;
    check(typeof prometheusUrl === 'string' && URL.test(prometheusUrl), this, 'prometheusUrl', prometheusUrl,
      'must be an http(s) URL of Prometheus, e.g. "http://prometheus-operated.monitoring.svc:9090" (or give prometheus, the platform\'s Prometheus)');
    const admin = this.resolveAdmin(props.admin);
    const monitoringNamespace = checkDnsLabel(this, 'monitoringNamespace', props.monitoringNamespace ?? 'monitoring');
    const folder = props.dashboardFolder ?? 'Platform';
    check(typeof folder === 'string' && folder.trim().length > 0 && !folder.includes('/'), this, 'dashboardFolder', folder, 'must be a non-empty folder name without "/"');
    check(props.allowFrom === undefined || Array.isArray(props.allowFrom), this, 'allowFrom', String(props.allowFrom), 'must be a list of clients');
    const dashboards = this.resolveDashboards(props.dashboards ?? platformDashboards());
    const selector = selectorLabels({ name: 'grafana', instance: name, component: 'dashboards' });
    const labels = standardLabels({ name: 'grafana', instance: name, component: 'dashboards', partOf: checkLabelValue(this, 'partOf', props.partOf), version: imageVersion(image) });
    return {
      name, namespace, image, resources, prometheusUrl: prometheusUrl!, prometheus: props.prometheus, admin, monitoringNamespace, folder, dashboards,
      allowFrom: props.allowFrom, selectorLabels: selector, labels,
    };
  }

  private resolveAdmin(admin: GrafanaAdminCredentials): ResolvedGrafana['admin'] {
    check(typeof admin === 'object' && admin !== null, this, 'admin', String(admin),
      'must name an existing Secret: { secretName, userKey?, passwordKey? }');
    const secretName = checkDnsSubdomain(this, 'admin.secretName', admin.secretName);
    const userKey = admin.userKey ?? 'admin-user';
    const passwordKey = admin.passwordKey ?? 'admin-password';
    for (const [prop, key] of [['admin.userKey', userKey], ['admin.passwordKey', passwordKey]]) {
      check(SECRET_KEY.test(key), this, prop, key, 'must be a Secret key: letters, digits, "-", "_" or "."');
    }
    return { secretName, userKey, passwordKey };
  }

  /** At least one dashboard, each valid, uids unique. */
  private resolveDashboards(dashboards: DashboardSpec[]): readonly DashboardSpec[] {
    check(Array.isArray(dashboards) && dashboards.length > 0, this, 'dashboards', String(dashboards), 'must hold at least one dashboard');
    const seenUids = new Set<string>();
    dashboards.forEach((d, i) => {
      const problems = dashboardProblems(d);
      check(problems.length === 0, this, `dashboards[${i}]`, d.uid, problems.join('; '));
      check(!seenUids.has(d.uid), this, `dashboards[${i}].uid`, d.uid, 'must be unique: Grafana keeps one dashboard per uid');
      seenUids.add(d.uid);
    });
    return dashboards;
  }

  /** The datasource (Prometheus) and the dashboard provider. */
  private createProvisioning(r: ResolvedGrafana): k8s.KubeConfigMap {
    const { prometheusUrl, folder } = r;
    return contentAddressedConfigMap(this, 'Provisioning', {
      baseName: `${this.name}-provisioning`,
      labels: r.labels,
      data: {
        'datasources.yaml': stringify({
          apiVersion: 1,
          datasources: [{
            name: 'Prometheus',
            type: 'prometheus',
            uid: GRAFANA_PROMETHEUS_DATASOURCE_UID,
            access: 'proxy',
            url: prometheusUrl,
            isDefault: true,
            editable: false,
            jsonData: { timeInterval: '30s', httpMethod: 'POST' },
          }],
        }),
        'dashboards.yaml': stringify({
          apiVersion: 1,
          providers: [{
            name: 'platform',
            type: 'file',
            folder,
            disableDeletion: true,
            allowUiUpdates: false,
            updateIntervalSeconds: 60,
            options: { path: DASHBOARDS_DIR, foldersFromFilesStructure: false },
          }],
        }),
      },
    });
  }

  /** One content-addressed ConfigMap per dashboard. */
  private createDashboardConfigMaps(r: ResolvedGrafana): k8s.KubeConfigMap[] {
    return r.dashboards.map((d) => contentAddressedConfigMap(this, `Dashboard-${d.uid}`, {
      baseName: `${this.name}-dashboard-${d.uid.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`,
      labels: { ...r.labels, 'grafana.com/dashboard-uid': d.uid },
      data: { [`${d.uid}.json`]: `${JSON.stringify(renderDashboard(d, GRAFANA_PROMETHEUS_DATASOURCE_UID), null, 2)}\n` },
    }));
  }

  private createDeployment(r: ResolvedGrafana): k8s.KubeDeployment {
    const { userKey, passwordKey } = r.admin;
    const adminSecret = r.admin.secretName;
    const env: k8s.EnvVar[] = [
      { name: 'GF_SECURITY_ADMIN_USER__FILE', value: `${ADMIN_DIR}/admin-user` },
      { name: 'GF_SECURITY_ADMIN_PASSWORD__FILE', value: `${ADMIN_DIR}/admin-password` },
      { name: 'GF_SERVER_HTTP_PORT', value: String(GRAFANA_PORT) },
      { name: 'GF_USERS_ALLOW_SIGN_UP', value: 'false' },
      { name: 'GF_AUTH_ANONYMOUS_ENABLED', value: 'false' },
      { name: 'GF_ANALYTICS_REPORTING_ENABLED', value: 'false' },
      { name: 'GF_ANALYTICS_CHECK_FOR_UPDATES', value: 'false' },
      { name: 'GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES', value: 'false' },
      { name: 'GF_LOG_MODE', value: 'console' },
    ];

    const health = httpProbe('/api/health', 'http', { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    return stackDeployment(this, {
      name: this.name,
      labels: r.labels,
      selectorLabels: this.selectorLabels,
      replicas: 1,
      podAnnotations: externalSecretsAnnotations([adminSecret]),
      pod: {
        serviceAccountName: this.serviceAccount.name,
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 30,
        securityContext: restrictedPodSecurityContext({ runAsUser: GRAFANA_UID, runAsGroup: GRAFANA_UID }),
        containers: [{
          name: 'grafana',
          image: this.image,
          imagePullPolicy: 'IfNotPresent',
          env,
          ports: [{ name: 'http', containerPort: GRAFANA_PORT, protocol: 'TCP' }],
          resources: toResourceRequirements(r.resources),
          securityContext: restrictedContainerSecurityContext(),
          // First start migrates the SQLite schema: give it two minutes before liveness counts.
          startupProbe: startupBudget(health, 120),
          readinessProbe: health,
          livenessProbe: httpProbe('/api/health', 'http', { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 }),
          volumeMounts: [
            { name: 'data', mountPath: '/var/lib/grafana' },
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'admin', mountPath: ADMIN_DIR, readOnly: true },
            { name: 'datasources', mountPath: '/etc/grafana/provisioning/datasources', readOnly: true },
            { name: 'dashboard-providers', mountPath: '/etc/grafana/provisioning/dashboards', readOnly: true },
            { name: 'dashboards', mountPath: DASHBOARDS_DIR, readOnly: true },
          ],
        }],
        volumes: [
          { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
          { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
          {
            name: 'admin',
            secret: {
              secretName: adminSecret,
              defaultMode: 0o440,
              items: [{ key: userKey, path: 'admin-user' }, { key: passwordKey, path: 'admin-password' }],
            },
          },
          { name: 'datasources', configMap: { name: this.provisioningConfigMap.name, items: [{ key: 'datasources.yaml', path: 'datasources.yaml' }] } },
          { name: 'dashboard-providers', configMap: { name: this.provisioningConfigMap.name, items: [{ key: 'dashboards.yaml', path: 'dashboards.yaml' }] } },
          { name: 'dashboards', projected: { sources: this.dashboardConfigMaps.map((cm) => ({ configMap: { name: cm.name } })) } },
        ],
      },
    });
  }

  /** The UI's clients, then Prometheus' namespace (it scrapes /metrics on the same port). */
  private createNetworkPolicy(r: ResolvedGrafana): k8s.KubeNetworkPolicy {
    return lazyIngressPolicy(this, 'NetworkPolicy', {
      name: this.name,
      labels: r.labels,
      selectorLabels: this.selectorLabels,
      rules: () => [this.uiClients.rule(), namespaceIngressRule(r.monitoringNamespace, [GRAFANA_PORT])],
    });
  }

  /** The scrape, the flow to Prometheus (admitted there), and the annotation. */
  private declareFlows(r: ResolvedGrafana): void {
    this.declareScrape(r.monitoringNamespace, GRAFANA_PORT);
    if (r.prometheus) {
      r.prometheus.allowClient(this);
      this.flowDeclarations.add({ name: 'grafana -> prometheus web', from: this.podRef, to: r.prometheus.podRef, port: r.prometheus.webPort });
    }
    this.flowDeclarations.annotate(this.deployment);
  }
}
