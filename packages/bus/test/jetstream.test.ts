import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Ledger, openLedger } from '@croupier/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dedupe,
  JetStreamTransport,
  MSG_ID_HEADER,
  OutboxRelay,
  type TransportMessage,
} from '../src/index.ts';
import {
  crashingBeforeMark,
  decode,
  enqueueEvents,
  expectOrderedPerPlayer,
  until,
} from './outbox-fixture.ts';
import { natsJetStream, serviceOrSkip } from '@croupier/test-services';
import { NATS_URL, runId } from './services.ts';

const up = await serviceOrSkip(natsJetStream, 'the JetStream transport tests');
const bytes = (s: string) => new TextEncoder().encode(s);

describe.skipIf(!up)('NATS JetStream transport', () => {
  // A stream and subject prefix of this run only, so parallel runs never see each other's messages.
  const id = runId();
  const stream = `CROUPIER_TEST_${id.toUpperCase()}`;
  const prefix = `${id}.croupier.events`;
  let transport: JetStreamTransport;
  let dir: string;
  let ledger: Ledger;

  beforeAll(async () => {
    transport = await JetStreamTransport.connect({ servers: NATS_URL, stream, subjects: [`${prefix}.>`] });
    dir = mkdtempSync(path.join(tmpdir(), 'croupier-js-'));
    ledger = await openLedger({ file: path.join(dir, 'ledger.sqlite') });
  });
  afterAll(async () => {
    await transport?.deleteStream().catch(() => undefined);
    await transport?.close();
    await ledger?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates or updates the stream idempotently', async () => {
    const again = await JetStreamTransport.connect({ servers: NATS_URL, stream, subjects: [`${prefix}.>`] });
    await again.close();
    const info = await transport.manager.streams.info(stream);
    expect(info.config.subjects).toEqual([`${prefix}.>`]);
  });

  it('stores a message published twice with one Nats-Msg-Id once', async () => {
    const subject = `${prefix}.dedup.t1.p1`;
    const first = await transport.publish(subject, bytes('x'), { [MSG_ID_HEADER]: `${id}-once` });
    const second = await transport.publish(subject, bytes('x'), { [MSG_ID_HEADER]: `${id}-once` });
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ seq: first.seq, duplicate: true });
    const info = await transport.manager.streams.info(stream, { subjects_filter: subject });
    expect(info.state.subjects?.[subject]).toBe(1);
  });

  it('a durable consumer receives in order and resumes after its last ack', async () => {
    const subject = `${prefix}.ordered.t1.p1`;
    for (let n = 1; n <= 20; n++)
      await transport.publish(subject, bytes(String(n)), { [MSG_ID_HEADER]: `${id}-o${n}` });
    const seen: number[] = [];
    const decodeN = (m: TransportMessage) => Number(new TextDecoder().decode(m.data));
    const sub = await transport.subscribe(`${prefix}.ordered.>`, (m) => void seen.push(decodeN(m)), {
      durable: `reader_${id}`,
    });
    await until(() => seen.length === 20, '20 messages');
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await sub.unsubscribe();
    for (let n = 21; n <= 23; n++)
      await transport.publish(subject, bytes(String(n)), { [MSG_ID_HEADER]: `${id}-o${n}` });
    const resumed: number[] = [];
    const again = await transport.subscribe(`${prefix}.ordered.>`, (m) => void resumed.push(decodeN(m)), {
      durable: `reader_${id}`,
    });
    await until(() => resumed.length === 3, 'the three new messages');
    expect(resumed).toEqual([21, 22, 23]);
    await again.unsubscribe();
  });

  it('outbox → relay → JetStream: a crash before mark republishes, the stream and the consumer drop the copies', async () => {
    const handled: { player: string; n: number }[] = [];
    const handler = dedupe((m) => void handled.push(decode(m)));
    const durable = `relay_${id}`;
    const sub = await transport.subscribe(`${prefix}.test.>`, handler, { durable });
    await enqueueEvents(ledger, id, ['p1', 'p2', 'p3'], 10);
    await expect(
      new OutboxRelay(crashingBeforeMark(ledger), transport, { batchSize: 1000 }).drainOnce(),
    ).rejects.toThrow(/simulated crash/);
    expect(await new OutboxRelay(ledger.outbox, transport).drain()).toBe(30);
    await until(() => handled.length === 30, '30 handled events');
    // The consumer has nothing left to deliver or to have acknowledged: no copy can still arrive.
    await until(async () => {
      const info = await transport.manager.consumers.info(stream, durable);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, 'the consumer to have delivered everything');
    expect(handled).toHaveLength(30);
    expectOrderedPerPlayer(handled);
    const info = await transport.manager.streams.info(stream, { subjects_filter: `${prefix}.test.>` });
    const stored = Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
    expect(stored).toBe(30);
    await sub.unsubscribe();
  });
});
