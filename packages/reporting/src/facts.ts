import type { EventEnvelope } from '@croupier/events';
import { parseAmount } from '@croupier/money';

/**
 * What one event contributes to the analytics store. The envelope is kept whole in
 * `received_events` (that is where dedup and lag live); each money-carrying event type also
 * yields one fact row, its amounts converted to integer minor units here, once, so the store
 * never sees a decimal string or a float. The envelope type is the contract's, generated once in
 * `@croupier/events`.
 */
export type { EventEnvelope };

/** Columns every fact table shares: who, when, which trace, how much of what. */
export interface FactBase {
  event_id: string;
  brand: string;
  region: string;
  player_id: string;
  trace_id: string;
  occurred_at: string;
  currency: string;
  amount_minor: bigint;
}

export type Fact =
  | { table: 'bets'; row: FactBase & { bet_id: string; round_id: string; game_id: string | null } }
  | {
      table: 'wins';
      row: FactBase & {
        bet_id: string | null;
        round_id: string;
        stake_minor: bigint;
        win_type: string;
        final: boolean;
      };
    }
  | { table: 'rollbacks'; row: FactBase & { bet_id: string; round_id: string; tombstone: boolean } }
  | { table: 'bonuses_issued'; row: FactBase & { bonus_id: string; bonus_type: string } }
  | {
      table: 'bonuses_consumed';
      row: FactBase & { bonus_id: string; reason: string; removed_minor: bigint };
    }
  | {
      table: 'wallet_movements';
      row: FactBase & {
        direction: 'credit' | 'debit';
        reason: string;
        transaction_id: string;
        bet_id: string | null;
      };
    };

export type FactTable = Fact['table'];

interface WireMoney {
  amount: string;
  currency: string;
}

const isWireMoney = (value: unknown): value is WireMoney =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as WireMoney).amount === 'string' &&
  typeof (value as WireMoney).currency === 'string';

/** Minor units of a wire amount; the currency's ISO 4217 exponent decides the scale. */
function minorOf(value: unknown, field: string): { currency: string; minor: bigint } {
  if (!isWireMoney(value)) throw new Error(`FACT_MONEY_MISSING: payload.${field} is not {amount, currency}`);
  const parsed = parseAmount(value.amount, value.currency);
  return { currency: parsed.currency, minor: parsed.minor };
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function base(event: EventEnvelope, money: { currency: string; minor: bigint }): FactBase {
  return {
    event_id: event.event_id,
    brand: event.tenant_id,
    region: event.region,
    player_id: event.player_id,
    trace_id: event.trace_id,
    occurred_at: event.occurred_at,
    currency: money.currency,
    amount_minor: money.minor,
  };
}

/**
 * The fact an event carries, or null for event types the reports do not read (sessions, RG,
 * wagering progress: they still land in `received_events`). A tombstone rollback refunded
 * nothing, so it is a zero-amount rollback in whatever currency it names (or none: skipped).
 */
export function factOf(event: EventEnvelope): Fact | null {
  const p = event.payload;
  switch (event.event_type) {
    case 'bet.authorized':
      return {
        table: 'bets',
        row: {
          ...base(event, minorOf(p.amount, 'amount')),
          bet_id: String(p.bet_id),
          round_id: String(p.round_id),
          game_id: text(p.game_id),
        },
      };
    case 'bet.settled': {
      const win = minorOf(p.win, 'win');
      const stake = minorOf(p.bet, 'bet');
      return {
        table: 'wins',
        row: {
          ...base(event, win),
          bet_id: text(p.bet_id),
          round_id: String(p.round_id),
          stake_minor: stake.minor,
          win_type: text(p.win_type) ?? 'regular',
          final: p.final !== false,
        },
      };
    }
    case 'bet.rolled_back': {
      if (!isWireMoney(p.amount)) return null;
      return {
        table: 'rollbacks',
        row: {
          ...base(event, minorOf(p.amount, 'amount')),
          bet_id: String(p.bet_id),
          round_id: String(p.round_id),
          tombstone: p.tombstone === true,
        },
      };
    }
    case 'bonus.issued':
      return {
        table: 'bonuses_issued',
        row: {
          ...base(event, minorOf(p.amount, 'amount')),
          bonus_id: String(p.bonus_id),
          bonus_type: String(p.bonus_type),
        },
      };
    case 'bonus.consumed': {
      const converted = minorOf(p.converted, 'converted');
      const removed = isWireMoney(p.removed) ? minorOf(p.removed, 'removed').minor : 0n;
      return {
        table: 'bonuses_consumed',
        row: {
          ...base(event, converted),
          bonus_id: String(p.bonus_id),
          reason: String(p.reason),
          removed_minor: removed,
        },
      };
    }
    case 'wallet.credit':
    case 'wallet.debit':
      return {
        table: 'wallet_movements',
        row: {
          ...base(event, minorOf(p.amount, 'amount')),
          direction: event.event_type === 'wallet.credit' ? 'credit' : 'debit',
          reason: String(p.reason),
          transaction_id: String(p.transaction_id),
          bet_id: text(p.bet_id),
        },
      };
    default:
      return null;
  }
}
