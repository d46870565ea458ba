import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  PodMonitor,
  PodMonitorSpecPodMetricsEndpointsRelabelingsAction,
} from '../../imports/podmonitors-monitoring.coreos.com';
import {
  ServiceMonitor,
  ServiceMonitorSpecEndpointsRelabelingsAction,
} from '../../imports/servicemonitors-monitoring.coreos.com';
import { MANAGED_BY } from '../core/labels';
import { MetricsEndpoint } from '../core/metrics';
import { checkPrometheusDuration, equalityMatchers } from '../core/promql';
import { check, checkBoolean, checkDnsLabel, checkHttpPath, checkLabels, checkPortName } from '../core/validation';
import { DEFAULT_DISCOVERY_LABELS } from './alert-rules';

/** Default scrape interval of a {@link MetricsEndpoint}. */
export const DEFAULT_SCRAPE_INTERVAL = '30s';
/** Default metrics path of a {@link MetricsEndpoint}. */
export const DEFAULT_METRICS_PATH = '/metrics';
/** Label put on every monitored object's metadata, naming the component it scrapes. */
export const MONITORED_COMPONENT_LABEL = 'platform.cdk8s.io/component';

/** Props of {@link MetricsMonitor}. */
export interface MetricsMonitorProps {
  /** What to scrape, as exposed by a component construct (e.g. `zookeeper.metricsEndpoint`). */
  readonly endpoint: MetricsEndpoint;
  /**
   * Labels the Prometheus `serviceMonitorSelector` / `podMonitorSelector` match
   * (kube-prometheus-stack selects `release: <release>`).
   * @default { prometheus: 'platform' }
   */
  readonly labels?: Record<string, string>;
}

/**
 * Turns a {@link MetricsEndpoint} into a Prometheus Operator `ServiceMonitor` (via `service`) or
 * `PodMonitor` (via `pod`) named after the component, in the chart's (monitoring) namespace:
 * `selector.matchLabels` = the endpoint's selector, `namespaceSelector.matchNames` = its namespace,
 * one endpoint scraping the named port at `path` every `interval`.
 *
 * The `job` label of every scraped series is set to the component (`zookeeper`, `node-exporter`),
 * so alerts select `{job="<component>", namespace="<namespace>"}` whichever kind scrapes it — by
 * default the Operator would use the Service name for a ServiceMonitor and `<monitor
 * namespace>/<monitor name>` for a PodMonitor. A `node` label carries the pod's node name.
 *
 * Prometheus needs RBAC to list Services, Endpoints(Slices) and Pods in the endpoint's namespace
 * (kube-prometheus-stack grants it cluster-wide) and the workload's NetworkPolicy must admit the
 * monitoring namespace on the metrics port.
 */
export class MetricsMonitor extends Construct {
  /** `metadata.name`: the component id. */
  public readonly name: string;
  public readonly kind: 'ServiceMonitor' | 'PodMonitor';
  /** The `job` label of the scraped series (the component id). */
  public readonly job: string;
  /** Namespace of the scraped workload (the `namespace` label of its series). */
  public readonly targetNamespace: string;
  /** PromQL label matchers selecting this component's series: `job="<component>",namespace="<ns>"`. */
  public readonly seriesSelector: string;
  public readonly endpoint: Required<MetricsEndpoint>;
  public readonly apiObject: ServiceMonitor | PodMonitor;

  constructor(scope: Construct, id: string, props: MetricsMonitorProps) {
    super(scope, id);
    this.endpoint = this.resolveEndpoint(props.endpoint);
    const discovery = checkLabels(this, 'labels', props.labels ?? DEFAULT_DISCOVERY_LABELS);
    this.name = this.endpoint.component;
    this.job = this.endpoint.component;
    this.targetNamespace = this.endpoint.namespace;
    this.seriesSelector = equalityMatchers({ job: this.job, namespace: this.targetNamespace });
    this.kind = this.endpoint.via === 'service' ? 'ServiceMonitor' : 'PodMonitor';

    const metadata = {
      name: this.name,
      labels: { ...discovery, [MONITORED_COMPONENT_LABEL]: this.endpoint.component, 'app.kubernetes.io/managed-by': MANAGED_BY },
    };
    this.apiObject = this.kind === 'ServiceMonitor' ? this.renderServiceMonitor(metadata) : this.renderPodMonitor(metadata);
    this.node.addValidation({ validate: () => this.verifyOutput() });
  }

