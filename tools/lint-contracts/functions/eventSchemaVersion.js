import { isPlainObject } from './shared/openapi-operations.js';
import { requiredProperties } from './shared/schema-shape.js';

function unresolvedAt(data, path) {
  let node = data;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[segment];
  }
  return node;
}

/** AsyncAPI 3 lets a payload be a Multi Format Schema Object `{schemaFormat, schema}`. */
function payloadSchema(payload) {
  if (isPlainObject(payload) && typeof payload.schemaFormat === 'string' && isPlainObject(payload.schema)) {
    return payload.schema;
  }
  return payload;
}

/**
 * Given an AsyncAPI Message: events evolve by SemVer in the body (brief §7, "events: schema_version in
 * body"), so consumers can only pick the right schema if every payload requires `schema_version`,
 * directly or through `allOf` into the shared envelope. The document is resolved, so the payload's `$ref`
 * into contracts/schemas/events/** arrives inlined.
 */
export default function eventSchemaVersion(message, options, context) {
  if (!isPlainObject(message)) return [];
  // A channel's message that only `$ref`s a component message is checked once, at the component.
  const unresolved = unresolvedAt(context.document.data, context.path);
  const isComponentRef =
    isPlainObject(unresolved) &&
    typeof unresolved.$ref === 'string' &&
    unresolved.$ref.startsWith('#/components/messages/') &&
    context.path[0] === 'channels';
  if (isComponentRef) return [];

  const property = options?.property ?? 'schema_version';
  const name = context.path[context.path.length - 1];
  const schema = payloadSchema(message.payload);
  if (!isPlainObject(schema)) {
    return [
      {
        message: `Message \`${name}\` has no payload schema: give it \`payload: {$ref: '../schemas/events/<event_type>/<version>.json'}\` whose schema requires \`${property}\`.`,
        path: context.path,
      },
    ];
  }
  if (requiredProperties(schema).has(property)) return [];
  return [
    {
      message: `Message \`${name}\`'s payload does not require \`${property}\`: add it to \`required\` (or compose the envelope with \`allOf: [{$ref: '../envelope/1.0.0.json'}]\`) so consumers can pick the schema version.`,
      path: [...context.path, 'payload'],
    },
  ];
}
