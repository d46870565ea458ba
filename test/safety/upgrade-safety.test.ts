/**
 * SPEC §10.6, across every construct and the whole platform: changing the image, the replicas or
 * the resources changes no object identity (kind/namespace/name), no selector, no StatefulSet
 * serviceName and no volumeClaimTemplate, and adds or removes no object. Replica changes keep
 * quorums odd (3 -> 5) and never cross 1, so no PodDisruptionBudget or HPA comes or goes.
 */
import { App, Chart, Testing } from 'cdk8s';
import { buildPlatform } from '../../lib/platform/platform';
import { PlatformProfile, PROFILES } from '../../lib/platform/profile';
import { ComputeResources } from '../../lib/core/resources';
import { KafkaCluster, KafkaClusterProps, KafkaControllerOptions } from '../../lib/kafka';
import { EfkStack, EfkStackProps, Elasticsearch, ElasticsearchProps, Fluentd, FluentdProps, Kibana, KibanaProps } from '../../lib/logging';
import { NodeExporter, NodeExporterProps } from '../../lib/node-exporter';
import { demoWebAppProps, WebApp, WebAppProps } from '../../lib/webapp';
import { ZookeeperEnsemble, ZookeeperEnsembleProps } from '../../lib/zookeeper/zookeeper-ensemble';
import { manifestsOf, Obj, stableShape } from './support';

/*
 * `buildPlatform` has no image or resources knobs (replicas come from the profile), so for the
 * whole-platform rows each construct class it uses is wrapped in a subclass that passes its
 * props through `mockPatches[<class>]` when one is set: the real composition with one prop
 * changed, exactly what a team editing platform.ts would do. With no patch set the wrappers are
 * transparent (the per-construct rows build through them unchanged).
 */
type Patch = (props: any) => any;
const mockPatches: Record<string, Patch | undefined> = {};

function mockPatchable(modulePath: string, className: string): Record<string, unknown> {
  const actual = jest.requireActual(modulePath);
  const Base = actual[className];
  class Patchable extends Base {
    constructor(scope: unknown, id: string, props: unknown) {
      const patch = mockPatches[className];
      super(scope, id, patch ? patch(props) : props);
    }
  }
  return { ...actual, [className]: Patchable };
}

jest.mock('../../lib/zookeeper/zookeeper-ensemble', () => mockPatchable('../../lib/zookeeper/zookeeper-ensemble', 'ZookeeperEnsemble'));
jest.mock('../../lib/kafka/kafka-cluster', () => mockPatchable('../../lib/kafka/kafka-cluster', 'KafkaCluster'));
jest.mock('../../lib/logging/efk-stack', () => mockPatchable('../../lib/logging/efk-stack', 'EfkStack'));
jest.mock('../../lib/node-exporter/node-exporter', () => mockPatchable('../../lib/node-exporter/node-exporter', 'NodeExporter'));
jest.mock('../../lib/webapp/web-app', () => mockPatchable('../../lib/webapp/web-app', 'WebApp'));

type Change = 'image' | 'replicas' | 'resources';
/** A synth before (`base`) or after one change. */
type Synth = (change: Change | 'base') => Obj[];
/**
 * [what, synth, the changes that apply with a text each: it must appear in the changed output and
 * not in the base, which proves the change reached the manifests].
 */
type Row = [what: string, synth: Synth, changes: Partial<Record<Change, string>>];

const res = (cpu: string, memory: string, limitCpu: string, limitMemory: string): ComputeResources =>
  ({ requests: { cpu, memory }, limits: { cpu: limitCpu, memory: limitMemory } });
const CLUSTER_ID = 'MkU3OEVBNTcwNTJENDM2Qg';
const OLD_ES = '8.19.20';
const NEW_ES = '8.19.21';
const OLD_FLUENTD = 'fluent/fluentd-kubernetes-daemonset:v1.19.2-debian-elasticsearch8-1.0';
const NEW_FLUENTD = 'fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-elasticsearch8-1.1';
const image = (name: string) => `"image":"${name}"`;

