/**
 * Crash test (issue 6): `kill -9` the wallet process under load, start it again on the same SQLite
 * file and NATS, retry every request that got no answer with the same key and body (what a
 * provider does), and check that no money was lost or doubled and that each committed operation's
 * events reach a JetStream consumer exactly once after deduplication by event id.
 *
 * The players live in a brand of this run only, so the consumer filters the shared stream on
 * `croupier.events.*.*.<brand>.*` and sees nothing of other runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dedupe, JetStreamTransport, type TransportMessage } from '@croupier/bus';
import { formatAmount, fromMinor, parseAmount } from '@croupier/money';
import { NATS_URL, natsJetStream, serviceOrSkip } from '@croupier/test-services';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openWallet, startWalletProcess, type WalletProcess } from '../src/index.ts';

const up = await serviceOrSkip(natsJetStream, 'the wallet crash test');

const CURRENCY = 'EUR';
const PLAYERS = 8;
const START_CASH = '1000.00';
/** Rounds played to the end before the kill: the process dies with load behind it and more in flight. */
const ROUNDS_BEFORE_KILL = 40;
/** Concurrent clients per player, so many requests are in flight when the process dies. */
const CLIENTS_PER_PLAYER = 3;
const minor = (amount: string) => parseAmount(amount, CURRENCY).minor;
const wire = (m: bigint) => formatAmount(fromMinor(m, CURRENCY));

interface Sent {
  op: 'authorize' | 'settle';
  url: string;
  key: string;
  body: Record<string, unknown>;
  player: number;
  betId: string;
  /** The answer, or null when the connection died before one came. */
  answer: { status: number; raw: string } | null;
}

interface Round {
  player: number;
  betId: string;
  stake: bigint;
  win: bigint;
  authorize: Sent;
  settle?: Sent;
}

