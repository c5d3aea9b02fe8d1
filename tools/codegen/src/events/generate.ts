import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { compile } from 'json-schema-to-typescript';
import { parse as parseYaml } from 'yaml';
import { type GeneratedFile, header, type PackageShape, type Provenance } from '../files.ts';
import { packageFiles, runtimeFiles } from '../openapi/client.ts';
import { CodegenError, type JsonObject } from '../openapi/load.ts';
import { atPointer, pascal, resolveRef } from '../openapi/model.ts';

const addFormats = addFormatsModule.default;
const standaloneCode = standaloneModule.default;

export interface EventModel {
  eventType: string;
  version: string;
  /** Absolute `$id` of the payload schema in the validator registry. */
  schemaId: string;
  /** NATS-style subject template from the channel address, e.g. `croupier.events.bet.settled.{tenant_id}.{player_id}`. */
  subject: string;
  /** Message headers every publish must carry, with where their value comes from (`event_id` for `Nats-Msg-Id`). */
  summary: string | undefined;
}

interface Registry {
  /** Absolute URI (the `$id`, or a virtual one when a schema has none) → schema. */
  schemas: Map<string, JsonObject>;
  /** Directory virtual ids are relative to, so no machine path ends up in generated code. */
  root: string;
}

/** Mirrors the directory layout under a fixed base, so relative refs between id-less files still resolve. */
function virtualId(registry: Registry, fileUrl: string): string {
  const relative = path.relative(registry.root, fileURLToPath(fileUrl)).split(path.sep);
  return `https://codegen.invalid/${relative.map((s) => (s === '..' ? '__' : encodeURIComponent(s))).join('/')}`;
}

async function readStructured(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
}

/** What codegen uses of json-schema-ref-parser's `$Refs`: every file a schema reaches, by path. */
interface ResolvedFiles {
  values(): Record<string, JsonObject>;
}

/**
 * Loads a schema file and every file it reaches by `$ref` (json-schema-ref-parser finds and reads them),
 * keyed by `$id` so ajv resolves them as written.
 */
async function register(registry: Registry, fileUrl: string): Promise<string> {
  const options = {
    parse: { yaml: { order: 1, canParse: /\.(ya?ml|json)$/i, parse: readParsed }, json: false, text: false },
    resolve: { http: false, external: true },
  };
  // `as never`: the options type admits no custom parser, and the overload then claims a void result.
  const refs = (await $RefParser.resolve(
    fileURLToPath(fileUrl),
    options as never,
  )) as unknown as ResolvedFiles;
  let rootId = '';
  for (const [file, schema] of Object.entries(refs.values()).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const url = pathToFileURL(file).href;
    const id = typeof schema.$id === 'string' ? schema.$id : virtualId(registry, url);
    if (!registry.schemas.has(id)) registry.schemas.set(id, { ...schema, $id: id });
    if (url === fileUrl) rootId = id;
  }
  return rootId;
}

/** The resolver's parser hook: the same reader as the AsyncAPI document's, so JSON and YAML read alike. */
function readParsed(input: { url: string; data: Buffer | string }): unknown {
  const text = String(input.data);
  return input.url.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
}

/**
 * Schema files that events share (the envelope, money): each becomes one named type in `shared.ts`, and a
 * `$ref` to it becomes a reference to that type, so `EventEnvelope` is declared once for every consumer.
 */
interface SharedTypes {
  /** `$id` → type name (the schema's title). */
  names: Map<string, string>;
  /** Names a dereference pass used; the file being generated imports them. */
  used: Set<string>;
}

