import { formatAmount, fromMinor, parseAmount } from '@croupier/money';
import type { ReportingStore } from '../store.ts';

/** The period a rule run looks at: [from, to), ISO-8601 instants. */
export interface AmlWindow {
  from: string;
  to: string;
}

/** One stored event a finding rests on, as an investigator needs it: what, when, which trace. */
export interface EvidenceEvent {
  eventId: string;
  eventType: string;
  occurredAt: string;
  traceId: string;
  amount: string;
  currency: string;
  /** e.g. the bet id, the transaction id or the movement reason. */
  detail: string;
}

export interface AmlFlag {
  ruleId: string;
  ruleName: string;
  brand: string;
  playerId: string;
  currency: string;
  /** Why this player was flagged, with the observed numbers and the thresholds. */
  reason: string;
  evidence: EvidenceEvent[];
}

export interface AmlRule {
  id: string;
  name: string;
  /** The reason text of the catalogue: what the rule looks for and why it matters. */
  description: string;
  /** The thresholds, as configured (decimal strings for money). */
  config: object;
  evaluate(store: ReportingStore, window: AmlWindow): Promise<AmlFlag[]>;
}

/** Thresholds per currency as decimal strings, e.g. { EUR: '1000.00' }; other currencies unchecked. */
export type CurrencyThresholds = Readonly<Record<string, string>>;

const decimal = (minor: bigint, currency: string) => formatAmount(fromMinor(minor, currency));

function thresholdMinor(thresholds: CurrencyThresholds, currency: string): bigint | undefined {
  const decimalString = thresholds[currency];
  return decimalString === undefined ? undefined : parseAmount(decimalString, currency).minor;
}

function windowMs(window: AmlWindow): [bigint, bigint] {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from) {
    throw new Error(`AML_WINDOW_INVALID: [${window.from}, ${window.to}) is not a time range`);
  }
  return [BigInt(from), BigInt(to)];
}

interface EvidenceRow {
  event_id: string;
  event_type: string;
  occurred_at: string;
  trace_id: string;
  amount_minor: bigint;
  currency: string;
  detail: string | null;
}

const toEvidence = (row: EvidenceRow): EvidenceEvent => ({
  eventId: row.event_id,
  eventType: row.event_type,
  occurredAt: row.occurred_at,
  traceId: row.trace_id,
  amount: decimal(row.amount_minor, row.currency),
  currency: row.currency,
  detail: row.detail ?? '',
});

const EVIDENCE_COLUMNS = 'event_id, occurred_at, trace_id, amount_minor, currency';

/** The player's stakes in [fromMs, toMs] (bet.authorized events), oldest first. */
function stakesBetween(
  store: ReportingStore,
  who: { brand: string; playerId: string; currency: string },
  fromMs: bigint,
  toMs: bigint,
): Promise<EvidenceRow[]> {
  return store.query<EvidenceRow>(
    `SELECT ${EVIDENCE_COLUMNS}, 'bet.authorized' AS event_type, 'bet ' || bet_id AS detail FROM bets
     WHERE brand = $1 AND player_id = $2 AND currency = $3 AND occurred_ms BETWEEN $4 AND $5
     ORDER BY occurred_ms, event_id`,
    [who.brand, who.playerId, who.currency, fromMs, toMs],
  );
}

export interface StakeVelocityConfig {
  windowMinutes: number;
  /** Flag at this many stakes within the window. */
  stakeCount: number;
  /** …or at this total staked within the window. */
  stakeTotal: CurrencyThresholds;
}

/**
 * AML-VEL-01: many stakes, or much money staked, in a short time. Fast cycling of funds through
 * play is a layering pattern, and bots look like this too. Sliding window per player and
 * currency (DuckDB window function over the stakes, RANGE on epoch ms).
 */
