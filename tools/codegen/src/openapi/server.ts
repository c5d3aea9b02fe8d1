import { type GeneratedFile, header, type Provenance } from '../files.ts';
import { packageFiles, responseBodyType, runtimeFiles, bodyType } from './client.ts';
import { sharedSchema, toJsonSchema, type SchemaTranslation } from './json-schema.ts';
import type { JsonObject } from './load.ts';
import { type ApiModel, type OperationModel, pascal } from './model.ts';
import { errorCatalogueCode, operationType, operationsTableCode, statusType } from './tables.ts';

const q = (value: string) => JSON.stringify(value);

/** Formats ajv-formats knows; anything else a contract names is accepted as an annotation. */
const AJV_FORMATS = new Set(
  'date time date-time iso-time iso-date-time duration uri uri-reference uri-template url email hostname ipv4 ipv6 regex uuid json-pointer json-pointer-uri-fragment relative-json-pointer byte int32 int64 float double password binary'.split(
    ' ',
  ),
);

function objectSchema(op: OperationModel, where: 'path' | 'query' | 'header', t: SchemaTranslation) {
  const params = op.parameters.filter((p) => p.in === where);
  if (params.length === 0) return undefined;
  const name = (n: string) => (where === 'header' ? n.toLowerCase() : n);
  const properties: JsonObject = {};
  for (const p of params) properties[name(p.name)] = toJsonSchema(p.schema, t);
  const required = params.filter((p) => p.required).map((p) => name(p.name));
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: true };
}

function routeSpec(op: OperationModel, t: SchemaTranslation) {
  const schema: JsonObject = {};
  const params = objectSchema(op, 'path', t);
  const querystring = objectSchema(op, 'query', t);
  const headers = objectSchema(op, 'header', t);
  if (params) schema.params = params;
  if (querystring) schema.querystring = querystring;
  if (headers) schema.headers = headers;
  if (op.body && /json|x-www-form-urlencoded/.test(op.body.contentType))
    schema.body = toJsonSchema(op.body.schema, t);
  const responses: JsonObject = {};
  for (const r of op.responses) {
    responses[r.status] = {
      ...(r.contentType ? { contentType: r.contentType } : {}),
      ...(r.contentType && /json/.test(r.contentType) ? { schema: toJsonSchema(r.schema, t) } : {}),
    };
  }
  return {
    operationId: op.operationId,
    method: op.method.toUpperCase(),
    path: op.path,
    bodyType: op.body?.contentType,
    bodyRequired: op.body?.required ?? false,
    schema,
    responses,
  };
}

function handlerTypes(op: OperationModel): string {
  const name = pascal(op.operationId);
  const t = operationType(op);
  const part = (where: 'path' | 'query' | 'header') =>
    op.parameters.some((p) => p.in === where)
      ? `NonNullable<${t}['parameters'][${q(where)}]>`
      : 'Record<string, never>';
  const results = op.responses.map((r) => {
    const body = responseBodyType(op, r.status);
    return `  | { status: ${statusType(r.status)}; body${body === 'undefined' ? '?' : ''}: ${body}; headers?: Record<string, string> }`;
  });
  return [
    `/** ${op.method.toUpperCase()} ${op.path} */`,
    `export interface ${name}RequestContext {`,
    `  params: ${part('path')};`,
    `  query: ${part('query')};`,
    `  /** Header names are lower case, as Node delivers them. */`,
    `  headers: LowercaseKeys<${part('header')}> & IncomingHeaders;`,
    `  body: ${op.body ? bodyType(op) : 'undefined'};`,
    '}',
    `export type ${name}Result =\n${results.length ? results.join('\n') : '  HandlerResult'};`,
  ].join('\n');
}

function groupByTag(model: ApiModel): Map<string, OperationModel[]> {
  const groups = new Map<string, OperationModel[]>();
  for (const op of model.operations) {
    const tag = op.tags[0] ?? 'default';
    groups.set(tag, [...(groups.get(tag) ?? []), op]);
  }
  return groups;
}

