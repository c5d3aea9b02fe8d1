import { HTTP_METHODS, hasHeader, isPlainObject } from './shared/openapi-operations.js';

const RFC3339_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const RFC3339_DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
// IMF-fixdate, the preferred HTTP-date form that RFC 8594 uses for the Sunset header.
const HTTP_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (0[1-9]|[12]\d|3[01]) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} ([01]\d|2[0-3]):[0-5]\d:[0-5]\d GMT$/;

function isSunsetDate(value) {
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  if (typeof value !== 'string') return false;
  if (!RFC3339_DATE.test(value) && !RFC3339_DATE_TIME.test(value) && !HTTP_DATE.test(value)) return false;
  return !Number.isNaN(Date.parse(value));
}

/**
 * Given a Path Item: a deprecated operation must say when it goes away (`x-sunset`, which the gate's
 * sunset checks read) and tell clients at runtime through `Deprecation` and `Sunset` (RFC 8594)
 * response headers, so integrators learn about removal before it happens.
 */
export default function deprecationSunset(pathItem, _options, context) {
  if (!isPlainObject(pathItem)) return [];
  const results = [];
  for (const method of HTTP_METHODS) {
    const operation = pathItem[method];
    if (!isPlainObject(operation) || operation.deprecated !== true) continue;
    const where = `${method.toUpperCase()} ${context.path[context.path.length - 1]}`;
    const operationPath = [...context.path, method];
    if (operation['x-sunset'] === undefined) {
      results.push({
        message: `${where} is deprecated without \`x-sunset\`: add the removal date, e.g. \`x-sunset: '2026-12-31'\` (RFC 3339) or an HTTP-date.`,
        path: operationPath,
      });
    } else if (!isSunsetDate(operation['x-sunset'])) {
      results.push({
        message: `${where} has \`x-sunset: ${String(operation['x-sunset'])}\`, which is not a date: use an RFC 3339 date or date-time (\`'2026-12-31'\`) or an HTTP-date (\`'Thu, 31 Dec 2026 00:00:00 GMT'\`).`,
        path: [...operationPath, 'x-sunset'],
      });
    }
    const responses = isPlainObject(operation.responses) ? operation.responses : {};
    const success = Object.entries(responses).filter(([status]) => /^2(\d\d|XX)$/i.test(status));
    for (const [status, response] of success) {
      const headers = isPlainObject(response) ? response.headers : undefined;
      const missing = ['Deprecation', 'Sunset'].filter((name) => !hasHeader(headers, name));
      if (missing.length === 0) continue;
      results.push({
        message: `${where} → ${status} is deprecated but does not document the ${missing.map((m) => `\`${m}\``).join(' and ')} response header${missing.length > 1 ? 's' : ''}: add ${missing.length > 1 ? 'them' : 'it'} under \`headers\` (RFC 8594) so clients see the deprecation at runtime.`,
        path: [...operationPath, 'responses', status],
      });
    }
  }
  return results;
}
