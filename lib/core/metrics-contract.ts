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

/** The synthetic series Prometheus adds for every scrape target. Each name is written here once; alerts and dashboards read it from here. */
export const PROMETHEUS_METRIC = Object.freeze({
  up: 'up',
  scrapeDurationSeconds: 'scrape_duration_seconds',
  scrapeSamplesScraped: 'scrape_samples_scraped',
});

/** The metrics contract of {@link PROMETHEUS_METRIC}. */
export const PROMETHEUS_SCRAPE_METRICS: MetricsContract = {
  source: 'Prometheus itself: the synthetic series of every scrape (docs "Jobs and instances": up, scrape_duration_seconds, scrape_samples_scraped)',
  metrics: Object.values(PROMETHEUS_METRIC),
};

/** The kube-state-metrics series the shared rollout alerts and the dashboards read. Each name is written here once; alerts and dashboards read it from here. */
export const KUBE_STATE_METRIC = Object.freeze({
  kubeDeploymentSpecReplicas: 'kube_deployment_spec_replicas',
  kubeDeploymentStatusReplicasAvailable: 'kube_deployment_status_replicas_available',
  kubeDeploymentStatusReplicasUnavailable: 'kube_deployment_status_replicas_unavailable',
  kubeDeploymentStatusCondition: 'kube_deployment_status_condition',
  kubeStatefulsetReplicas: 'kube_statefulset_replicas',
  kubeStatefulsetStatusReplicasReady: 'kube_statefulset_status_replicas_ready',
  kubeStatefulsetStatusReplicasUpdated: 'kube_statefulset_status_replicas_updated',
  kubeStatefulsetStatusCurrentRevision: 'kube_statefulset_status_current_revision',
  kubeStatefulsetStatusUpdateRevision: 'kube_statefulset_status_update_revision',
  kubeStatefulsetStatusObservedGeneration: 'kube_statefulset_status_observed_generation',
  kubeStatefulsetMetadataGeneration: 'kube_statefulset_metadata_generation',
  kubeDaemonsetStatusDesiredNumberScheduled: 'kube_daemonset_status_desired_number_scheduled',
  kubeDaemonsetStatusUpdatedNumberScheduled: 'kube_daemonset_status_updated_number_scheduled',
  kubeDaemonsetStatusNumberUnavailable: 'kube_daemonset_status_number_unavailable',
  kubeDaemonsetStatusNumberReady: 'kube_daemonset_status_number_ready',
  kubePodContainerStatusRestartsTotal: 'kube_pod_container_status_restarts_total',
  kubeCronjobCreated: 'kube_cronjob_created',
  kubeCronjobNextScheduleTime: 'kube_cronjob_next_schedule_time',
  kubeCronjobStatusLastScheduleTime: 'kube_cronjob_status_last_schedule_time',
  kubeCronjobStatusLastSuccessfulTime: 'kube_cronjob_status_last_successful_time',
});

/** The metrics contract of {@link KUBE_STATE_METRIC}. */
export const KUBE_STATE_METRICS: MetricsContract = {
  source: 'kubernetes/kube-state-metrics v2.20 docs/metrics/workload/{deployment,statefulset,daemonset,pod,cronjob}-metrics.md',
  metrics: Object.values(KUBE_STATE_METRIC),
};