/** Inlines refs (by `$id` resolution) so json-schema-to-typescript needs no resolver and never fetches. */
function dereference(
  node: unknown,
  base: string,
  registry: Registry,
  shared: SharedTypes,
  stack: string[] = [],
): unknown {
  if (Array.isArray(node)) return node.map((n) => dereference(n, base, registry, shared, stack));
  if (!node || typeof node !== 'object') return node;
  const source = node as JsonObject;
  const nextBase = typeof source.$id === 'string' ? new URL(source.$id, base).href : base;
  if (typeof source.$ref === 'string') {
    const target = new URL(source.$ref, nextBase);
    const fragment = target.hash;
    target.hash = '';
    const { $ref: _ref, ...siblings } = source;
    const sharedName = fragment ? undefined : shared.names.get(target.href);
    if (sharedName) {
      shared.used.add(sharedName);
      return { ...siblings, tsType: sharedName };
    }
    const doc = registry.schemas.get(target.href);
    const key = `${target.href}${fragment}`;
    if (!doc || stack.includes(key)) return {};
    const resolved = dereference(fragment ? atPointer(doc, fragment) : doc, target.href, registry, shared, [
      ...stack,
      key,
    ]);
    return Object.keys(siblings).length ? { ...(resolved as JsonObject), ...siblings } : resolved;
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === '$id' || key === '$schema' || key === 'examples') continue;
    out[key] =
      key === 'const' || key === 'enum' || key === 'default'
        ? value
        : dereference(value, nextBase, registry, shared, stack);
  }
  return out;
}

/** Titled schema files the event schemas reach by `$ref` and that are no event themselves: the shared types. */
function sharedTypes(registry: Registry, models: readonly EventModel[]): SharedTypes {
  const events = new Set(models.map((m) => m.schemaId));
  const names = new Map<string, string>();
  for (const [id, schema] of [...registry.schemas].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (events.has(id) || id.startsWith('urn:') || typeof schema.title !== 'string') continue;
    const name = pascal(schema.title);
    if (name && ![...names.values()].includes(name)) names.set(id, name);
  }
  return { names, used: new Set() };
}

/** Compiles one schema; a fresh `used` set tells which shared types its file must import. */
async function compileType(
  name: string,
  schemaId: string,
  input: EventsInput,
  names: Map<string, string>,
): Promise<{ ts: string; used: string[] }> {
  const shared: SharedTypes = { names, used: new Set() };
  const schema = dereference(
    input.registry.schemas.get(schemaId),
    schemaId,
    input.registry,
    shared,
  ) as JsonObject;
  schema.title = name;
  const ts = await compile(schema as never, name, {
    bannerComment: '',
    format: false,
    declareExternallyReferenced: true,
    strictIndexSignatures: false,
    $refOptions: { resolve: { external: false } } as never,
  });
  return { ts: ts.trim(), used: [...shared.used].filter((n) => n !== name).sort() };
}

/** Draft-07 tuple `items` (AsyncAPI's default schema dialect) in 2020-12 terms. */
function toDraft2020(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toDraft2020);
  if (!node || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'examples' || key === 'const' || key === 'enum' || key === 'default') out[key] = value;
    else out[key] = toDraft2020(value);
  }
  if (Array.isArray(out.items)) {
    out.prefixItems = out.items;
    delete out.items;
    if (out.additionalItems !== undefined) out.items = out.additionalItems;
    delete out.additionalItems;
  }
  return out;
}

/** ajv standalone embeds the schemas it compiled; annotations only make the committed validators bigger. */
function withoutAnnotations(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutAnnotations);
  if (!node || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'examples' || key === 'description' || key === '$comment' || key === 'title') continue;
    if (key === 'const' || key === 'enum' || key === 'default') out[key] = value;
    else if (
      (key === 'properties' || key === 'patternProperties' || key === '$defs') &&
      value &&
      typeof value === 'object'
    ) {
      // Property names are data here: a property called `description` must survive.
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, schema]) => [name, withoutAnnotations(schema)]),
      );
    } else out[key] = withoutAnnotations(value);
  }
  return out;
}

function constOf(schema: JsonObject | undefined, property: string): string | undefined {
  const prop = (schema?.properties as JsonObject | undefined)?.[property] as JsonObject | undefined;
  return typeof prop?.const === 'string' ? prop.const : undefined;
}

/** Inline schemas may `$ref` into the AsyncAPI document itself; those refs are inlined (cycles become `{}`). */
function inlineInternal(doc: JsonObject, node: unknown, stack: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => inlineInternal(doc, n, stack));
  if (!node || typeof node !== 'object') return node;
  const ref = (node as JsonObject).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    if (stack.includes(ref)) return {};
    return inlineInternal(doc, atPointer(doc, ref), [...stack, ref]);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === 'examples' || key === 'const' || key === 'enum' ? value : inlineInternal(doc, value, stack);
  }
  return out;
}

