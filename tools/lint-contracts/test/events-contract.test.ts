import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Diagnostic, DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const asyncapiFile = path.join(repoRoot, 'contracts/asyncapi/events.yaml');
const schemasDir = path.join(repoRoot, 'contracts/schemas/events');
const ID_BASE = 'https://schemas.croupier.dev/events';
const JSON_SCHEMA_2020 = 'application/schema+json;version=draft-2020-12';

const EVENT_VERSIONS: Record<string, string> = {
  'session.started': '1.0.0',
  'session.ended': '1.0.0',
  'bet.authorized': '1.0.0',
  'bet.settled': '1.2.0',
  'bet.rolled_back': '1.0.0',
  'bonus.issued': '1.0.0',
  'bonus.consumed': '1.0.0',
  'wager.progress.updated': '1.0.0',
  'wallet.debit': '1.0.0',
  'wallet.credit': '1.0.0',
  'rg.limit.hit': '1.0.0',
  'rg.reality_check': '1.0.0',
};
const EVENT_TYPES = Object.keys(EVENT_VERSIONS);

// ajv-formats is CommonJS with `exports.default`: under NodeNext TypeScript types the default import as
// the module object, while at run time it may be either the plugin or the module.
const formatsExport = addFormatsModule as unknown as FormatsPlugin | { default: FormatsPlugin };
const addFormats: FormatsPlugin = 'default' in formatsExport ? formatsExport.default : formatsExport;

type JsonObject = Record<string, unknown>;
interface SchemaFile {
  file: string;
  schema: JsonObject & { $id: string; examples?: unknown[] };
}

function loadSchemaFiles(): SchemaFile[] {
  return readdirSync(schemasDir).flatMap((dir) =>
    readdirSync(path.join(schemasDir, dir)).map((name) => {
      const file = path.join(schemasDir, dir, name);
      return { file, schema: JSON.parse(readFileSync(file, 'utf8')) };
    }),
  );
}

// Every schema is registered by $id, so `$ref: ../envelope/1.0.0.json` resolves without touching the disk.
function createValidator(schemas: SchemaFile[]): Ajv2020 {
  const ajv = new Ajv2020({ schemas: schemas.map((s) => s.schema), allErrors: true, strict: true });
  addFormats(ajv);
  return ajv;
}

const schemaUrl = (type: string) => `${ID_BASE}/${type}/${EVENT_VERSIONS[type]}.json`;

// The brief's bet.settled example with its amounts as strings and a real uuid as event_id.
const briefBetSettled = () => ({
  event_type: 'bet.settled',
  schema_version: '1.2.0',
  event_id: '3f2b8c1a-9d4e-4f6a-8b7c-0d1e2f3a4b5c',
  occurred_at: '2025-10-23T16:21:05Z',
  tenant_id: 'brand-7',
  region: 'EU',
  player_id: 'p_demo_1',
  trace_id: 'tr_a1b2',
  payload: {
    round_id: 'r_8c12',
    bet: { amount: '1.00', currency: 'EUR' },
    win: { amount: '14.60', currency: 'EUR' },
    in_bonus: true,
  },
  idempotency_key: 'bet_r_8c12_1',
});

