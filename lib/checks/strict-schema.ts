import { JsonSchema } from './kube-schemas';

/**
 * Makes an OpenAPI-derived schema reject unknown fields, in place: every schema node that lists
 * `properties` and says nothing about `additionalProperties` gets `additionalProperties: false`.
 *
 * The walk follows schema keywords only (`properties` values, `items`, `additionalProperties`,
 * `oneOf`/`anyOf`/`allOf`, `not`), never property names, so a field that happens to be called
 * `properties` or `$ref` (CustomResourceDefinition's JSONSchemaProps) is not mistaken for a keyword.
 * `$ref`s are left alone: each referenced definition is made strict on its own. Schemas without
 * `properties` (IntOrString and Quantity are `string|number`, RawExtension and JSON are free-form,
 * maps such as labels use `additionalProperties`) are unchanged.
 */
export function makeStrict(schema: JsonSchema): JsonSchema {
  walk(schema);
  return schema;
}

function walk(node: unknown): void {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return;
  const schema = node as JsonSchema;
  if (schema.properties && typeof schema.properties === 'object') {
    if (schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) {
      schema.additionalProperties = false;
    }
    for (const child of Object.values(schema.properties)) walk(child);
  }
  if (Array.isArray(schema.items)) schema.items.forEach(walk);
  else walk(schema.items);
  if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties);
  for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
    if (Array.isArray(schema[keyword])) schema[keyword].forEach(walk);
  }
  walk(schema.not);
}