/** A fresh app with chart `<namespace>` (and `logging-agents` for the EFK stack); returns all manifests. */
function inChart(namespace: string, build: (chart: Chart) => void): Obj[] {
  const app = Testing.app();
  build(new Chart(app, namespace, { namespace }));
  return manifestsOf(app);
}

const pick = <T>(change: Change | 'base', values: Partial<Record<Change | 'base', T>>): T | undefined => values[change] ?? values.base;

function zookeeper(change: Change | 'base'): Obj[] {
  const props: ZookeeperEnsembleProps = {
    image: change === 'image' ? 'zookeeper:3.9.4' : 'zookeeper:3.9.3',
    replicas: change === 'replicas' ? 5 : 3,
    resources: change === 'resources' ? res('2', '4Gi', '4', '4Gi') : res('1', '2Gi', '2', '2Gi'),
  };
  return inChart('streaming', (chart) => { new ZookeeperEnsemble(chart, 'zk', props); });
}

function kafkaProps(change: Change | 'base', images: [string, string]): Partial<KafkaClusterProps> {
  return {
    image: change === 'image' ? images[1] : images[0],
    replicas: change === 'replicas' ? 5 : 3,
    resources: change === 'resources' ? res('1', '4Gi', '4', '4Gi') : res('250m', '1Gi', '2', '2Gi'),
  };
}

function kafkaZookeeperMode(change: Change | 'base'): Obj[] {
  return inChart('streaming', (chart) => {
    const ensemble = new ZookeeperEnsemble(chart, 'zk');
    new KafkaCluster(chart, 'kafka', { mode: { type: 'zookeeper', ensemble, chroot: '/kafka' }, ...kafkaProps(change, ['apache/kafka:3.9.0', 'apache/kafka:3.9.1']) });
  });
}

function kafkaKraft(dedicated: boolean): Synth {
  return (change) => inChart('streaming', (chart) => {
    const controllers: KafkaControllerOptions | undefined = dedicated ? {
      replicas: change === 'replicas' ? 5 : 3,
      resources: change === 'resources' ? res('500m', '2Gi', '2', '2Gi') : res('250m', '1Gi', '1', '1Gi'),
    } : undefined;
    new KafkaCluster(chart, 'kafka', {
      mode: { type: 'kraft', clusterId: CLUSTER_ID, controllers },
      ...kafkaProps(change, ['apache/kafka:4.1.0', 'apache/kafka:4.1.1']),
    });
  });
}

function elasticsearch(change: Change | 'base'): Obj[] {
  const props: ElasticsearchProps = {
    version: change === 'image' ? NEW_ES : OLD_ES,
    replicas: change === 'replicas' ? 5 : 3,
    resources: change === 'resources' ? res('2', '8Gi', '4', '8Gi') : res('1', '4Gi', '2', '4Gi'),
  };
  return inChart('logging', (chart) => { new Elasticsearch(chart, 'es', props); });
}

function fluentd(change: Change | 'base'): Obj[] {
  const props: Partial<FluentdProps> = {
    image: change === 'image' ? NEW_FLUENTD : OLD_FLUENTD,
    resources: change === 'resources' ? res('200m', '1Gi', '2', '1Gi') : res('100m', '512Mi', '1', '512Mi'),
  };
  return inChart('logging', (chart) => { new Fluentd(chart, 'fluentd', { elasticsearch: new Elasticsearch(chart, 'es'), ...props }); });
}

function kibana(change: Change | 'base'): Obj[] {
  // Kibana follows the Elasticsearch version: an image change moves both, in lockstep.
  const version = change === 'image' ? NEW_ES : OLD_ES;
  const props: Partial<KibanaProps> = {
    replicas: change === 'replicas' ? 4 : 2,
    resources: change === 'resources' ? res('1', '2Gi', '2', '2Gi') : res('500m', '1Gi', '1', '1Gi'),
  };
  return inChart('logging', (chart) => { new Kibana(chart, 'kibana', { elasticsearch: new Elasticsearch(chart, 'es', { version }), ...props }); });
}

