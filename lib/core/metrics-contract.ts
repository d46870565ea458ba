/**
 * The metrics contract of a component: the metric names its exporter produces, written down from
 * the exporter's source, so the tests can prove that every dashboard query and every alert of the
 * component reads a metric that exists. Only the names the platform reads or is likely to read are
 * listed, not every series an exporter has.
 */
export interface MetricsContract {
  /** Where the names were read (exporter, version, source file). */
  readonly source: string;
  /** The metric names. */
  readonly metrics: readonly string[];
}

/** Prometheus itself: the synthetic series of every scrape target. */
export const PROMETHEUS_SCRAPE_METRICS: MetricsContract = {
    source: 'Prometheus itself: the synthetic series of every scrape (docs "Jobs and instances": up, scrape_duration_seconds, scrape_samples_scraped)',
    metrics: ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'],
};

/** kube-state-metrics: the workload series the shared rollout alerts and the dashboards read. */
export const KUBE_STATE_METRICS: MetricsContract = {
    source: 'kubernetes/kube-state-metrics v2.20 docs/metrics/workload/{deployment,statefulset,daemonset,pod,cronjob}-metrics.md',
    metrics: [
      'kube_deployment_spec_replicas', 'kube_deployment_status_replicas_available', 'kube_deployment_status_replicas_unavailable', 'kube_deployment_status_condition',
      'kube_statefulset_replicas', 'kube_statefulset_status_replicas_ready', 'kube_statefulset_status_replicas_updated',
      'kube_statefulset_status_current_revision', 'kube_statefulset_status_update_revision', 'kube_statefulset_status_observed_generation', 'kube_statefulset_metadata_generation',
      'kube_daemonset_status_desired_number_scheduled', 'kube_daemonset_status_updated_number_scheduled', 'kube_daemonset_status_number_unavailable', 'kube_daemonset_status_number_ready',
      'kube_pod_container_status_restarts_total',
      'kube_cronjob_created', 'kube_cronjob_next_schedule_time', 'kube_cronjob_status_last_schedule_time', 'kube_cronjob_status_last_successful_time',
    ],
};
