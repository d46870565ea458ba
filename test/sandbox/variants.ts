import { App, Chart, Testing } from 'cdk8s';
import { appManifests, buildPlatform, KafkaCluster, KafkaClusterProps, PROFILES } from '../../lib';
import { Obj } from './workloads';

/** A synthesized configuration whose start scripts the sandbox runs. */
export interface Variant {
  readonly name: string;
  readonly manifests: Obj[];
  /** The KRaft cluster id the variant was built with (its storage must be formatted with it). */
  readonly kraftClusterId?: string;
}

/** The cluster id of the KRaft variants (22 base64url characters, as `kafka-storage.sh random-uuid` prints). */
export const SANDBOX_CLUSTER_ID = 'q1Sh-9_ISia_zwGINzRvyQ';

function platform(profile: keyof typeof PROFILES): Variant {
  const app = new App({ recordConstructMetadata: false });
  buildPlatform(app, { profile: PROFILES[profile] });
  return { name: `platform (${profile} profile)`, manifests: appManifests(app).flatMap((c) => c.objects) };
}

function kraft(name: string, props: Partial<KafkaClusterProps>, controllers?: { replicas?: number }): Variant {
  const chart = new Chart(Testing.app(), 'streaming', { namespace: 'streaming' });
  new KafkaCluster(chart, 'kafka', { name: 'kafka', mode: { type: 'kraft', clusterId: SANDBOX_CLUSTER_ID, controllers }, ...props });
  return { name, manifests: Testing.synth(chart), kraftClusterId: SANDBOX_CLUSTER_ID };
}

let cached: Variant[] | undefined;

/**
 * Every configuration whose start scripts must run: the platform in both profiles (ZooKeeper,
 * Kafka in ZooKeeper mode on 3.9, Elasticsearch, Fluentd, ...) and Kafka in each KRaft layout on
 * both supported major versions: combined (4.1 and 3.9) and dedicated controllers (4.1 and 3.9).
 */
export function sandboxVariants(): Variant[] {
  cached ??= [
    platform('production'),
    platform('dev'),
    kraft('Kafka KRaft combined (apache/kafka:4.1.1)', { image: 'apache/kafka:4.1.1' }),
    kraft('Kafka KRaft dedicated controllers (apache/kafka:4.1.1)', { image: 'apache/kafka:4.1.1' }, { replicas: 3 }),
    kraft('Kafka KRaft combined (apache/kafka:3.9.1)', { image: 'apache/kafka:3.9.1' }),
    kraft('Kafka KRaft dedicated controllers (apache/kafka:3.9.1, 1 controller)', { image: 'apache/kafka:3.9.1', replicas: 1 }, { replicas: 1 }),
  ];
  return cached;
}
