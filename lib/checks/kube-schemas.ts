import { dirname } from 'path';

/**
 * Reads the Kubernetes 1.27.1 JSON schemas that kubernetes-models 4.3.x carries.
 *
 * Each model class (`kubernetes-models/<group>/<version>/<Kind>`) has an "add schema" function,
 * stored on its prototype under the `ADD_SCHEMA` symbol, that registers the schema of the kind and of
 * every definition it references with `@kubernetes-models/validate` through `register(id, schema)`.
 * We call that function while `register` is temporarily replaced by a collector, so we get the raw
 * schemas (to make strict and compile with our own Ajv) without touching the library's validator.
 */

/** A JSON schema object as the library stores it. */
export type JsonSchema = Record<string, any>;

/** The schema id of a kind plus every schema it needs, by id (ids are what `$ref`s point at). */
export interface KindSchemas {
  readonly id: string;
  readonly schemas: Map<string, JsonSchema>;
}

interface ValidateModule {
  register(id: string, schema: JsonSchema): void;
}

/** Resolves a module the way kubernetes-models itself does, so we patch the instance it uses. */
function requireFromModels<T>(request: string): T {
  const modelsDir = dirname(require.resolve('kubernetes-models'));
  return require(require.resolve(request, { paths: [modelsDir] })) as T;
}

/** The module path of a kind's model: `apps/v1` + `StatefulSet`, or `v1` + `Pod` for the core group. */
export function modelModulePath(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/** Loads the model class of `apiVersion`/`kind`, or undefined when kubernetes-models has none. */
function loadModel(apiVersion: string, kind: string): Function | undefined {
  if (!/^[A-Za-z0-9.-]+(\/[A-Za-z0-9]+)?$/.test(apiVersion) || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  try {
      const mod = require(modelModulePath(apiVersion, kind)) as Record<string, unknown>;
    const model = mod[kind];
    return typeof model === 'function' ? model : undefined;
  } catch {
    return undefined;
  }
}

function prototypeSymbol(model: Function, description: string): unknown {
  const proto = model.prototype as Record<symbol, unknown>;
  const symbol = Object.getOwnPropertySymbols(proto).find((s) => s.description === description);
  return symbol ? proto[symbol] : undefined;
}

/**
 * Calls `addSchemas` with `register` replaced by a collector, and returns what it registered
 * (deep-cloned: the library's own objects are never mutated).
 */
function collectRegistrations(addSchemas: () => void): Map<string, JsonSchema> {
  const validate = requireFromModels<ValidateModule>('@kubernetes-models/validate');
  const collected = new Map<string, JsonSchema>();
  const original = validate.register;
  validate.register = (id, schema) => {
    if (!collected.has(id)) collected.set(id, structuredClone(schema));
  };
  try {
    addSchemas();
  } finally {
    validate.register = original;
  }
  return collected;
}

/**
 * The schemas of `apiVersion`/`kind` from kubernetes-models, or undefined when the library has no
 * model for it (alpha APIs, custom resources).
 */
export function kindSchemas(apiVersion: string, kind: string): KindSchemas | undefined {
  const model = loadModel(apiVersion, kind);
  if (!model) return undefined;
  const id = prototypeSymbol(model, 'SCHEMA_ID');
  const addSchema = prototypeSymbol(model, 'ADD_SCHEMA');
  if (typeof id !== 'string' || typeof addSchema !== 'function') return undefined;
  return { id, schemas: collectRegistrations(addSchema as () => void) };
}

/**
 * A `meta/v1` definition of `@kubernetes-models/apimachinery` (`ObjectMeta`, `LabelSelector`) and
 * its dependencies, for the custom resources, which have no model.
 */
export function metaV1Schemas(name: string): KindSchemas {
  const mod = requireFromModels<{ addSchema(): void }>(`@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1${name}`);
  return { id: `io.k8s.apimachinery.pkg.apis.meta.v1.${name}`, schemas: collectRegistrations(() => mod.addSchema()) };
}
