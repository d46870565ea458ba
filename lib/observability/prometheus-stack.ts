import { Construct } from 'constructs';
import { IDeclaresFlows } from '../core/flows';
import { FlowComposite } from '../core/flow-parts';
import { IDeclaresIpEgress, IpEgress } from '../core/ip-egress';
import { namespaceOf } from '../core/namespace';
import { check, checkOneOf } from '../core/validation';
import { MetricsMonitor } from '../monitoring/metrics-monitor';
import { checkKubeLabels } from '../monitoring/validation';
import { Alertmanager, AlertmanagerProps } from './alertmanager';
import { PrometheusOperatorCrds } from './crds';
import { Prometheus, PrometheusProps } from './prometheus';
import { PLATFORM_DISCOVERY_LABELS } from './operator-stack-pins';
import { PrometheusOperator, PrometheusOperatorProps } from './prometheus-operator';
import { StackAlertRules } from './stack-alerts';

/** Who runs the Prometheus Operator. */
export type OperatorMode = 'managed' | 'existing';

/** Props of {@link PrometheusStack}. */
export interface PrometheusStackProps {
  /**
   * `managed` (default): emit the CRDs, the operator, Prometheus, Alertmanager, their monitors and
   * the stack alerts. `existing`: an operator (e.g. kube-prometheus-stack) already runs: emit only
   * the stack alerts, labelled with `discoveryLabels` so that operator's Prometheus selects them;
   * give the platform's monitors and rules the same labels.
   */
  readonly operator?: OperatorMode;
  /**
   * Labels every monitor and rule carries and the Prometheus selects. For kube-prometheus-stack
   * installed as Helm release `kps`: `{ release: 'kps' }` (its default `serviceMonitorSelector`,
   * `podMonitorSelector` and `ruleSelector` are `matchLabels: { release: <release> }`).
   * @default PLATFORM_DISCOVERY_LABELS (`prometheus: platform`)
   */
  readonly discoveryLabels?: Record<string, string>;
  /** Cluster name (Prometheus' `cluster` external label). */
  readonly clusterName: string;
  /** Emit the CRDs (managed mode only). @default true */
  readonly crds?: boolean;
  /** Props of the operator (managed mode). @default - its defaults */
  readonly operatorProps?: PrometheusOperatorProps;
  /** Props of the Prometheus (managed mode). @default - its defaults */
  readonly prometheusProps?: Omit<PrometheusProps, 'clusterName' | 'discoveryLabels' | 'alertmanager'>;
  /** Props of the Alertmanager (managed mode). @default - its defaults */
  readonly alertmanagerProps?: AlertmanagerProps;
  /**
   * `job` labels of the stack's series in `existing` mode (kube-prometheus-stack release `kps`:
   * `kps-kube-prometheus-stack-prometheus`, `...-alertmanager`, `...-operator`).
   * @default the component ids (`prometheus`, `alertmanager`, `prometheus-operator`)
   */
  readonly jobs?: { readonly prometheus?: string; readonly alertmanager?: string; readonly operator?: string };
  /**
   * Where the operator and Prometheus reach the Kubernetes API server (443, 6443): their {@link
   * PrometheusStack.ipEgress}. Narrow it to the control plane's addresses when known. @default '0.0.0.0/0'
   */
  readonly apiServerCidr?: string;
}

/**
 * The monitoring stack of one cluster (SPEC §12), in the chart's namespace: Prometheus Operator
 * (with its CRDs), Prometheus, Alertmanager, a ServiceMonitor for each, and the stack's own
 * alerts; or, with `operator: 'existing'`, only the alerts for an operator already installed.
 */
export class PrometheusStack extends FlowComposite implements IDeclaresIpEgress {
  public readonly mode: OperatorMode;
  public readonly discoveryLabels: Record<string, string>;
  public readonly crds?: PrometheusOperatorCrds;
  public readonly operator?: PrometheusOperator;
  public readonly prometheus?: Prometheus;
  public readonly alertmanager?: Alertmanager;
  public readonly monitors: MetricsMonitor[] = [];
  public readonly alerts: StackAlertRules;

  constructor(scope: Construct, id: string, props: PrometheusStackProps) {
    super(scope, id);
    const namespace = namespaceOf(this);
    this.mode = checkOneOf(this, 'operator', props.operator ?? 'managed', ['managed', 'existing'] as const);
    this.discoveryLabels = checkKubeLabels(this, 'discoveryLabels', { ...(props.discoveryLabels ?? PLATFORM_DISCOVERY_LABELS) }, true);
    check(this.mode === 'managed' || props.crds === undefined, this, 'crds', props.crds, 'only applies to operator "managed"');
    if (this.mode === 'managed') ({ crds: this.crds, operator: this.operator, prometheus: this.prometheus, alertmanager: this.alertmanager } = this.createManaged(props));
    this.alerts = new StackAlertRules(this, 'Alerts', {
      namespace,
      labels: this.discoveryLabels,
      prometheusJob: props.jobs?.prometheus,
      alertmanagerJob: props.jobs?.alertmanager,
      operatorJob: props.jobs?.operator,
    });
  }

  /**
   * Prometheus scrapes what `sources` declare as scraped from this namespace (see {@link
   * Prometheus.scrapeTargetsOf}); nothing in `existing` mode (that operator's Prometheus is not ours).
   */
  public scrape(...sources: IDeclaresFlows[]): void {
    this.prometheus?.scrapeTargetsOf(...sources);
  }

  /** API server egress of the operator and Prometheus, receiver egress of Alertmanager. */
  public ipEgress(): IpEgress[] {
    return this.parts().flatMap((p) => p.ipEgress());
  }

  protected parts(): Array<IDeclaresFlows & IDeclaresIpEgress> {
    return [this.operator, this.prometheus, this.alertmanager].filter((p): p is PrometheusOperator | Prometheus | Alertmanager => p !== undefined);
  }

  /** Managed mode: the CRDs, the operator, Alertmanager and Prometheus wired together, and their monitors. */
  private createManaged(props: PrometheusStackProps): { crds?: PrometheusOperatorCrds; operator: PrometheusOperator; prometheus: Prometheus; alertmanager: Alertmanager } {
    const crds = (props.crds ?? true) ? new PrometheusOperatorCrds(this, 'Crds') : undefined;
    const operator = new PrometheusOperator(this, 'Operator', { apiServerCidr: props.apiServerCidr, ...props.operatorProps });
    const alertmanager = new Alertmanager(this, 'Alertmanager', { ...props.alertmanagerProps });
    const prometheus = new Prometheus(this, 'Prometheus', {
      apiServerCidr: props.apiServerCidr,
      ...props.prometheusProps,
      clusterName: props.clusterName,
      discoveryLabels: this.discoveryLabels,
      alertmanager: alertmanager.endpoint,
    });
    alertmanager.allowClient(prometheus);
    prometheus.scrapeTargetsOf(operator, alertmanager);
    for (const endpoint of [operator.metricsEndpoint, prometheus.metricsEndpoint, alertmanager.metricsEndpoint]) {
      this.monitors.push(new MetricsMonitor(this, `Monitor-${endpoint.component}`, { endpoint, labels: this.discoveryLabels }));
    }
    return { crds, operator, prometheus, alertmanager };
  }
}
