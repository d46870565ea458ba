import { elasticsearchDashboard } from './elasticsearch';
import { fluentdDashboard } from './fluentd';
import { kafkaDashboard } from './kafka';
import { DashboardSpec } from './model';
import { nodesDashboard } from './nodes';
import { WebAppDashboardOptions, webAppDashboard } from './webapp';
import { zookeeperDashboard } from './zookeeper';

export * from './model';
export * from './metric-names';
export * from './exporter-metrics';
export * from './selectors';
export { zookeeperDashboard } from './zookeeper';
export { kafkaDashboard } from './kafka';
export { elasticsearchDashboard } from './elasticsearch';
export { fluentdDashboard } from './fluentd';
export { nodesDashboard } from './nodes';
export { webAppDashboard } from './webapp';
export type { WebAppDashboardOptions } from './webapp';

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
