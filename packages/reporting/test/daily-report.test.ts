import { readFileSync } from 'node:fs';
import { formatAmount, fromMinor } from '@croupier/money';
import { seedSandboxPlayers } from '@croupier/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrandDayRow,
  dailyBrandReport,
  dailyBrandReportJson,
  dailyBrandReportMarkdown,
  EventStreamConsumer,
  formatLag,
  lagSummary,
  REPORT_LAG_BUDGET_MS,
} from '../src/index.ts';
import { BUSINESS_DATE, openPipeline, type Pipeline, ProviderDriver } from './pipeline.ts';

interface Round {
  player: string;
  currency: string;
  stake?: string;
  wins?: string[];
  rollback?: boolean;
  open?: boolean;
  tombstone?: boolean;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/ledger-rounds.json', import.meta.url), 'utf8'),
) as {
  brands: string[];
  rounds: Round[];
  bonusConversion: {
    player: string;
    currency: string;
    cash: string;
    bonus: string;
    stakes: string[];
  };
};

type Expected = Pick<
  BrandDayRow,
  | 'brand'
  | 'currency'
  | 'betCount'
  | 'stakes'
  | 'wins'
  | 'rollbacks'
  | 'ggr'
  | 'bonusIssued'
  | 'bonusCost'
  | 'ngr'
>;

/**
 * The same totals, read from the wallet's own ledger (the OLTP side the report must agree with):
 * stakes are the bet holds, wins the win transfers, rollbacks the voided holds, bonus issued and
 * converted their transfers; the bet count is the wallet's bet table without tombstones.
 */
async function ledgerTotals(pipeline: Pipeline): Promise<Expected[]> {
  return pipeline.wallet.ledger.transaction(async (tx) => {
    const transfers = await tx.query<{ kind: string; currency: string; owner: string; total: bigint }>(
      `SELECT t.kind, t.currency, CASE WHEN d.owner = 'house' THEN c.owner ELSE d.owner END AS owner,
         sum(t.amount) AS total
       FROM ledger_transfers t JOIN ledger_accounts d ON d.id = t.debit_account_id
       JOIN ledger_accounts c ON c.id = t.credit_account_id
       WHERE t.kind IN ('bet', 'win', 'bet_rolled_back', 'bonus_issued', 'bonus_conversion')
       GROUP BY 1, 2, 3`,
    );
    const bets = await tx.query<{ brand: string; currency: string; n: bigint }>(
      `SELECT brand, currency, count(*) AS n FROM wallet_bets WHERE tombstone = 0 AND win_only = 0
       GROUP BY brand, currency`,
    );
    const groups = new Map<string, Record<string, bigint> & { brand?: never }>();
    const groupOf = (brand: string, currency: string) => {
      const key = `${brand}|${currency}`;
      const group = groups.get(key) ?? {};
      groups.set(key, group);
      return group;
    };
    for (const t of transfers) {
      const brand = t.owner.split('/')[0] as string;
      const group = groupOf(brand, t.currency);
      group[t.kind] = (group[t.kind] ?? 0n) + BigInt(t.total);
    }
    for (const b of bets) groupOf(b.brand, b.currency).betCount = BigInt(b.n);
    return [...groups.entries()]
      .map(([key, g]): Expected => {
        const [brand, currency] = key.split('|') as [string, string];
        const f = (minor: bigint) => formatAmount(fromMinor(minor, currency));
        const stakes = g.bet ?? 0n;
        const wins = g.win ?? 0n;
        const rollbacks = g.bet_rolled_back ?? 0n;
        const bonusCost = g.bonus_conversion ?? 0n;
        const ggr = stakes - rollbacks - wins;
        return {
          brand,
          currency,
          betCount: Number(g.betCount ?? 0n),
          stakes: f(stakes),
          wins: f(wins),
          rollbacks: f(rollbacks),
          ggr: f(ggr),
          bonusIssued: f(g.bonus_issued ?? 0n),
          bonusCost: f(bonusCost),
          ngr: f(ggr - bonusCost),
        };
      })
      .sort((a, b) => a.brand.localeCompare(b.brand) || a.currency.localeCompare(b.currency));
  });
}