describe.skipIf(!up)('wallet crash: kill -9 under load, restart, provider retries', () => {
  const run = `c${process.pid.toString(36)}${Date.now().toString(36)}`;
  const brand = `crash-${run}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'wallet-crash-'));
  const file = path.join(dir, 'wallet.sqlite');
  const playerId = (i: number) => `pc_${i}`;
  const processes: WalletProcess[] = [];
  let transport: JetStreamTransport | undefined;
  const durable = `crash_${run}`;

  afterAll(async () => {
    for (const p of processes) await p.stop('SIGKILL').catch(() => undefined);
    if (transport) {
      await transport.manager.consumers.delete(transport.stream, durable).catch(() => undefined);
      await transport.close().catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const headers = (key?: string) => ({
    'content-type': 'application/json',
    'x-brand-id': brand,
    'x-provider-id': 'studio-x',
    'x-region': 'EU',
    ...(key ? { 'x-idempotency-key': key } : {}),
  });

  async function post(base: string, sent: Sent): Promise<Sent['answer']> {
    try {
      const response = await fetch(`${base}${sent.url}`, {
        method: 'POST',
        headers: headers(sent.key),
        body: JSON.stringify(sent.body),
      });
      return { status: response.status, raw: await response.text() };
    } catch {
      return null;
    }
  }

  it('loses and doubles no money, and every committed operation publishes its events exactly once after dedup', async () => {
    const started = Date.now();
    // Players of a brand of this run, seeded into the file before the first process opens it.
    {
      const wallet = await openWallet({ file });
      for (let i = 0; i < PLAYERS; i++) {
        await wallet.seedPlayer({
          brand,
          region: 'EU',
          player_id: playerId(i),
          currency: CURRENCY,
          cash: START_CASH,
        });
      }
      await wallet.close();
    }

    const first = await startWalletProcess({ file, seed: true, natsUrl: NATS_URL });
    processes.push(first);
    const sessions: string[] = [];
    for (let i = 0; i < PLAYERS; i++) {
      const response = await fetch(`${first.url}/v1/sessions`, {
        method: 'POST',
        headers: headers(`${run}-session-${i}`),
        body: JSON.stringify({
          player_id: playerId(i),
          game_id: 'studio:slot_forge_02',
          currency: CURRENCY,
          locale: 'de-DE',
        }),
      });
      expect(response.status, await response.clone().text()).toBe(201);
      sessions.push(((await response.json()) as { session_id: string }).session_id);
    }

    // ---- load: one client per player, rounds of authorize then settle, until the kill ----------
    const rounds: Round[] = [];
    let killed = false;
    const client = async (player: number, lane: number) => {
      for (let i = 0; !killed; i++) {
        const n = `${lane}_${i}`;
        const betId = `b_${run}_${player}_${n}`;
        const stake = BigInt(1 + Math.floor(Math.random() * 500));
        const win = Math.random() < 0.5 ? 0n : BigInt(Math.floor(Math.random() * 1_000));
        const authorize: Sent = {
          op: 'authorize',
          url: '/v1/bets/authorize',
          key: `${run}-auth-${player}-${n}`,
          body: {
            session_id: sessions[player],
            bet_id: betId,
            round_id: `r_${betId}`,
            amount: { amount: wire(stake), currency: CURRENCY },
          },
          player,
          betId,
          answer: null,
        };
        const round: Round = { player, betId, stake, win, authorize };
        rounds.push(round);
        authorize.answer = await post(first.url, authorize);
        if (!authorize.answer) return;
        expect(authorize.answer.status, authorize.answer.raw).toBe(200);
        round.settle = {
          op: 'settle',
          url: '/v1/bets/settle',
          key: `${run}-settle-${player}-${n}`,
          body: { bet_id: betId, round_id: `r_${betId}`, win: { amount: wire(win), currency: CURRENCY } },
          player,
          betId,
          answer: null,
        };
        round.settle.answer = await post(first.url, round.settle);
        if (!round.settle.answer) return;
        expect(round.settle.answer.status, round.settle.answer.raw).toBe(200);
      }
    };
    const clients = Array.from({ length: PLAYERS * CLIENTS_PER_PLAYER }, (_, i) =>
      client(i % PLAYERS, Math.floor(i / PLAYERS)),
    );
    await vi.waitFor(
      () => {
        const settled = rounds.filter((r) => r.settle?.answer).length;
        if (settled < ROUNDS_BEFORE_KILL)
          throw new Error(`${settled} of ${ROUNDS_BEFORE_KILL} rounds settled`);
      },
      { timeout: 60_000, interval: 20 },
    );
    expect(await first.stop('SIGKILL')).toBeNull();
    killed = true;
    await Promise.all(clients);

    const sent = rounds.flatMap((r) => (r.settle ? [r.authorize, r.settle] : [r.authorize]));
    const unanswered = sent.filter((s) => s.answer === null);
    const answered = sent.filter((s) => s.answer !== null);
    // Which of the unanswered requests had committed before the kill (answer lost on the wire)?
    let committedUnanswered = 0;
    {
      const wallet = await openWallet({ file });
      for (const s of unanswered) {
        const rows = await wallet.ledger.transaction((tx) =>
          tx.query<{ status: bigint }>(
            `SELECT status FROM wallet_idempotency WHERE brand = ? AND idempotency_key = ?`,
            [brand, s.key],
          ),
        );
        if (rows.length > 0) committedUnanswered++;
      }
      await wallet.close();
    }

    // ---- restart on the same file and NATS; the provider retries -----------------------------
    const second = await startWalletProcess({ file, seed: true, natsUrl: NATS_URL });
    processes.push(second);
    for (const s of unanswered) {
      s.answer = await post(second.url, s);
      expect(s.answer?.status, `retry of ${s.op} ${s.key}: ${s.answer?.raw}`).toBe(200);
    }
    // Rounds whose authorize only now got its answer are completed with their settle.
    for (const r of rounds) {
      if (r.settle) continue;
      r.settle = {
        op: 'settle',
        url: '/v1/bets/settle',
        key: `${run}-settle-${r.player}-late-${r.betId}`,
        body: { bet_id: r.betId, round_id: `r_${r.betId}`, win: { amount: wire(r.win), currency: CURRENCY } },
        player: r.player,
        betId: r.betId,
        answer: null,
      };
      r.settle.answer = await post(second.url, r.settle);
      expect(r.settle.answer?.status, r.settle.answer?.raw).toBe(200);
    }
    // A replay of every request answered before the crash gets the stored answer, byte for byte.
    for (const s of answered) {
      const before = s.answer!;
      const replay = await post(second.url, { ...s, answer: null });
      expect(replay, `replay of ${s.op} ${s.key}`).toEqual(before);
    }

    // ---- money: each player's balance is the start plus the effect of each round, once --------
    for (let i = 0; i < PLAYERS; i++) {
      const mine = rounds.filter((r) => r.player === i);
      const expected = mine.reduce((cash, r) => cash - r.stake + r.win, minor(START_CASH));
      const response = await fetch(`${second.url}/v1/players/${playerId(i)}/balance`, { headers: headers() });
      const body = (await response.json()) as { balances: { cash: string; bonus: string }[] };
      expect(body.balances[0], `player ${playerId(i)} after ${mine.length} rounds`).toMatchObject({
        cash: wire(expected),
        bonus: '0.00',
      });
    }

    // ---- events: a consumer of the stream sees each round's events once after dedup ------------
    transport = await JetStreamTransport.connect({ servers: NATS_URL, name: 'croupier-crash-consumer' });
    const unique = new Map<string, { event_type: string; bet_id?: string; player_id: string }>();
    let messages = 0;
    let duplicates = 0;
    const handler = dedupe(
      async (m: TransportMessage) => {
        const envelope = JSON.parse(new TextDecoder().decode(m.data)) as {
          event_id: string;
          event_type: string;
          player_id: string;
          payload: { bet_id?: string };
        };
        unique.set(envelope.event_id, {
          event_type: envelope.event_type,
          player_id: envelope.player_id,
          bet_id: envelope.payload.bet_id,
        });
      },
      {
        idOf: (m) => (JSON.parse(new TextDecoder().decode(m.data)) as { event_id: string }).event_id,
        onDuplicate: () => {
          duplicates++;
        },
      },
    );
    const subscription = await transport.subscribe(
      `croupier.events.*.*.${brand}.*`,
      async (m) => {
        messages++;
        await handler(m);
      },
      { durable },
    );
    const count = (type: string) => [...unique.values()].filter((e) => e.event_type === type).length;
    const consumer = transport;
    // Every round's events in, and the consumer has nothing left to deliver or to have acknowledged:
    // copies the stream holds have all arrived by then and are counted as duplicates.
    await vi.waitFor(
      async () => {
        expect(count('bet.authorized')).toBeGreaterThanOrEqual(rounds.length);
        expect(count('bet.settled')).toBeGreaterThanOrEqual(rounds.length);
        const info = await consumer.manager.consumers.info(consumer.stream, durable);
        expect({ pending: info.num_pending, unacknowledged: info.num_ack_pending }).toEqual({
          pending: 0,
          unacknowledged: 0,
        });
      },
      { timeout: 30_000, interval: 50 },
    );
    await subscription.unsubscribe();

    const perBet = new Map<string, Record<string, number>>();
    for (const e of unique.values()) {
      if (!e.bet_id) continue;
      const counts = perBet.get(e.bet_id) ?? {};
      counts[e.event_type] = (counts[e.event_type] ?? 0) + 1;
      perBet.set(e.bet_id, counts);
    }
    for (const r of rounds) {
      expect(perBet.get(r.betId), `events of ${r.betId}`).toEqual({
        'bet.authorized': 1,
        'wallet.debit': 1,
        'bet.settled': 1,
        'wallet.credit': 1,
      });
    }
    expect(perBet.size).toBe(rounds.length);

    // ---- the books: stop cleanly, then the ledger sums to zero and reconciles ------------------
    expect(await second.stop('SIGTERM')).toBe(0);
    const wallet = await openWallet({ file });
    try {
      const totals = await wallet.ledger.verifyTotals();
      expect(totals.ok).toBe(true);
      expect(totals.currencies.every((c) => c.sum === 0n)).toBe(true);
      for (let i = 0; i < PLAYERS; i++) {
        expect((await wallet.balances(brand, playerId(i)))[CURRENCY]?.held).toBe('0.00');
      }
      const report = await wallet.reconcile();
      expect(report.mismatches).toEqual([]);
      const unpublished = await wallet.ledger.transaction((tx) =>
        tx.query<{ n: bigint }>(`SELECT COUNT(*) AS n FROM ledger_outbox WHERE published_at IS NULL`),
      );
      expect(Number(unpublished[0]?.n ?? 0)).toBe(0);
    } finally {
      await wallet.close();
    }

    console.log(
      `wallet crash: ${rounds.length} rounds, ${answered.length} requests answered before the kill, ` +
        `${unanswered.length} unanswered (${committedUnanswered} of them had committed), all retried with their key; ` +
        `consumer: ${messages} messages, ${unique.size} unique events, ${duplicates} duplicates dropped by event id (the stream drops the relay's republished copies by Nats-Msg-Id first); ` +
        `${Date.now() - started} ms`,
    );
  }, 90_000);
});
