import { ApiObject, JsonPatch } from 'cdk8s';
import { isDeepStrictEqual } from 'util';

/**
 * The one place for JSON-patch escape hatches over cdk8s-plus-27 gaps.
 *
 * A patch on a generated `Kube*` object (including the one under a cdk8s-plus construct) runs
 * before the class maps its props to JSON, so the patch path must use the generated *prop*
 * spelling (`hostPid`, `clusterIp`), and the mapping silently drops any field it does not know (a
 * misspelling, the API spelling `hostPID`, or a plain number where an `IntOrString` wrapper is
 * expected). So every patch made here is verified: synth fails unless `value` comes out at
 * `outputPath` (the API spelling, default `path`) in the final manifest.
 */
export function addField(obj: ApiObject, path: string, value: unknown, outputPath: string = path): void {
  obj.addJsonPatch(JsonPatch.add(path, value));
  obj.node.addValidation({
    validate: () => {
      const actual = valueAt(obj.toJson(), outputPath);
      return isDeepStrictEqual(actual, value)
        ? []
        : [`escape hatch ${path} = ${JSON.stringify(value)} did not come out at ${outputPath} in ${obj.kind}/${obj.name} (got ${JSON.stringify(actual)}); check the field name (generated prop spelling) and wrapper types`];
    },
  });
}

/**
 * Removes `metadata.namespace` from a cluster-scoped object: cdk8s stamps the chart namespace on
 * every object, and the API server rejects a namespaced ClusterRole, ClusterRoleBinding or Namespace.
 */
export function makeClusterScoped(obj: ApiObject): void {
  if (obj.metadata.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}

function valueAt(doc: unknown, path: string): unknown {
  return path.split('/').slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node === undefined || node === null ? undefined : (node as Record<string, unknown>)[key]), doc);
}
