import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CONTRACT_EVENT_SCHEMAS,
  dualPublish,
  type EventEnvelope,
  EventSchemas,
  FeatureFlags,
  migratedEventId,
} from '../src/index.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/events');
const schemas = new EventSchemas([CONTRACT_EVENT_SCHEMAS, fixtures]);
const FLAG = 'publish.bet_settled_v2';

const settled = (overrides: Partial<EventEnvelope> = {}): EventEnvelope => ({
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
    bet_id: 'b_001',
    bet: { amount: '1.00', currency: 'EUR' },
    win: { amount: '14.60', currency: 'EUR' },
    in_bonus: true,
    freespins_left: 3,
  },
  idempotency_key: 'bet_r_8c12_1',
  ...overrides,
});

/** 1.2.0 → 2.0.0 as the fixture schema defines it. */
const toV2 = (event: EventEnvelope): Record<string, unknown> => {
  const { bet, win, in_bonus, freespins_left, ...rest } = event.payload;
  return {
    ...rest,
    stake: bet,
    payout: win,
    bonus: { active: in_bonus, ...(freespins_left === undefined ? {} : { freespins_left }) },
  };
};

function setup(flagOn: boolean | 'brand-7-only', transform = toV2) {
  const flags = new FeatureFlags();
  if (flagOn === true) flags.set(FLAG, true);
  if (flagOn === 'brand-7-only') flags.override(FLAG, { brand: 'brand-7', enabled: true });
  const published: EventEnvelope[] = [];
  const publish = dualPublish({
    from: 'bet.settled@1.2.0',
    to: 'bet.settled@2.0.0',
    transform,
    flag: FLAG,
    flags,
    schemas,
    publish: async (event) => void published.push(event),
  });
  return { publish, published, flags };
}

describe('dualPublish', () => {
  it('publishes each event in both versions while the flag is on, each valid against its own schema', async () => {
    const { publish, published } = setup(true);
    await publish(settled());
    expect(published.map((e) => `${e.event_type}@${e.schema_version}`)).toEqual([
      'bet.settled@1.2.0',
      'bet.settled@2.0.0',
    ]);
    const [v1, v2] = published as [EventEnvelope, EventEnvelope];
    expect(() => schemas.assertValid(v1)).not.toThrow();
    expect(() => schemas.assertValid(v2)).not.toThrow();
    expect(v2.payload).toEqual({
      round_id: 'r_8c12',
      bet_id: 'b_001',
      stake: { amount: '1.00', currency: 'EUR' },
      payout: { amount: '14.60', currency: 'EUR' },
      bonus: { active: true, freespins_left: 3 },
    });
    // The 2.0.0 schema really is a different major: the old event does not pass it, nor the new the old.
    expect(() => schemas.assertValid({ ...v1, schema_version: '2.0.0' })).toThrow(
      /EVENT_SCHEMA_VIOLATION|does not match/,
    );
    expect(() => schemas.assertValid({ ...v2, schema_version: '1.2.0' })).toThrow(/does not match/);
    expect(v2).toMatchObject({
      tenant_id: 'brand-7',
      player_id: 'p_demo_1',
      trace_id: 'tr_a1b2',
      occurred_at: v1.occurred_at,
    });
    expect(v2.event_id).toBe(migratedEventId(v1.event_id, 'bet.settled@2.0.0'));
    expect(v2.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives a retried event the same migrated id, so consumers dedup the copy as they dedup the original', async () => {
    const { publish, published } = setup(true);
    await publish(settled());
    await publish(settled());
    expect(published[1]?.event_id).toBe(published[3]?.event_id);
    const other = migratedEventId('6f1c2a9e-3b4d-4e5f-8a6b-7c8d9e0f1a03', 'bet.settled@2.0.0');
    expect(other).not.toBe(published[1]?.event_id);
  });

  it('publishes only the old version while the flag is off, and follows per-brand overrides', async () => {
    const off = setup(false);
    await off.publish(settled());
    expect(off.published.map((e) => e.schema_version)).toEqual(['1.2.0']);

    const brand = setup('brand-7-only');
    await brand.publish(settled());
    await brand.publish(settled({ tenant_id: 'brand-9', event_id: '3f2b8c1a-9d4e-4f6a-8b7c-0d1e2f3a4b5d' }));
    expect(brand.published.map((e) => `${e.tenant_id}:${e.schema_version}`)).toEqual([
      'brand-7:1.2.0',
      'brand-7:2.0.0',
      'brand-9:1.2.0',
    ]);
  });

  it('passes other events through untouched', async () => {
    const { publish, published } = setup(true);
    const authorized = { ...settled(), event_type: 'bet.authorized', schema_version: '1.0.0', payload: {} };
    await publish(authorized);
    expect(published).toEqual([authorized]);
  });

  it('publishes neither version when the transform yields an invalid 2.0.0 event', async () => {
    const { publish, published } = setup(true, (event) => ({ ...event.payload }));
    await expect(publish(settled())).rejects.toMatchObject({ code: 'EVENT_SCHEMA_VIOLATION' });
    expect(published).toEqual([]);
  });

  it('rejects an invalid old event before publishing anything', async () => {
    const { publish, published } = setup(true);
    const bad = settled();
    bad.payload.win = { amount: 14.6, currency: 'EUR' };
    await expect(publish(bad)).rejects.toMatchObject({ code: 'EVENT_SCHEMA_VIOLATION' });
    expect(published).toEqual([]);
  });

  it('refuses a target version whose schema is not loaded', () => {
    expect(() =>
      dualPublish({
        from: 'bet.settled@1.2.0',
        to: 'bet.settled@3.0.0',
        transform: toV2,
        flag: FLAG,
        flags: new FeatureFlags(),
        schemas,
        publish: async () => undefined,
      }),
    ).toThrow(/DUAL_PUBLISH_SCHEMA_MISSING.*bet.settled@3.0.0/);
  });
});