export function stakeVelocityRule(config: StakeVelocityConfig): AmlRule {
  const spanMs = Math.round(config.windowMinutes * 60_000);
  if (!(spanMs > 0) || !Number.isSafeInteger(spanMs)) throw new Error('AML_CONFIG_INVALID: windowMinutes');
  const rule: AmlRule = {
    id: 'AML-VEL-01',
    name: 'Stake velocity',
    description:
      `At least ${config.stakeCount} stakes, or a total stake at or above the currency's threshold, ` +
      `within ${config.windowMinutes} minutes: rapid movement of funds through play (layering) or automated play.`,
    config,
    async evaluate(store, window) {
      const [fromMs, toMs] = windowMs(window);
      const rows = await store.query<{
        brand: string;
        player_id: string;
        currency: string;
        occurred_ms: bigint;
        n: bigint;
        total: bigint;
      }>(
        `SELECT brand, player_id, currency, occurred_ms, count(*) OVER w AS n,
           CAST(sum(amount_minor) OVER w AS HUGEINT) AS total
         FROM bets WHERE occurred_ms >= $1 AND occurred_ms < $2
         WINDOW w AS (PARTITION BY brand, player_id, currency ORDER BY occurred_ms
           RANGE BETWEEN ${spanMs} PRECEDING AND CURRENT ROW)
         ORDER BY brand, player_id, currency, occurred_ms`,
        [fromMs, toMs],
      );
      // The busiest window per player and currency is the one reported.
      const worst = new Map<string, (typeof rows)[number]>();
      for (const row of rows) {
        const limit = thresholdMinor(config.stakeTotal, row.currency);
        const breached = Number(row.n) >= config.stakeCount || (limit !== undefined && row.total >= limit);
        if (!breached) continue;
        const key = `${row.brand}\u0000${row.player_id}\u0000${row.currency}`;
        const seen = worst.get(key);
        if (!seen || row.n > seen.n || (row.n === seen.n && row.total > seen.total)) worst.set(key, row);
      }
      const flags: AmlFlag[] = [];
      for (const row of worst.values()) {
        const who = { brand: row.brand, playerId: row.player_id, currency: row.currency };
        const evidence = await stakesBetween(store, who, row.occurred_ms - BigInt(spanMs), row.occurred_ms);
        const limit = config.stakeTotal[row.currency];
        flags.push({
          ruleId: rule.id,
          ruleName: rule.name,
          ...who,
          reason:
            `${row.n} stakes totalling ${decimal(row.total, row.currency)} ${row.currency} within ` +
            `${config.windowMinutes} minutes (thresholds: ${config.stakeCount} stakes` +
            `${limit ? ` or ${limit} ${row.currency}` : ''})`,
          evidence: evidence.map(toEvidence),
        });
      }
      return flags;
    },
  };
  return rule;
}

export interface LargeWinConfig {
  /** Flag a single win at or above this amount. */
  winAtLeast: CurrencyThresholds;
  /** …or a win at least this many times its stake (stake > 0). */
  winToStakeMultiplier: number;
}

/**
 * AML-WIN-01: a single large win, or a win out of all proportion to its stake. Large wins are a
 * reporting obligation in many markets, and collusion or chip dumping shows up as wins the
 * stake does not explain.
 */