describe('event JSON Schemas', () => {
  const schemas = loadSchemaFiles();
  const ajv = createValidator(schemas);
  const validate = (type: string, event: unknown) => {
    const check = ajv.getSchema(schemaUrl(type));
    if (!check) throw new Error(`schema ${schemaUrl(type)} is not registered`);
    return { ok: check(event) as boolean, errors: check.errors };
  };

  it('has one schema file per event type, plus the envelope and Money', () => {
    const dirs = readdirSync(schemasDir).sort();
    expect(dirs).toEqual([...EVENT_TYPES, 'envelope', 'money'].sort());
    for (const type of EVENT_TYPES) {
      expect(readdirSync(path.join(schemasDir, type))).toEqual([`${EVENT_VERSIONS[type]}.json`]);
    }
  });

  it.each(schemas.map((s) => [path.relative(schemasDir, s.file), s] as const))(
    '%s: $id mirrors the file path, so its version equals the file name',
    (relative, { schema }) => {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(`${ID_BASE}/${relative}`);
      expect(typeof schema.title).toBe('string');
      expect(typeof schema.description).toBe('string');
    },
  );

  it.each(EVENT_TYPES)('%s: composes the envelope and pins event_type and schema_version', (type) => {
    const { schema } = schemas.find((s) => s.schema.$id === schemaUrl(type))!;
    expect(schema.allOf).toEqual([{ $ref: '../envelope/1.0.0.json' }]);
    const properties = schema.properties as Record<string, JsonObject>;
    expect(properties.event_type).toEqual({ const: type });
    expect(properties.schema_version).toEqual({ const: EVENT_VERSIONS[type] });
    expect(properties.payload?.type).toBe('object');
  });

  it.each(schemas.map((s) => [s.schema.$id, s] as const))('%s: its examples validate', (id, { schema }) => {
    if (id.includes('/envelope/')) return; // the envelope alone has no example: events carry one each
    expect(schema.examples?.length).toBeGreaterThan(0);
    const check = ajv.getSchema(id)!;
    for (const example of schema.examples ?? []) {
      expect(check(example), JSON.stringify(check.errors)).toBe(true);
    }
  });

  it("accepts the brief's bet.settled example with amounts as decimal strings", () => {
    const result = validate('bet.settled', briefBetSettled());
    expect(result.ok, JSON.stringify(result.errors)).toBe(true);
  });

  it('rejects an event without schema_version', () => {
    const { schema_version: _dropped, ...event } = briefBetSettled();
    expect(validate('bet.settled', event).ok).toBe(false);
  });

  it('rejects another version of the same event type', () => {
    expect(validate('bet.settled', { ...briefBetSettled(), schema_version: '1.1.0' }).ok).toBe(false);
  });

  it('rejects a numeric amount, as the brief literally wrote it', () => {
    const event = briefBetSettled();
    const numeric = { ...event, payload: { ...event.payload, win: { amount: 14.6, currency: 'EUR' } } };
    expect(validate('bet.settled', numeric).ok).toBe(false);
    const debit = {
      ...(schemas.find((s) => s.schema.$id === schemaUrl('wallet.debit'))!.schema.examples![0] as JsonObject),
    };
    const payload = debit.payload as JsonObject;
    debit.payload = {
      ...payload,
      balance_after: { cash: { amount: 98, currency: 'EUR' }, bonus: payload.amount },
    };
    expect(validate('wallet.debit', debit).ok).toBe(false);
  });

  it('rejects amounts with a sign or an exponent', () => {
    for (const amount of ['-1.00', '1e3', '01.00', '1.', '']) {
      const event = briefBetSettled();
      const bad = { ...event, payload: { ...event.payload, bet: { amount, currency: 'EUR' } } };
      expect(validate('bet.settled', bad).ok, amount).toBe(false);
    }
  });

  it('keeps the envelope closed but tolerates unknown payload fields', () => {
    expect(validate('bet.settled', { ...briefBetSettled(), extra: 1 }).ok).toBe(false);
    const event = briefBetSettled();
    const newer = { ...event, payload: { ...event.payload, added_in_a_minor: 'x' } };
    expect(validate('bet.settled', newer).ok).toBe(true);
  });

  it('rejects an event missing a required payload field', () => {
    const { win: _dropped, ...payload } = briefBetSettled().payload;
    expect(validate('bet.settled', { ...briefBetSettled(), payload }).ok).toBe(false);
  });

  it('rejects a tenant or player id that would break the NATS subject', () => {
    expect(validate('bet.settled', { ...briefBetSettled(), tenant_id: 'brand.7' }).ok).toBe(false);
    expect(validate('bet.settled', { ...briefBetSettled(), player_id: 'p *' }).ok).toBe(false);
  });

  it('allows a null idempotency_key (no originating request) but requires the field', () => {
    expect(validate('bet.settled', { ...briefBetSettled(), idempotency_key: null }).ok).toBe(true);
    const { idempotency_key: _dropped, ...event } = briefBetSettled();
    expect(validate('bet.settled', event).ok).toBe(false);
  });
});

