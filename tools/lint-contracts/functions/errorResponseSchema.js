import { HTTP_METHODS, isPlainObject } from './shared/openapi-operations.js';
import { requiredProperties } from './shared/schema-shape.js';

const ERROR_STATUS = /^([45]\d\d|[45]XX|default)$/i;
const DEFAULT_REQUIRED = ['code', 'message', 'retryable', 'trace_id'];

/**
 * Given a Path Item: every 4xx/5xx/default response must carry the one wire error shape
 * `{code, message, retryable, trace_id}` as application/json, so clients parse every failure the same way.
 * The document is resolved, so a `$ref` to components/schemas/Error arrives as the Error schema itself and
 * is recognised by what it requires.
 */
export default function errorResponseSchema(pathItem, options, context) {
  if (!isPlainObject(pathItem)) return [];
  const mediaType = options?.mediaType ?? 'application/json';
  const mustRequire = options?.requiredProperties ?? DEFAULT_REQUIRED;
  const results = [];
  for (const method of HTTP_METHODS) {
    const responses = pathItem[method]?.responses;
    if (!isPlainObject(responses)) continue;
    for (const [status, response] of Object.entries(responses)) {
      if (!ERROR_STATUS.test(status) || !isPlainObject(response)) continue;
      const where = `${method.toUpperCase()} ${context.path[context.path.length - 1]} → ${status}`;
      const responsePath = [...context.path, method, 'responses', status];
      const media = isPlainObject(response.content) ? response.content[mediaType] : undefined;
      if (!isPlainObject(media) || !isPlainObject(media.schema)) {
        results.push({
          message: `${where} has no \`${mediaType}\` body: give it \`content: {${mediaType}: {schema: {$ref: '#/components/schemas/Error'}}}\` (every failure uses the one error schema).`,
          path: responsePath,
        });
        continue;
      }
      const required = requiredProperties(media.schema);
      const missing = mustRequire.filter((name) => !required.has(name));
      if (missing.length > 0) {
        results.push({
          message: `${where} body is not the Error schema (it does not require ${missing.map((m) => `\`${m}\``).join(', ')}): use \`$ref: '#/components/schemas/Error'\`.`,
          path: [...responsePath, 'content', mediaType, 'schema'],
        });
      }
    }
  }
  return results;
}