export function largeWinRule(config: LargeWinConfig): AmlRule {
  if (!Number.isSafeInteger(config.winToStakeMultiplier) || config.winToStakeMultiplier < 1) {
    throw new Error('AML_CONFIG_INVALID: winToStakeMultiplier must be a whole number ≥ 1');
  }
  const rule: AmlRule = {
    id: 'AML-WIN-01',
    name: 'Large win',
    description:
      `A single win at or above the currency's threshold, or at least ${config.winToStakeMultiplier}× its stake: ` +
      'a win to report, or value moved between players through a game.',
    config,
    async evaluate(store, window) {
      const [fromMs, toMs] = windowMs(window);
      const currencies = Object.keys(config.winAtLeast);
      // Thresholds as a VALUES list joined in SQL, so the comparison is integer minor units in DuckDB.
      const values = currencies.map((_, i) => `($${i * 2 + 4}, CAST($${i * 2 + 5} AS BIGINT))`);
      const params = currencies.flatMap((c) => [c, thresholdMinor(config.winAtLeast, c) ?? 0n]);
      const thresholds = values.length
        ? `LEFT JOIN (VALUES ${values.join(', ')}) AS t(currency, at_least) ON t.currency = w.currency`
        : 'LEFT JOIN (SELECT NULL::VARCHAR AS currency, NULL::BIGINT AS at_least) AS t ON false';
      const rows = await store.query<
        EvidenceRow & { brand: string; player_id: string; bet_id: string | null; stake_minor: bigint }
      >(
        `SELECT w.event_id, w.occurred_at, w.trace_id, w.amount_minor, w.currency, w.brand, w.player_id,
           w.bet_id, w.stake_minor, 'bet.settled' AS event_type, 'win on bet ' || coalesce(w.bet_id, '?') AS detail
         FROM wins w ${thresholds}
         WHERE w.occurred_ms >= $1 AND w.occurred_ms < $2 AND w.amount_minor > 0
           AND ((t.at_least IS NOT NULL AND w.amount_minor >= t.at_least)
             OR (w.stake_minor > 0 AND CAST(w.amount_minor AS HUGEINT) >= CAST(w.stake_minor AS HUGEINT) * $3))
         ORDER BY w.occurred_ms, w.event_id`,
        [fromMs, toMs, BigInt(config.winToStakeMultiplier), ...params],
      );
      const flags: AmlFlag[] = [];
      for (const row of rows) {
        const stakes = row.bet_id
          ? await store.query<EvidenceRow>(
              `SELECT ${EVIDENCE_COLUMNS}, 'bet.authorized' AS event_type, 'bet ' || bet_id AS detail FROM bets
               WHERE brand = $1 AND bet_id = $2 ORDER BY occurred_ms`,
              [row.brand, row.bet_id],
            )
          : [];
        const won = decimal(row.amount_minor, row.currency);
        const staked = decimal(row.stake_minor, row.currency);
        const limit = config.winAtLeast[row.currency];
        flags.push({
          ruleId: rule.id,
          ruleName: rule.name,
          brand: row.brand,
          playerId: row.player_id,
          currency: row.currency,
          reason:
            `won ${won} ${row.currency} on a stake of ${staked} ${row.currency} ` +
            `(thresholds: ${limit ? `${limit} ${row.currency} or ` : ''}${config.winToStakeMultiplier}× the stake)`,
          evidence: [...stakes, row].map(toEvidence),
        });
      }
      return flags;
    },
  };
  return rule;
}

export interface RapidCycleConfig {
  /** Deposit and withdrawal at most this far apart. */
  windowMinutes: number;
  /** Flag when less than this share of the deposit was staked in between… */
  wageredBelowPercent: number;
  /** …and at least this share of it was withdrawn. */
  withdrawnAtLeastPercent: number;
}

/**
 * AML-CYC-01: deposit, little or no play, withdrawal soon after. Using the casino as a pass-through
 * turns dirty deposits into a clean-looking payout. Deposits are `wallet.credit` with reason
 * `deposit`, withdrawals `wallet.debit` with reason `withdrawal`, play is the stakes in between.
 */
