import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWallet, startWalletProcess, type Wallet, type WalletProcess } from '../src/index.ts';
import { uniqueId } from './harness.ts';

/** Where two wallet processes meet: one SQLite file or one PostgreSQL database. */
export interface SharedStore {
  name: string;
  /** Process options that point at the shared store, and how to open it from the test. */
  prepare(): Promise<{
    processOptions: { file?: string; databaseUrl?: string };
    open(): Promise<Wallet & { close(): Promise<void> }>;
    dispose(): Promise<void>;
  }>;
}

interface Answer {
  status: number;
  body: Record<string, any>;
  text: string;
}

const ROUNDS = 200;

/**
 * Two wallet processes on one store, and writes on one bet, session or player sent to both at
 * once. Each race must end with exactly one outcome: the loser answers what happened (or the
 * stored replay of its own key), never a 500, never a stored answer that blocks its retry.
 */
export function raceBehaviour(store: SharedStore): void {
  describe(`races between two wallet processes on ${store.name}`, () => {
    const processes: WalletProcess[] = [];
    let wallet: Wallet & { close(): Promise<void> };
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      const prepared = await store.prepare();
      dispose = prepared.dispose;
      // The test's own connection creates the schema before the processes race to.
      wallet = await prepared.open();
      for (let i = 0; i < 2; i++) processes.push(await startWalletProcess(prepared.processOptions));
    }, 90_000);
    afterAll(async () => {
      if (wallet) {
        const report = await wallet.reconcile();
        expect(report.mismatches).toEqual([]);
        const totals = await wallet.ledger.verifyTotals();
        expect(totals.ok).toBe(true);
      }
      for (const p of processes) await p.stop();
      await wallet?.close();
      await dispose?.();
    });

    async function call(which: number, path: string, body: unknown, key = uniqueId('k')): Promise<Answer> {
      const response = await fetch(`${processes[which % 2]!.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-brand-id': 'brand-7',
          'x-provider-id': 'studio-x',
          'x-region': 'EU',
          'x-idempotency-key': key,
        },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text) as Record<string, any>, text };
    }

    async function playerWithSession(cash: string) {
      const p = uniqueId('p');
      await wallet.seedPlayer({ brand: 'brand-7', player_id: p, currency: 'EUR', cash, region: 'EU' });
      const session = await call(0, '/v1/sessions', {
        player_id: p,
        game_id: 'studio:slot_forge_02',
        currency: 'EUR',
        locale: 'de-DE',
      });
      expect(session.status, session.text).toBe(201);
      return { p, s: session.body.session_id as string };
    }
    const money = (amount: string) => ({ amount, currency: 'EUR' });
    const cashOf = async (p: string) => (await wallet.balances('brand-7', p)).EUR!;

    it(`settle against rollback of one bet: one wins, the other says so (${ROUNDS} rounds)`, async () => {
      const { p, s } = await playerWithSession('100000.00');
      const outcomes = { settled: 0, rolledBack: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        const bet = uniqueId('b');
        const auth = await call(round, '/v1/bets/authorize', {
          session_id: s,
          bet_id: bet,
          round_id: 'r',
          amount: money('1.00'),
        });
        expect(auth.status, auth.text).toBe(200);
        const before = await cashOf(p);
        const settleKey = uniqueId('k');
        const rollbackKey = uniqueId('k');
        const [settle, rollback] = await Promise.all([
          call(round, '/v1/bets/settle', { bet_id: bet, round_id: 'r', win: money('3.00') }, settleKey),
          call(round + 1, '/v1/bets/rollback', { bet_id: bet, round_id: 'r' }, rollbackKey),
        ]);
        const statuses = [settle.status, rollback.status].sort();
        expect(statuses, `${settle.text} | ${rollback.text}`).toEqual([200, 409]);
        const after = await cashOf(p);
        if (settle.status === 200) {
          outcomes.settled++;
          expect(rollback.body.code).toBe('ALREADY_SETTLED');
          expect(BigInt(after.cash.replace('.', '')) - BigInt(before.cash.replace('.', ''))).toBe(300n);
        } else {
          outcomes.rolledBack++;
          expect(settle.body.code).toBe('ALREADY_ROLLED_BACK');
          expect(BigInt(after.cash.replace('.', '')) - BigInt(before.cash.replace('.', ''))).toBe(100n);
        }
        expect(after.held).toBe('0.00');
        // Each loser's retry with its own key replays its own answer, byte for byte.
        const again = await Promise.all([
          call(round + 1, '/v1/bets/settle', { bet_id: bet, round_id: 'r', win: money('3.00') }, settleKey),
          call(round, '/v1/bets/rollback', { bet_id: bet, round_id: 'r' }, rollbackKey),
        ]);
        expect(again.map((a) => a.text)).toEqual([settle.text, rollback.text]);
      }
      expect(outcomes.settled + outcomes.rolledBack).toBe(ROUNDS);
    }, 120_000);

    it(`many settles of one bet under different keys: one credit, the rest ALREADY_SETTLED (${ROUNDS / 10} bets x 10)`, async () => {
      const { p, s } = await playerWithSession('100000.00');
      for (let round = 0; round < ROUNDS / 10; round++) {
        const bet = uniqueId('b');
        expect(
          (
            await call(round, '/v1/bets/authorize', {
              session_id: s,
              bet_id: bet,
              round_id: 'r',
              amount: money('1.00'),
            })
          ).status,
        ).toBe(200);
        const before = await cashOf(p);
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            call(i, '/v1/bets/settle', { bet_id: bet, round_id: 'r', win: money('2.00') }),
          ),
        );
        const ok = answers.filter((a) => a.status === 200);
        expect(ok, answers.map((a) => a.text).join('\n')).toHaveLength(1);
        for (const a of answers.filter((x) => x.status !== 200)) {
          expect(a.status, a.text).toBe(409);
          expect(a.body.code).toBe('ALREADY_SETTLED');
        }
        const after = await cashOf(p);
        expect(BigInt(after.cash.replace('.', '')) - BigInt(before.cash.replace('.', ''))).toBe(200n);
      }
    }, 120_000);

    it(`authorize against rollback of a new bet: voided or tombstoned, never DUPLICATE (${ROUNDS} rounds)`, async () => {
      const { p, s } = await playerWithSession('100000.00');
      const start = await cashOf(p);
      for (let round = 0; round < ROUNDS; round++) {
        const bet = uniqueId('b');
        const rollbackKey = uniqueId('k');
        const [auth, rollback] = await Promise.all([
          call(round, '/v1/bets/authorize', {
            session_id: s,
            bet_id: bet,
            round_id: 'r',
            amount: money('1.00'),
          }),
          call(round + 1, '/v1/bets/rollback', { bet_id: bet, round_id: 'r' }, rollbackKey),
        ]);
        expect(rollback.status, rollback.text).toBe(200);
        if (auth.status !== 200) {
          expect(auth.status, auth.text).toBe(409);
          expect(auth.body.code).toBe('BET_ROLLED_BACK');
        }
        // Whatever the order, the stake is back and the rollback's key replays its answer.
        expect(await cashOf(p)).toEqual(start);
        const retry = await call(round, '/v1/bets/rollback', { bet_id: bet, round_id: 'r' }, rollbackKey);
        expect(retry.text).toBe(rollback.text);
      }
    }, 120_000);

    it(`two stakes on one player that only one can cover: exactly one is held (${ROUNDS} rounds)`, async () => {
      for (let round = 0; round < ROUNDS / 4; round++) {
        const { p, s } = await playerWithSession('1.00');
        const answers = await Promise.all(
          [0, 1].map((i) =>
            call(round + i, '/v1/bets/authorize', {
              session_id: s,
              bet_id: uniqueId('b'),
              round_id: 'r',
              amount: money('0.60'),
            }),
          ),
        );
        expect(answers.map((a) => a.status).sort(), answers.map((a) => a.text).join('\n')).toEqual([
          200, 402,
        ]);
        expect(await cashOf(p)).toEqual({ cash: '0.40', bonus: '0.00', held: '0.60' });
      }
    }, 120_000);
  });
}
