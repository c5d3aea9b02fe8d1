import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountRef,
  houseAccount,
  isLedgerError,
  type Ledger,
  LedgerError,
  type LedgerErrorCode,
  playerAccount,
} from '../src/index.ts';

/** A fresh, empty store that can be opened several times (as several processes would). */
export interface LedgerStore {
  open(): Promise<Ledger>;
  dispose(): Promise<void>;
}

export interface LedgerStoreFactory {
  name: string;
  fresh(): Promise<LedgerStore>;
  /** fast-check runs for the model test (PostgreSQL is slower per run). */
  propertyRuns: number;
}

const EUR = 'EUR';
const cash = (p: string) => ({ ...playerAccount(p, 'cash'), currency: EUR });
const float = houseAccount('float');
const bets = houseAccount('bets');

async function refusal(work: Promise<unknown>): Promise<LedgerError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof LedgerError) return error;
    throw error;
  }
  throw new Error('expected a LedgerError, got success');
}

async function expectCode(work: Promise<unknown>, code: LedgerErrorCode): Promise<LedgerError> {
  const error = await refusal(work);
  expect(error.code).toBe(code);
  return error;
}

const deposit = (
  ledger: Ledger,
  player: string,
  amount: bigint,
  id = `dep-${player}-${amount}-${Math.random()}`,
) =>
  ledger.transaction((tx) =>
    tx.postTransfers([{ id, debit: float, credit: playerAccount(player, 'cash'), amount, currency: EUR }]),
  );

