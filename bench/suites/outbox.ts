import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { JetStreamTransport, MSG_ID_HEADER, OutboxRelay } from '../../packages/bus/src/index.ts';
import { type Ledger, openLedger } from '../../packages/ledger/src/index.ts';
import { postgresReachable, withScratchDatabase } from '../../packages/wallet/src/bench.ts';
import { ratio } from '../load.ts';
import { progress, tcpReachable } from '../shared.ts';
import type { BenchRow, BenchSuite } from './types.ts';

const NATS_URL = 'nats://127.0.0.1:4222';
const POSTGRES_ADMIN_URL = 'postgres://root@127.0.0.1:5432/postgres';
const EVENT_COUNT = 2000;
const PARTITIONS = 20;
const WARMUP_EVENTS = 1000;
const encoder = new TextEncoder();

interface BenchEvent {
  eventId: string;
  subject: string;
  partition: string;
  payload: string;
}

/** Wallet-shaped events (a bet.settled envelope), spread round-robin over PARTITIONS players. */
function events(prefix: string, kind: string): BenchEvent[] {
  return Array.from({ length: EVENT_COUNT }, (_, n) => {
    const player = `p_bench_${n % PARTITIONS}`;
    const eventId = `${prefix}-${kind}-${n}`;
    return {
      eventId,
      partition: player,
      subject: `${prefix}.${kind}.croupier.events.bet.brand-7.${player}`,
      payload: JSON.stringify({
        event_id: eventId,
        event_type: 'bet.settled',
        schema_version: 1,
        occurred_at: new Date().toISOString(),
        brand: 'brand-7',
        region: 'EU',
        player_id: player,
        trace_id: `t_${n}`,
        data: { bet_id: `b_${n}`, round_id: `r_${n}`, win: { amount: '1.00', currency: 'EUR' } },
      }),
    };
  });
}

/**
 * Direct: each partition's events published one after another (awaiting the stream's ack), partitions in
 * parallel — the same ordering guarantee and concurrency the relay gives.
 */
async function direct(transport: JetStreamTransport, list: BenchEvent[]): Promise<number> {
  const partitions = new Map<string, BenchEvent[]>();
  for (const e of list) partitions.set(e.partition, [...(partitions.get(e.partition) ?? []), e]);
  const started = performance.now();
  await Promise.all(
    [...partitions.values()].map(async (mine) => {
      for (const e of mine) {
        await transport.publish(e.subject, encoder.encode(e.payload), {
          'event-type': 'bet.settled',
          [MSG_ID_HEADER]: e.eventId,
        });
      }
    }),
  );
  return list.length / ((performance.now() - started) / 1000);
}

/**
 * One ledger transaction per event, PARTITIONS writers at once (as concurrent wallet requests commit),
 * each naming its player as the wallet does, so PostgreSQL may share commits between players.
 */
async function enqueue(ledger: Ledger, list: BenchEvent[]): Promise<void> {
  const partitions = new Map<string, BenchEvent[]>();
  for (const e of list) partitions.set(e.partition, [...(partitions.get(e.partition) ?? []), e]);
  await Promise.all(
    [...partitions.values()].map(async (mine) => {
      for (const e of mine) {
        await ledger.transaction(
          (tx) =>
            tx.appendEvents([
              {
                event_id: e.eventId,
                subject: e.subject,
                partition_key: e.partition,
                payload: e.payload,
                headers: { 'event-type': 'bet.settled' },
              },
            ]),
          { partition: e.partition },
        );
      }
    }),
  );
}

/** Relay alone: the outbox already holds the events; the clock runs while `drain()` empties it. */
async function drainOnly(ledger: Ledger, transport: JetStreamTransport, list: BenchEvent[]): Promise<number> {
  await enqueue(ledger, list);
  const started = performance.now();
  const published = await new OutboxRelay(ledger.outbox, transport).drain();
  if (published !== list.length) throw new Error(`relay drained ${published}/${list.length} events`);
  return list.length / ((performance.now() - started) / 1000);
}

/**
 * Outbox end to end: events committed through the ledger (see `enqueue`), the relay running meanwhile; the clock stops when the relay has the stream's ack for the last one.
 */
