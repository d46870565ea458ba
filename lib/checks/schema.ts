import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseQuantity } from '../core/quantity';
import { allowedApiVersions, gvkKey, isAllowedApiVersion, MONITORING_API_VERSION } from './api-versions';
import { JsonSchema, KindSchemas, kindSchemas, metaV1Schemas } from './kube-schemas';
import { MONITORING_SCHEMAS } from './monitoring-schemas';
import { violation } from './objects';
import { makeStrict } from './strict-schema';
import { Manifest, Violation } from './types';

/**
 * Strict OpenAPI validation against Kubernetes 1.27 (schemas of kubernetes-models 4.3.1, made
 * strict by {@link makeStrict}, compiled with Ajv).
 *
 * Rules:
 * - `schema/unknown-api`: the apiVersion/kind is not served by Kubernetes 1.27 (removed or misspelt API).
 * - `schema/invalid`: the object does not match its schema (unknown field, wrong type, missing required field, ...).
 * - `schema/no-schema`: a 1.27 API (alpha) for which kubernetes-models has no schema, so it cannot be validated.
 */

/** At most this many schema errors are reported per object. */
const MAX_ERRORS_PER_OBJECT = 20;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** An Ajv with the formats the Kubernetes schemas use; schemas are added as kinds are met. */
function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv, ['date-time']);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('byte', { type: 'string', validate: (s: string) => BASE64.test(s) });
  ajv.addFormat('quantity', { type: 'string', validate: (s: string) => parseQuantity(s) !== undefined });
  return ajv;
}

/**
 * Compiles one validator per apiVersion/kind on first use and keeps it: the pod spec alone is a few
 * hundred definitions, so compiling everything up front would cost seconds per test file.
 */
class ValidatorCache {
  private readonly ajv = createAjv();
  private readonly added = new Set<string>();
  private readonly validators = new Map<string, ValidateFunction | null>();

  /** The validator of `apiVersion`/`kind`, or null when there is no schema for it. */
  public get(apiVersion: string, kind: string): ValidateFunction | null {
    const key = gvkKey(apiVersion, kind);
    if (!this.validators.has(key)) this.validators.set(key, this.compile(apiVersion, kind));
    return this.validators.get(key)!;
  }

  private compile(apiVersion: string, kind: string): ValidateFunction | null {
    if (apiVersion === MONITORING_API_VERSION && MONITORING_SCHEMAS[kind]) {
      this.addStrict(metaV1Schemas('ObjectMeta'));
      this.addStrict(metaV1Schemas('LabelSelector'));
      return this.ajv.compile(structuredClone(MONITORING_SCHEMAS[kind]));
    }
    const found = kindSchemas(apiVersion, kind);
    if (!found) return null;
    this.addStrict(found);
    return this.ajv.getSchema(found.id) ?? null;
  }

  private addStrict(found: KindSchemas): void {
    for (const [id, schema] of found.schemas) {
      if (this.added.has(id)) continue;
      this.ajv.addSchema(makeStrict(schema as JsonSchema), id);
      this.added.add(id);
    }
  }
}

let cache: ValidatorCache | undefined;

/** The process-wide validator cache (created on first use). */
function validators(): ValidatorCache {
  cache ??= new ValidatorCache();
  return cache;
}

/** Validates every manifest strictly against the Kubernetes 1.27 OpenAPI schema. */
export function checkSchema(manifests: Manifest[]): Violation[] {
  return manifests.flatMap(checkOne);
}

