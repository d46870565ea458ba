import { Chart, Testing } from 'cdk8s';
import { DEFAULT_RUNBOOK_BASE_URL, PlatformMonitoring, PlatformMonitoringProps, promqlProblems } from '../../lib/monitoring';
import { KUBE_STATE_METRICS, MetricsContract, PROMETHEUS_SCRAPE_METRICS } from '../../lib/core/metrics-contract';
import { KAFKA_JMX_EXPORTER_METRICS } from '../../lib/kafka/kafka-monitoring';
import { ELASTICSEARCH_EXPORTER_METRICS } from '../../lib/logging/elasticsearch-monitoring';
import { FLUENTD_METRICS } from '../../lib/logging/fluentd-monitoring';
import { NODE_EXPORTER_METRICS } from '../../lib/node-exporter/node-exporter-monitoring';
import { PODINFO_METRICS } from '../../lib/webapp/web-app-monitoring';
import { ZOOKEEPER_METRICS } from '../../lib/zookeeper/zookeeper-monitoring';
import { metricsOf, monitoringScope, PLATFORM_ENDPOINTS, synthChecked } from './fixtures';

function platform(props: Partial<PlatformMonitoringProps> = {}): { objects: any[]; monitoring: PlatformMonitoring } {
  const { app, chart } = monitoringScope();
  const monitoring = new PlatformMonitoring(chart, 'Monitoring', { endpoints: PLATFORM_ENDPOINTS, ...props });
  return { objects: synthChecked(app, chart), monitoring };
}

const ruleOf = (objects: any[]): any => objects.find((o) => o.kind === 'PrometheusRule');
const alertsOf = (objects: any[]): any[] => ruleOf(objects).spec.groups.flatMap((g: any) => g.rules);

const KSM_STS = ['kube_statefulset_replicas', 'kube_statefulset_status_current_revision', 'kube_statefulset_status_replicas_updated', 'kube_statefulset_status_update_revision'];
const KSM_DS = ['kube_daemonset_status_desired_number_scheduled', 'kube_daemonset_status_updated_number_scheduled'];