export function rapidCycleRule(config: RapidCycleConfig): AmlRule {
  const spanMs = Math.round(config.windowMinutes * 60_000);
  const percents = [config.wageredBelowPercent, config.withdrawnAtLeastPercent];
  if (!(spanMs > 0) || percents.some((p) => !Number.isInteger(p) || p < 0 || p > 100)) {
    throw new Error('AML_CONFIG_INVALID: windowMinutes > 0 and whole percents 0–100');
  }
  const rule: AmlRule = {
    id: 'AML-CYC-01',
    name: 'Rapid deposit–bet–withdraw cycle',
    description:
      `A withdrawal of at least ${config.withdrawnAtLeastPercent}% of a deposit within ${config.windowMinutes} minutes ` +
      `of it, with less than ${config.wageredBelowPercent}% of the deposit staked in between: the casino used as a pass-through.`,
    config,
    async evaluate(store, window) {
      const [fromMs, toMs] = windowMs(window);
      const pairs = await store.query<{
        brand: string;
        player_id: string;
        currency: string;
        deposit_id: string;
        deposit_minor: bigint;
        deposit_ms: bigint;
        withdrawal_id: string;
        withdrawal_minor: bigint;
        withdrawal_ms: bigint;
        wagered: bigint;
      }>(
        `SELECT d.brand, d.player_id, d.currency, d.event_id AS deposit_id, d.amount_minor AS deposit_minor,
           d.occurred_ms AS deposit_ms, w.event_id AS withdrawal_id, w.amount_minor AS withdrawal_minor,
           w.occurred_ms AS withdrawal_ms,
           (SELECT CAST(coalesce(sum(b.amount_minor), 0) AS HUGEINT) FROM bets b
             WHERE b.brand = d.brand AND b.player_id = d.player_id AND b.currency = d.currency
               AND b.occurred_ms BETWEEN d.occurred_ms AND w.occurred_ms) AS wagered
         FROM wallet_movements d JOIN wallet_movements w
           ON w.brand = d.brand AND w.player_id = d.player_id AND w.currency = d.currency
          AND w.direction = 'debit' AND w.reason = 'withdrawal'
          AND w.occurred_ms >= d.occurred_ms AND w.occurred_ms <= d.occurred_ms + ${spanMs}
         WHERE d.direction = 'credit' AND d.reason = 'deposit' AND d.occurred_ms >= $1 AND d.occurred_ms < $2
         ORDER BY d.occurred_ms, w.occurred_ms`,
        [fromMs, toMs],
      );
      const flags: AmlFlag[] = [];
      const flaggedDeposits = new Set<string>();
      for (const pair of pairs) {
        if (flaggedDeposits.has(pair.deposit_id)) continue;
        const littlePlay = pair.wagered * 100n < pair.deposit_minor * BigInt(config.wageredBelowPercent);
        const mostOut =
          pair.withdrawal_minor * 100n >= pair.deposit_minor * BigInt(config.withdrawnAtLeastPercent);
        if (!littlePlay || !mostOut) continue;
        flaggedDeposits.add(pair.deposit_id);
        const who = { brand: pair.brand, playerId: pair.player_id, currency: pair.currency };
        const movements = await store.query<EvidenceRow>(
          `SELECT ${EVIDENCE_COLUMNS}, 'wallet.' || direction AS event_type,
             reason || ' ' || transaction_id AS detail
           FROM wallet_movements WHERE event_id IN ($1, $2)`,
          [pair.deposit_id, pair.withdrawal_id],
        );
        const stakes = await stakesBetween(store, who, pair.deposit_ms, pair.withdrawal_ms);
        const evidence = [...movements, ...stakes].sort(
          (a, b) => a.occurred_at.localeCompare(b.occurred_at) || a.event_id.localeCompare(b.event_id),
        );
        const minutesApart = Number(pair.withdrawal_ms - pair.deposit_ms) / 60_000;
        flags.push({
          ruleId: rule.id,
          ruleName: rule.name,
          ...who,
          reason:
            `deposited ${decimal(pair.deposit_minor, pair.currency)} ${pair.currency}, staked ` +
            `${decimal(pair.wagered, pair.currency)} ${pair.currency}, withdrew ` +
            `${decimal(pair.withdrawal_minor, pair.currency)} ${pair.currency} ${Math.round(minutesApart)} minutes later ` +
            `(thresholds: staked < ${config.wageredBelowPercent}% and withdrawn ≥ ${config.withdrawnAtLeastPercent}% ` +
            `within ${config.windowMinutes} minutes)`,
          evidence: evidence.map(toEvidence),
        });
      }
      return flags;
    },
  };
  return rule;
}

/** The catalogue with the thresholds this package ships (tune per market; see README). */
export function defaultAmlRules(): AmlRule[] {
  return [
    stakeVelocityRule({ windowMinutes: 10, stakeCount: 20, stakeTotal: { EUR: '2000.00', USD: '2000.00' } }),
    largeWinRule({ winAtLeast: { EUR: '1000.00', USD: '1000.00' }, winToStakeMultiplier: 500 }),
    rapidCycleRule({ windowMinutes: 60, wageredBelowPercent: 25, withdrawnAtLeastPercent: 50 }),
  ];
}

/** Runs each rule over the window; flags in catalogue order. */
export async function runAmlRules(
  store: ReportingStore,
  rules: readonly AmlRule[],
  window: AmlWindow,
): Promise<AmlFlag[]> {
  const flags: AmlFlag[] = [];
  for (const rule of rules) flags.push(...(await rule.evaluate(store, window)));
  return flags;
}
