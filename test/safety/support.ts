import { App, Yaml } from 'cdk8s';
import { stableName } from '../support/manifests';

/** One synthesized Kubernetes object. */
export type Obj = Record<string, any>;

/** Every object of every chart of `app`, charts in app order (what `app.synthYaml()` serializes). */
export function manifestsOf(app: App): Obj[] {
  return app.charts.flatMap((chart) => chart.toJson() as Obj[]);
}

/**
 * The YAML `app.synthYaml()` returns, built the way cdk8s 2.70 builds it (every chart's
 * `toJson()`, in `app.charts` order, through `Yaml.stringify`) but without its extra whole-app
 * dependency pass, which costs about ten seconds per platform under jest.
 */
export function synthYamlOf(app: App): string {
  return Yaml.stringify(...manifestsOf(app));
}

/** `Kind/namespace/name`: how Kubernetes (and `kubectl apply`) identifies an object. */
export function objectId(o: Obj): string {
  return `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

/**
 * The identity an upgrade must keep: {@link objectId}, except for content-addressed ConfigMaps,
 * whose name is their content hash by design (a change of content is a new object the pod template
 * points at; the old one stays for pods not yet rolled). Those are identified by their stable base.
 */
export function stableId(o: Obj): string {
  return `${o.kind}/${o.metadata?.namespace ?? ''}/${stableName(o)}`;
}

/** What an upgrade must never change (SPEC §10.6), per object id. */
export interface StableShape {
  /** Every object id, sorted: none may appear, disappear or be renamed. */
  readonly objects: string[];
  /** `spec.selector` (workloads, Services, PDBs, monitors): immutable on workloads, outage-prone elsewhere. */
  readonly selectors: Record<string, unknown>;
  /** `spec.podSelector` of NetworkPolicies: which pods a policy guards. */
  readonly podSelectors: Record<string, unknown>;
  /** `spec.serviceName` of StatefulSets (immutable). */
  readonly serviceNames: Record<string, unknown>;
  /** `spec.volumeClaimTemplates` of StatefulSets, metadata and spec (immutable). */
  readonly volumeClaimTemplates: Record<string, unknown>;
}

/**
 * The parts of a manifest set that a change of image, replicas or resources must leave alone:
 * object identities, selectors, StatefulSet serviceNames and volumeClaimTemplates. Two synths
 * are upgrade-safe when their shapes are equal.
 */
export function stableShape(manifests: Obj[]): StableShape {
  const objects = manifests.map(stableId).sort();
  const duplicates = objects.filter((id, i) => objects.indexOf(id) !== i);
  if (duplicates.length > 0) throw new Error(`duplicate objects: ${duplicates.join(', ')}`);
  const selectors: Record<string, unknown> = {};
  const podSelectors: Record<string, unknown> = {};
  const serviceNames: Record<string, unknown> = {};
  const volumeClaimTemplates: Record<string, unknown> = {};
  for (const o of manifests) {
    const id = stableId(o);
    if (o.spec?.selector !== undefined) selectors[id] = o.spec.selector;
    if (o.spec?.podSelector !== undefined) podSelectors[id] = o.spec.podSelector;
    if (o.spec?.serviceName !== undefined) serviceNames[id] = o.spec.serviceName;
    if (o.spec?.volumeClaimTemplates !== undefined) {
      volumeClaimTemplates[id] = (o.spec.volumeClaimTemplates as Obj[]).map((t) => ({ metadata: t.metadata, spec: t.spec }));
    }
  }
  return { objects, selectors, podSelectors, serviceNames, volumeClaimTemplates };
}
