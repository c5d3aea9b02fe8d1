/**
 * The fake jackpot aggregator. Contributions are the wallet's own (a share of each stake booked to
 * the brand's jackpot account on authorize); a trigger pays the pool to a player the way a real
 * jackpot service does: a settle with `win_type: jackpot` and no prior bet.
 */
import { randomUUID } from 'node:crypto';
import { formatAmount, fromMinor, parseAmount } from '@croupier/money';
import type { Wallet } from '@croupier/wallet';

export interface JackpotPool {
  currency: string;
  amount: string;
}

export async function jackpotPools(wallet: Wallet, brand: string): Promise<JackpotPool[]> {
  const accounts = await wallet.ledger.transaction((tx) => tx.balances('house'));
  return accounts
    .filter((a) => a.kind === `${brand}:jackpot`)
    .map((a) => ({ currency: a.currency, amount: formatAmount(fromMinor(a.balance, a.currency)) }));
}

export interface JackpotTrigger {
  brand: string;
  provider: string;
  region: string;
  playerId: string;
  traceId: string;
  /** Pays this instead of the pool (a decimal string), e.g. to try a jackpot win before any contribution. */
  amount?: string;
}

export async function triggerJackpot(wallet: Wallet, trigger: JackpotTrigger) {
  const player = await wallet.player(trigger.brand, trigger.playerId);
  if (!player) throw new Error(`PLAYER_NOT_FOUND: no player ${trigger.playerId} in brand ${trigger.brand}`);
  const pool = (await jackpotPools(wallet, trigger.brand)).find((p) => p.currency === player.currency);
  const amount = trigger.amount ?? pool?.amount;
  if (!amount || parseAmount(amount, player.currency).minor <= 0n) {
    throw new Error(
      `JACKPOT_EMPTY: the ${player.currency} pool of ${trigger.brand} is empty; set a contribution with PUT /sandbox/jackpot {"percent":"1"} and place bets, or pass "amount"`,
    );
  }
  const scope = (key: string) => ({
    brand: trigger.brand,
    provider: trigger.provider,
    region: trigger.region,
    traceId: trigger.traceId,
    idempotencyKey: key,
  });
  const run = randomUUID().slice(0, 8);
  const session = await wallet.createSession(scope(`jp_session_${run}`), {
    player_id: trigger.playerId,
    game_id: 'sandbox:jackpot',
    currency: player.currency,
    locale: 'en-GB',
  });
  if (session.status !== 200 && session.status !== 201) {
    return { paid: false, status: session.status, answer: session.body };
  }
  const sessionId = (session.body as { session_id: string }).session_id;
  const betId = `jp_${run}`;
  const settled = await wallet.settleBet(scope(`jp_settle_${run}`), {
    bet_id: betId,
    round_id: `jp_round_${run}`,
    win: { amount, currency: player.currency },
    win_type: 'jackpot',
    player_id: trigger.playerId,
    session_id: sessionId,
  });
  return {
    paid: settled.status === 200,
    status: settled.status,
    bet_id: betId,
    amount,
    currency: player.currency,
    answer: settled.body,
  };
}
