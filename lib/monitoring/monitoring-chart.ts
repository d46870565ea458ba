import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { MetricsEndpoint } from '../core/metrics';
import { checkDnsLabel } from '../core/validation';
import { PlatformMonitoring, PlatformMonitoringProps } from './platform-monitoring';

/** Props of {@link MonitoringChart}. */
export interface MonitoringChartProps extends Omit<ChartProps, 'namespace'>, Omit<PlatformMonitoringProps, 'endpoints'> {
  /** Namespace of the monitors and rules: where the Prometheus Operator stack runs. @default 'monitoring' */
  readonly namespace?: string;
  /** The components to scrape (each construct's `metricsEndpoint`). */
  readonly endpoints: MetricsEndpoint[];
  /**
   * Emit the Prometheus Operator custom resources. With `false` the chart emits nothing (its file
   * is empty), for clusters without the operator's CRDs. @default true
   */
  readonly enabled?: boolean;
  /**
   * Make this chart depend on every chart already in the app, so that, with cdk8s' dependency
   * ordering of file names, its file is applied last. Create it last in `main.ts`. @default true
   */
  readonly applyLast?: boolean;
}

/**
 * The chart of the Prometheus Operator custom resources (ServiceMonitor, PodMonitor,
 * PrometheusRule) for the platform (SPEC §8, §9). It is kept apart and applied last: on a cluster
 * without the operator, `kubectl apply -f dist/` installs everything else before failing only on
 * this file (“no matches for kind ServiceMonitor”), and `enabled: false` turns it off.
 *
 * In `main.ts`, prefer not to create the chart at all when monitoring is off
 * (`if (monitoringEnabled) new MonitoringChart(app, 'monitoring', {...})`): a disabled chart still
 * writes an empty `NNNN-monitoring.k8s.yaml`, which `kubectl apply -f dist/` ignores.
 */
export class MonitoringChart extends Chart {
  /** The monitors and rules; undefined when disabled. */
  public readonly monitoring?: PlatformMonitoring;
  public readonly enabled: boolean;

  constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    const { namespace = 'monitoring', endpoints, enabled = true, applyLast = true, labels, disableResourceNameHashes, ...monitoringProps } = props;
    super(scope, id, { namespace, labels, disableResourceNameHashes });
    checkDnsLabel(this, 'namespace', namespace);
    this.enabled = enabled;
    if (applyLast) {
      for (const chart of App.of(this).charts) {
        if (chart !== this) this.addDependency(chart);
      }
    }
    if (enabled) {
      this.monitoring = new PlatformMonitoring(this, 'Monitoring', { ...monitoringProps, endpoints });
    }
  }

  /**
   * One more set of monitors and its own PrometheusRule in this chart's namespace, e.g. a tenant's
   * (`{ ruleName: 'team-a-platform-alerts', endpoints: [{ ...zk.metricsEndpoint, component: 'team-a-zookeeper' }] }`):
   * monitor names are the component ids, so they must not repeat another set's; adding it changes
   * no existing object. Undefined when the chart is disabled.
   */
  public addMonitoring(id: string, props: PlatformMonitoringProps): PlatformMonitoring | undefined {
    return this.enabled ? new PlatformMonitoring(this, id, props) : undefined;
  }
}
