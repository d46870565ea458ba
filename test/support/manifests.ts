/** One synthesized Kubernetes object. */
export type Obj = Record<string, any>;

const CONTENT_ADDRESSED = 'platform.cdk8s.io/content-addressed';
const CONFIG_BASE = 'platform.cdk8s.io/config-base';

/**
 * The name tests address an object by: its name, except for a content-addressed ConfigMap
 * (`zk-config-1a2b3c4d5e`), shown as `<base>-<hash>` (`zk-config-<hash>`), since its real name changes
 * with every configuration change by design.
 */
export function stableName(o: Obj): string {
  const labels = o.metadata?.labels ?? {};
  return labels[CONTENT_ADDRESSED] === 'true' && labels[CONFIG_BASE] ? `${labels[CONFIG_BASE]}-<hash>` : o.metadata?.name;
}

/**
 * The object `kind/name` among `objects`, or a failure listing what is there. A content-addressed
 * ConfigMap is found by its base name (`find(objects, 'ConfigMap', 'zk-config')`), its real name,
 * or its {@link stableName}.
 */
export function find(objects: Obj[], kind: string, name: string): Obj {
  const matches = objects.filter((o) => o.kind === kind &&
    (o.metadata.name === name || stableName(o) === name || stableName(o) === `${name}-<hash>`));
  if (matches.length !== 1) {
    throw new Error(`${matches.length === 0 ? 'no' : 'several'} ${kind}/${name} in ${objects.map((o) => `${o.kind}/${stableName(o)}`).join(', ')}`);
  }
  return matches[0];
}

/** `Kind/name` of every object (stable names), sorted. */
export function kindsAndNames(objects: Obj[]): string[] {
  return objects.map((o) => `${o.kind}/${stableName(o)}`).sort();
}

/** The ConfigMap name a workload's pod template mounts as volume `volume`. */
export function configVolume(workload: Obj, volume: string): string {
  const found = (workload.spec.template.spec.volumes ?? []).find((v: Obj) => v.name === volume);
  if (!found?.configMap?.name) throw new Error(`${workload.kind}/${workload.metadata.name} has no ConfigMap volume ${volume}`);
  return found.configMap.name;
}
