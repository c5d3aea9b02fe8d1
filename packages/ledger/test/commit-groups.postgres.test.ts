import { dropSchema, freshSchemaName, POSTGRES_URL, postgres, serviceOrSkip } from '@croupier/test-services';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLedgerError, type Ledger, openLedger } from '../src/index.ts';

/**
 * PostgreSQL commit groups: transactions of distinct partitions that wait together share one
 * database transaction and one COMMIT. Whatever goes wrong inside a group, each transaction must end
 * as it would have alone: refused alone, or run again alone after the group rolls back.
 */
if (await serviceOrSkip(postgres, 'PostgreSQL commit groups')) {
  describe('PostgreSQL commit groups', () => {
    let schema: string;
    let ledger: Ledger;
    const players = Array.from({ length: 24 }, (_, i) => `p${i}`);
    const cash = (owner: string) => ({ owner, kind: 'cash', currency: 'EUR' });
    const house = { owner: 'house', kind: 'bank', currency: 'EUR' };

    beforeEach(async () => {
      schema = freshSchemaName();
      ledger = await openLedger({ url: POSTGRES_URL, schema, poolSize: 8 });
      await ledger.transaction((tx) =>
        tx.postTransfers(
          players.map((p) => ({
            id: `fund-${p}`,
            debit: house,
            credit: cash(p),
            amount: 1000n,
            currency: 'EUR',
          })),
        ),
      );
    });
    afterEach(async () => {
      await ledger.close();
      await dropSchema(schema);
    });

    const debit = (player: string, id: string, amount: bigint, credit = house) =>
      ledger.transaction(
        (tx) => tx.postTransfers([{ id, debit: cash(player), credit, amount, currency: 'EUR' }]),
        { partition: player },
      );

    it('concurrent transactions of distinct partitions share commits and each lands once', async () => {
      let roundTrips = 0;
      const stop = ledger.onRoundTrip(() => {
        roundTrips += 1;
      });
      try {
        await Promise.all(players.map((p) => debit(p, `bet-${p}`, 100n)));
      } finally {
        stop();
      }
      for (const p of players) expect(await ledger.balance(cash(p))).toBe(900n);
      // Alone, each would take at least two round trips (its reads, then its writes and COMMIT).
      expect(roundTrips).toBeLessThan(players.length);
      expect((await ledger.verifyTotals()).ok).toBe(true);
    });

    it('a refusal inside a group is answered alone; the others commit', async () => {
      const results = await Promise.allSettled(
        players.map((p, i) => debit(p, `bet-${p}`, i === 5 ? 5000n : 100n)),
      );
      const refused = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
      expect(refused).toEqual([5]);
      const reason = (results[5] as PromiseRejectedResult).reason;
      expect(isLedgerError(reason, 'INSUFFICIENT_FUNDS')).toBe(true);
      expect(await ledger.balance(cash('p5'))).toBe(1000n);
      expect(await ledger.balance(cash('p6'))).toBe(900n);
      expect((await ledger.verifyTotals()).ok).toBe(true);
    });

    it('a statement failing inside a group (a transfer id taken twice) leaves one winner and every other transfer', async () => {
      const results = await Promise.allSettled(
        players.map((p) => debit(p, p === 'p3' || p === 'p4' ? 'same-id' : `bet-${p}`, 100n)),
      );
      const rejected = results.flatMap((r, i) => (r.status === 'rejected' ? [players[i]] : []));
      expect(rejected).toHaveLength(1);
      expect(['p3', 'p4']).toContain(rejected[0]);
      const loser = (results[players.indexOf(rejected[0] as string)] as PromiseRejectedResult).reason;
      expect(isLedgerError(loser, 'DUPLICATE_TRANSFER')).toBe(true);
      const balances = await Promise.all(players.map((p) => ledger.balance(cash(p))));
      expect(balances.filter((b) => b === 900n)).toHaveLength(players.length - 1);
      expect((await ledger.verifyTotals()).ok).toBe(true);
    });

    it('two partitions that touch one balance are never in one commit: no update is lost', async () => {
      // Every transfer credits one shared account that may not go negative (it keeps a locked
      // balance); in one PostgreSQL transaction its row lock would not keep them apart.
      const pool = { owner: 'pool', kind: 'cash', currency: 'EUR' };
      await ledger.transaction((tx) => tx.openAccount(pool, { mayGoNegative: false }));
      await Promise.all(players.map((p) => debit(p, `pool-${p}`, 10n, pool)));
      expect(await ledger.balance(pool)).toBe(10n * BigInt(players.length));
      expect((await ledger.verifyTotals()).ok).toBe(true);
    });
  });
} else {
  describe.skip('PostgreSQL commit groups (server not reachable)', () => {
    it('skipped', () => undefined);
  });
}
