// Shared by the schema rules: what a JSON Schema (after $ref resolution) requires, looking through allOf.

import { isPlainObject } from './openapi-operations.js';

/**
 * The property names a schema makes required, including those contributed by `allOf` members,
 * since an event schema commonly takes `schema_version` from the shared envelope via `allOf`.
 */
export function requiredProperties(schema, seen = new Set()) {
  const names = new Set();
  if (!isPlainObject(schema) || seen.has(schema)) return names;
  seen.add(schema);
  if (Array.isArray(schema.required)) {
    for (const name of schema.required) if (typeof name === 'string') names.add(name);
  }
  if (Array.isArray(schema.allOf)) {
    for (const member of schema.allOf) {
      for (const name of requiredProperties(member, seen)) names.add(name);
    }
  }
  return names;
}

export function schemaTypes(schema) {
  if (!isPlainObject(schema)) return [];
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t) => typeof t === 'string');
  return [];
}