function checkOne(m: Manifest): Violation[] {
  if (!m || typeof m !== 'object' || typeof m.apiVersion !== 'string' || typeof m.kind !== 'string') {
    return [violation('schema/unknown-api', describeBroken(m), 'object has no apiVersion or kind', 'every object needs a string apiVersion and kind')];
  }
  if (!isAllowedApiVersion(m.apiVersion, m.kind)) {
    return [violation('schema/unknown-api', m, `${m.apiVersion} ${m.kind} is not served by Kubernetes 1.27`, suggestApiVersion(m.kind))];
  }
  const validate = validators().get(m.apiVersion, m.kind);
  if (!validate) {
    return [violation('schema/no-schema', m, `no 1.27 schema is available for ${m.apiVersion} ${m.kind}, so it cannot be validated`,
      'use a stable API version, or validate this object another way')];
  }
  if (validate(m)) return [];
  return describeErrors(validate.errors ?? []).slice(0, MAX_ERRORS_PER_OBJECT).map((message) => violation('schema/invalid', m, message,
    'match the Kubernetes 1.27 API: remove or rename unknown fields (camelCase, as in the API reference) and fix types and required fields'));
}

function describeBroken(m: unknown): string {
  const name = (m as Manifest | undefined)?.metadata?.name;
  return `<unknown kind> ${name ?? '<unnamed>'}`;
}

function suggestApiVersion(kind: string): string {
  const served = [...allowedApiVersions()].filter((key) => key.endsWith(` ${kind}`)).map((key) => key.split(' ')[0]);
  return served.length > 0
    ? `use apiVersion ${served.join(' or ')} for ${kind}`
    : `${kind} is not a Kubernetes 1.27 kind (nor a Prometheus Operator monitoring.coreos.com/v1 kind): check the spelling`;
}

/**
 * Turns Ajv errors into one readable message per problem. Nullable fields are `oneOf: [ref, null]`
 * and IntOrString/Quantity are `oneOf: [string, number]`, so Ajv reports each branch; we drop the
 * `null` branch and the `oneOf`/`anyOf` summary and merge the remaining alternatives
 * ("must be string or integer", `missing required field "alert" or "record"`).
 */
export function describeErrors(errors: ErrorObject[]): string[] {
  const groups = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const group = groups.get(e.instancePath) ?? [];
    group.push(e);
    groups.set(e.instancePath, group);
  }
  const messages: string[] = [];
  for (const [path, group] of groups) {
    const hadAlternatives = group.some((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
    const relevant = group.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params.type === 'null'));
    if (relevant.length === 0) {
      // Only the oneOf/anyOf summary is left: the real error is deeper, or both branches passed.
      if (!errors.some((e) => e.instancePath.startsWith(`${path}/`))) messages.push(`${fieldPath(path)}: ${group[0].message}`);
      continue;
    }
    if (hadAlternatives && relevant.every((e) => e.keyword === 'type' || e.keyword === 'format')) {
      messages.push(`${fieldPath(path)}: must be ${[...new Set(relevant.map(alternative))].join(' or ')}`);
      continue;
    }
    if (hadAlternatives && relevant.every((e) => e.keyword === 'required')) {
      messages.push(`${fieldPath(path)}: missing required field ${relevant.map((e) => `"${e.params.missingProperty}"`).join(' or ')}`);
      continue;
    }
    // A wrong type also fails the format (`integer` + `int32`): report the type only.
    const hasTypeError = relevant.some((e) => e.keyword === 'type');
    for (const e of relevant) {
      if (!(hasTypeError && e.keyword === 'format')) messages.push(`${fieldPath(path)}: ${errorText(e)}`);
    }
  }
  return [...new Set(messages)];
}

/** One branch of a failed `oneOf`: `integer`, `a "quantity" string`. */
function alternative(e: ErrorObject): string {
  return e.keyword === 'format' ? `a "${e.params.format}" string` : String(e.params.type);
}

function errorText(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties': return `unknown field "${e.params.additionalProperty}"`;
    case 'required': return `missing required field "${e.params.missingProperty}"`;
    case 'enum': return `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default: return e.message ?? e.keyword;
  }
}

/** `/spec/template/spec/containers/0` -> `spec.template.spec.containers[0]` (`(root)` for ''). */
export function fieldPath(pointer: string): string {
  if (!pointer) return '(root)';
  return pointer.split('/').slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}
