import { schema as validateAgainstSchema } from '@stoplight/spectral-functions';
import { extractDraftVersion, oas3_0, oas3_1, oas3_2 } from '@stoplight/spectral-formats';

/*
 * spectral:oas's `oas3-valid-media-example` / `oas3-valid-schema-example` (the `oasExample` and `oasSchema`
 * functions of @stoplight/spectral-rulesets 1.23, Apache-2.0), with one change: equal schemas share one
 * compiled validator. Spectral deep-clones the schema for every example it checks, so its validator cache
 * (keyed by the schema object) never hits and ajv compiles a validator per example: on Twilio's 1.5 MB
 * description 1,086 compilations of 247 distinct schemas, 1.4 s of a 2.5 s rule run. Here the clone is made
 * once per distinct (schema text, read/write-only relaxation) and reused, so `schema` from
 * @stoplight/spectral-functions finds its compiled validator. Messages, paths and severities are Spectral's;
 * `test/example-rules.test.ts` holds the findings on public descriptions equal to spectral:oas's own.
 */

const MEDIA_VALIDATION_ITEMS = [
  { field: 'example', multiple: false, keyed: false },
  { field: 'examples', multiple: true, keyed: true },
];
const REQUEST_MEDIA_PATHS = [
  ['components', 'requestBodies'],
  ['paths', '*', '*', 'requestBody'],
];
const RESPONSE_MEDIA_PATHS = [
  ['components', 'responses'],
  ['paths', '*', '*', 'responses'],
];
const SCHEMA_VALIDATION_ITEMS = ['example', 'default'];

// json-schema-traverse 1.0's keyword tables, which Spectral's cleanSchema and relaxRequired walk with.
const KEYWORDS = new Set([
  'additionalItems',
  'items',
  'contains',
  'additionalProperties',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
]);
const ARRAY_KEYWORDS = new Set(['items', 'allOf', 'anyOf', 'oneOf']);
const PROPS_KEYWORDS = new Set(['$defs', 'definitions', 'properties', 'patternProperties', 'dependencies']);
const SKIP_KEYWORDS = new Set([
  'default',
  'enum',
  'const',
  'required',
  'maximum',
  'minimum',
  'exclusiveMaximum',
  'exclusiveMinimum',
  'multipleOf',
  'maxLength',
  'minLength',
  'pattern',
  'format',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
]);
const KNOWN_TRAVERSE_KEYWORDS = new Set([...KEYWORDS, ...ARRAY_KEYWORDS, ...PROPS_KEYWORDS]);

function isObject(value) {
  return value !== null && typeof value === 'object';
}

function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}

