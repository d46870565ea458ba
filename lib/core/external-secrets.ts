/**
 * Pod-template annotation listing (comma-separated) the Secrets a pod reads that are created outside
 * the manifests (credentials, certificates): the wiring checks then do not expect them in dist/.
 * Secret values never appear in a manifest.
 */
export const EXTERNAL_SECRETS_ANNOTATION = 'platform.cdk8s.io/external-secrets';

/** The external-secrets annotation for `names` (sorted, de-duplicated; none when empty). */
export function externalSecretsAnnotations(names: Array<string | undefined>): Record<string, string> {
  const unique = [...new Set(names.filter((n): n is string => !!n))].sort();
  return unique.length === 0 ? {} : { [EXTERNAL_SECRETS_ANNOTATION]: unique.join(',') };
}
