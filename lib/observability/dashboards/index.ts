import { DashboardSpec } from '../../core/dashboard-model';
import { kafkaDashboard } from '../../kafka/kafka-monitoring';
import { elasticsearchDashboard } from '../../logging/elasticsearch-monitoring';
import { fluentdDashboard } from '../../logging/fluentd-monitoring';
import { nodesDashboard } from '../../node-exporter/node-exporter-monitoring';
import { WebAppDashboardOptions, webAppDashboard } from '../../webapp/web-app-monitoring';
import { zookeeperDashboard } from '../../zookeeper/zookeeper-monitoring';

/**
 * The dashboards folder only assembles: each component module exports its dashboard next to its
 * construct (`lib/<component>/<component>-monitoring.ts`), written with lib/core/dashboard-model.ts.
 */
export * from './model';
export * from './metric-names';
export * from './exporter-metrics';
export * from './selectors';
export { zookeeperDashboard, kafkaDashboard, elasticsearchDashboard, fluentdDashboard, nodesDashboard, webAppDashboard };
export type { WebAppDashboardOptions };

/** `job` label (monitor component id) of each platform component, for {@link platformDashboards}. */
export interface PlatformDashboardJobs {
  readonly zookeeper?: string;
  readonly kafka?: string;
  readonly elasticsearch?: string;
  readonly fluentd?: string;
  readonly nodeExporter?: string;
  /** The web app's job (its component id) and Deployment name. @default podinfo */
  readonly webApp?: WebAppDashboardOptions;
}

/** One dashboard per platform component: ZooKeeper, Kafka, Elasticsearch, Fluentd, nodes, web app. */
export function platformDashboards(jobs: PlatformDashboardJobs = {}): DashboardSpec[] {
  return [
    zookeeperDashboard({ job: jobs.zookeeper }),
    kafkaDashboard({ job: jobs.kafka }),
    elasticsearchDashboard({ job: jobs.elasticsearch }),
    fluentdDashboard({ job: jobs.fluentd }),
    nodesDashboard({ job: jobs.nodeExporter }),
    webAppDashboard(jobs.webApp),
  ];
}