interface EventsInput {
  models: EventModel[];
  registry: Registry;
  version: string;
  title: string;
  notes: string[];
}

export async function readAsyncApi(file: string, schemaDir?: string): Promise<EventsInput> {
  const doc = (await readStructured(file).catch((error: Error) => {
    throw new CodegenError('ASYNCAPI_UNREADABLE', `cannot read ${file}: ${error.message}`);
  })) as JsonObject;
  if (!doc || !/^3\./.test(String(doc.asyncapi ?? ''))) {
    throw new CodegenError(
      'ASYNCAPI_VERSION_UNSUPPORTED',
      `${file} declares asyncapi "${String(doc?.asyncapi ?? '')}"; only AsyncAPI 3 is supported`,
    );
  }
  const info = (doc.info ?? {}) as JsonObject;
  const version = String(info.version ?? '0.0.0');
  const registry: Registry = { schemas: new Map(), root: path.dirname(path.resolve(file)) };
  const notes: string[] = [];
  const baseUrl = pathToFileURL(path.resolve(file)).href;
  const byKey = new Map<string, EventModel>();
  const channels = (doc.channels ?? {}) as JsonObject;
  const subjectOf = new Map<unknown, string>();
  for (const [channelName, rawChannel] of Object.entries(channels)) {
    const channel = resolveRef(doc, rawChannel) as JsonObject;
    const address = typeof channel?.address === 'string' ? channel.address : channelName;
    for (const rawMessage of Object.values((channel?.messages ?? {}) as JsonObject)) {
      const message = resolveRef(doc, rawMessage);
      if (!subjectOf.has(message)) subjectOf.set(message, address);
    }
  }
  const messages = new Map<string, unknown>();
  for (const [name, raw] of Object.entries(
    ((doc.components as JsonObject | undefined)?.messages ?? {}) as JsonObject,
  )) {
    messages.set(name, resolveRef(doc, raw));
  }
  for (const [channelName, rawChannel] of Object.entries(channels)) {
    const channel = resolveRef(doc, rawChannel) as JsonObject;
    for (const [name, raw] of Object.entries((channel?.messages ?? {}) as JsonObject)) {
      const message = resolveRef(doc, raw);
      if (![...messages.values()].includes(message)) messages.set(`${channelName}.${name}`, message);
    }
  }
  for (const [key, rawMessage] of messages) {
    const message = (rawMessage ?? {}) as JsonObject;
    let payload = message.payload as JsonObject | undefined;
    if (!payload) continue;
    if (payload.schema && typeof payload.schemaFormat === 'string') {
      if (!/json|asyncapi|yaml/i.test(payload.schemaFormat)) {
        notes.push(
          `message ${key}: schemaFormat ${payload.schemaFormat} is not JSON Schema; no type or validator generated`,
        );
        continue;
      }
      payload = payload.schema as JsonObject;
    }
    let schemaId: string;
    if (typeof payload.$ref === 'string' && !payload.$ref.startsWith('#')) {
      schemaId = await register(registry, new URL(payload.$ref, baseUrl).href);
    } else {
      schemaId = `urn:croupier:asyncapi:${key}`;
      const inline = toDraft2020(inlineInternal(doc, payload)) as JsonObject;
      registry.schemas.set(schemaId, { ...inline, $id: schemaId });
    }
    const schema = registry.schemas.get(schemaId);
    const eventType =
      constOf(schema, 'event_type') ?? (typeof message.name === 'string' ? message.name : key);
    const eventVersion =
      constOf(schema, 'schema_version') ??
      (typeof message['x-schema-version'] === 'string' ? message['x-schema-version'] : version);
    const id = `${eventType}@${eventVersion}`;
    if (byKey.has(id)) continue;
    byKey.set(id, {
      eventType,
      version: eventVersion,
      schemaId,
      subject: subjectOf.get(rawMessage) ?? eventType,
      summary: typeof message.summary === 'string' ? message.summary : undefined,
    });
  }
  if (schemaDir) {
    // Every version on disk gets a type, including ones the AsyncAPI document no longer routes (consumers read old events).
    const files = (await readdir(schemaDir, { recursive: true })).filter((f) => f.endsWith('.json')).sort();
    for (const relativeFile of files) {
      const url = pathToFileURL(path.join(schemaDir, relativeFile)).href;
      const schemaId = await register(registry, url);
      const schema = registry.schemas.get(schemaId);
      const eventType = constOf(schema, 'event_type');
      const eventVersion = constOf(schema, 'schema_version');
      if (!eventType || !eventVersion || byKey.has(`${eventType}@${eventVersion}`)) continue;
      const sibling = [...byKey.values()].find((m) => m.eventType === eventType);
      byKey.set(`${eventType}@${eventVersion}`, {
        eventType,
        version: eventVersion,
        schemaId,
        subject: sibling?.subject ?? eventType,
        summary: undefined,
      });
    }
  }
  const models = [...byKey.values()].sort((a, b) =>
    a.eventType === b.eventType ? compareVersions(a.version, b.version) : a.eventType < b.eventType ? -1 : 1,
  );
  return { models, registry, version, title: String(info.title ?? 'events'), notes };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number(x) || 0);
  const pb = b.split(/[.-]/).map((x) => Number(x) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export function typeName(model: EventModel): string {
  return `${pascal(model.eventType)}V${model.version.replace(/[^A-Za-z0-9]+/g, '_')}`;
}

function validatorName(model: EventModel): string {
  return `validate_${`${model.eventType}_${model.version}`.replace(/[^A-Za-z0-9]+/g, '_')}`;
}

/**
 * ajv's "esm" standalone output still `require`s its runtime helpers and the format functions. A
 * `createRequire` shim keeps those CommonJS loads exact under Node, tsx and vitest alike (default-import
 * interop differs between them), and no schema is compiled at run time.
 */
function standaloneEsm(code: string): string {
  const body = code.replace(/^"use strict";/, '');
  return `import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\n${body}\n`;
}

export async function generateEvents(
  file: string,
  source: string,
  packageName: string,
  schemaDir?: string,
  shape?: PackageShape,
): Promise<{ files: GeneratedFile[]; notes: string[] }> {
  const input = await readAsyncApi(file, schemaDir);
  const provenance: Provenance = { source, version: input.version, ...(shape ? { shape } : {}) };
  const h = header(provenance);
  const dir = 'events';
  const files: GeneratedFile[] = [];

  const ajv = new Ajv2020({ strict: false, allErrors: true, code: { source: true, esm: true } });
  addFormats(ajv);
  for (const id of [...input.registry.schemas.keys()].sort()) {
    ajv.addSchema(withoutAnnotations(input.registry.schemas.get(id)) as JsonObject, id);
  }
  const exportsMap: Record<string, string> = {};
  for (const model of input.models) exportsMap[validatorName(model)] = model.schemaId;
  const validators = input.models.length ? standaloneEsm(standaloneCode(ajv, exportsMap)) : '';
  files.push({ path: `${dir}/src/validators.js`, content: `${h}/* eslint-disable */\n${validators}` });
  files.push({
    path: `${dir}/src/validators.d.ts`,
    content: [
      h,
      "import type { ValidateFunction } from './runtime/bus.ts';",
      '',
      ...input.models.map((m) => `export declare const ${validatorName(m)}: ValidateFunction;`),
      '',
    ].join('\n'),
  });

  const { names: sharedNames } = sharedTypes(input.registry, input.models);
  const importShared = (used: string[], from: string) =>
    used.length ? `import type { ${used.join(', ')} } from '${from}';\n\n` : '';
  const sharedParts: string[] = [];
  for (const [schemaId, name] of sharedNames) {
    const { ts, used } = await compileType(name, schemaId, input, sharedNames);
    sharedParts.push(`${importShared(used, './shared.ts')}${ts}`);
  }
  if (sharedNames.size) {
    files.push({ path: `${dir}/src/shared.ts`, content: `${h}\n${sharedParts.join('\n\n')}\n` });
  }
  const typeImports: string[] = [];
  for (const model of input.models) {
    const name = typeName(model);
    const { ts, used } = await compileType(name, model.schemaId, input, sharedNames);
    const fileName = `${model.eventType}-${model.version}`.replace(/[^A-Za-z0-9.-]+/g, '_');
    files.push({
      path: `${dir}/src/types/${fileName}.ts`,
      content: `${h}\n${importShared(used, '../shared.ts')}${ts}\n`,
    });
    typeImports.push(`import type { ${name} } from './types/${fileName}.ts';`);
  }

  const grouped = new Map<string, EventModel[]>();
  for (const m of input.models) grouped.set(m.eventType, [...(grouped.get(m.eventType) ?? []), m]);
  const q = (s: string) => JSON.stringify(s);
  files.push({
    path: `${dir}/src/catalogue.ts`,
    content: [
      h,
      "import type { EventCatalogue } from './runtime/bus.ts';",
      ...typeImports,
      `import { ${input.models.map(validatorName).join(', ')} } from './validators.js';`.replace(
        'import {  } from',
        'import {} from',
      ),
      '',
      '/** Every event type and schema version, to its TypeScript type. */',
      'export interface EventMap {',
      ...[...grouped.entries()].map(
        ([type, versions]) =>
          `  ${q(type)}: {\n${versions.map((v) => `    ${q(v.version)}: ${typeName(v)};`).join('\n')}\n  };`,
      ),
      '}',
      '',
      'export type EventType = keyof EventMap;',
      'export type EventVersion<T extends EventType> = keyof EventMap[T] & string;',
      '/** Latest version first is not implied: pick a version explicitly, as consumers must. */',
      'export type EventOf<T extends EventType, V extends EventVersion<T>> = EventMap[T][V];',
      '',
      '/** Subject template (channel address), `$id` and precompiled validator of every event version. */',
      'export const eventCatalogue: EventCatalogue = {',
      ...[...grouped.entries()].map(
        ([type, versions]) =>
          `  ${q(type)}: {\n${versions
            .map(
              (v) =>
                `    ${q(v.version)}: { subject: ${q(v.subject)}, schemaId: ${q(v.schemaId)}, validate: ${validatorName(v)} },`,
            )
            .join('\n')}\n  },`,
      ),
      '};',
      '',
    ].join('\n'),
  });
  files.push(...(await runtimeFiles('events', provenance, `${dir}/src/runtime`)));
  files.push({
    path: `${dir}/src/index.ts`,
    content: [
      h,
      "import { EventBus, type EventBusOptions, type EventTransport } from './runtime/bus.ts';",
      "import { eventCatalogue, type EventMap } from './catalogue.ts';",
      '',
      "export { eventCatalogue, type EventMap, type EventOf, type EventType, type EventVersion } from './catalogue.ts';",
      "export { EventBus, EventError, InMemoryTransport, validateEvent, type EventBusOptions, type EventCatalogue, type EventHandler, type EventTransport, type ReceivedEvent, type Subscription, type TransportMessage, type ValidateFunction } from './runtime/bus.ts';",
      ...(sharedNames.size
        ? [
            `/** Types the event schemas share (the envelope, money), declared once here and imported everywhere. */`,
            `export type { ${[...sharedNames.values()].sort().join(', ')} } from './shared.ts';`,
          ]
        : []),
      ...input.models.map((m) => {
        const fileName = `${m.eventType}-${m.version}`.replace(/[^A-Za-z0-9.-]+/g, '_');
        return `export type { ${typeName(m)} } from './types/${fileName}.ts';`;
      }),
      '',
      '/** The typed facade: `publish`/`subscribe` keyed by `event_type` and `schema_version`, validated both ways. */',
      'export function createEventBus(transport: EventTransport, options: EventBusOptions = {}): EventBus<EventMap> {',
      '  return new EventBus<EventMap>(transport, eventCatalogue, options);',
      '}',
      '',
    ].join('\n'),
  });
  files.push(
    ...packageFiles(
      dir,
      packageName,
      `Event types, validators and a typed bus facade for ${input.title} ${input.version}`,
      provenance,
      {
        ajv: '^8.20.0',
        'ajv-formats': '^3.0.1',
      },
      false,
      ['validators.js', 'validators.d.ts'],
    ),
  );
  return { files, notes: input.notes };
}
