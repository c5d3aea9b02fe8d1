import { addDecimals, sameDecimal, subtractDecimals } from '@croupier/money';
import type { Platform } from '../platform.ts';
import type { TestPlayer } from '../profile.ts';
import { check } from '../scenario.ts';

/** Runs `act` and asserts the player's cash balance moved by exactly `delta` (negative = debit). */
export async function expectBalanceDelta<T>(
  platform: Platform,
  player: TestPlayer,
  delta: string,
  act: () => Promise<T>,
  what = 'balance',
): Promise<T> {
  const before = await platform.balance(player);
  const result = await act();
  const after = await platform.balance(player);
  const expected = delta.startsWith('-')
    ? subtractDecimals(before.cash, delta.slice(1))
    : addDecimals(before.cash, delta);
  check(
    sameDecimal(after.cash, expected),
    `${what}: cash went ${before.cash} → ${after.cash}, expected ${expected} (${delta.startsWith('-') ? '' : '+'}${delta})`,
  );
  return result;
}

/** "No write": the request must leave the balance exactly as it was. */
export function expectNoWrite<T>(platform: Platform, player: TestPlayer, act: () => Promise<T>): Promise<T> {
  return expectBalanceDelta(platform, player, '0', act, 'no write expected');
}

export function negate(amount: string): string {
  return `-${amount}`;
}