describe('daily brand report from the event stream (real wallet, in-process bus, DuckDB)', () => {
  let pipeline: Pipeline;
  let provider: ProviderDriver;

  beforeAll(async () => {
    pipeline = await openPipeline();
    provider = new ProviderDriver(pipeline.wallet);
    for (const brand of fixture.brands) {
      await seedSandboxPlayers(pipeline.wallet, { brand });
      let n = 0;
      for (const round of fixture.rounds) {
        const betId = `${brand}-b${++n}`;
        if (round.tombstone) {
          await provider.rollback(brand, betId, round.player);
          continue;
        }
        await provider.authorize(brand, round.player, round.currency, betId, round.stake as string);
        if (round.rollback) await provider.rollback(brand, betId);
        const wins = round.open ? [] : (round.wins ?? []);
        for (const [i, win] of wins.entries()) {
          await provider.settle(brand, round.currency, betId, win, i === wins.length - 1);
        }
      }
      const fast = fixture.bonusConversion;
      await pipeline.wallet.seedPlayer({
        brand,
        player_id: fast.player,
        currency: fast.currency,
        cash: fast.cash,
        bonus: fast.bonus,
        region: 'EU',
        bonusOptions: { wagering_multiplier: 1 },
      });
      for (const [i, stake] of fast.stakes.entries()) {
        const betId = `${brand}-bonus-b${i + 1}`;
        await provider.authorize(brand, fast.player, fast.currency, betId, stake);
        await provider.settle(brand, fast.currency, betId, '0.00');
      }
    }
    await pipeline.caughtUp();
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it('equals the totals computed from the wallet ledger, per brand and currency', async () => {
    expect((await pipeline.wallet.reconcile()).ok).toBe(true);
    const report = await dailyBrandReport(pipeline.store, { date: BUSINESS_DATE });
    const expected = await ledgerTotals(pipeline);
    expect(expected.map((r) => `${r.brand} ${r.currency}`)).toEqual([
      'brand-7 EUR',
      'brand-7 USD',
      'brand-9 EUR',
      'brand-9 USD',
    ]);
    expect(report.rows.map(({ winCount, rollbackCount, ...row }) => row)).toEqual(expected);
    // The scenario, by hand, for one brand: so a shared mistake in both computations shows too.
    const eur = report.rows.find((r) => r.brand === 'brand-7' && r.currency === 'EUR');
    expect(eur).toMatchObject({
      betCount: 9, // 5 × p_demo_1 (the tombstone is no bet), p_low_balance, p_bonus, 2 × p_bonus_fast
      stakes: '25.60', // 2 + 1 + 3 + 0.10 + 4 + 0.50 + 5 + 10
      wins: '16.15', // 14.60 + 0.30 + 0.25 + 1.00
      rollbacks: '3.00',
      ggr: '6.45',
      bonusIssued: '60.00', // p_bonus and p_bonus_expired 25.00 each at seeding + p_bonus_fast 10.00
      bonusCost: '10.00', // p_bonus_fast's bonus, wagered through and converted
      ngr: '-3.55',
      rollbackCount: 1,
    });
    expect(report.rows.find((r) => r.brand === 'brand-9' && r.currency === 'USD')).toMatchObject({
      betCount: 3,
      stakes: '8.75',
      wins: '7.50', // a partial settlement: 2.50 then 5.00
      rollbacks: '1.25',
      ggr: '0.00',
      winCount: 3,
    });
    // Another date has nothing.
    expect((await dailyBrandReport(pipeline.store, { date: '2025-10-24' })).rows).toEqual([]);
  });

  it('prints the report as JSON and Markdown with decimal strings', async () => {
    const report = await dailyBrandReport(pipeline.store, { date: BUSINESS_DATE, now: pipeline.clock });
    const json = JSON.parse(dailyBrandReportJson(report)) as typeof report;
    expect(json.rows[0]).toMatchObject({ brand: 'brand-7', currency: 'EUR', stakes: '25.60', ngr: '-3.55' });
    const markdown = dailyBrandReportMarkdown(report);
    expect(markdown).toContain(`# Daily brand report — ${BUSINESS_DATE} (UTC)`);
    expect(markdown).toContain('| brand-7 | EUR | 9 | 25.60 | 16.15 | 3.00 | 6.45 | 60.00 | 10.00 | -3.55 |');
    expect(markdown.split('\n').filter((l) => l.startsWith('| brand-'))).toHaveLength(4);
  });

  it('counts nothing twice when the whole stream is redelivered', async () => {
    const before = await dailyBrandReport(pipeline.store, { date: BUSINESS_DATE, now: pipeline.clock });
    const storedCount = await pipeline.store.receivedCount();
    // A consumer that crashed before acknowledging anything: its durable position is the start.
    const replay = new EventStreamConsumer(pipeline.store, pipeline.transport, {
      durable: 'reporting-replay',
      clock: pipeline.clock,
    });
    await replay.start();
    await expect.poll(() => replay.duplicateCount, { timeout: 10_000, interval: 10 }).toBe(storedCount);
    await replay.stop();
    expect(replay.duplicateCount).toBe(storedCount);
    expect(replay.landedCount).toBe(0);
    // And one delivery flagged as a redelivery by the transport, straight to the handler.
    const [first] = (
      pipeline.transport as unknown as { messages: readonly import('@croupier/bus').TransportMessage[] }
    ).messages;
    await pipeline.consumer.handle({
      ...(first as import('@croupier/bus').TransportMessage),
      redelivered: true,
    });
    expect(await pipeline.store.receivedCount()).toBe(storedCount);
    const after = await dailyBrandReport(pipeline.store, { date: BUSINESS_DATE, now: pipeline.clock });
    expect(after.rows).toEqual(before.rows);
  });

  it('measures the lag from a bet to its row in the report, within the 5-minute budget', async () => {
    const summary = await lagSummary(pipeline.store);
    console.log(`[reporting] in-process bus: ${formatLag(summary)}`);
    expect(summary.eventCount).toBe(await pipeline.store.receivedCount());
    expect(summary.budgetMs).toBe(REPORT_LAG_BUDGET_MS);
    expect(summary.withinBudget).toBe(true);
    expect(summary.p50Ms).toBeLessThanOrEqual(summary.p95Ms);
    expect(summary.p95Ms).toBeLessThanOrEqual(summary.maxMs);

    // End to end for one bet: authorize, then poll the report until the bet is counted.
    const before = await dailyBrandReport(pipeline.store, { date: BUSINESS_DATE });
    const countOf = (r: typeof before) =>
      r.rows.find((x) => x.brand === 'brand-7' && x.currency === 'EUR')?.betCount;
    await provider.authorize('brand-7', 'p_demo_1', 'EUR', 'lag-probe', '1.00');
    const [authorized] = (await pipeline.wallet.ledger.outbox.list({ limit: 1_000_000 }))
      .map(
        (row) =>
          JSON.parse(row.payload) as {
            event_type: string;
            occurred_at: string;
            payload: { bet_id?: string };
          },
      )
      .filter((e) => e.event_type === 'bet.authorized' && e.payload.bet_id === 'lag-probe');
    await expect
      .poll(async () => countOf(await dailyBrandReport(pipeline.store, { date: BUSINESS_DATE })), {
        timeout: 20_000,
        interval: 2,
      })
      .toBe((countOf(before) ?? 0) + 1);
    const betToReportMs = pipeline.clock().getTime() - Date.parse(authorized?.occurred_at as string);
    console.log(
      `[reporting] bet → daily report row: ${betToReportMs} ms (budget ${REPORT_LAG_BUDGET_MS} ms)`,
    );
    expect(betToReportMs).toBeLessThan(REPORT_LAG_BUDGET_MS);
    const bets = await lagSummary(pipeline.store, { eventTypes: ['bet.authorized'] });
    console.log(`[reporting] bet.authorized only: ${formatLag(bets)}`);
    expect(bets.withinBudget).toBe(true);
  });
});