const countRows = async (ledger: Ledger, table: string) =>
  ledger.transaction(
    async (tx) => (await tx.query<{ n: bigint }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n,
  );

export function ledgerBehaviour(factory: LedgerStoreFactory): void {
  describe(`ledger on ${factory.name}`, () => {
    let store: LedgerStore;
    let ledger: Ledger;

    beforeAll(async () => {
      store = await factory.fresh();
      ledger = await store.open();
    });
    afterAll(async () => {
      await ledger?.close();
      await store?.dispose();
    });

    it('forgets accounts opened inside a savepoint that rolled back, so the next transfer finds its accounts', async () => {
      const player = `sp-${Math.random().toString(36).slice(2)}`;
      await ledger.transaction(async (tx) => {
        await tx
          .savepoint(async () => {
            await tx.postTransfers([
              {
                id: `sp-${player}-1`,
                debit: float,
                credit: playerAccount(player, 'cash'),
                amount: 5n,
                currency: EUR,
              },
            ]);
            throw new Error('refused after opening the account');
          })
          .catch(() => undefined);
      });
      await deposit(ledger, player, 7n);
      expect(await ledger.transaction((tx) => tx.balance(cash(player)))).toBe(7n);
    });

    it('refuses a transfer set past the largest balance with BALANCE_LIMIT, writing nothing', async () => {
      const player = `max-${Math.random().toString(36).slice(2)}`;
      await deposit(ledger, player, ledger.maxBalance - 1n);
      await expectCode(deposit(ledger, player, 2n), 'BALANCE_LIMIT');
      await deposit(ledger, player, 1n);
      expect(await ledger.transaction((tx) => tx.balance(cash(player)))).toBe(ledger.maxBalance);
      expect((await ledger.verifyTotals()).ok).toBe(true);
    });

    describe('transfers', () => {
      it('moves money with balanced entries and keeps every currency summing to zero', async () => {
        await deposit(ledger, 't1', 1000n, 't1-dep');
        await ledger.transaction((tx) =>
          tx.postTransfers([
            { id: 't1-bet', debit: playerAccount('t1', 'cash'), credit: bets, amount: 200n, currency: EUR },
            {
              id: 't1-win',
              debit: houseAccount('wins'),
              credit: playerAccount('t1', 'cash'),
              amount: 50n,
              currency: EUR,
            },
          ]),
        );
        expect(await ledger.balance(cash('t1'))).toBe(850n);
        expect(await ledger.balance({ ...bets, currency: EUR })).toBeGreaterThanOrEqual(200n);
        const entries = await ledger.transaction((tx) =>
          tx.query<{ amount: bigint }>(`SELECT amount FROM ledger_entries WHERE transfer_id = ?`, ['t1-bet']),
        );
        expect(entries.map((e) => e.amount).sort()).toEqual([-200n, 200n]);
        const totals = await ledger.verifyTotals();
        expect(totals.ok).toBe(true);
        expect(totals.currencies.find((c) => c.currency === EUR)?.sum).toBe(0n);
      });

      it('accepts zero-amount transfers and returns amounts as bigint', async () => {
        const [t] = await ledger.transaction((tx) =>
          tx.postTransfers([
            { id: 't2-zero', debit: playerAccount('t2', 'cash'), credit: bets, amount: 0n, currency: EUR },
          ]),
        );
        expect(t?.amount).toBe(0n);
        const stored = await ledger.transaction((tx) => tx.getTransfer('t2-zero'));
        expect(stored?.amount).toBe(0n);
        expect(stored?.debit).toEqual(cash('t2'));
      });

      it('refuses a player overdraft with INSUFFICIENT_FUNDS carrying the balance, writing nothing', async () => {
        await deposit(ledger, 't3', 100n, 't3-dep');
        const entriesBefore = await countRows(ledger, 'ledger_entries');
        const error = await expectCode(
          ledger.transaction((tx) =>
            tx.postTransfers([
              {
                id: 't3-ok-leg',
                debit: houseAccount('promo'),
                credit: playerAccount('t3', 'bonus'),
                amount: 5n,
                currency: EUR,
              },
              { id: 't3-bet', debit: playerAccount('t3', 'cash'), credit: bets, amount: 101n, currency: EUR },
            ]),
          ),
          'INSUFFICIENT_FUNDS',
        );
        expect(error.details.balance).toBe(100n);
        expect(await ledger.balance(cash('t3'))).toBe(100n);
        expect(await countRows(ledger, 'ledger_entries')).toBe(entriesBefore);
        expect(await ledger.transaction((tx) => tx.getTransfer('t3-ok-leg'))).toBeNull();
      });

      it('lets the caller catch a refusal and still commit its other writes in the same transaction', async () => {
        await ledger.migrate([
          {
            id: 'behaviour/refusals',
            sqlite: 'CREATE TABLE refusals (id TEXT PRIMARY KEY, code TEXT NOT NULL)',
            postgres: 'CREATE TABLE refusals (id TEXT PRIMARY KEY, code TEXT NOT NULL)',
          },
        ]);
        await ledger.transaction(async (tx) => {
          try {
            await tx.postTransfers([
              { id: 't4-bet', debit: playerAccount('t4', 'cash'), credit: bets, amount: 1n, currency: EUR },
            ]);
          } catch (error) {
            if (!isLedgerError(error, 'INSUFFICIENT_FUNDS')) throw error;
            await tx.exec('INSERT INTO refusals (id, code) VALUES (?, ?)', ['t4-bet', error.code]);
          }
        });
        const rows = await ledger.transaction((tx) =>
          tx.query('SELECT code FROM refusals WHERE id = ?', ['t4-bet']),
        );
        expect(rows).toEqual([{ code: 'INSUFFICIENT_FUNDS' }]);
        expect(await ledger.transaction((tx) => tx.getTransfer('t4-bet'))).toBeNull();
      });

      it('processes a transfer id at most once (DUPLICATE_TRANSFER, nothing written)', async () => {
        await deposit(ledger, 't5', 100n, 't5-dep');
        await expectCode(deposit(ledger, 't5', 100n, 't5-dep'), 'DUPLICATE_TRANSFER');
        expect(await ledger.balance(cash('t5'))).toBe(100n);
        await expectCode(
          ledger.transaction((tx) =>
            tx.postTransfers([
              { id: 't5-x', debit: float, credit: playerAccount('t5', 'cash'), amount: 1n, currency: EUR },
              { id: 't5-x', debit: float, credit: playerAccount('t5', 'cash'), amount: 1n, currency: EUR },
            ]),
          ),
          'DUPLICATE_TRANSFER',
        );
      });

      it('rejects negative amounts and self-transfers', async () => {
        await expectCode(
          ledger.transaction((tx) =>
            tx.postTransfers([
              { id: 't6-neg', debit: float, credit: playerAccount('t6', 'cash'), amount: -1n, currency: EUR },
            ]),
          ),
          'INVALID_AMOUNT',
        );
        await expectCode(
          ledger.transaction((tx) =>
            tx.postTransfers([{ id: 't6-self', debit: float, credit: float, amount: 1n, currency: EUR }]),
          ),
          'INVALID_TRANSFER',
        );
      });

      it('enforces append-only entries and transfers in the database itself', async () => {
        await deposit(ledger, 't7', 10n, 't7-dep');
        await expectCode(
          ledger.transaction((tx) =>
            tx.exec(`UPDATE ledger_entries SET amount = 0 WHERE transfer_id = ?`, ['t7-dep']),
          ),
          'APPEND_ONLY',
        );
        await expectCode(
          ledger.transaction((tx) => tx.exec(`DELETE FROM ledger_entries WHERE transfer_id = ?`, ['t7-dep'])),
          'APPEND_ONLY',
        );
        await expectCode(
          ledger.transaction((tx) => tx.exec(`DELETE FROM ledger_transfers WHERE id = ?`, ['t7-dep'])),
          'APPEND_ONLY',
        );
        expect(await ledger.balance(cash('t7'))).toBe(10n);
      });
    });

    describe('two-phase holds', () => {
      const hold = (id: string, player: string, amount: bigint) =>
        ledger.transaction((tx) =>
          tx.createPending({
            id,
            source: playerAccount(player, 'cash'),
            destination: bets,
            amount,
            currency: EUR,
          }),
        );

      it('holds cash, then posts it to the destination', async () => {
        await deposit(ledger, 'h1', 500n, 'h1-dep');
        const pending = await hold('h1-bet', 'h1', 200n);
        expect(pending).toMatchObject({ state: 'pending', amount: 200n, remaining: 200n });
        expect(await ledger.balance(cash('h1'))).toBe(300n);
        expect(await ledger.balance({ ...playerAccount('h1', 'held'), currency: EUR })).toBe(200n);
        const posted = await ledger.transaction((tx) => tx.postPending({ id: 'h1-bet' }));
        expect(posted).toMatchObject({ state: 'posted', posted: 200n, voided: 0n, remaining: 0n });
        expect(await ledger.balance({ ...playerAccount('h1', 'held'), currency: EUR })).toBe(0n);
        expect(await ledger.balance(cash('h1'))).toBe(300n);
      });

      it('voids a hold back to its source', async () => {
        await deposit(ledger, 'h2', 500n, 'h2-dep');
        await hold('h2-bet', 'h2', 200n);
        const voided = await ledger.transaction((tx) => tx.voidPending({ id: 'h2-bet' }));
        expect(voided).toMatchObject({ state: 'voided', voided: 200n, remaining: 0n });
        expect(await ledger.balance(cash('h2'))).toBe(500n);
      });

      it('holds bonus money the same way', async () => {
        await ledger.transaction((tx) =>
          tx.postTransfers([
            {
              id: 'h3-bonus',
              debit: houseAccount('promo'),
              credit: playerAccount('h3', 'bonus'),
              amount: 80n,
              currency: EUR,
            },
          ]),
        );
        await ledger.transaction((tx) =>
          tx.createPending({
            id: 'h3-bet',
            source: playerAccount('h3', 'bonus'),
            amount: 30n,
            currency: EUR,
          }),
        );
        await ledger.transaction((tx) => tx.voidPending({ id: 'h3-bet' }));
        expect(await ledger.balance({ ...playerAccount('h3', 'bonus'), currency: EUR })).toBe(80n);
      });

      it('settles partially several times, then finally, returning the rest to the source', async () => {
        await deposit(ledger, 'h4', 1000n, 'h4-dep');
        await hold('h4-bet', 'h4', 300n);
        await ledger.transaction((tx) => tx.postPending({ id: 'h4-bet', amount: 100n, final: false }));
        const mid = await ledger.transaction((tx) =>
          tx.postPending({ id: 'h4-bet', amount: 50n, final: false }),
        );
        expect(mid).toMatchObject({ state: 'pending', posted: 150n, remaining: 150n, posts: 2 });
        const last = await ledger.transaction((tx) => tx.postPending({ id: 'h4-bet', amount: 25n }));
        expect(last).toMatchObject({ state: 'posted', posted: 175n, voided: 125n, remaining: 0n, posts: 3 });
        expect(await ledger.balance(cash('h4'))).toBe(825n);
        expect(await ledger.balance({ ...playerAccount('h4', 'held'), currency: EUR })).toBe(0n);
      });

      it('posts or voids a hold at most once', async () => {
        await deposit(ledger, 'h5', 1000n, 'h5-dep');
        await hold('h5-a', 'h5', 100n);
        await ledger.transaction((tx) => tx.postPending({ id: 'h5-a' }));
        await expectCode(
          ledger.transaction((tx) => tx.postPending({ id: 'h5-a' })),
          'PENDING_ALREADY_POSTED',
        );
        await expectCode(
          ledger.transaction((tx) => tx.voidPending({ id: 'h5-a' })),
          'PENDING_ALREADY_POSTED',
        );
        await hold('h5-b', 'h5', 100n);
        await ledger.transaction((tx) => tx.voidPending({ id: 'h5-b' }));
        await expectCode(
          ledger.transaction((tx) => tx.voidPending({ id: 'h5-b' })),
          'PENDING_ALREADY_VOIDED',
        );
        await expectCode(
          ledger.transaction((tx) => tx.postPending({ id: 'h5-b' })),
          'PENDING_ALREADY_VOIDED',
        );
        await expectCode(hold('h5-a', 'h5', 1n), 'DUPLICATE_TRANSFER');
        await expectCode(
          ledger.transaction((tx) => tx.postPending({ id: 'h5-none' })),
          'PENDING_NOT_FOUND',
        );
        expect(await ledger.balance(cash('h5'))).toBe(900n);
      });

      it('refuses a hold beyond the cash and a post beyond the hold', async () => {
        await deposit(ledger, 'h6', 50n, 'h6-dep');
        const error = await expectCode(hold('h6-big', 'h6', 51n), 'INSUFFICIENT_FUNDS');
        expect(error.details.balance).toBe(50n);
        expect(await ledger.transaction((tx) => tx.getPending('h6-big'))).toBeNull();
        await hold('h6-bet', 'h6', 50n);
        await expectCode(
          ledger.transaction((tx) => tx.postPending({ id: 'h6-bet', amount: 51n })),
          'AMOUNT_EXCEEDS_PENDING',
        );
        expect((await ledger.verifyTotals()).ok).toBe(true);
      });
    });

    describe('outbox', () => {
      const event = (id: string, player = 'o1') => ({
        event_id: id,
        subject: `croupier.events.test.${player}`,
        partition_key: player,
        payload: JSON.stringify({ id }),
        headers: { 'content-type': 'application/json' },
      });

      it('writes the event in the same transaction as the ledger change', async () => {
        const seq = await ledger.transaction(async (tx) => {
          await tx.postTransfers([
            { id: 'o1-dep', debit: float, credit: playerAccount('o1', 'cash'), amount: 10n, currency: EUR },
          ]);
          return tx.enqueueEvent(event('o1-e1'));
        });
        const rows = await ledger.outbox.list({ afterSeq: seq - 1n, limit: 1 });
        expect(rows[0]).toMatchObject({ seq, eventId: 'o1-e1', partitionKey: 'o1', publishedAt: null });
        expect(rows[0]?.headers).toEqual({ 'content-type': 'application/json' });
      });

      it('rolls the event back with the transaction', async () => {
        await expect(
          ledger.transaction(async (tx) => {
            await tx.enqueueEvent(event('o2-e1'));
            await tx.postTransfers([
              { id: 'o2-bet', debit: playerAccount('o2', 'cash'), credit: bets, amount: 1n, currency: EUR },
            ]);
          }),
        ).rejects.toThrow(LedgerError);
        const all = await ledger.outbox.list({ limit: 10_000 });
        expect(all.some((r) => r.eventId === 'o2-e1')).toBe(false);
      });

      it('numbers events in increasing order and refuses a reused event_id', async () => {
        const a = await ledger.transaction((tx) => tx.enqueueEvent(event('o3-a')));
        const b = await ledger.transaction((tx) => tx.enqueueEvent(event('o3-b')));
        expect(b > a).toBe(true);
        await expectCode(
          ledger.transaction((tx) => tx.enqueueEvent(event('o3-a'))),
          'DUPLICATE_EVENT',
        );
      });

      it('hands claimed rows to the publisher and marks only the acknowledged ones', async () => {
        await ledger.transaction(async (tx) => {
          await tx.enqueueEvent(event('o4-a', 'o4'));
          await tx.enqueueEvent(event('o4-b', 'o4'));
        });
        let seen: string[] = [];
        // Drain everything older first; then our two rows come in order.
        for (;;) {
          const r = await ledger.outbox.claim(1000, async (rows) => {
            seen = rows.map((x) => x.eventId);
            return rows.filter((x) => x.eventId !== 'o4-b').map((x) => x.seq);
          });
          if (r.published === 0) break;
        }
        expect(seen).toEqual(['o4-b']);
        const left = await ledger.outbox.list({ unpublishedOnly: true });
        expect(left.map((r) => r.eventId)).toEqual(['o4-b']);
      });
    });

    describe('migrations and the caller’s own tables', () => {
      it('applies a registered migration once and runs `?` SQL with bigint round-trips', async () => {
        const migration = {
          id: 'behaviour/bets',
          sqlite:
            'CREATE TABLE b_bets (id TEXT PRIMARY KEY, stake INTEGER NOT NULL, settled INTEGER NOT NULL)',
          postgres:
            'CREATE TABLE b_bets (id TEXT PRIMARY KEY, stake NUMERIC(39,0) NOT NULL, settled INTEGER NOT NULL)',
        };
        expect(await ledger.migrate([migration])).toEqual(['behaviour/bets']);
        expect(await ledger.migrate([migration])).toEqual([]);
        await ledger.transaction((tx) =>
          tx.exec('INSERT INTO b_bets (id, stake, settled) VALUES (?, ?, ?)', [
            'b1',
            9_007_199_254_740_993n,
            true,
          ]),
        );
        const rows = await ledger.transaction((tx) =>
          tx.query<{ stake: bigint; settled: bigint }>(
            "SELECT stake, settled FROM b_bets WHERE id = ? AND 'a?' = 'a?'",
            ['b1'],
          ),
        );
        expect(rows).toEqual([{ stake: 9_007_199_254_740_993n, settled: 1n }]);
      });
    });

    describe('concurrency', () => {
      it('50 parallel debits of one account never overdraw it', async () => {
        await deposit(ledger, 'c1', 1000n, 'c1-dep');
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) =>
            ledger.transaction((tx) =>
              tx.postTransfers([
                {
                  id: `c1-bet-${i}`,
                  debit: playerAccount('c1', 'cash'),
                  credit: bets,
                  amount: 30n,
                  currency: EUR,
                },
              ]),
            ),
          ),
        );
        const ok = results.filter((r) => r.status === 'fulfilled').length;
        const refused = results.filter(
          (r) => r.status === 'rejected' && isLedgerError(r.reason, 'INSUFFICIENT_FUNDS'),
        ).length;
        expect(ok).toBe(33);
        expect(refused).toBe(17);
        expect(await ledger.balance(cash('c1'))).toBe(10n);
      });

      it('two connections to one store (two processes) never overdraw an account', async () => {
        const other = await store.open();
        try {
          await deposit(ledger, 'c2', 1000n, 'c2-dep');
          const results = await Promise.allSettled(
            Array.from({ length: 50 }, (_, i) =>
              (i % 2 ? ledger : other).transaction(async (tx) => {
                const h = await tx.createPending({
                  id: `c2-h-${i}`,
                  source: playerAccount('c2', 'cash'),
                  destination: bets,
                  amount: 30n,
                  currency: EUR,
                });
                return tx.postPending({ id: h.id });
              }),
            ),
          );
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(33);
          for (const r of results)
            if (r.status === 'rejected') expect(isLedgerError(r.reason, 'INSUFFICIENT_FUNDS')).toBe(true);
          expect(await other.balance(cash('c2'))).toBe(10n);
          expect((await other.verifyTotals()).ok).toBe(true);
        } finally {
          await other.close();
        }
      });
    });

    describe('model', () => {
      it('random transfer and hold sequences keep entries summing to zero and balances equal to a reference model', async () => {
        let run = 0;
        const players = ['m1', 'm2', 'm3'];
        const accounts: AccountRef[] = [
          ...players.flatMap((p) => [playerAccount(p, 'cash'), playerAccount(p, 'bonus')]),
          houseAccount('float'),
          houseAccount('bets'),
        ];
        const accountIndex = fc.integer({ min: 0, max: accounts.length - 1 });
        const op = fc.oneof(
          fc.record({
            type: fc.constant('transfer' as const),
            from: accountIndex,
            to: accountIndex,
            amount: fc.bigInt(0n, 500n),
          }),
          fc.record({
            type: fc.constant('hold' as const),
            player: fc.integer({ min: 0, max: 2 }),
            amount: fc.bigInt(0n, 300n),
          }),
          fc.record({
            type: fc.constant('post' as const),
            pick: fc.nat(),
            amount: fc.option(fc.bigInt(0n, 300n)),
            final: fc.boolean(),
          }),
          fc.record({ type: fc.constant('void' as const), pick: fc.nat() }),
        );
        await fc.assert(
          fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
            run += 1;
            const prefix = `r${run}-${Math.random().toString(36).slice(2, 8)}`;
            const name = (a: AccountRef) =>
              a.owner === 'house' ? a : { owner: `${prefix}-${a.owner}`, kind: a.kind };
            const key = (a: AccountRef) => `${a.owner}/${a.kind}`;
            const model = new Map<string, bigint>();
            const get = (a: AccountRef) => model.get(key(name(a))) ?? 0n;
            const add = (a: AccountRef, d: bigint) => model.set(key(name(a)), get(a) + d);
            const holds: { id: string; player: string; remaining: bigint; open: boolean }[] = [];
            const houseBefore = new Map<string, bigint>();
            for (const h of ['float', 'bets'])
              houseBefore.set(h, await ledger.balance({ ...houseAccount(h), currency: EUR }));
            let n = 0;
            for (const o of ops) {
              n += 1;
              const id = `${prefix}-${n}`;
              if (o.type === 'transfer') {
                const from = accounts[o.from] as AccountRef;
                const to = accounts[o.to] as AccountRef;
                if (key(from) === key(to)) continue;
                const allowed = from.owner === 'house' || get(from) >= o.amount;
                const result = await refusal(
                  ledger.transaction((tx) =>
                    tx.postTransfers([
                      { id, debit: name(from), credit: name(to), amount: o.amount, currency: EUR },
                    ]),
                  ),
                ).catch(() => null);
                expect(result === null).toBe(allowed);
                if (result) expect(result.code).toBe('INSUFFICIENT_FUNDS');
                if (allowed) {
                  add(from, -o.amount);
                  add(to, o.amount);
                }
              } else if (o.type === 'hold') {
                const player = players[o.player] as string;
                const allowed = get(playerAccount(player, 'cash')) >= o.amount;
                const error = await refusal(
                  ledger.transaction((tx) =>
                    tx.createPending({
                      id,
                      source: name(playerAccount(player, 'cash')),
                      destination: bets,
                      amount: o.amount,
                      currency: EUR,
                    }),
                  ),
                ).catch(() => null);
                expect(error === null).toBe(allowed);
                if (allowed) {
                  add(playerAccount(player, 'cash'), -o.amount);
                  add(playerAccount(player, 'held'), o.amount);
                  holds.push({ id, player, remaining: o.amount, open: true });
                }
              } else {
                const h = holds[o.pick % Math.max(1, holds.length)];
                if (!h) continue;
                const held = playerAccount(h.player, 'held');
                const source = playerAccount(h.player, 'cash');
                const work =
                  o.type === 'void'
                    ? ledger.transaction((tx) => tx.voidPending({ id: h.id }))
                    : ledger.transaction((tx) =>
                        tx.postPending({ id: h.id, amount: o.amount ?? undefined, final: o.final }),
                      );
                const error = await refusal(work).catch(() => null);
                if (!h.open) {
                  expect(error?.code).toMatch(/^PENDING_ALREADY_/);
                  continue;
                }
                if (o.type === 'void') {
                  expect(error).toBeNull();
                  add(held, -h.remaining);
                  add(source, h.remaining);
                  h.remaining = 0n;
                  h.open = false;
                  continue;
                }
                const amount = o.amount ?? h.remaining;
                if (amount > h.remaining) {
                  expect(error?.code).toBe('AMOUNT_EXCEEDS_PENDING');
                  continue;
                }
                expect(error).toBeNull();
                add(held, -amount);
                add(bets, amount);
                h.remaining -= amount;
                if (o.final) {
                  add(held, -h.remaining);
                  add(source, h.remaining);
                  h.remaining = 0n;
                  h.open = false;
                }
              }
            }
            for (const p of players) {
              for (const kind of ['cash', 'bonus', 'held']) {
                const a = playerAccount(p, kind);
                expect(await ledger.balance({ ...name(a), currency: EUR })).toBe(get(a));
              }
            }
            for (const h of ['float', 'bets']) {
              const a = houseAccount(h);
              expect(await ledger.balance({ ...a, currency: EUR })).toBe((houseBefore.get(h) ?? 0n) + get(a));
            }
            const totals = await ledger.verifyTotals();
            expect(totals).toMatchObject({
              ok: true,
              balanceMismatches: [],
              negativeBalances: [],
              heldMismatches: [],
            });
          }),
          { numRuns: factory.propertyRuns },
        );
      });
    });
  });
}
