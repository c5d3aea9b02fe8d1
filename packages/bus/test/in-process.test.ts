import { describe, expect, it, vi } from 'vitest';
import { BusError, dedupe, InProcessTransport, MSG_ID_HEADER, type TransportMessage } from '../src/index.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (m: TransportMessage) => new TextDecoder().decode(m.data);

async function until(check: () => boolean, what: string): Promise<void> {
  await vi.waitFor(
    () => {
      if (!check()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: 2_000, interval: 5 },
  );
}

describe('in-process transport', () => {
  it('routes with NATS wildcards: * is one token, > the rest', async () => {
    const t = new InProcessTransport();
    const got: Record<string, string[]> = { star: [], tail: [], exact: [] };
    t.subscribe('croupier.events.bet.settled.*.*', (m) => void got.star?.push(m.subject));
    t.subscribe('croupier.events.>', (m) => void got.tail?.push(m.subject));
    t.subscribe('croupier.events.bet.authorized.t1.p1', (m) => void got.exact?.push(m.subject));
    await t.publish('croupier.events.bet.settled.t1.p1', bytes('a'), {});
    await t.publish('croupier.events.bet.authorized.t1.p1', bytes('b'), {});
    await t.publish('croupier.events.bet.settled.t1', bytes('c'), {});
    await t.publish('other.events.bet.settled.t1.p1', bytes('d'), {});
    await until(() => got.tail?.length === 3, 'three messages on >');
    expect(got.star).toEqual(['croupier.events.bet.settled.t1.p1']);
    expect(got.exact).toEqual(['croupier.events.bet.authorized.t1.p1']);
    expect(got.tail).toEqual([
      'croupier.events.bet.settled.t1.p1',
      'croupier.events.bet.authorized.t1.p1',
      'croupier.events.bet.settled.t1',
    ]);
  });

  it('refuses malformed subjects with a coded error', async () => {
    const t = new InProcessTransport();
    await expect(t.publish('a.*.b', bytes('x'), {})).rejects.toMatchObject({ code: 'INVALID_SUBJECT' });
    expect(() => t.subscribe('a.>.b', () => undefined)).toThrow(BusError);
  });

  it('stores a repeated Nats-Msg-Id once, like the JetStream duplicate window', async () => {
    const t = new InProcessTransport();
    const first = await t.publish('s.a', bytes('1'), { [MSG_ID_HEADER]: 'e1' });
    const again = await t.publish('s.a', bytes('1'), { [MSG_ID_HEADER]: 'e1' });
    expect(first).toEqual({ seq: 1, duplicate: false });
    expect(again).toEqual({ seq: 1, duplicate: true });
    expect(t.messages).toHaveLength(1);
  });

  it('delivers in order one at a time, redelivers after a handler error, and resumes a durable consumer', async () => {
    const t = new InProcessTransport({ redeliveryDelayMs: 1 });
    const seen: string[] = [];
    let failOnce = true;
    const sub = t.subscribe(
      's.>',
      async (m) => {
        if (text(m) === '2' && failOnce) {
          failOnce = false;
          throw new Error('transient');
        }
        seen.push(text(m));
      },
      { durable: 'reader' },
    );
    for (const n of ['1', '2', '3']) await t.publish('s.x', bytes(n), {});
    await until(() => seen.length === 3, 'three deliveries');
    expect(seen).toEqual(['1', '2', '3']);
    await sub.unsubscribe();
    await t.publish('s.x', bytes('4'), {});
    const resumed: string[] = [];
    t.subscribe('s.>', (m) => void resumed.push(text(m)), { durable: 'reader' });
    await until(() => resumed.length === 1, 'the durable consumer to resume');
    expect(resumed).toEqual(['4']);
  });

  it('consumer dedup hands each event id to the handler once', async () => {
    const t = new InProcessTransport({ duplicateWindowMs: 0 });
    const handled: string[] = [];
    const handler = dedupe((m) => void handled.push(m.headers[MSG_ID_HEADER] ?? ''));
    let delivered = 0;
    t.subscribe('s.>', async (m) => {
      await handler(m);
      delivered++;
    });
    for (const id of ['a', 'b', 'a', 'c', 'b']) await t.publish('s.x', bytes(id), { [MSG_ID_HEADER]: id });
    expect(t.messages).toHaveLength(5);
    // All five through the handler: nothing is left to arrive, so `handled` is final.
    await until(() => delivered === 5, 'all five deliveries');
    expect(handled).toEqual(['a', 'b', 'c']);
  });
});