function efkStack(change: Change | 'base'): Obj[] {
  const props: Partial<EfkStackProps> = {
    version: change === 'image' ? NEW_ES : OLD_ES,
    replicas: change === 'replicas' ? 5 : 3,
    elasticsearch: { resources: pick(change, { base: res('1', '4Gi', '2', '4Gi'), resources: res('2', '8Gi', '4', '8Gi') }) },
    fluentd: {
      image: change === 'image' ? NEW_FLUENTD : OLD_FLUENTD,
      resources: pick(change, { base: res('100m', '512Mi', '1', '512Mi'), resources: res('200m', '1Gi', '2', '1Gi') }),
    },
    kibana: {
      replicas: change === 'replicas' ? 3 : 2,
      resources: pick(change, { base: res('500m', '1Gi', '1', '1Gi'), resources: res('1', '2Gi', '2', '2Gi') }),
    },
  };
  const app = Testing.app();
  const logging = new Chart(app, 'logging', { namespace: 'logging' });
  const agents = new Chart(app, 'logging-agents', { namespace: 'logging-agents' });
  new EfkStack(logging, 'efk', { agentScope: agents, ...props });
  return manifestsOf(app);
}

function nodeExporter(change: Change | 'base'): Obj[] {
  const props: NodeExporterProps = {
    image: change === 'image' ? 'quay.io/prometheus/node-exporter:v1.9.1' : 'quay.io/prometheus/node-exporter:v1.9.0',
    resources: change === 'resources' ? res('100m', '128Mi', '500m', '256Mi') : res('50m', '64Mi', '250m', '180Mi'),
  };
  return inChart('metrics', (chart) => { new NodeExporter(chart, 'node-exporter', props); });
}

const READ_CONFIGMAPS = { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] };

function webApp(variant: 'plain' | 'hpa' | 'api'): Synth {
  return (change) => {
    const props: Partial<WebAppProps> = {
      image: change === 'image' ? 'ghcr.io/stefanprodan/podinfo:6.9.2' : 'ghcr.io/stefanprodan/podinfo:6.9.1',
      resources: change === 'resources' ? res('100m', '128Mi', '1', '256Mi') : res('50m', '64Mi', '500m', '128Mi'),
      ...(variant === 'hpa'
        ? { replicas: undefined, autoscaling: change === 'replicas' ? { minReplicas: 3, maxReplicas: 8 } : { minReplicas: 2, maxReplicas: 4 } }
        : { replicas: change === 'replicas' ? 4 : 2 }),
      ...(variant === 'api'
        ? { apiAccess: { rules: [READ_CONFIGMAPS], clusterRules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }] } }
        : {}),
    };
    return inChart('apps', (chart) => { new WebApp(chart, 'podinfo', demoWebAppProps(props)); });
  };
}

/**
 * The whole platform. Replicas through the profile (its public knob): 3 -> 5 for every quorum,
 * 2 -> 3 for the web app. Image and resources through the construct patches: every image goes to
 * the previous patch release (a rollback is as much a template change as an upgrade) and every
 * resource block grows.
 */