  /** Validation and defaults of the endpoint, before any object exists. */
  private resolveEndpoint(endpoint: MetricsEndpoint): Required<MetricsEndpoint> {
    check(typeof endpoint === 'object' && endpoint !== null, this, 'endpoint', String(endpoint), 'must be a MetricsEndpoint');
    const component = checkDnsLabel(this, 'endpoint.component', endpoint.component);
    const resolved: Required<MetricsEndpoint> = {
      component,
      namespace: checkDnsLabel(this, `endpoint[${component}].namespace`, endpoint.namespace),
      via: endpoint.via,
      selector: checkLabels(this, `endpoint[${component}].selector`, endpoint.selector, true),
      portName: checkPortName(this, `endpoint[${component}].portName`, endpoint.portName),
      path: checkHttpPath(this, `endpoint[${component}].path`, endpoint.path ?? DEFAULT_METRICS_PATH),
      interval: checkPrometheusDuration(this, `endpoint[${component}].interval`, endpoint.interval ?? DEFAULT_SCRAPE_INTERVAL, 1000),
      honorLabels: checkBoolean(this, `endpoint[${component}].honorLabels`, endpoint.honorLabels) ?? false,
    };
    check(endpoint.via === 'service' || endpoint.via === 'pod', this, `endpoint[${component}].via`, endpoint.via,
      'must be "service" (ServiceMonitor) or "pod" (PodMonitor)');
    check(Chart.of(this).namespace !== undefined, this, 'chart namespace', 'undefined',
      'monitors live in the monitoring namespace: create their chart with { namespace: "monitoring" }');
    return resolved;
  }

  /** Port, path, interval and honorLabels of the one scrape endpoint. */
  private scrape(): { port: string; path: string; interval: string; honorLabels?: boolean } {
    return {
      port: this.endpoint.portName, path: this.endpoint.path, interval: this.endpoint.interval,
      ...(this.endpoint.honorLabels ? { honorLabels: true } : {}),
    };
  }

  private renderServiceMonitor(metadata: { name: string; labels: Record<string, string> }): ServiceMonitor {
    return new ServiceMonitor(this, 'Resource', {
      metadata,
      spec: {
        selector: { matchLabels: { ...this.endpoint.selector } },
        namespaceSelector: { matchNames: [this.targetNamespace] },
        endpoints: [{
          ...this.scrape(),
          relabelings: [
            { action: ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE, sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' },
            { action: ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE, targetLabel: 'job', replacement: this.job },
          ],
        }],
      },
    });
  }

  private renderPodMonitor(metadata: { name: string; labels: Record<string, string> }): PodMonitor {
    return new PodMonitor(this, 'Resource', {
      metadata,
      spec: {
        selector: { matchLabels: { ...this.endpoint.selector } },
        namespaceSelector: { matchNames: [this.targetNamespace] },
        podMetricsEndpoints: [{
          ...this.scrape(),
          relabelings: [
            { action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE, sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' },
            { action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE, targetLabel: 'job', replacement: this.job },
          ],
        }],
      },
    });
  }

  /** Synth-time proof that the typed class kept every field (generated classes drop unknown ones). */
  private verifyOutput(): string[] {
    const spec = this.apiObject.toJson().spec ?? {};
    const ep = (this.kind === 'ServiceMonitor' ? spec.endpoints : spec.podMetricsEndpoints)?.[0] ?? {};
    const ok = JSON.stringify(spec.selector?.matchLabels) === JSON.stringify(sorted(this.endpoint.selector))
      && JSON.stringify(spec.namespaceSelector?.matchNames) === JSON.stringify([this.targetNamespace])
      && ep.port === this.endpoint.portName && ep.path === this.endpoint.path && ep.interval === this.endpoint.interval
      && (ep.honorLabels === true) === this.endpoint.honorLabels
      && ep.relabelings?.some((r: any) => r.targetLabel === 'job' && r.replacement === this.job);
    return ok ? [] : [`${this.kind} ${this.name} did not come out with its selector, namespaceSelector, port, path, interval and job relabeling: ${JSON.stringify(spec)}`];
  }
}

function sorted(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
