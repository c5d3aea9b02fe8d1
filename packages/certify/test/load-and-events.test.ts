import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { natsJetStream, serviceOrSkip } from '@croupier/test-services';
import { describe, expect, it } from 'vitest';
import { benchLoadGenerator } from '../src/bench.ts';
import { HttpFaultControl } from '../src/chaos/fault-control.ts';
import { EventSchemas } from '../src/events/catalogue.ts';
import { EVENTS_STREAM, NatsEventFeed } from '../src/events/nats.ts';
import { runLoad } from '../src/load/generator.ts';
import { FakeWallet } from './fixtures/fake-wallet.ts';

describe('load generator', () => {
  it('holds an open-model arrival rate and a closed-model concurrency, and counts retries', async () => {
    const wallet = new FakeWallet();
    const target = await wallet.start();
    try {
      const open = await runLoad(
        'open',
        { baseUrl: target, model: 'open', rate: 100, durationS: 1 },
        async (send) => {
          await send({ operation: 'health', method: 'GET', path: '/health' });
        },
      );
      // Behaviour, not timing: roughly rate × duration arrivals, every one answered.
      expect(open.iterations).toBeGreaterThan(50);
      expect(open.iterations).toBeLessThanOrEqual(110);
      expect(open.errorRate).toBe(0);
      const closed = await runLoad(
        'closed',
        { baseUrl: target, model: 'closed', concurrency: 4, durationS: 0.5, maxRequests: 200 },
        async (send) => {
          await send({ operation: 'health', method: 'GET', path: '/health' });
        },
      );
      expect(closed.requests).toBeLessThanOrEqual(204);
      expect(closed.overall.p99).toBeGreaterThanOrEqual(closed.overall.p50);
      // During an injected outage every POST answers 503: each iteration retries twice and is counted.
      const faults = new HttpFaultControl(target);
      const outage = await faults.set({ kind: 'wallet_outage' });
      const stormy = await runLoad(
        'retries',
        { baseUrl: target, model: 'closed', concurrency: 1, durationS: 5, maxRequests: 9, maxRetries: 2 },
        async (send) => {
          await send({
            operation: 'authorize',
            method: 'POST',
            path: '/v1/bets/authorize',
            body: {
              session_id: 's_1',
              bet_id: 'b_1',
              round_id: 'r_1',
              amount: { amount: '1.00', currency: 'EUR' },
            },
            headers: {
              'x-brand-id': 'brand-7',
              'x-provider-id': 'studio',
              'x-region': 'EU',
              'x-idempotency-key': 'k1',
            },
          });
        },
      );
      await faults.clear(outage);
      expect(stormy.retries).toBe(6);
      expect(stormy.retryRatio).toBeCloseTo(6 / 9);
    } finally {
      await wallet.stop();
    }
  });

  it('benchLoadGenerator compares our generator with autocannon on one endpoint', async () => {
    const wallet = new FakeWallet();
    const target = await wallet.start();
    try {
      const result = await benchLoadGenerator(target, { durationS: 1, connections: 4 });
      expect(result.ours.requests).toBeGreaterThan(0);
      expect(result.autocannon.requests).toBeGreaterThan(0);
      expect(result.ratio).toBeGreaterThan(0);
    } finally {
      await wallet.stop();
    }
  }, 20_000);
});

describe('event schemas', () => {
  it('validates an event against its own type and version and names unknown ones', () => {
    const schemas = new EventSchemas();
    const event = {
      event_type: 'bet.rolled_back',
      schema_version: '1.0.0',
      event_id: randomUUID(),
      occurred_at: new Date().toISOString(),
      tenant_id: 'brand-7',
      region: 'EU',
      player_id: 'p_demo_1',
      trace_id: 'tr_1',
      idempotency_key: 'rb_1',
      payload: { bet_id: 'b_1', round_id: 'r_1', rollback_id: 'rb_1', tombstone: false },
    };
    expect(schemas.validate(event)).toEqual([]);
    expect(schemas.validate({ ...event, payload: { bet_id: 'b_1' } } as typeof event).join()).toMatch(
      /required/,
    );
    expect(schemas.validate({ ...event, schema_version: '9.9.9' }).join()).toMatch(/no schema/);
  });
});

const hasNats = await serviceOrSkip(natsJetStream, 'the NATS JetStream event feed');

describe.skipIf(!hasNats)('NATS JetStream event feed (skipped: no NATS at 127.0.0.1:4222)', () => {
  it('receives events published on croupier.events.> after it started', async () => {
    const nc = await connect({ servers: '127.0.0.1:4222' });
    const jsm = await nc.jetstreamManager();
    await jsm.streams
      .info(EVENTS_STREAM)
      .catch(() => jsm.streams.add({ name: EVENTS_STREAM, subjects: ['croupier.events.>'] }));
    const feed = new NatsEventFeed('nats://127.0.0.1:4222');
    await feed.start();
    const marker = randomUUID();
    await nc
      .jetstream()
      .publish(`croupier.events.bet.settled.brand-7.p_demo_1`, JSON.stringify({ event_id: marker }), {
        msgID: marker,
      });
    const deadline = Date.now() + 5000;
    while (!feed.received().some((r) => r.event.event_id === marker) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await feed.close();
    await nc.close();
    expect(
      feed
        .received()
        .some((r) => r.event.event_id === marker && r.subject?.startsWith('croupier.events.bet.settled')),
    ).toBe(true);
  }, 15_000);
});