async function viaOutbox(ledger: Ledger, transport: JetStreamTransport, list: BenchEvent[]): Promise<number> {
  let published = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const failures: unknown[] = [];
  const relay = new OutboxRelay(ledger.outbox, transport, {
    onError: (error) => failures.push(error),
    onPublished: (count) => {
      published += count;
      if (published >= list.length) done();
    },
  });
  const started = performance.now();
  relay.start();
  try {
    await enqueue(ledger, list);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`relay published ${published}/${list.length} in 60 s`)),
        60_000,
      ).unref(),
    );
    await Promise.race([all, timeout]);
    return list.length / ((performance.now() - started) / 1000);
  } finally {
    await relay.stop();
    if (failures.length > 0) progress(`relay reported ${failures.length} failed rounds (retried)`);
  }
}

async function compare(
  label: string,
  ledger: Ledger,
  transport: JetStreamTransport,
  prefix: string,
): Promise<Array<Omit<BenchRow, 'suite'>>> {
  // Direct before and after ours; the better of the two is the baseline (the conservative ratio).
  const directBefore = await direct(transport, events(prefix, `${label}d1`));
  const endToEnd = await viaOutbox(ledger, transport, events(prefix, `${label}o`));
  progress(`outbox (${label}) → relay → JetStream, end to end: ${Math.round(endToEnd)} events/s`);
  const relayOnly = await drainOnly(ledger, transport, events(prefix, `${label}r`));
  progress(`relay drain of a filled outbox (${label}): ${Math.round(relayOnly)} events/s`);
  const directAfter = await direct(transport, events(prefix, `${label}d2`));
  const directRate = Math.max(directBefore, directAfter);
  progress(`direct JetStream publish: ${Math.round(directBefore)} / ${Math.round(directAfter)} events/s`);
  const baseline = {
    name: 'direct JetStream publish, same events and partition order',
    value: Math.round(directRate),
  };
  return [
    {
      metric: `outbox (${label}) commit + OutboxRelay → JetStream, ${EVENT_COUNT} events, ${PARTITIONS} partitions`,
      value: Math.round(endToEnd),
      unit: 'events/s',
      baseline,
      ratio: ratio(endToEnd, directRate),
    },
    {
      metric: `OutboxRelay drain of a filled ${label} outbox → JetStream`,
      value: Math.round(relayOnly),
      unit: 'events/s',
      baseline,
      ratio: ratio(relayOnly, directRate),
    },
  ];
}

/** The transactional outbox and relay against publishing the same events to JetStream directly. */
export const outbox: BenchSuite = {
  id: 'outbox',
  title: `outbox + relay → NATS JetStream vs direct JetStream publish (${EVENT_COUNT} events, SQLite and PostgreSQL)`,
  async run() {
    if (!(await tcpReachable('127.0.0.1', 4222))) {
      progress(`no NATS at ${NATS_URL}: skipped`);
      return [{ metric: 'outbox skipped: no NATS JetStream at 127.0.0.1:4222', value: 0, unit: '' }];
    }
    const prefix = `bench${process.pid}x${Date.now().toString(36)}`;
    const transport = await JetStreamTransport.connect({
      servers: NATS_URL,
      stream: `CROUPIER_BENCH_${prefix.toUpperCase()}`,
      subjects: [`${prefix}.>`],
      name: 'croupier-bench',
    });
    const rows: Array<Omit<BenchRow, 'suite'>> = [];
    try {
      // Warm the connection and the stream before either clock starts.
      await direct(transport, events(prefix, 'warm').slice(0, WARMUP_EVENTS));
      const dir = await mkdtemp(path.join(os.tmpdir(), 'croupier-bench-outbox-'));
      const ledger = await openLedger({ file: path.join(dir, 'ledger.sqlite') });
      try {
        rows.push(...(await compare('SQLite', ledger, transport, prefix)));
      } finally {
        await ledger.close();
        await rm(dir, { recursive: true, force: true });
      }
      if (await postgresReachable(POSTGRES_ADMIN_URL)) {
        rows.push(
          ...(await withScratchDatabase(POSTGRES_ADMIN_URL, async (url) => {
            const pgLedger = await openLedger({ url });
            try {
              return await compare('PostgreSQL', pgLedger, transport, prefix);
            } finally {
              await pgLedger.close();
            }
          })),
        );
      } else {
        rows.push({
          metric: 'outbox PostgreSQL skipped: no PostgreSQL at 127.0.0.1:5432',
          value: 0,
          unit: '',
        });
      }
      const info = await transport.manager.streams.info(transport.stream);
      progress(
        `stream holds ${info.state.messages} messages (expected ${WARMUP_EVENTS + (rows.length / 2) * 4 * EVENT_COUNT})`,
      );
    } finally {
      await transport.deleteStream().catch(() => undefined);
      await transport.close();
    }
    return rows;
  },
};