function platform(profile: PlatformProfile): Synth {
  return (change) => {
    const patches: Record<string, Patch> = change === 'image' ? {
      ZookeeperEnsemble: (p: ZookeeperEnsembleProps) => ({ ...p, image: 'zookeeper:3.9.2' }),
      KafkaCluster: (p: KafkaClusterProps) => ({ ...p, image: 'apache/kafka:3.9.0' }),
      EfkStack: (p: EfkStackProps) => ({ ...p, version: OLD_ES, fluentd: { ...p.fluentd, image: OLD_FLUENTD } }),
      NodeExporter: (p: NodeExporterProps) => ({ ...p, image: 'quay.io/prometheus/node-exporter:v1.9.0' }),
      WebApp: (p: WebAppProps) => ({ ...p, image: 'ghcr.io/stefanprodan/podinfo:6.9.1' }),
    } : change === 'resources' ? {
      ZookeeperEnsemble: (p: ZookeeperEnsembleProps) => ({ ...p, resources: res('1', '3Gi', '2', '3Gi') }),
      KafkaCluster: (p: KafkaClusterProps) => ({ ...p, resources: res('500m', '3Gi', '2', '3Gi') }),
      EfkStack: (p: EfkStackProps) => ({
        ...p,
        elasticsearch: { ...p.elasticsearch, resources: res('1', '6Gi', '2', '6Gi') },
        fluentd: { ...p.fluentd, resources: res('200m', '768Mi', '1', '768Mi') },
        kibana: { ...p.kibana, resources: res('500m', '1536Mi', '1', '1536Mi') },
      }),
      NodeExporter: (p: NodeExporterProps) => ({ ...p, resources: res('100m', '96Mi', '250m', '192Mi') }),
      WebApp: (p: WebAppProps) => ({ ...p, resources: res('100m', '96Mi', '500m', '192Mi') }),
    } : change === 'replicas' ? {
      // Elasticsearch takes its size from the logging profile, not from quorumReplicas.
      EfkStack: (p: EfkStackProps) => ({ ...p, replicas: 5 }),
    } : {};
    const replicas = change === 'replicas' ? { quorumReplicas: profile.quorumReplicas + 2, statelessReplicas: profile.statelessReplicas + 1 } : {};
    Object.assign(mockPatches, patches);
    try {
      const app = new App({ recordConstructMetadata: false });
      buildPlatform(app, { profile: { ...profile, ...replicas } });
      return manifestsOf(app);
    } finally {
      for (const key of Object.keys(patches)) delete mockPatches[key];
    }
  };
}

const ROWS: Row[] = [
  ['ZookeeperEnsemble', zookeeper, { image: image('zookeeper:3.9.4'), replicas: '"replicas":5', resources: '"memory":"4Gi"' }],
  ['KafkaCluster (ZooKeeper mode)', kafkaZookeeperMode, { image: image('apache/kafka:3.9.1'), replicas: '"replicas":5', resources: '"memory":"4Gi"' }],
  ['KafkaCluster (KRaft, combined)', kafkaKraft(false), { image: image('apache/kafka:4.1.1'), replicas: '"replicas":5', resources: '"memory":"4Gi"' }],
  ['KafkaCluster (KRaft, dedicated controllers)', kafkaKraft(true), { image: image('apache/kafka:4.1.1'), replicas: '"replicas":5', resources: '"cpu":"500m"' }],
  ['Elasticsearch', elasticsearch, { image: `elasticsearch:${NEW_ES}"`, replicas: '"replicas":5', resources: '"memory":"8Gi"' }],
  ['Fluentd', fluentd, { image: image(NEW_FLUENTD), resources: '"memory":"1Gi"' }],
  ['Kibana (with its Elasticsearch)', kibana, { image: `kibana:${NEW_ES}"`, replicas: '"replicas":4', resources: '"memory":"2Gi"' }],
  ['EfkStack', efkStack, { image: `kibana:${NEW_ES}"`, replicas: '"replicas":5', resources: '"memory":"8Gi"' }],
  ['NodeExporter', nodeExporter, { image: image('quay.io/prometheus/node-exporter:v1.9.1'), resources: '"memory":"256Mi"' }],
  ['WebApp', webApp('plain'), { image: image('ghcr.io/stefanprodan/podinfo:6.9.2'), replicas: '"replicas":4', resources: '"memory":"256Mi"' }],
  ['WebApp (HPA)', webApp('hpa'), { image: image('ghcr.io/stefanprodan/podinfo:6.9.2'), replicas: '"minReplicas":3', resources: '"memory":"256Mi"' }],
  ['WebApp (API access)', webApp('api'), { image: image('ghcr.io/stefanprodan/podinfo:6.9.2'), replicas: '"replicas":4', resources: '"memory":"256Mi"' }],
  ['buildPlatform (production)', platform(PROFILES.production), { image: image('apache/kafka:3.9.0'), replicas: '"replicas":5', resources: '"memory":"6Gi"' }],
  // dev runs single replicas; scaling to 3 would add PodDisruptionBudgets, so only image and resources.
  ['buildPlatform (dev)', platform(PROFILES.dev), { image: image('zookeeper:3.9.2'), resources: '"memory":"3Gi"' }],
];

