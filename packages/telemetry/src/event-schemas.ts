import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { eventSchemasDir } from '@croupier/contracts';
import type { EventEnvelope } from '@croupier/events';

// ajv-formats is CommonJS with `exports.default`, which NodeNext typing does not see as callable.
const formatsExport = addFormatsModule as unknown as FormatsPlugin | { default: FormatsPlugin };
const addFormats: FormatsPlugin = 'default' in formatsExport ? formatsExport.default : formatsExport;

/** `contracts/schemas/events` of this repository. */
export const CONTRACT_EVENT_SCHEMAS = eventSchemasDir;

export const eventSchemaId = (eventType: string, version: string) =>
  `https://schemas.croupier.dev/events/${eventType}/${version}.json`;

/** The envelope every event carries (generated from the contract); the payload is typed by the event schema. */
export type { EventEnvelope };

export class EventSchemaError extends Error {
  constructor(
    readonly code: 'EVENT_SCHEMA_UNKNOWN' | 'EVENT_SCHEMA_VIOLATION',
    message: string,
    readonly errors: string[] = [],
  ) {
    super(message);
    this.name = 'EventSchemaError';
  }
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? jsonFiles(file) : name.endsWith('.json') ? [file] : [];
  });
}

/**
 * Event JSON Schemas loaded by `$id` (the contract's, plus any extra directories such as a next
 * major version under test), so the relative `$ref`s between them resolve by URL.
 */
export class EventSchemas {
  private readonly ajv;

  constructor(directories: readonly string[] = [CONTRACT_EVENT_SCHEMAS]) {
    const schemas = directories
      .flatMap(jsonFiles)
      .map((file) => JSON.parse(readFileSync(file, 'utf8')) as object);
    this.ajv = new Ajv2020({ schemas, strict: false, allErrors: true });
    addFormats(this.ajv);
  }

  has(eventType: string, version: string): boolean {
    return this.ajv.getSchema(eventSchemaId(eventType, version)) !== undefined;
  }

  /** Throws `EventSchemaError` unless `event` is valid against the schema its type and version name. */
  assertValid(event: unknown): asserts event is EventEnvelope {
    const { event_type: type, schema_version: version } = (event ?? {}) as Partial<EventEnvelope>;
    const validate =
      typeof type === 'string' && typeof version === 'string'
        ? this.ajv.getSchema(eventSchemaId(type, version))
        : undefined;
    if (!validate) {
      throw new EventSchemaError(
        'EVENT_SCHEMA_UNKNOWN',
        `no schema for event ${String(type)}@${String(version)}; add contracts/schemas/events/${String(type)}/${String(version)}.json`,
      );
    }
    if (!validate(event)) {
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
      throw new EventSchemaError(
        'EVENT_SCHEMA_VIOLATION',
        `${type}@${version} does not match its schema: ${errors.join('; ')}`,
        errors,
      );
    }
  }
}
