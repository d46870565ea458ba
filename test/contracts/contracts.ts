import type { ImageContract } from '../../lib/core/image-contract';
import { JMX_EXPORTER_IMAGE_CONTRACT, KAFKA_IMAGE_CONTRACT } from '../../lib/kafka/kafka-image';
import { ELASTICSEARCH_EXPORTER_IMAGE_CONTRACT, ELASTICSEARCH_IMAGE_CONTRACT } from '../../lib/logging/elasticsearch-image';
import { FLUENTD_IMAGE_CONTRACT } from '../../lib/logging/fluentd-image';
import { KIBANA_IMAGE_CONTRACT } from '../../lib/logging/kibana-image';
import { NODE_EXPORTER_IMAGE_CONTRACT } from '../../lib/node-exporter/node-exporter-image';
import { GRAFANA_IMAGE_CONTRACT } from '../../lib/observability/grafana-image';
import { JAEGER_IMAGE_CONTRACT } from '../../lib/observability/jaeger-image';
import { KUBE_STATE_METRICS_IMAGE_CONTRACT } from '../../lib/observability/kube-state-metrics-image';
import { METRICS_SERVER_IMAGE_CONTRACT } from '../../lib/observability/metrics-server-image';
import { PROMETHEUS_OPERATOR_IMAGE_CONTRACT } from '../../lib/observability/prometheus-operator-image';
import { PODINFO_IMAGE_CONTRACT } from '../../lib/webapp/podinfo-image';
import { ZOOKEEPER_IMAGE_CONTRACT } from '../../lib/zookeeper/zookeeper-image';

/** Every image contract the platform's constructs declare. */
export const ALL_IMAGE_CONTRACTS: readonly ImageContract[] = [
  ZOOKEEPER_IMAGE_CONTRACT,
  KAFKA_IMAGE_CONTRACT,
  JMX_EXPORTER_IMAGE_CONTRACT,
  ELASTICSEARCH_IMAGE_CONTRACT,
  ELASTICSEARCH_EXPORTER_IMAGE_CONTRACT,
  KIBANA_IMAGE_CONTRACT,
  FLUENTD_IMAGE_CONTRACT,
  NODE_EXPORTER_IMAGE_CONTRACT,
  PODINFO_IMAGE_CONTRACT,
  // The observability stack's Deployments. Prometheus, Alertmanager and the config-reloader run in
  // pods the operator writes (no pod template in the output): test/observability checks their pins.
  PROMETHEUS_OPERATOR_IMAGE_CONTRACT,
  GRAFANA_IMAGE_CONTRACT,
  KUBE_STATE_METRICS_IMAGE_CONTRACT,
  METRICS_SERVER_IMAGE_CONTRACT,
  JAEGER_IMAGE_CONTRACT,
];
