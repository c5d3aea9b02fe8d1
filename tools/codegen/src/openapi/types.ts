import { createConfig } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';
import type { JsonObject } from './load.ts';
import { HTTP_METHODS, resolveRef, type ApiModel } from './model.ts';

/**
 * openapi-typescript turns the schemas into types; everything else (methods, handlers, tables) is ours.
 * It gets a copy whose operationIds are the ones we generate names from, so its `operations` match ours
 * and its duplicate-operationId lint cannot stop a tolerable document.
 */
export async function schemaTypes(
  document: JsonObject,
  model: ApiModel,
  /**
   * `request`: a property with a default is optional, since the server fills it in (the client's view);
   * `received`: it is always present (the server's view, after validation applied the defaults).
   */
  view: 'request' | 'received' = 'received',
): Promise<string> {
  const copy = structuredClone(document);
  const byPath = new Map(model.operations.map((op) => [`${op.method} ${op.path}`, op.operationId]));
  for (const [path, rawItem] of Object.entries((copy.paths ?? {}) as JsonObject)) {
    const item = resolveRef<JsonObject>(copy, rawItem);
    if (!item) continue;
    for (const method of HTTP_METHODS) {
      const raw = item[method];
      const operation = resolveRef<JsonObject | undefined>(copy, raw);
      const id = byPath.get(`${method} ${path}`);
      // A shared (referenced) operation gets its own copy so two paths cannot share one name.
      if (operation && id) item[method] = { ...operation, operationId: id };
    }
  }
  const redocly = await createConfig({ rules: {} }, {});
  const ast = await openapiTS(copy as never, {
    silent: true,
    redocly,
    defaultNonNullable: view === 'received',
  });
  return astToString(ast);
}
