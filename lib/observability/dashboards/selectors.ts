/** Options every platform dashboard takes. */
export interface ComponentDashboardOptions {
  /**
   * `job` label of the component's series: its monitor's component id (the platform's defaults are
   * `zookeeper`, `kafka`, `elasticsearch`, `fluentd`, `node-exporter` and `podinfo`).
   */
  readonly job?: string;
}

/** `job="<job>",namespace="$namespace"`: the series of one component in the selected namespace. */
export function componentSeries(job: string): string {
  return `job="${job}",namespace="$namespace"`;
}

/** kube-state-metrics series about the selected namespace (scraped with honorLabels, so `namespace` is the object's). */
export const KSM_SERIES = 'job="kube-state-metrics",namespace="$namespace"';
