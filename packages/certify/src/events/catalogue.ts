import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { eventSchemasDir } from '@croupier/contracts';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export const DEFAULT_EVENT_SCHEMAS_DIR = eventSchemasDir;

/** Every event JSON Schema under `contracts/schemas/events/<type>/<version>.json`, compiled once. */
export class EventSchemas {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly ids = new Set<string>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(dir: string = DEFAULT_EVENT_SCHEMAS_DIR) {
    addFormats(this.ajv);
    for (const type of readdirSync(dir)) {
      const typeDir = path.join(dir, type);
      if (!statSync(typeDir).isDirectory()) continue;
      for (const file of readdirSync(typeDir).filter((f) => f.endsWith('.json'))) {
        const schema = JSON.parse(readFileSync(path.join(typeDir, file), 'utf8')) as { $id?: string };
        if (schema.$id) {
          this.ajv.addSchema(schema);
          this.ids.add(schema.$id);
        }
      }
    }
  }

  /** Violations of one event, empty when it conforms to the schema its own type and version name. */
  validate(event: { event_type?: unknown; schema_version?: unknown; [field: string]: unknown }): string[] {
    const id = `https://schemas.croupier.dev/events/${String(event.event_type)}/${String(event.schema_version)}.json`;
    if (!this.ids.has(id))
      return [`no schema for ${String(event.event_type)} ${String(event.schema_version)}`];
    let validate = this.compiled.get(id);
    if (!validate) {
      validate = this.ajv.getSchema(id) as ValidateFunction;
      this.compiled.set(id, validate);
    }
    if (validate(event)) return [];
    return (validate.errors ?? [])
      .slice(0, 3)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
  }
}
