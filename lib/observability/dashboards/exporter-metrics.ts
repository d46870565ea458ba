import { KUBE_STATE_METRICS, MetricsContract, PROMETHEUS_SCRAPE_METRICS } from '../../core/metrics-contract';
import { KAFKA_JMX_EXPORTER_METRICS } from '../../kafka/kafka-monitoring';
import { ELASTICSEARCH_EXPORTER_METRICS } from '../../logging/elasticsearch-monitoring';
import { FLUENTD_METRICS } from '../../logging/fluentd-monitoring';
import { NODE_EXPORTER_METRICS } from '../../node-exporter/node-exporter-monitoring';
import { PODINFO_METRICS } from '../../webapp/web-app-monitoring';
import { ZOOKEEPER_METRICS } from '../../zookeeper/zookeeper-monitoring';

/**
 * The metrics contracts of the platform's exporters, assembled: each component module writes its
 * own (`<COMPONENT>_METRICS` in `lib/<component>/<component>-monitoring.ts`), Prometheus' scrape
 * series and kube-state-metrics are in lib/core/metrics-contract.ts.
 */

/** Metrics of one exporter, and where the names were read. */
export type ExporterMetrics = MetricsContract;

/** Exporters of the platform, keyed by what produces the series. */
export type ExporterId = 'prometheus' | 'zookeeper' | 'kafka-jmx-exporter' | 'elasticsearch-exporter' | 'fluentd' | 'node-exporter' | 'podinfo' | 'kube-state-metrics';

export const EXPORTER_METRICS: Readonly<Record<ExporterId, ExporterMetrics>> = {
  'prometheus': PROMETHEUS_SCRAPE_METRICS,
  'zookeeper': ZOOKEEPER_METRICS,
  'kafka-jmx-exporter': KAFKA_JMX_EXPORTER_METRICS,
  'elasticsearch-exporter': ELASTICSEARCH_EXPORTER_METRICS,
  'fluentd': FLUENTD_METRICS,
  'node-exporter': NODE_EXPORTER_METRICS,
  'podinfo': PODINFO_METRICS,
  'kube-state-metrics': KUBE_STATE_METRICS,
};

/** Every metric name any exporter of the platform produces. */
export function allExporterMetrics(): Set<string> {
  return new Set(Object.values(EXPORTER_METRICS).flatMap((e) => e.metrics));
}
