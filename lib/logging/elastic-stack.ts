/**
 * The Elastic Stack shared by Elasticsearch, Kibana, Fluentd and the retention installer: the
 * release they run in lockstep, its version and image checks, and how they read credentials.
 */
import { IConstruct } from 'constructs';
import { imageVersion } from '../core/labels';
import { check, checkDnsSubdomain } from '../core/validation';

/**
 * The Elastic Stack release Elasticsearch and Kibana run, kept in lockstep (Kibana refuses to talk
 * to an Elasticsearch of another version). 8.19 is the last 8.x minor line and still receives
 * security patches; 8.19.21 is published for both `docker.elastic.co/elasticsearch/elasticsearch`
 * and `docker.elastic.co/kibana/kibana`.
 */
export const ELASTIC_STACK_VERSION = '8.19.21';

/** `app.kubernetes.io/part-of` of everything in the logging stack. */
export const LOGGING_PART_OF = 'logging';

export { EXTERNAL_SECRETS_ANNOTATION, externalSecretsAnnotations } from '../core/external-secrets';

/** An Elastic Stack 8.x release (`8.<minor>.<patch>`); this stack is built and tested for the 8 line. */
export function checkElasticVersion(scope: IConstruct, prop: string, value: string): string {
  check(typeof value === 'string' && /^8\.\d{1,3}\.\d{1,3}$/.test(value), scope, prop, value,
    'must be an Elastic Stack 8.x release such as "8.19.21"');
  return value;
}

/** An image whose tag, when it has one, names `version` (a digest-only reference is accepted as is). */
export function checkImageVersion(scope: IConstruct, prop: string, image: string, version: string): void {
  const tag = imageVersion(image);
  check(tag === undefined || tag === version, scope, prop, image,
    `its tag must be the stack version ${version} (Elasticsearch and Kibana run in lockstep)`);
}

/** Name of a Secret that must exist before the stack starts; required when `required` holds. */
export function checkSecretName(scope: IConstruct, prop: string, value: string | undefined, required: boolean, what: string): string | undefined {
  if (value === undefined) {
    check(!required, scope, prop, value, `required when security is enabled: the name of an existing Secret holding ${what}`);
    return undefined;
  }
  return checkDnsSubdomain(scope, prop, value);
}

/** A username/password pair read from an existing Secret (keys `username` and `password`). */
export function credentialEnv(secretName: string, userVar: string, passwordVar: string): Array<{ name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }> {
  return [
    { name: userVar, valueFrom: { secretKeyRef: { name: secretName, key: 'username' } } },
    { name: passwordVar, valueFrom: { secretKeyRef: { name: secretName, key: 'password' } } },
  ];
}

/**
 * A probe command that GETs `url` with basic auth from two environment variables. The credentials
 * go to curl through a netrc on stdin, so they never appear in a process's command line.
 */
export function authenticatedCurl(url: string, userVar: string, passwordVar: string, insecure = false): string[] {
  const host = new URL(url).hostname;
  return ['sh', '-c',
    `printf 'machine ${host} login %s password %s\\n' "$${userVar}" "$${passwordVar}" | `
    + `curl --silent --fail --max-time 4 ${insecure ? '--insecure ' : ''}--netrc-file /dev/stdin -o /dev/null '${url}'`];
}
