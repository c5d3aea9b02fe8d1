import type { Ledger } from '@croupier/ledger';

export type MismatchCheck =
  | 'currency_sum'
  | 'balance_vs_entries'
  | 'negative_balance'
  | 'held_vs_holds'
  | 'bet_vs_hold'
  | 'events_vs_money';

export interface Mismatch {
  check: MismatchCheck;
  subject: string;
  message: string;
}

export interface ReconcileReport {
  ok: boolean;
  mismatches: Mismatch[];
  checked: { betCount: number; eventCount: number };
}

interface BetFacts {
  brand: string;
  player_id: string;
  bet_id: string;
  hold_id: string;
  state: string;
  amount: bigint;
  cash_part: bigint;
  bonus_part: bigint;
  parts: bigint;
  tombstone: bigint;
  win_only: bigint;
}

const EXPECTED_HOLD_STATE: Record<string, string> = {
  authorized: 'pending',
  partially_settled: 'pending',
  settled: 'posted',
  rolled_back: 'voided',
};

const COUNTED = [
  'bet.authorized',
  'bet.settled',
  'bet.rolled_back',
  'wallet.debit',
  'wallet.credit',
] as const;

/**
 * Compares what should agree and returns every disagreement: ledger totals (each currency sums to
 * zero, balances equal their entries, no forbidden negative, held equals open holds), each bet's
 * state and amounts against its holds, and the events in the outbox against the money operations.
 */
export async function reconcile(ledger: Ledger): Promise<ReconcileReport> {
  const mismatches: Mismatch[] = [];
  const totals = await ledger.verifyTotals();
  for (const c of totals.currencies) {
    if (c.sum !== 0n) {
      mismatches.push({
        check: 'currency_sum',
        subject: c.currency,
        message: `entries in ${c.currency} sum to ${c.sum}, not 0`,
      });
    }
  }
  for (const m of totals.balanceMismatches) {
    mismatches.push({
      check: 'balance_vs_entries',
      subject: `${m.owner}:${m.kind}:${m.currency}`,
      message: `balance ${m.balance} differs from its entries' sum ${m.entries}`,
    });
  }
  for (const m of totals.negativeBalances) {
    mismatches.push({
      check: 'negative_balance',
      subject: `${m.owner}:${m.kind}:${m.currency}`,
      message: `balance ${m.balance} is below zero`,
    });
  }
  for (const m of totals.heldMismatches) {
    mismatches.push({
      check: 'held_vs_holds',
      subject: `${m.owner}:${m.kind}:${m.currency}`,
      message: `held balance ${m.balance} differs from open holds ${m.openHolds}`,
    });
  }

  const { bets, holds } = await ledger.transaction(async (tx) => ({
    bets: await tx.query<BetFacts>(
      `SELECT brand, player_id, bet_id, hold_id, state, amount, cash_part, bonus_part, parts, tombstone, win_only FROM wallet_bets`,
    ),
    holds: new Map(
      (
        await tx.query<{ id: string; state: string; amount: bigint }>(
          `SELECT id, state, amount FROM ledger_pending`,
        )
      ).map((h) => [h.id, h]),
    ),
  }));

  const expected = new Map<string, Record<string, number>>();
  for (const bet of bets) {
    const subject = `${bet.brand}/${bet.bet_id}`;
    const key = `${bet.brand}|${bet.player_id}|${bet.bet_id}`;
    const counts = expected.get(key) ?? {};
    const add = (type: string, n: number) => {
      counts[type] = (counts[type] ?? 0) + n;
    };
    const parts = Number(bet.parts);
    const rolledBack = bet.state === 'rolled_back' ? 1 : 0;
    if (bet.tombstone) add('bet.rolled_back', 1);
    else if (bet.win_only) {
      add('bet.settled', parts);
      add('wallet.credit', parts);
    } else {
      add('bet.authorized', 1);
      add('wallet.debit', 1);
      add('bet.settled', parts);
      add('wallet.credit', parts + rolledBack);
      add('bet.rolled_back', rolledBack);
      const want = EXPECTED_HOLD_STATE[bet.state];
      const legs: Array<[string, bigint, boolean]> = [
        [`${bet.hold_id}:cash`, bet.cash_part, bet.cash_part > 0n || bet.amount === 0n],
        [`${bet.hold_id}:bonus`, bet.bonus_part, bet.bonus_part > 0n],
      ];
      for (const [id, amount, exists] of legs) {
        const hold = holds.get(id);
        if (!exists) continue;
        if (!hold) {
          mismatches.push({
            check: 'bet_vs_hold',
            subject,
            message: `bet is ${bet.state} but its hold ${id} is missing`,
          });
        } else if (hold.state !== want) {
          mismatches.push({
            check: 'bet_vs_hold',
            subject,
            message: `bet is ${bet.state} but hold ${id} is ${hold.state}`,
          });
        } else if (hold.amount !== amount) {
          mismatches.push({
            check: 'bet_vs_hold',
            subject,
            message: `hold ${id} holds ${hold.amount}, the bet's share is ${amount}`,
          });
        }
      }
    }
    expected.set(key, counts);
  }

  const actual = new Map<string, Record<string, number>>();
  let events = 0;
  let afterSeq = 0n;
  for (;;) {
    const page = await ledger.outbox.list({ afterSeq, limit: 1000 });
    if (page.length === 0) break;
    for (const row of page) {
      afterSeq = row.seq;
      events += 1;
      const envelope = JSON.parse(row.payload) as {
        event_type: string;
        tenant_id: string;
        player_id: string;
        payload: { bet_id?: string };
      };
      if (!(COUNTED as readonly string[]).includes(envelope.event_type) || !envelope.payload.bet_id) continue;
      const key = `${envelope.tenant_id}|${envelope.player_id}|${envelope.payload.bet_id}`;
      const counts = actual.get(key) ?? {};
      counts[envelope.event_type] = (counts[envelope.event_type] ?? 0) + 1;
      actual.set(key, counts);
    }
  }
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(key) ?? {};
    const got = actual.get(key) ?? {};
    for (const type of COUNTED) {
      if ((want[type] ?? 0) !== (got[type] ?? 0)) {
        const [brand, player, bet] = key.split('|');
        mismatches.push({
          check: 'events_vs_money',
          subject: `${brand}/${bet}`,
          message: `player ${player}: ${want[type] ?? 0} ${type} event(s) expected, ${got[type] ?? 0} in the outbox`,
        });
      }
    }
  }
  return { ok: mismatches.length === 0, mismatches, checked: { betCount: bets.length, eventCount: events } };
}
