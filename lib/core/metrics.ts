/**
 * Where a component serves Prometheus metrics. Constructs expose one (or more) of these and the
 * monitoring constructs turn them into ServiceMonitors / PodMonitors, so a monitor always selects
 * objects and port names that really exist (the wiring checks verify it).
 */
export interface MetricsEndpoint {
  /** Short component id, used in monitor names and alert labels, e.g. `zookeeper`. */
  readonly component: string;
  /** Namespace of the Service or pods. */
  readonly namespace: string;
  /**
   * `service`: a ServiceMonitor selects Services carrying `selector` labels and scrapes the Service
   * port named `portName`. `pod`: a PodMonitor selects pods by `selector` and scrapes the container
   * port named `portName` (for workloads without a suitable Service, e.g. DaemonSets).
   */
  readonly via: 'service' | 'pod';
  /** Labels of the Services (via `service`) or pods (via `pod`) to select. */
  readonly selector: Record<string, string>;
  /** Name of the Service port (via `service`) or container port (via `pod`) serving metrics. */
  readonly portName: string;
  /** HTTP path of the metrics. @default '/metrics' */
  readonly path?: string;
  /** Scrape interval. @default '30s' */
  readonly interval?: string;
  /**
   * Keep the scraped series' own labels when they clash with the target's (`honorLabels: true`),
   * for exporters that describe other objects (kube-state-metrics: `namespace`, `pod`). @default false
   */
  readonly honorLabels?: boolean;
}
