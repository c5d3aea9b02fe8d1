import { effectiveParameters, HTTP_METHODS, isPlainObject } from './shared/openapi-operations.js';

const DEFAULT_METHODS = ['post', 'put', 'patch', 'delete'];

/**
 * Given a Path Item: every write operation must take a required idempotency-key header, because
 * providers retry writes and the wallet deduplicates on that key (architecture: "A bet, end to end").
 * Runs on the resolved document, so `$ref`s to components/parameters are already inlined.
 */
export default function idempotencyKeyOnWrites(pathItem, options, context) {
  if (!isPlainObject(pathItem)) return [];
  const header = (options?.header ?? 'X-Idempotency-Key').toLowerCase();
  const writeMethods = options?.methods ?? DEFAULT_METHODS;
  const results = [];
  for (const method of HTTP_METHODS) {
    const operation = pathItem[method];
    if (!writeMethods.includes(method) || !isPlainObject(operation)) continue;
    const key = effectiveParameters(pathItem, operation).find(
      (p) => String(p.in).toLowerCase() === 'header' && p.name.toLowerCase() === header,
    );
    const where = `${method.toUpperCase()} ${context.path[context.path.length - 1]}`;
    if (key === undefined) {
      results.push({
        message: `${where} is a write but does not take the \`${options?.header ?? 'X-Idempotency-Key'}\` header: add it to the operation's parameters as a required header${options?.parameterRef ? ` (\`- $ref: '${options.parameterRef}'\`)` : ''}, so retries can be deduplicated.`,
        path: [...context.path, method],
      });
    } else if (key.required !== true) {
      results.push({
        message: `${where} declares \`${key.name}\` but not as required: set \`required: true\` so retries can always be deduplicated.`,
        path: [...context.path, method],
      });
    }
  }
  return results;
}