/** Every alert of the platform: group, name, metrics read, `for`, severity. */
const CATALOGUE: [string, string, string[], string, string][] = [
  ['zookeeper', 'ZookeeperTargetDown', ['up'], '5m', 'warning'],
  ['zookeeper', 'ZookeeperTargetsAbsent', ['up'], '10m', 'critical'],
  ['zookeeper', 'ZookeeperNotServing', ['up', 'znode_count'], '5m', 'critical'],
  ['zookeeper', 'ZookeeperNoLeader', ['leader_uptime', 'up'], '5m', 'critical'],
  ['zookeeper', 'ZookeeperFollowersNotSynced', ['quorum_size', 'synced_followers'], '15m', 'warning'],
  ['zookeeper', 'ZookeeperOutstandingRequestsHigh', ['outstanding_requests'], '10m', 'warning'],
  ['zookeeper', 'ZookeeperStatefulSetRolloutStuck', KSM_STS, '30m', 'warning'],
  ['zookeeper', 'ZookeeperStatefulSetReplicasNotReady', ['kube_statefulset_replicas', 'kube_statefulset_status_replicas_ready'], '15m', 'warning'],
  ['zookeeper', 'ZookeeperStatefulSetMetricsAbsent', ['kube_statefulset_replicas'], '15m', 'warning'],
  ['kafka', 'KafkaTargetDown', ['up'], '5m', 'warning'],
  ['kafka', 'KafkaTargetsAbsent', ['up'], '10m', 'critical'],
  ['kafka', 'KafkaNodeDown', ['jmx_scrape_error'], '5m', 'warning'],
  ['kafka', 'KafkaUnderReplicatedPartitions', ['kafka_server_replicamanager_underreplicatedpartitions'], '10m', 'warning'],
  ['kafka', 'KafkaOfflinePartitions', ['kafka_controller_kafkacontroller_offlinepartitionscount'], '5m', 'critical'],
  ['kafka', 'KafkaNoActiveController', ['kafka_controller_kafkacontroller_activecontrollercount', 'up'], '5m', 'critical'],
  ['kafka', 'KafkaStatefulSetRolloutStuck', KSM_STS, '30m', 'warning'],
  ['kafka', 'KafkaStatefulSetReplicasNotReady', ['kube_statefulset_replicas', 'kube_statefulset_status_replicas_ready'], '15m', 'warning'],
  ['kafka', 'KafkaStatefulSetMetricsAbsent', ['kube_statefulset_replicas'], '15m', 'warning'],
  ['elasticsearch', 'ElasticsearchTargetDown', ['up'], '5m', 'warning'],
  ['elasticsearch', 'ElasticsearchTargetsAbsent', ['up'], '10m', 'critical'],
  ['elasticsearch', 'ElasticsearchClusterRed', ['elasticsearch_cluster_health_status'], '5m', 'critical'],
  ['elasticsearch', 'ElasticsearchClusterYellow', ['elasticsearch_cluster_health_status'], '20m', 'warning'],
  ['elasticsearch', 'ElasticsearchHealthUnknown', ['elasticsearch_cluster_health_status', 'up'], '10m', 'warning'],
  ['elasticsearch', 'ElasticsearchDiskWatermarkLow', ['elasticsearch_filesystem_data_available_bytes', 'elasticsearch_filesystem_data_size_bytes'], '15m', 'warning'],
  ['elasticsearch', 'ElasticsearchDiskWatermarkHigh', ['elasticsearch_filesystem_data_available_bytes', 'elasticsearch_filesystem_data_size_bytes'], '5m', 'critical'],
  ['elasticsearch', 'ElasticsearchIndicesReadOnly', ['elasticsearch_indices_settings_stats_read_only_indices'], '5m', 'critical'],
  ['elasticsearch', 'ElasticsearchClusterUnavailable', ['elasticsearch_cluster_health_status', 'up'], '5m', 'critical'],
  ['elasticsearch', 'ElasticsearchStatefulSetRolloutStuck', KSM_STS, '30m', 'warning'],
  ['elasticsearch', 'ElasticsearchStatefulSetReplicasNotReady', ['kube_statefulset_replicas', 'kube_statefulset_status_replicas_ready'], '15m', 'warning'],
  ['elasticsearch', 'ElasticsearchStatefulSetMetricsAbsent', ['kube_statefulset_replicas'], '15m', 'warning'],
  ['fluentd', 'FluentdTargetDown', ['up'], '5m', 'warning'],
  ['fluentd', 'FluentdTargetsAbsent', ['up'], '10m', 'critical'],
  ['fluentd', 'FluentdOutputRetrying', ['fluentd_output_status_num_errors', 'fluentd_output_status_retry_wait'], '20m', 'warning'],
  ['fluentd', 'FluentdOutputFailing', ['fluentd_output_status_retry_wait'], '5m', 'warning'],
  ['fluentd', 'FluentdBufferQueueGrowing', ['fluentd_output_status_buffer_queue_length'], '30m', 'warning'],
  ['fluentd', 'FluentdBufferBytesHigh', ['fluentd_output_status_buffer_total_bytes'], '15m', 'warning'],
  ['fluentd', 'FluentdBufferFull', ['fluentd_output_status_buffer_available_space_ratio'], '5m', 'critical'],
  ['fluentd', 'FluentdDaemonSetRolloutStuck', KSM_DS, '30m', 'warning'],
  ['fluentd', 'FluentdDaemonSetPodsUnavailable', ['kube_daemonset_status_number_unavailable'], '15m', 'warning'],
  ['fluentd', 'FluentdDaemonSetMetricsAbsent', ['kube_daemonset_status_desired_number_scheduled'], '15m', 'warning'],
  ['node-exporter', 'NodeExporterTargetDown', ['up'], '5m', 'warning'],
  ['node-exporter', 'NodeExporterTargetsAbsent', ['up'], '10m', 'critical'],
  ['node-exporter', 'NodeExporterFilesystemSpaceLow', ['node_filesystem_avail_bytes', 'node_filesystem_readonly', 'node_filesystem_size_bytes'], '30m', 'warning'],
  ['node-exporter', 'NodeExporterFilesystemFillingUp', ['node_filesystem_avail_bytes', 'node_filesystem_readonly', 'node_filesystem_size_bytes'], '1h', 'critical'],
  ['node-exporter', 'NodeExporterDaemonSetRolloutStuck', KSM_DS, '30m', 'warning'],
  ['node-exporter', 'NodeExporterDaemonSetPodsUnavailable', ['kube_daemonset_status_number_unavailable'], '15m', 'warning'],
  ['node-exporter', 'NodeExporterDaemonSetMetricsAbsent', ['kube_daemonset_status_desired_number_scheduled'], '15m', 'warning'],
  ['webapp', 'WebappTargetDown', ['up'], '5m', 'warning'],
  ['webapp', 'WebappTargetsAbsent', ['up'], '10m', 'critical'],
  ['webapp', 'WebappReplicasUnavailable', ['kube_deployment_status_replicas_unavailable'], '15m', 'warning'],
  ['webapp', 'WebappRolloutStuck', ['kube_deployment_status_condition'], '5m', 'warning'],
  ['webapp', 'WebappDeploymentMetricsAbsent', ['kube_deployment_status_replicas_unavailable'], '15m', 'warning'],
];

