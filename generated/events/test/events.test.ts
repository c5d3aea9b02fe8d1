import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type BetSettledV1_2_0,
  createEventBus,
  type EventEnvelope,
  EventError,
  eventCatalogue,
  InMemoryTransport,
  validateEvent,
} from '../src/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const schemaDir = path.resolve(here, '../../../contracts/schemas/events');

/** Every event schema on disk with its own examples. */
function schemaExamples(): Array<{ type: string; version: string; examples: unknown[] }> {
  const out = [];
  for (const type of readdirSync(schemaDir)) {
    for (const file of readdirSync(path.join(schemaDir, type))) {
      const schema = JSON.parse(readFileSync(path.join(schemaDir, type, file), 'utf8'));
      if (!schema.properties?.event_type?.const) continue;
      out.push({ type, version: file.replace(/\.json$/, ''), examples: schema.examples ?? [] });
    }
  }
  return out;
}

const settled: BetSettledV1_2_0 = {
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
};

describe('generated events package', () => {
  it('has a type, a subject and a precompiled validator for every event schema version, and accepts their examples', () => {
    const all = schemaExamples();
    expect(all.length).toBeGreaterThanOrEqual(12);
    for (const { type, version, examples } of all) {
      const entry = eventCatalogue[type]?.[version];
      expect(entry, `${type} ${version}`).toBeDefined();
      expect(entry?.subject).toBe(`croupier.events.${type}.{tenant_id}.{player_id}`);
      for (const example of examples) expect(() => validateEvent(eventCatalogue, type, version, example)).not.toThrow();
    }
  });

  it('ships validators as standalone code: nothing compiles a schema at run time', () => {
    const code = readFileSync(path.resolve(here, '../src/validators.js'), 'utf8');
    expect(code).not.toMatch(/new Ajv|\.compile\(|require\("ajv"\)/);
    expect(code).toMatch(/export const validate_bet_settled_1_2_0 = /);
  });

  it('publishes a valid event on its tenant/player subject and delivers it typed to a subscriber', async () => {
    const transport = new InMemoryTransport();
    const bus = createEventBus(transport);
    const received: string[] = [];
    await bus.subscribe('bet.settled', '1.2.0', (event) => {
      received.push(`${event.payload.round_id} ${event.payload.win.amount}`);
    });
    const { subject } = await bus.publish('bet.settled', '1.2.0', settled);
    expect(subject).toBe('croupier.events.bet.settled.brand-7.p_demo_1');
    expect(received).toEqual(['r_8c12 14.60']);
    expect(transport.published[0]?.headers).toMatchObject({
      'Nats-Msg-Id': settled.event_id,
      'event-type': 'bet.settled',
      'schema-version': '1.2.0',
    });
  });

  it('validates before publishing: an invalid event throws a coded error and nothing leaves', async () => {
    const transport = new InMemoryTransport();
    const bus = createEventBus(transport);
    const floatMoney = { ...settled, payload: { ...settled.payload, win: { amount: 14.6, currency: 'EUR' } } };
    const error = await bus.publish('bet.settled', '1.2.0', floatMoney as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventError);
    expect(error).toMatchObject({ code: 'EVENT_VALIDATION_FAILED', details: { eventType: 'bet.settled', version: '1.2.0' } });
    expect((error as EventError).details.errors?.[0]?.path).toBe('/payload/win/amount');
    expect(transport.published).toEqual([]);

    const unknown = await bus.publish('bet.settled', '9.9.9' as never, settled as never).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'EVENT_UNKNOWN_TYPE' });
  });

  it('rejects an invalid incoming message before the handler and ignores other versions on the subject', async () => {
    const transport = new InMemoryTransport();
    const invalid: string[] = [];
    const bus = createEventBus(transport, { onInvalid: (error) => void invalid.push(error.code) });
    const handled: unknown[] = [];
    await bus.subscribe('bet.settled', '1.2.0', (event) => void handled.push(event));
    const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const subject = 'croupier.events.bet.settled.brand-7.p_demo_1';
    await transport.publish(subject, bytes({ ...settled, tenant_id: '' }), {});
    await transport.publish(subject, new TextEncoder().encode('{oops'), {});
    await transport.publish(subject, bytes({ ...settled, schema_version: '2.0.0' }), {});
    expect(handled).toEqual([]);
    expect(invalid).toEqual(['EVENT_VALIDATION_FAILED', 'EVENT_UNDECODABLE']);
  });
});

describe('the envelope', () => {
  it('is declared once in the repository, in the generated shared types, and every event type builds on it', () => {
    const repo = path.resolve(here, '../../..');
    const declarations: string[] = [];
    for (const parent of ['packages', 'generated', 'tools']) {
      for (const dir of readdirSync(path.join(repo, parent))) {
        const src = path.join(repo, parent, dir, 'src');
        let files: string[] = [];
        try {
          files = readdirSync(src, { recursive: true }) as string[];
        } catch {
          continue;
        }
        for (const file of files.filter((f) => f.endsWith('.ts'))) {
          const text = readFileSync(path.join(src, file), 'utf8');
          if (/^export (interface EventEnvelope\b|type EventEnvelope =)/m.test(text)) {
            declarations.push(path.join(parent, dir, 'src', file));
          }
        }
      }
    }
    expect(declarations).toEqual([path.join('generated', 'events', 'src', 'shared.ts')]);
    const envelope: EventEnvelope = settled;
    expect(envelope.event_type).toBe('bet.settled');
  });
});
