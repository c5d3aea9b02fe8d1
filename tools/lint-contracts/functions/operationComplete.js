import { HTTP_METHODS, isPlainObject } from './shared/openapi-operations.js';

function hasExample(media) {
  if (!isPlainObject(media)) return false;
  if (media.example !== undefined) return true;
  if (isPlainObject(media.examples) && Object.keys(media.examples).length > 0) return true;
  const schema = media.schema;
  if (!isPlainObject(schema)) return false;
  return schema.example !== undefined || (Array.isArray(schema.examples) && schema.examples.length > 0);
}

function anyMediaHasExample(content) {
  return isPlainObject(content) && Object.values(content).some(hasExample);
}

/**
 * Given a Path Item: codegen names functions after `operationId`, docs group by tag, and Prism's mock
 * and the certification scenarios replay the examples, so an operation missing any of them breaks a
 * downstream tool rather than just looking untidy.
 */
export default function operationComplete(pathItem, options, context) {
  if (!isPlainObject(pathItem)) return [];
  const results = [];
  for (const method of HTTP_METHODS) {
    const operation = pathItem[method];
    if (!isPlainObject(operation)) continue;
    const where = `${method.toUpperCase()} ${context.path[context.path.length - 1]}`;
    const operationPath = [...context.path, method];
    if (typeof operation.operationId !== 'string' || operation.operationId.trim() === '') {
      results.push({
        message: `${where} has no \`operationId\`: add a camelCase one (codegen names the client and server functions after it).`,
        path: operationPath,
      });
    }
    if (!Array.isArray(operation.tags) || operation.tags.length === 0) {
      results.push({
        message: `${where} has no tag: add at least one entry to \`tags\`.`,
        path: operationPath,
      });
    }
    const body = operation.requestBody;
    if (isPlainObject(body) && isPlainObject(body.content) && !anyMediaHasExample(body.content)) {
      results.push({
        message: `${where} has a request body without an example: add \`example\` or \`examples\` under \`requestBody.content.<media type>\` (Prism and certification replay it).`,
        path: [...operationPath, 'requestBody'],
      });
    }
    const responses = isPlainObject(operation.responses) ? Object.entries(operation.responses) : [];
    const withBody = responses.filter(([, r]) => isPlainObject(r) && isPlainObject(r.content));
    if (options?.everyResponse === true) {
      for (const [status, response] of withBody) {
        if (anyMediaHasExample(response.content)) continue;
        results.push({
          message: `${where} → ${status} has no example: add \`example\` or \`examples\` under its \`content.<media type>\` (Prism serves it when a test asks for that status).`,
          path: [...operationPath, 'responses', status],
        });
      }
    } else if (withBody.length > 0 && !withBody.some(([, r]) => anyMediaHasExample(r.content))) {
      results.push({
        message: `${where} has no response example: add \`example\` or \`examples\` under \`responses.<status>.content.<media type>\` (Prism serves it as the mock answer).`,
        path: [...operationPath, 'responses'],
      });
    }
  }
  return results;
}
