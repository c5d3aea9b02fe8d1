import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Ledger, openLedger } from '@croupier/ledger';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedupe, InProcessTransport, MSG_ID_HEADER, OutboxRelay } from '../src/index.ts';
import {
  crashingBeforeMark,
  decode,
  enqueueEvents,
  expectOrderedPerPlayer,
  until,
} from './outbox-fixture.ts';
import { postgres, serviceOrSkip } from '@croupier/test-services';
import { POSTGRES_URL, runId } from './services.ts';

describe('outbox relay on a SQLite ledger', () => {
  let dir: string;
  let ledger: Ledger;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'croupier-relay-'));
    ledger = await openLedger({ file: path.join(dir, 'ledger.sqlite') });
  });
  afterAll(async () => {
    await ledger?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes in order per player and marks the rows published', async () => {
    const transport = new InProcessTransport();
    const received: { player: string; n: number }[] = [];
    transport.subscribe('r1.croupier.events.>', (m) => void received.push(decode(m)));
    await enqueueEvents(ledger, 'r1', ['p1', 'p2', 'p3'], 20);
    const relay = new OutboxRelay(ledger.outbox, transport, { batchSize: 7 });
    expect(await relay.drain()).toBe(60);
    await until(() => received.length === 60, '60 deliveries');
    const byPlayer = expectOrderedPerPlayer(received);
    expect(byPlayer.get('p2')).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await ledger.outbox.unpublishedCount()).toBe(0);
    expect(transport.messages[0]?.headers[MSG_ID_HEADER]).toBe('r1-p1-1');
  });

  it('runs on its own: a commit pokes it, and the delay hook holds events back', async () => {
    const transport = new InProcessTransport();
    const received: string[] = [];
    transport.subscribe('r2.croupier.events.>', (m) => void received.push(m.headers[MSG_ID_HEADER] ?? ''));
    let delays = 0;
    const relay = new OutboxRelay(ledger.outbox, transport, {
      pollIntervalMs: 60_000,
      delayMs: () => {
        delays += 1;
        return 5;
      },
    });
    relay.start();
    try {
      await enqueueEvents(ledger, 'r2', ['p1'], 3);
      await until(() => received.length === 3, 'the poked relay to publish');
      expect(received).toEqual(['r2-p1-1', 'r2-p1-2', 'r2-p1-3']);
      expect(delays).toBeGreaterThan(0);
    } finally {
      await relay.stop();
    }
  });

  it('after a crash between publish and mark it republishes, and the consumer sees each event once', async () => {
    // No duplicate window on the transport: this test isolates the consumer's own dedup.
    const transport = new InProcessTransport({ duplicateWindowMs: 0 });
    const handled: { player: string; n: number }[] = [];
    const handler = dedupe((m) => void handled.push(decode(m)));
    let delivered = 0;
    transport.subscribe('r3.croupier.events.>', async (m) => {
      await handler(m);
      delivered++;
    });
    await enqueueEvents(ledger, 'r3', ['p1', 'p2'], 10);
    const crashing = new OutboxRelay(crashingBeforeMark(ledger), transport, { batchSize: 1000 });
    await expect(crashing.drainOnce()).rejects.toThrow(/simulated crash/);
    expect(await ledger.outbox.unpublishedCount()).toBe(20);
    expect(await new OutboxRelay(ledger.outbox, transport).drain()).toBe(20);
    await until(() => transport.messages.length === 40, 'both copies to be stored');
    // Every stored copy through the handler: nothing is left to arrive, so `handled` is final.
    await until(() => delivered === 40, 'all forty deliveries');
    expect(handled).toHaveLength(20);
    expectOrderedPerPlayer(handled);
    expect(await ledger.outbox.unpublishedCount()).toBe(0);
  });

  it('keeps a row unpublished when the transport refuses it, and stops that player there', async () => {
    const inner = new InProcessTransport();
    let refuse = true;
    const flaky = {
      publish: async (subject: string, data: Uint8Array, headers: Record<string, string>) => {
        if (refuse && headers[MSG_ID_HEADER] === 'r4-p1-2') throw new Error('broker unavailable');
        return inner.publish(subject, data, headers);
      },
      subscribe: inner.subscribe.bind(inner),
    };
    await enqueueEvents(ledger, 'r4', ['p1', 'p2'], 3);
    const errors: unknown[] = [];
    const relay = new OutboxRelay(ledger.outbox, flaky, { onError: (e) => errors.push(e) });
    expect(await relay.drain()).toBe(4);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    const left = await ledger.outbox.list({ unpublishedOnly: true });
    expect(left.map((r) => r.eventId)).toEqual(['r4-p1-2', 'r4-p1-3']);
    refuse = false;
    expect(await relay.drain()).toBe(2);
    const p1 = inner.messages.filter((m) => m.subject.endsWith('.p1')).map((m) => m.headers[MSG_ID_HEADER]);
    expect(p1).toEqual(['r4-p1-1', 'r4-p1-2', 'r4-p1-3']);
  });
});

const pgUp = await serviceOrSkip(postgres, 'outbox relays on PostgreSQL');

describe.skipIf(!pgUp)('outbox relays sharing one PostgreSQL', () => {
  const schema = `relay_${runId()}`;
  const ledgers: Ledger[] = [];
  afterAll(async () => {
    for (const l of ledgers) await l.close();
    const c = new pg.Client({ connectionString: POSTGRES_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  });

  it('three relays publish every event, in order per player, once after dedup', async () => {
    for (let i = 0; i < 3; i++) ledgers.push(await openLedger({ url: POSTGRES_URL, schema, poolSize: 4 }));
    const [writer] = ledgers as [Ledger];
    const players = ['p1', 'p2', 'p3', 'p4', 'p5'];
    await enqueueEvents(writer, 'pg', players, 40);
    const transport = new InProcessTransport({ duplicateWindowMs: 0 });
    const handled: { player: string; n: number }[] = [];
    const handler = dedupe((m) => void handled.push(decode(m)));
    let delivered = 0;
    transport.subscribe('pg.croupier.events.>', async (m) => {
      await handler(m);
      delivered++;
    });
    const relays = ledgers.map(
      (l) => new OutboxRelay(l.outbox, transport, { batchSize: 15, pollIntervalMs: 5 }),
    );
    for (const r of relays) r.start();
    try {
      await until(async () => (await writer.outbox.unpublishedCount()) === 0, 'the outbox to empty', 30_000);
      await until(() => handled.length === 200, 'all 200 events handled');
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
    // The relays are stopped: once every stored message went through the handler, `handled` is final.
    await until(() => delivered === transport.messages.length, 'every stored message delivered');
    expect(handled).toHaveLength(200);
    const byPlayer = expectOrderedPerPlayer(handled);
    for (const p of players) expect(byPlayer.get(p)).toHaveLength(40);
    // Partition locks mean no relay re-sends another's rows: the raw stream has no copies either.
    expect(transport.messages).toHaveLength(200);
  });
});
