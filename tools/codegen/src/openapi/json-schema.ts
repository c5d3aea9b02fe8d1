import type { JsonObject } from './load.ts';
import { resolveRef } from './model.ts';

/** Keys whose values are data, not schemas: never rewritten. */
const DATA_KEYS = new Set([
  'example',
  'examples',
  'default',
  'enum',
  'const',
  'xml',
  'externalDocs',
  'discriminator',
]);

export interface SchemaTranslation {
  dialect: '3.0' | '3.1';
  /** `$id` of the shared component document route schemas refer into. */
  schemaId: string;
  document: JsonObject;
  /** Collected `format` values, so the runtime can accept the ones ajv-formats does not know. */
  formats: Set<string>;
}

/**
 * OpenAPI schema → JSON Schema 2020-12 as ajv and fast-json-stringify read it:
 * - 3.0 `nullable: true` becomes a `null` type (and a `null` enum member), boolean `exclusiveMinimum`/`exclusiveMaximum`
 *   become the numeric form;
 * - objects that do not say get an explicit `additionalProperties: true`, because fast-json-stringify otherwise drops
 *   unknown properties (e.g. an error's `details`), which JSON Schema allows;
 * - `#/components/schemas/X` refs point into the shared schema; other internal refs are inlined.
 */
export function toJsonSchema(node: unknown, t: SchemaTranslation, depth = 0): unknown {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, t, depth));
  if (!node || typeof node !== 'object') return node;
  const source = node as JsonObject;
  if (typeof source.$ref === 'string') {
    const ref = source.$ref;
    if (ref.startsWith('#/components/schemas/')) {
      return { ...(t.dialect === '3.1' ? stripRef(source, t, depth) : {}), $ref: `${t.schemaId}${ref}` };
    }
    if (ref.startsWith('#/') && depth < 32) return toJsonSchema(resolveRef(t.document, source), t, depth + 1);
    return {};
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith('x-') || key === 'nullable') continue;
    if (DATA_KEYS.has(key)) {
      if (key !== 'xml' && key !== 'externalDocs' && key !== 'discriminator' && key !== 'example')
        out[key] = value;
      continue;
    }
    if (
      key === 'properties' ||
      key === 'patternProperties' ||
      key === '$defs' ||
      key === 'definitions' ||
      key === 'dependentSchemas'
    ) {
      const map: JsonObject = {};
      for (const [name, schema] of Object.entries((value ?? {}) as JsonObject))
        map[name] = toJsonSchema(schema, t, depth);
      out[key] = map;
      continue;
    }
    out[key] = typeof value === 'object' ? toJsonSchema(value, t, depth) : value;
  }
  if (typeof out.format === 'string') t.formats.add(out.format);
  if (t.dialect === '3.0') {
    if (source.nullable === true) {
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      if (!out.type && (out.allOf || out.oneOf || out.anyOf)) {
        return { anyOf: [out, { type: 'null' }] };
      }
    }
    if (out.exclusiveMinimum === true && typeof out.minimum === 'number') {
      out.exclusiveMinimum = out.minimum;
      delete out.minimum;
    } else if (typeof out.exclusiveMinimum === 'boolean') delete out.exclusiveMinimum;
    if (out.exclusiveMaximum === true && typeof out.maximum === 'number') {
      out.exclusiveMaximum = out.maximum;
      delete out.maximum;
    } else if (typeof out.exclusiveMaximum === 'boolean') delete out.exclusiveMaximum;
  }
  const isObject =
    out.type === 'object' || (Array.isArray(out.type) && out.type.includes('object')) || !!out.properties;
  if (isObject && out.additionalProperties === undefined && out.unevaluatedProperties === undefined) {
    out.additionalProperties = true;
  }
  return out;
}

function stripRef(source: JsonObject, t: SchemaTranslation, depth: number): JsonObject {
  const { $ref: _ref, ...rest } = source;
  return toJsonSchema(rest, t, depth) as JsonObject;
}

export function sharedSchema(t: SchemaTranslation): { $id: string; components: { schemas: JsonObject } } {
  const schemas = ((t.document.components as JsonObject | undefined)?.schemas ?? {}) as JsonObject;
  const translated: JsonObject = {};
  for (const [name, schema] of Object.entries(schemas)) translated[name] = toJsonSchema(schema, t);
  return { $id: t.schemaId, components: { schemas: translated } };
}