describe('AsyncAPI events document', () => {
  const raw = parseYaml(readFileSync(asyncapiFile, 'utf8')) as {
    channels: Record<string, JsonObject>;
    operations: Record<string, JsonObject>;
    components: { messages: Record<string, JsonObject> };
  };
  let diagnostics: Diagnostic[] = [];
  let document: Awaited<ReturnType<Parser['parse']>>['document'];

  beforeAll(async () => {
    const parsed = await new Parser().parse(readFileSync(asyncapiFile, 'utf8'), { source: asyncapiFile });
    diagnostics = parsed.diagnostics;
    document = parsed.document;
  });

  it('parses with @asyncapi/parser without errors', () => {
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    expect(errors.map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
    expect(document!.info().version()).toBe('1.0.0');
    expect(document!.defaultContentType()).toBe('application/json');
    const nats = document!.servers().get('nats');
    expect(nats?.protocol()).toBe('nats');
    expect(nats?.host()).toBe('127.0.0.1:4222');
  });

  it('resolves each payload $ref to its own schema file, as seen by a registered 2020-12 schema parser', async () => {
    // @asyncapi/parser 3 ships no draft-2020-12 schema parser and, for AsyncAPI 3 documents, neither
    // validates nor warns about payloads in that format; a registered parser's parse() still receives
    // the dereferenced payload. That payload inlines Money once per use, each copy with the same $id,
    // so ajv refuses to compile it: validate events with the schema files loaded by $id instead.
    const seen = new Map<string, unknown>();
    const parser = new Parser();
    parser.registerSchemaParser({
      getMimeTypes: () => [JSON_SCHEMA_2020],
      validate: async () => [],
      parse: async (input) => {
        const schema = input.data as JsonObject & { properties: Record<string, JsonObject> };
        seen.set(String(schema.$id), schema.properties.schema_version?.const);
        return input.data as never;
      },
    });
    const parsed = await parser.parse(readFileSync(asyncapiFile, 'utf8'), { source: asyncapiFile });
    expect(parsed.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error)).toEqual([]);
    expect(Object.fromEntries(seen)).toEqual(
      Object.fromEntries(EVENT_TYPES.map((type) => [schemaUrl(type), EVENT_VERSIONS[type]])),
    );
  });

  it.each(EVENT_TYPES)('%s: has a channel on its NATS subject, a message and a send operation', (type) => {
    const version = EVENT_VERSIONS[type]!;
    const message = document!
      .messages()
      .all()
      .find((m) => m.name() === type);
    expect(message, `no message named ${type}`).toBeDefined();
    expect(message!.extensions().get('x-schema-version')?.value()).toBe(version);
    expect(message!.extensions().get('x-partition-key')?.value()).toEqual(['tenant_id', 'player_id']);
    expect(message!.correlationId()?.location()).toBe('$message.payload#/trace_id');
    expect(message!.schemaFormat()).toBe(JSON_SCHEMA_2020);
    expect(message!.payload()?.properties()?.schema_version).toBeDefined();
    expect(message!.title()).toBeTruthy();
    expect(message!.summary()).toBeTruthy();

    const rawPayload = raw.components.messages[message!.id()]?.payload as
      | { schema: { $ref: string } }
      | undefined;
    expect(rawPayload?.schema.$ref).toBe(`../schemas/events/${type}/${version}.json`);

    const channel = document!
      .channels()
      .all()
      .find((c) =>
        c
          .messages()
          .all()
          .some((m) => m.name() === type),
      );
    expect(channel?.address()).toBe(`croupier.events.${type}.{tenant_id}.{player_id}`);
    expect(
      channel!
        .parameters()
        .all()
        .map((p) => p.id()),
    ).toEqual(['tenant_id', 'player_id']);

    const operation = document!
      .operations()
      .all()
      .find((o) => o.channels().all()[0]?.id() === channel!.id());
    expect(operation?.action()).toBe('send');
    expect(operation!.messages().all()[0]?.name()).toBe(type);
  });

  it('has no channel, message or operation beyond the 12 event types', () => {
    expect(document!.channels().all()).toHaveLength(EVENT_TYPES.length);
    expect(document!.operations().all()).toHaveLength(EVENT_TYPES.length);
    expect(
      document!
        .messages()
        .all()
        .map((m) => m.name())
        .sort(),
    ).toEqual([...EVENT_TYPES].sort());
  });

  it('message examples validate against their schema and carry Nats-Msg-Id = event_id', () => {
    const ajv = createValidator(loadSchemaFiles());
    for (const message of document!.messages().all()) {
      const check = ajv.getSchema(schemaUrl(message.name()!))!;
      expect(message.examples().all().length).toBeGreaterThan(0);
      for (const example of message.examples().all()) {
        const payload = example.payload() as JsonObject;
        expect(check(payload), `${message.name()}: ${JSON.stringify(check.errors)}`).toBe(true);
        expect(example.headers()?.['Nats-Msg-Id']).toBe(payload.event_id);
      }
    }
  });
});
