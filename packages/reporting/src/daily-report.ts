import { formatAmount, fromMinor } from '@croupier/money';
import type { ReportingStore } from './store.ts';

/** One brand in one currency on one day; money as decimal strings with the currency's exponent. */
export interface BrandDayRow {
  brand: string;
  currency: string;
  betCount: number;
  winCount: number;
  rollbackCount: number;
  /** Sum of authorized stakes (rolled-back ones included: see `rollbacks`). */
  stakes: string;
  wins: string;
  /** Stakes refunded by rollback. */
  rollbacks: string;
  /** Gross gaming revenue: stakes − rolled-back stakes − wins. */
  ggr: string;
  bonusIssued: string;
  /** Bonus money that became cash (bonus.consumed `converted`): what bonuses cost the brand. */
  bonusCost: string;
  /** Net gaming revenue: GGR − bonus cost. */
  ngr: string;
}

export interface DailyBrandReport {
  /** UTC business date, YYYY-MM-DD. */
  date: string;
  generatedAt: string;
  rows: BrandDayRow[];
}

interface Sums {
  betCount: number;
  winCount: number;
  rollbackCount: number;
  stakes: bigint;
  wins: bigint;
  rollbacks: bigint;
  bonusIssued: bigint;
  bonusCost: bigint;
}

const emptySums = (): Sums => ({
  betCount: 0,
  winCount: 0,
  rollbackCount: 0,
  stakes: 0n,
  wins: 0n,
  rollbacks: 0n,
  bonusIssued: 0n,
  bonusCost: 0n,
});

// Each measure is one aggregate over one fact table; the filter keeps tombstone rollbacks (they
// refunded nothing) out of the rollback count.
const MEASURES: ReadonlyArray<{
  table: string;
  filter?: string;
  countInto?: 'betCount' | 'winCount' | 'rollbackCount';
  sumInto: 'stakes' | 'wins' | 'rollbacks' | 'bonusIssued' | 'bonusCost';
}> = [
  { table: 'bets', countInto: 'betCount', sumInto: 'stakes' },
  { table: 'wins', countInto: 'winCount', sumInto: 'wins' },
  { table: 'rollbacks', filter: 'AND NOT tombstone', countInto: 'rollbackCount', sumInto: 'rollbacks' },
  { table: 'bonuses_issued', sumInto: 'bonusIssued' },
  { table: 'bonuses_consumed', sumInto: 'bonusCost' },
];

const decimal = (minor: bigint, currency: string) => formatAmount(fromMinor(minor, currency));

/**
 * The daily per-brand report: for each brand × currency that had activity on `date` (UTC, by
 * occurred_at), counts and money totals computed in DuckDB as exact integer sums (HUGEINT) and
 * printed as decimal strings. Currencies are never added together.
 */
export async function dailyBrandReport(
  store: ReportingStore,
  options: { date: string; now?: () => Date },
): Promise<DailyBrandReport> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.date)) {
    throw new Error(`REPORT_DATE_INVALID: "${options.date}" is not YYYY-MM-DD`);
  }
  const groups = new Map<string, { brand: string; currency: string; sums: Sums }>();
  for (const measure of MEASURES) {
    const rows = await store.query<{ brand: string; currency: string; n: bigint; total: bigint }>(
      `SELECT brand, currency, count(*) AS n, CAST(sum(amount_minor) AS HUGEINT) AS total
       FROM ${measure.table} WHERE business_date = CAST($1 AS DATE) ${measure.filter ?? ''}
       GROUP BY brand, currency`,
      [options.date],
    );
    for (const row of rows) {
      const key = `${row.brand}\u0000${row.currency}`;
      const group = groups.get(key) ?? { brand: row.brand, currency: row.currency, sums: emptySums() };
      groups.set(key, group);
      if (measure.countInto) group.sums[measure.countInto] += Number(row.n);
      group.sums[measure.sumInto] += row.total;
    }
  }
  const rows = [...groups.values()]
    .sort((a, b) => a.brand.localeCompare(b.brand) || a.currency.localeCompare(b.currency))
    .map(({ brand, currency, sums }): BrandDayRow => {
      const ggr = sums.stakes - sums.rollbacks - sums.wins;
      return {
        brand,
        currency,
        betCount: sums.betCount,
        winCount: sums.winCount,
        rollbackCount: sums.rollbackCount,
        stakes: decimal(sums.stakes, currency),
        wins: decimal(sums.wins, currency),
        rollbacks: decimal(sums.rollbacks, currency),
        ggr: decimal(ggr, currency),
        bonusIssued: decimal(sums.bonusIssued, currency),
        bonusCost: decimal(sums.bonusCost, currency),
        ngr: decimal(ggr - sums.bonusCost, currency),
      };
    });
  return { date: options.date, generatedAt: (options.now?.() ?? new Date()).toISOString(), rows };
}

const COLUMNS: ReadonlyArray<[keyof BrandDayRow, string]> = [
  ['brand', 'Brand'],
  ['currency', 'Currency'],
  ['betCount', 'Bets'],
  ['stakes', 'Stakes'],
  ['wins', 'Wins'],
  ['rollbacks', 'Rolled back'],
  ['ggr', 'GGR'],
  ['bonusIssued', 'Bonus issued'],
  ['bonusCost', 'Bonus cost'],
  ['ngr', 'NGR'],
];

export function dailyBrandReportJson(report: DailyBrandReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function dailyBrandReportMarkdown(report: DailyBrandReport): string {
  const lines = [
    `# Daily brand report — ${report.date} (UTC)`,
    '',
    `Generated ${report.generatedAt} from the event stream (analytics store, not the wallet database).`,
    'GGR = stakes − rolled-back stakes − wins; NGR = GGR − bonus cost (bonus converted to cash).',
    '',
    `| ${COLUMNS.map(([, title]) => title).join(' | ')} |`,
    `|${COLUMNS.map(([key]) => (key === 'brand' || key === 'currency' ? ' --- ' : ' ---: ')).join('|')}|`,
    ...report.rows.map((row) => `| ${COLUMNS.map(([key]) => String(row[key])).join(' | ')} |`),
  ];
  if (report.rows.length === 0) lines.push('', '_No activity on this date._');
  return `${lines.join('\n')}\n`;
}
