// Shared by the OpenAPI rules: which keys of a Path Item are operations, and how parameters combine.

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Operation-level parameters override path-level ones with the same (name, in), as OpenAPI specifies. */
export function effectiveParameters(pathItem, operation) {
  const byKey = new Map();
  for (const source of [pathItem?.parameters, operation?.parameters]) {
    if (!Array.isArray(source)) continue;
    for (const parameter of source) {
      if (!isPlainObject(parameter) || typeof parameter.name !== 'string') continue;
      const location = String(parameter.in ?? '').toLowerCase();
      // Header names are case-insensitive on the wire, so they are compared that way here too.
      const name = location === 'header' ? parameter.name.toLowerCase() : parameter.name;
      byKey.set(`${location}:${name}`, parameter);
    }
  }
  return [...byKey.values()];
}

/** A header map lookup that ignores case, since `Sunset` and `sunset` name the same header. */
export function hasHeader(headers, name) {
  if (!isPlainObject(headers)) return false;
  const wanted = name.toLowerCase();
  return Object.keys(headers).some((key) => key.toLowerCase() === wanted);
}