/**
 * Each component's metrics contract (written once, next to its construct), plus Prometheus' `up`
 * and kube-state-metrics: what an alert of that component group may read.
 */
const CONTRACT: Record<string, MetricsContract> = {
  'zookeeper': ZOOKEEPER_METRICS, 'kafka': KAFKA_JMX_EXPORTER_METRICS, 'elasticsearch': ELASTICSEARCH_EXPORTER_METRICS,
  'fluentd': FLUENTD_METRICS, 'node-exporter': NODE_EXPORTER_METRICS, 'webapp': PODINFO_METRICS,
};

describe('PlatformMonitoring with every platform component', () => {
  const { objects, monitoring } = platform({ workloads: { zookeeper: 'zk', kafka: 'kafka', webapp: 'shop' } });
  const rule = ruleOf(objects);
  const alerts = alertsOf(objects);

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('one monitor per endpoint, of the kind its `via` asks for, named after the component', () => {
    const monitors = objects.filter((o) => o.kind !== 'PrometheusRule').map((o) => `${o.kind}/${o.metadata.name}`);
    expect(monitors).toEqual([
      'ServiceMonitor/zookeeper', 'ServiceMonitor/kafka', 'ServiceMonitor/elasticsearch',
      'PodMonitor/fluentd', 'PodMonitor/node-exporter', 'ServiceMonitor/webapp',
    ]);
    expect(monitoring.monitors.map((m) => m.job)).toEqual(PLATFORM_ENDPOINTS.map((e) => e.component));
    expect(objects.every((o) => o.metadata.namespace === 'monitoring')).toBe(true);
  });

  test('one rule group per component, in endpoint order', () => {
    expect(rule.metadata).toMatchObject({ name: 'platform-alerts', namespace: 'monitoring', labels: { prometheus: 'platform' } });
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual(PLATFORM_ENDPOINTS.map((e) => e.component));
  });

  test('exactly the catalogue alerts, nothing more', () => {
    expect(alerts.map((a: any) => a.alert)).toEqual(CATALOGUE.map(([, alert]) => alert));
  });

  test.each(CATALOGUE)('%s: %s reads %j, for %s, severity %s', (group, alert, metrics, forDuration, severity) => {
    const found = rule.spec.groups.find((g: any) => g.name === group).rules.find((r: any) => r.alert === alert);
    expect(found).toBeDefined();
    expect(metricsOf(found.expr)).toEqual([...metrics].sort());
    expect(found.for).toBe(forDuration);
    expect(found.labels).toEqual({ severity, component: group });
    expect(found.annotations.summary).toMatch(/\S/);
    expect(found.annotations.description).toMatch(/\S/);
    expect(found.annotations.runbook).toMatch(/\S/);
  });

  test('PromQL sanity: every expr is well-formed and reads only metrics its exporter (or kube-state-metrics) emits', () => {
    for (const group of rule.spec.groups) {
      const allowed = new Set([...CONTRACT[group.name].metrics, ...PROMETHEUS_SCRAPE_METRICS.metrics, ...KUBE_STATE_METRICS.metrics]);
      for (const r of group.rules) {
        expect(promqlProblems(r.expr)).toEqual([]);
        const read = metricsOf(r.expr);
        expect(read.length).toBeGreaterThan(0);
        expect(read.filter((m) => !allowed.has(m))).toEqual([]);
      }
    }
  });

  test('PromQL sanity: every listed exporter metric is alerted on', () => {
    // The literal table above names every metric the alerts read, and nothing else.
    const read = new Set(alerts.flatMap((a: any) => metricsOf(a.expr)));
    const listed = new Set(CATALOGUE.flatMap(([, , metrics]) => metrics));
    expect([...listed].sort()).toEqual([...read].sort());
    expect(read.size).toBe(32);
  });

  test('component series are selected by the job label the monitor sets and the target namespace', () => {
    for (const group of rule.spec.groups) {
      const monitor = objects.find((o) => o.kind !== 'PrometheusRule' && o.metadata.name === group.name);
      const endpoint = (monitor.spec.endpoints ?? monitor.spec.podMetricsEndpoints)[0];
      const job = endpoint.relabelings.find((r: any) => r.targetLabel === 'job').replacement;
      const namespace = monitor.spec.namespaceSelector.matchNames[0];
      const own = group.rules.filter((r: any) => !/kube_/.test(r.expr));
      expect(own.length).toBeGreaterThan(0);
      for (const r of own) expect(r.expr).toContain(`job="${job}",namespace="${namespace}"`);
    }
  });

  test('kube-state-metrics alerts select the kube-state-metrics job, the component namespace and the named workload', () => {
    const find = (name: string): string => alerts.find((a: any) => a.alert === name).expr;
    expect(find('ZookeeperStatefulSetRolloutStuck')).toContain('{job="kube-state-metrics",namespace="streaming",statefulset="zk"}');
    expect(find('KafkaStatefulSetReplicasNotReady')).toContain('{job="kube-state-metrics",namespace="streaming",statefulset="kafka"}');
    expect(find('WebappReplicasUnavailable')).toBe('kube_deployment_status_replicas_unavailable{job="kube-state-metrics",namespace="apps",deployment="shop"} > 0');
    expect(find('NodeExporterDaemonSetPodsUnavailable')).toBe('kube_daemonset_status_number_unavailable{job="kube-state-metrics",namespace="node-exporter"} > 0');
  });

  test('key expressions', () => {
    const find = (name: string): string => alerts.find((a: any) => a.alert === name).expr;
    expect(find('ZookeeperTargetDown')).toBe('up{job="zookeeper",namespace="streaming"} == 0');
    expect(find('ZookeeperTargetsAbsent')).toBe('absent(up{job="zookeeper",namespace="streaming"})');
    expect(find('ElasticsearchClusterRed')).toBe('max by (job, namespace, cluster) (elasticsearch_cluster_health_status{job="elasticsearch",namespace="logging",color="red"}) == 1');
    expect(find('ElasticsearchClusterYellow')).toContain('color="yellow"');
    expect(find('KafkaNoActiveController')).toBe([
      'sum by (job, namespace) (kafka_controller_kafkacontroller_activecontrollercount{job="kafka",namespace="streaming"}) != 1',
      'or on (job, namespace)',
      '(',
      '  0 * count by (job, namespace) (up{job="kafka",namespace="streaming"})',
      '  unless on (job, namespace) count by (job, namespace) (kafka_controller_kafkacontroller_activecontrollercount{job="kafka",namespace="streaming"})',
      ')',
    ].join('\n'));
    expect(find('KafkaOfflinePartitions')).toBe('max by (job, namespace) (kafka_controller_kafkacontroller_offlinepartitionscount{job="kafka",namespace="streaming"}) > 0');
    expect(find('KafkaNodeDown')).toBe('avg_over_time(jmx_scrape_error{job="kafka",namespace="streaming"}[10m]) > 0.5');
    expect(find('KafkaUnderReplicatedPartitions')).toBe('kafka_server_replicamanager_underreplicatedpartitions{job="kafka",namespace="streaming"} > 0');
    expect(find('FluentdOutputFailing')).toBe('min_over_time(fluentd_output_status_retry_wait{job="fluentd",namespace="logging-agents"}[10m]) > 0');
    expect(find('FluentdBufferFull')).toBe('fluentd_output_status_buffer_available_space_ratio{job="fluentd",namespace="logging-agents"} < 10');
    expect(find('ZookeeperNoLeader')).toContain('count by (job, namespace) (up{job="zookeeper",namespace="streaming"}) > 1');
    expect(find('ZookeeperOutstandingRequestsHigh')).toBe('outstanding_requests{job="zookeeper",namespace="streaming"} > 10');
    expect(find('NodeExporterFilesystemSpaceLow')).toContain('* 100 < 10');
  });

  test('default thresholds, for durations and severities, as literals', () => {
    const byName = (name: string): any => alerts.find((a: any) => a.alert === name);
    const es = 'job="elasticsearch",namespace="logging"';
    expect(byName('ElasticsearchDiskWatermarkLow').expr)
      .toBe(`100 * (1 - elasticsearch_filesystem_data_available_bytes{${es}} / elasticsearch_filesystem_data_size_bytes{${es}}) > 85`);
    expect(byName('ElasticsearchDiskWatermarkHigh').expr)
      .toBe(`100 * (1 - elasticsearch_filesystem_data_available_bytes{${es}} / elasticsearch_filesystem_data_size_bytes{${es}}) > 90`);
    expect(byName('FluentdBufferBytesHigh').expr).toBe('fluentd_output_status_buffer_total_bytes{job="fluentd",namespace="logging-agents"} > 1073741824');
    expect(byName('FluentdOutputFailing').for).toBe('5m');
    expect(byName('FluentdOutputFailing').annotations.description).toContain('has not flushed a single chunk for 15 minutes');
    expect(byName('NodeExporterFilesystemFillingUp').expr).toContain('predict_linear(node_filesystem_avail_bytes{');
    expect(byName('NodeExporterFilesystemFillingUp').expr).toContain('[6h], 4 * 3600) < 0');
    expect(byName('NodeExporterFilesystemFillingUp').expr).toContain('* 100 < 20\n)');
    expect(byName('NodeExporterFilesystemSpaceLow').annotations.description).toContain('(threshold 10%)');
    expect(byName('FluentdBufferFull').annotations.description).toContain('(threshold 10%)');
    expect(byName('KafkaNodeDown').expr).toContain('[10m]) > 0.5');
    expect(['KafkaOfflinePartitions', 'KafkaNoActiveController', 'ZookeeperNoLeader', 'ZookeeperNotServing', 'ElasticsearchClusterRed',
      'ElasticsearchClusterUnavailable', 'FluentdBufferFull', 'NodeExporterFilesystemFillingUp'].map((n) => [n, byName(n).for, byName(n).labels.severity]))
      .toEqual([
        ['KafkaOfflinePartitions', '5m', 'critical'], ['KafkaNoActiveController', '5m', 'critical'], ['ZookeeperNoLeader', '5m', 'critical'],
        ['ZookeeperNotServing', '5m', 'critical'], ['ElasticsearchClusterRed', '5m', 'critical'], ['ElasticsearchClusterUnavailable', '5m', 'critical'],
        ['FluentdBufferFull', '5m', 'critical'], ['NodeExporterFilesystemFillingUp', '1h', 'critical'],
      ]);
  });

  test('runbook URLs, as literals: the page of the kind, or common.md for shared alerts', () => {
    const url = (name: string): string => alerts.find((a: any) => a.alert === name).annotations.runbook_url;
    const base = 'https://github.com/cdk8s-platform/cdk8s-platform/blob/main/docs/runbooks';
    expect(url('KafkaOfflinePartitions')).toBe(`${base}/kafka.md#kafkaofflinepartitions`);
    expect(url('KafkaTargetDown')).toBe(`${base}/common.md#targetdown`);
    expect(url('ZookeeperStatefulSetRolloutStuck')).toBe(`${base}/common.md#statefulsetrolloutstuck`);
    expect(url('NodeExporterFilesystemSpaceLow')).toBe(`${base}/node-exporter.md#nodeexporterfilesystemspacelow`);
    expect(url('WebappRolloutStuck')).toBe(`${base}/common.md#deploymentrolloutstuck`);
  });

  test('templates use $labels and every alert has summary, description, runbook and runbook_url', () => {
    for (const a of alerts) {
      expect(Object.keys(a.annotations).sort()).toEqual(['description', 'runbook', 'runbook_url', 'summary']);
      expect(a.annotations.runbook_url).toMatch(new RegExp(`^${DEFAULT_RUNBOOK_BASE_URL}/[a-z-]+\\.md#[a-z]+$`));
    }
    expect(alerts.filter((a: any) => /\{\{ \$labels\./.test(a.annotations.description)).length).toBeGreaterThan(30);
  });

  test('determinism: two synths are identical', () => {
    expect(JSON.stringify(platform({ workloads: { zookeeper: 'zk', kafka: 'kafka', webapp: 'shop' } }).objects)).toEqual(JSON.stringify(objects));
  });
});

describe('composition', () => {
  test('alerts: false emits only monitors; a custom group still creates the rule', () => {
    const off = platform({ alerts: false });
    expect(off.objects.map((o) => o.kind)).not.toContain('PrometheusRule');
    expect(off.monitoring.rules).toBeUndefined();

    const { app, chart } = monitoringScope();
    const m = new PlatformMonitoring(chart, 'M', { endpoints: PLATFORM_ENDPOINTS.slice(0, 1), alerts: false });
    m.addRuleGroup({ name: 'custom', rules: [{ alert: 'Custom', expr: 'vector(1)', for: '1m', severity: 'info', summary: 's', description: 'd', runbook: 'r' }] });
    expect(ruleOf(synthChecked(app, chart)).spec.groups.map((g: any) => g.name)).toEqual(['custom']);
  });

  test('addRuleGroup appends after the component groups; addEndpoint adds monitor and group', () => {
    const { app, chart } = monitoringScope();
    const m = new PlatformMonitoring(chart, 'M', { endpoints: [PLATFORM_ENDPOINTS[0]] });
    m.addRuleGroup({ name: 'shop-slo', rules: [{ alert: 'ShopDown', expr: 'up{job="shop"} == 0', for: '2m', severity: 'critical', summary: 's', description: 'd', runbook: 'r' }] });
    m.addEndpoint(PLATFORM_ENDPOINTS[1]);
    const objects = synthChecked(app, chart);
    expect(ruleOf(objects).spec.groups.map((g: any) => g.name)).toEqual(['zookeeper', 'shop-slo', 'kafka']);
    expect(objects.filter((o) => o.kind === 'ServiceMonitor').map((o) => o.metadata.name)).toEqual(['zookeeper', 'kafka']);
  });

  test('alertKinds maps a component to a component kind (catalogue entry), or to none', () => {
    const { app, chart } = monitoringScope();
    const shop = { ...PLATFORM_ENDPOINTS[5], component: 'shop' };
    const batch = { ...PLATFORM_ENDPOINTS[5], component: 'webapp', namespace: 'batch' };
    new PlatformMonitoring(chart, 'M', { endpoints: [shop, batch], alertKinds: { shop: 'webapp', webapp: 'none' } });
    const groups = ruleOf(synthChecked(app, chart)).spec.groups;
    expect(groups[0].rules.map((r: any) => r.alert)).toEqual(['ShopTargetDown', 'ShopTargetsAbsent', 'ShopReplicasUnavailable', 'ShopRolloutStuck', 'ShopDeploymentMetricsAbsent']);
    expect(groups[0].rules.map((r: any) => r.annotations.runbook_url.replace(DEFAULT_RUNBOOK_BASE_URL, ''))).toEqual([
      '/common.md#targetdown', '/common.md#targetsabsent', '/common.md#deploymentreplicasunavailable', '/common.md#deploymentrolloutstuck', '/common.md#deploymentmetricsabsent',
    ]);
    expect(groups[1].rules.map((r: any) => r.alert)).toEqual(['WebappTargetDown', 'WebappTargetsAbsent']);
  });

  test('a component without profile gets the target alerts only', () => {
    const { app, chart } = monitoringScope();
    new PlatformMonitoring(chart, 'M', { endpoints: [{ ...PLATFORM_ENDPOINTS[5], component: 'billing' }] });
    expect(alertsOf(synthChecked(app, chart)).map((a: any) => a.alert)).toEqual(['BillingTargetDown', 'BillingTargetsAbsent']);
  });

  test('labels, rule name, thresholds, kube-state-metrics selector and runbook URLs are props', () => {
    const { objects } = platform({
      monitorLabels: { release: 'kps' }, ruleLabels: { release: 'kps', role: 'alert-rules' }, ruleName: 'platform',
      thresholds: { filesystemFreePercent: 15, zookeeperOutstandingRequests: 50, fluentdBufferBytes: 2048, fluentdBufferFreePercent: 25 },
      kubeStateMetricsSelector: { job: 'ksm' }, runbookBaseUrl: 'https://example.com/runbooks',
    });
    expect(objects.filter((o) => o.kind !== 'PrometheusRule').every((o) => o.metadata.labels.release === 'kps' && !o.metadata.labels.prometheus)).toBe(true);
    const rule = ruleOf(objects);
    expect(rule.metadata).toMatchObject({ name: 'platform', labels: { release: 'kps', role: 'alert-rules' } });
    const find = (name: string): any => alertsOf(objects).find((a: any) => a.alert === name);
    expect(find('NodeExporterFilesystemSpaceLow').expr).toContain('* 100 < 15');
    expect(find('ZookeeperOutstandingRequestsHigh').expr).toContain('> 50');
    expect(find('FluentdBufferBytesHigh').expr).toContain('> 2048');
    expect(find('FluentdBufferFull').expr).toContain('< 25');
    expect(find('WebappReplicasUnavailable').expr).toContain('{job="ksm",namespace="apps"}');
    expect(find('KafkaOfflinePartitions').annotations.runbook_url).toBe('https://example.com/runbooks/kafka.md#kafkaofflinepartitions');
    expect(find('KafkaStatefulSetRolloutStuck').annotations.runbook_url).toBe('https://example.com/runbooks/common.md#statefulsetrolloutstuck');
  });
});

describe('invalid props are rejected with a clear message', () => {
  const cases: [string, Partial<PlatformMonitoringProps>, RegExp][] = [
    ['duplicate component', { endpoints: [PLATFORM_ENDPOINTS[0], { ...PLATFORM_ENDPOINTS[0], namespace: 'other' }] },
      /monitoring\/M: invalid endpoints\[\].component "zookeeper": must be unique/],
    ['bad component name', { endpoints: [{ ...PLATFORM_ENDPOINTS[0], component: 'Zoo Keeper' }] }, /invalid endpoints\[\].component "Zoo Keeper": must be a DNS label/],
    ['unknown alert profile', { alertKinds: { zookeeper: 'zk' as any } },
      /invalid alertKinds\[zookeeper\] "zk": must be one of node-exporter, zookeeper, kafka, elasticsearch, fluentd, webapp, none/],
    ['bad workload name', { workloads: { zookeeper: 'ZK' } }, /invalid workloads\[zookeeper\] "ZK": must be a DNS label/],
    ['filesystem threshold above 100', { thresholds: { filesystemFreePercent: 120 } }, /invalid thresholds.filesystemFreePercent 120: must be a percentage above 0 and below 100/],
    ['zero outstanding requests', { thresholds: { zookeeperOutstandingRequests: 0 } }, /invalid thresholds.zookeeperOutstandingRequests 0: must be an integer >= 1/],
    ['fractional buffer bytes', { thresholds: { fluentdBufferBytes: 1.5 } }, /invalid thresholds.fluentdBufferBytes 1.5: must be an integer number of bytes/],
    ['buffer free percent of 0', { thresholds: { fluentdBufferFreePercent: 0 } }, /invalid thresholds.fluentdBufferFreePercent 0: must be a percentage above 0 and below 100/],
    ['runbook base with a fragment', { runbookBaseUrl: 'https://example.com/runbooks#x' }, /invalid runbookBaseUrl "https:\/\/example.com\/runbooks#x": must be an http\(s\) URL without spaces, query or fragment/],
    ['runbook base not a URL', { runbookBaseUrl: 'docs/runbooks' }, /invalid runbookBaseUrl "docs\/runbooks"/],
    ['namespace in the kube-state-metrics selector', { kubeStateMetricsSelector: { namespace: 'kube-system' } },
      /invalid kubeStateMetricsSelector key "namespace": is set per component/],
    ['bad kube-state-metrics label', { kubeStateMetricsSelector: { 'k8s-app': 'ksm' } }, /invalid kubeStateMetricsSelector key "k8s-app": must be a Prometheus label name/],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    const { chart } = monitoringScope();
    expect(() => new PlatformMonitoring(chart, 'M', { endpoints: PLATFORM_ENDPOINTS, ...props })).toThrow(message);
  });

  test('bad monitor and rule labels', () => {
    const { chart } = monitoringScope();
    expect(() => new PlatformMonitoring(chart, 'A', { monitorLabels: { 'a b': 'x' } })).toThrow(/invalid monitorLabels key "a b"/);
    expect(() => new PlatformMonitoring(chart, 'B', { ruleLabels: { release: '-x' } })).toThrow(/invalid labels\[release\] "-x"/);
  });

  test('a profile or workload for a component that does not exist fails synth', () => {
    const { app, chart } = monitoringScope();
    new PlatformMonitoring(chart, 'M', { endpoints: [PLATFORM_ENDPOINTS[0]], alertKinds: { zookeper: 'zookeeper' }, workloads: { kafka: 'kafka' } });
    expect(() => app.synthYaml()).toThrow(/alertKinds names unknown component "zookeper" \(known: zookeeper\)[\s\S]*workloads names unknown component "kafka"/);
  });

  test('a monitor without chart namespace', () => {
    expect(() => new PlatformMonitoring(new Chart(Testing.app(), 'x'), 'M', { endpoints: PLATFORM_ENDPOINTS, alerts: false }))
      .toThrow(/invalid chart namespace "undefined": monitors live in the monitoring namespace/);
  });
});
