import { App, Chart } from 'cdk8s';
import { buildPlatform, PROFILES } from '../../lib';
import { manifestsOf } from '../../lib/checks';
import { imageRepository } from '../../lib/core/image-contract';
import { KafkaCluster } from '../../lib/kafka/kafka-cluster';
import { ALL_IMAGE_CONTRACTS } from './contracts';
import { checkImageContracts, containersOf, containersWithoutContract, contractFor, podTemplates } from './pod-contract';

type Obj = Record<string, any>;

function platformManifests(profile: 'production' | 'dev'): Obj[] {
  const app = new App({ recordConstructMetadata: false });
  buildPlatform(app, { profile: PROFILES[profile] });
  return manifestsOf(app) as Obj[];
}

/** Kafka 4.x in KRaft mode (not in the default platform): combined and dedicated controllers. */
function kraftManifests(): Obj[] {
  const app = new App({ recordConstructMetadata: false });
  const chart = new Chart(app, 'kraft', { namespace: 'streaming' });
  new KafkaCluster(chart, 'combined', { name: 'combined', mode: { type: 'kraft', clusterId: 'MkU3OEVBNTcwNTJENDM2Qg' } });
  new KafkaCluster(chart, 'dedicated', {
    name: 'dedicated', replicas: 3, mode: { type: 'kraft', clusterId: 'MkU3OEVBNTcwNTJENDM2Qg', controllers: { replicas: 3 } },
  });
  return manifestsOf(app) as Obj[];
}

const compositions: Array<[string, () => Obj[]]> = [
  ['platform, production profile', () => platformManifests('production')],
  ['platform, dev profile', () => platformManifests('dev')],
  ['Kafka 4.1 in KRaft mode', kraftManifests],
];

describe.each(compositions)('image contracts: %s', (_name, manifests) => {
  const objects = manifests();

  test('every container image has a contract', () => {
    expect(containersWithoutContract(objects, ALL_IMAGE_CONTRACTS)).toEqual([]);
  });

  test('every pod satisfies the contracts of its images (user, programs, writable paths, memory)', () => {
    expect(checkImageContracts(objects, ALL_IMAGE_CONTRACTS)).toEqual([]);
  });
});

test('every contract is exercised by some composition, and both Kafka lines are covered', () => {
  const images = compositions.flatMap(([, m]) => containersOf(podTemplates(m())).map((r) => r.container.image as string));
  for (const contract of ALL_IMAGE_CONTRACTS) {
    expect({ contract: contract.name, used: images.some((i) => contractFor(i, [contract]) !== undefined) })
      .toEqual({ contract: contract.name, used: true });
  }
  expect(images).toEqual(expect.arrayContaining(['apache/kafka:3.9.1', 'apache/kafka:4.1.1']));
});

test('image repositories are normalized the way registries resolve them', () => {
  expect(imageRepository('zookeeper:3.9.3')).toBe('docker.io/library/zookeeper');
  expect(imageRepository('apache/kafka:4.1.1')).toBe('docker.io/apache/kafka');
  expect(imageRepository('docker.io/bitnamilegacy/jmx-exporter:1.1.0-debian-12-r0')).toBe('docker.io/bitnamilegacy/jmx-exporter');
  expect(imageRepository('quay.io/prometheus/node-exporter:v1.9.1@sha256:' + 'a'.repeat(64))).toBe('quay.io/prometheus/node-exporter');
  expect(imageRepository('localhost:5000/team/app:1.0')).toBe('localhost:5000/team/app');
});