export async function generateServer(
  model: ApiModel,
  document: JsonObject,
  schemaTs: string,
  provenance: Provenance,
  packageName: string,
): Promise<GeneratedFile[]> {
  const h = header(provenance);
  const dir = 'server';
  const t: SchemaTranslation = {
    dialect: model.dialect,
    schemaId: `urn:croupier:contract:${provenance.source.replace(/[^A-Za-z0-9._-]+/g, ':')}`,
    document,
    formats: new Set(),
  };
  const contract = sharedSchema(t);
  const routes = model.operations.map((op) => routeSpec(op, t));
  const annotationFormats = [...t.formats].filter((f) => !AJV_FORMATS.has(f)).sort();
  const groups = groupByTag(model);
  const interfaces = [...groups.entries()].map(([tag, ops]) => {
    const members = ops.map((op) => {
      const name = pascal(op.operationId);
      return `  ${op.operationId}(request: ${name}RequestContext, context: HandlerContext): Promise<${name}Result>;`;
    });
    return `/** Operations tagged \`${tag}\`. */\nexport interface ${pascal(tag)}Handlers {\n${members.join('\n')}\n}`;
  });
  const handlerNames = [...groups.keys()].map((tag) => `${pascal(tag)}Handlers`);
  const files: GeneratedFile[] = [
    { path: `${dir}/src/schema.ts`, content: `${h}\n${schemaTs}` },
    {
      path: `${dir}/src/operations.ts`,
      content: `${h}\n${operationsTableCode(model)}\n${errorCatalogueCode(model)}`,
    },
    ...(await runtimeFiles('server', provenance, `${dir}/src/runtime`)),
    {
      path: `${dir}/src/contract-schema.ts`,
      content: `${h}\n/** The contract's component schemas as JSON Schema 2020-12; route schemas \`$ref\` into it. */\nexport const contractSchema = ${JSON.stringify(contract, null, 2)};\n\nexport const annotationFormats: readonly string[] = ${JSON.stringify(annotationFormats)};\n`,
    },
    {
      path: `${dir}/src/routes.ts`,
      content: `${h}\nimport type { RouteSpec } from './runtime/plugin.ts';\n\nexport const routes: readonly RouteSpec[] = ${JSON.stringify(routes, null, 2)};\n`,
    },
    {
      path: `${dir}/src/handlers.ts`,
      content: [
        h,
        "import type { HandlerContext, HandlerResult } from './runtime/plugin.ts';",
        "import type { paths } from './schema.ts';",
        '',
        'type LowercaseKeys<T> = { [K in keyof T as Lowercase<K & string>]: T[K] };',
        'type IncomingHeaders = Record<string, string | string[] | undefined>;',
        '',
        ...model.operations.map((op) => `${handlerTypes(op)}\n`),
        ...interfaces.map((i) => `${i}\n`),
        '/** Every operation of the contract: leaving one out is a compile error. */',
        `export type Handlers = ${handlerNames.length ? handlerNames.join(' & ') : 'Record<string, never>'};`,
        '',
      ].join('\n'),
    },
    {
      path: `${dir}/src/plugin.ts`,
      content: [
        h,
        "import type { FastifyInstance } from 'fastify';",
        "import { annotationFormats, contractSchema } from './contract-schema.ts';",
        "import type { Handlers } from './handlers.ts';",
        "import { errorCatalogue } from './operations.ts';",
        "import { routes } from './routes.ts';",
        "import { registerContract, serverOptions, type ContractPluginOptions, type RouteHandler } from './runtime/plugin.ts';",
        '',
        '/**',
        " * Options for the Fastify constructor: the parser's, router's and shutdown answers use the contract's error body.",
        ' * `Fastify({ ...contractServerOptions, bodyLimit, ... })`, then `app.register(contractPlugin, { handlers })`.',
        ' */',
        'export const contractServerOptions = serverOptions(errorCatalogue);',
        '',
        'export interface PluginOptions extends ContractPluginOptions {',
        '  handlers: Handlers;',
        '}',
        '',
        '/**',
        ` * Fastify plugin for ${model.title.replace(/\*\//g, '')} ${model.version}: \`app.register(contractPlugin, { handlers })\`.`,
        ' * Encapsulated on purpose (no fastify-plugin): its validator, error and 404 handlers apply to its routes only.',
        ' */',
        'export async function contractPlugin(fastify: FastifyInstance, options: PluginOptions): Promise<void> {',
        '  await registerContract(fastify, options.handlers as unknown as Record<string, RouteHandler>, options, {',
        '    routes,',
        '    contractSchema,',
        '    errorCatalogue,',
        '    annotationFormats,',
        '  });',
        '}',
        '',
      ].join('\n'),
    },
    {
      path: `${dir}/src/index.ts`,
      content: [
        h,
        "export { contractPlugin, contractServerOptions, type PluginOptions } from './plugin.ts';",
        `export type { Handlers${handlerNames.length ? `, ${handlerNames.join(', ')}` : ''} } from './handlers.ts';`,
        "export type * from './handlers.ts';",
        "export { errorCatalogue, operations, type ErrorCatalogueEntry, type ErrorCode, type OperationId, type OperationInfo } from './operations.ts';",
        "export { routes } from './routes.ts';",
        "export { contractSchema } from './contract-schema.ts';",
        "export { ResponseSchemaViolationError, drainRequest, registerContract, serverOptions, type ContractPluginOptions, type HandlerContext, type HandlerResult, type ResponseViolation, type RouteSpec } from './runtime/plugin.ts';",
        "export type { components, paths } from './schema.ts';",
        '',
      ].join('\n'),
    },
    ...packageFiles(
      dir,
      packageName,
      `Typed Fastify server skeleton for ${model.title} ${model.version}`,
      provenance,
      {
        ajv: '^8.20.0',
        'ajv-formats': '^3.0.1',
        fastify: '^5.6.0',
      },
      false,
    ),
  ];
  return files;
}