function escapePointer(token) {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** json-schema-traverse's walk, pre-order only. */
function traverse(schema, allKeys, visit, jsonPtr = '', parentJsonPtr, parentKeyword, parent, keyIndex) {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return;
  visit(schema, jsonPtr, parentJsonPtr, parentKeyword, parent, keyIndex);
  for (const key in schema) {
    const sub = schema[key];
    if (Array.isArray(sub)) {
      if (ARRAY_KEYWORDS.has(key)) {
        for (let i = 0; i < sub.length; i++)
          traverse(sub[i], allKeys, visit, `${jsonPtr}/${key}/${i}`, jsonPtr, key, schema, i);
      }
    } else if (PROPS_KEYWORDS.has(key)) {
      if (sub && typeof sub === 'object') {
        for (const prop in sub)
          traverse(
            sub[prop],
            allKeys,
            visit,
            `${jsonPtr}/${key}/${escapePointer(prop)}`,
            jsonPtr,
            key,
            schema,
            prop,
          );
      }
    } else if (KEYWORDS.has(key) || (allKeys && !SKIP_KEYWORDS.has(key))) {
      traverse(sub, allKeys, visit, `${jsonPtr}/${key}`, jsonPtr, key, schema);
    }
  }
}

function cleanSchema(schema) {
  traverse(schema, true, (fragment, _ptr, _parentPtr, parentKeyword) => {
    if (parentKeyword === undefined || KNOWN_TRAVERSE_KEYWORDS.has(parentKeyword)) return;
    if ('id' in fragment) delete fragment.id;
    // Spectral deletes `id` here too, not `$id`; kept as it is so the findings stay the same.
    if ('$id' in fragment) delete fragment.id;
  });
}

function relaxRequired(schema, readOnlyProperties, writeOnlyProperties) {
  if (!readOnlyProperties && !writeOnlyProperties) return;
  const notPointers = [];
  traverse(schema, false, (fragment, jsonPtr, parentJsonPtr, parentKeyword, parent, propertyName) => {
    if (parentKeyword === 'not') {
      notPointers.push(jsonPtr);
      return;
    }
    if (
      parentJsonPtr !== undefined &&
      notPointers.some((p) => parentJsonPtr === p || parentJsonPtr.startsWith(`${p}/`))
    )
      return;
    if (
      (fragment.readOnly === true && readOnlyProperties) ||
      (fragment.writeOnly === true && writeOnlyProperties)
    ) {
      if (
        parentKeyword === 'properties' &&
        parent &&
        (parent.required === undefined || Array.isArray(parent.required))
      ) {
        parent.required = parent.required?.filter((p) => p !== propertyName);
        if (parent.required?.length === 0) delete parent.required;
      }
    }
  });
}

function isSubpath(path, subPaths) {
  return subPaths.some((subPath) => subPath.every((segment, i) => segment === '*' || segment === path[i]));
}

function* mediaValidationItems(targetVal, givenPath) {
  for (const { field, keyed, multiple } of MEDIA_VALIDATION_ITEMS) {
    if (!(field in targetVal)) continue;
    const value = targetVal[field];
    if (multiple) {
      if (!isObject(value)) continue;
      for (const exampleKey of Object.keys(value)) {
        const exampleValue = value[exampleKey];
        if (keyed && (!isObject(exampleValue) || 'externalValue' in exampleValue)) continue;
        const targetPath = [...givenPath, field, exampleKey];
        if (keyed) targetPath.push('value');
        yield {
          value: keyed && isObject(exampleValue) ? exampleValue.value : exampleValue,
          path: targetPath,
        };
      }
      return;
    }
    yield { value, path: [...givenPath, field] };
    return;
  }
}

function* schemaValidationItems(targetVal, givenPath) {
  for (const field of SCHEMA_VALIDATION_ITEMS) {
    if (field in targetVal) yield { value: targetVal[field], path: [...givenPath, field] };
  }
}

function pointerToPath(pointer) {
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (body === '' || body === '/') return [];
  return body
    .slice(1)
    .split('/')
    .map((token) => decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function schemaProperty(schema, schemaPath) {
  let value = schema;
  for (const fragment of pointerToPath(schemaPath).slice(0, -1)) {
    if (!isPlainObject(value)) return undefined;
    value = value[fragment];
  }
  return value;
}

function rewriteNullable(schema, errors) {
  for (const error of errors) {
    if (error.keyword !== 'type') continue;
    const value = schemaProperty(schema, error.schemaPath);
    if (isPlainObject(value) && value.nullable === true) error.message += ',null';
  }
}

/** oasSchema's choice of JSON Schema dialect for the document, and its nullable rewrite for OpenAPI 3.0. */
function validationOptions(document, schema) {
  const formats = document.formats;
  if (!formats) return { dialect: 'auto', prepareResults: undefined };
  if (formats.has(oas3_2) || formats.has(oas3_1)) {
    const declared = isPlainObject(document.data) ? document.data.jsonSchemaDialect : undefined;
    const dialect =
      typeof declared === 'string' ? (extractDraftVersion(declared) ?? 'draft2020-12') : 'draft2020-12';
    return { dialect, prepareResults: undefined };
  }
  if (formats.has(oas3_0)) return { dialect: 'draft4', prepareResults: rewriteNullable.bind(null, schema) };
  return { dialect: 'draft4', prepareResults: undefined };
}

/** Per document (as Spectral's own validator cache is): schema text and relaxation → the one schema object. */
const preparedSchemas = new WeakMap();

function preparedSchema(documentInventory, original, readOnly, writeOnly) {
  let prepared = preparedSchemas.get(documentInventory);
  if (prepared === undefined) {
    prepared = new Map();
    preparedSchemas.set(documentInventory, prepared);
  }
  const text = JSON.stringify(original);
  const key = `${readOnly ? 'r' : '-'}${writeOnly ? 'w' : '-'}${text}`;
  let schema = prepared.get(key);
  if (schema === undefined) {
    schema = JSON.parse(text);
    cleanSchema(schema);
    relaxRequired(schema, readOnly, writeOnly);
    prepared.set(key, schema);
  }
  return schema;
}

/**
 * options: { schemaField: 'schema' | '$', type: 'media' | 'schema' } (OpenAPI 3.x only, like the rules it
 * replaces).
 */
export default function exampleMatchesSchema(targetVal, options, context) {
  // Spectral's `input: { type: 'object' }`: anything else is skipped without a finding.
  if (!isObject(targetVal) || Array.isArray(targetVal)) return undefined;
  const media = options.type === 'media';
  const readOnly = media && isSubpath(context.path, REQUEST_MEDIA_PATHS);
  const writeOnly = media && isSubpath(context.path, RESPONSE_MEDIA_PATHS);
  const original = options.schemaField === '$' ? targetVal : targetVal[options.schemaField];
  const items = media
    ? mediaValidationItems(targetVal, context.path)
    : schemaValidationItems(targetVal, context.path);
  let schema;
  let validation;
  let results;
  for (const item of items) {
    if (schema === undefined) {
      schema = preparedSchema(context.documentInventory, original, readOnly, writeOnly);
      validation = validationOptions(context.document, schema);
    }
    const found = validateAgainstSchema(
      item.value,
      { schema, prepareResults: validation.prepareResults, dialect: validation.dialect },
      { ...context, path: item.path },
    );
    if (Array.isArray(found)) {
      results ??= [];
      results.push(...found);
    }
  }
  return results;
}