const baseCache = new Map<Synth, Obj[]>();
const baseOf = (synth: Synth): Obj[] => {
  if (!baseCache.has(synth)) baseCache.set(synth, synth('base'));
  return baseCache.get(synth)!;
};

const CASES = ROWS.flatMap(([what, synth, changes]) =>
  (Object.entries(changes) as Array<[Change, string]>).map(([change, marker]) => [what, change, synth, marker] as const));

describe('upgrade safety: image, replicas and resources change no name, selector, serviceName or claim template (SPEC §10.6)', () => {
  test.each(CASES)('%s: %s', (_what, change, synth, marker) => {
    const base = baseOf(synth);
    const changed = synth(change);
    // The change reached the manifests (kept short: a failure here would otherwise print them all).
    expect({ [marker]: { base: JSON.stringify(base).includes(marker), changed: JSON.stringify(changed).includes(marker) } })
      .toEqual({ [marker]: { base: false, changed: true } });
    expect(stableShape(changed)).toEqual(stableShape(base));
  });

  test('every row has something to protect: selectors everywhere, claim templates on every StatefulSet', () => {
    for (const [what, synth] of ROWS) {
      const manifests = baseOf(synth);
      const shape = stableShape(manifests);
      const statefulSets = manifests.filter((o) => o.kind === 'StatefulSet').map((o) => `StatefulSet/${o.metadata.namespace}/${o.metadata.name}`);
      expect([what, Object.keys(shape.selectors).length > 0]).toEqual([what, true]);
      expect([what, Object.keys(shape.volumeClaimTemplates).sort()]).toEqual([what, statefulSets.sort()]);
      expect([what, Object.keys(shape.serviceNames).sort()]).toEqual([what, statefulSets.sort()]);
    }
  });

  test('stableShape notices a rename, a selector, a serviceName and a claim template change', () => {
    const base = baseOf(zookeeper);
    const edit = (f: (objects: Obj[]) => void): Obj[] => {
      const copy = JSON.parse(JSON.stringify(base)) as Obj[];
      f(copy);
      return copy;
    };
    const sts = (objects: Obj[]) => objects.find((o) => o.kind === 'StatefulSet')!;
    const edits: Array<(objects: Obj[]) => void> = [
      (o) => { o.find((x) => x.kind === 'Service')!.metadata.name = 'zk-client'; },
      (o) => { o.pop(); },
      (o) => { sts(o).spec.selector.matchLabels['app.kubernetes.io/version'] = '3.9.4'; },
      (o) => { o.find((x) => x.kind === 'Service')!.spec.selector.extra = 'x'; },
      (o) => { sts(o).spec.serviceName = 'zk-headless'; },
      (o) => { sts(o).spec.volumeClaimTemplates[0].spec.resources.requests.storage = '20Gi'; },
      (o) => { sts(o).spec.volumeClaimTemplates[0].metadata.labels.extra = 'x'; },
    ];
    for (const f of edits) expect(stableShape(edit(f))).not.toEqual(stableShape(base));
    expect(stableShape(edit((o) => { sts(o).spec.replicas = 7; }))).toEqual(stableShape(base));
  });
});
