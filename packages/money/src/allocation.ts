import { type Amount, assertMinor } from './amount.ts';
import { DECIMAL } from './decimal.ts';
import { describeValue, MoneyError } from './errors.ts';

/**
 * How to round a share that falls between two minor units.
 * - `floor`: toward negative infinity (the default: a contribution or fee never overshoots).
 * - `ceil`: toward positive infinity.
 * - `half-even`: to the nearest, ties to the even unit (banker's rounding, no drift over many rounds).
 */
export type RoundingMode = 'floor' | 'ceil' | 'half-even';

const ROUNDING_MODES: readonly RoundingMode[] = ['floor', 'ceil', 'half-even'];

/**
 * `amount × numerator / denominator`, rounded to a whole minor unit. The factor is an exact
 * fraction of integers, so 0.75 % is `scale(a, 75n, 10_000n)`, never a float.
 */
export function scale(
  amount: Amount,
  numerator: bigint | number,
  denominator: bigint | number,
  rounding: RoundingMode = 'floor',
): Amount {
  assertMinor(amount);
  if (!ROUNDING_MODES.includes(rounding)) {
    throw new MoneyError(
      'ROUNDING_MODE_UNKNOWN',
      `unknown rounding mode ${describeValue(rounding)}; use one of ${ROUNDING_MODES.join(', ')}`,
    );
  }
  const top = integer(numerator, 'numerator');
  const bottom = integer(denominator, 'denominator');
  if (bottom <= 0n) {
    throw new MoneyError('FACTOR_INVALID', `the denominator must be positive, got ${bottom}`);
  }
  return { minor: divide(amount.minor * top, bottom, rounding), currency: amount.currency };
}

/**
 * `basisPoints / 10 000` of `amount` (100 bp = 1 %), e.g. a 0.5 % jackpot contribution is
 * `percentOf(stake, 50)`. Rounds with `floor` unless told otherwise.
 */
export function percentOf(
  amount: Amount,
  basisPoints: bigint | number,
  rounding: RoundingMode = 'floor',
): Amount {
  return scale(amount, basisPoints, 10_000n, rounding);
}

/**
 * Split `amount` in proportion to `ratios` (non-negative integers, at least one positive) so
 * that the parts sum to exactly `amount`. Largest remainder: every part gets its floor, and the
 * minor units left over go one each to the parts with the largest remainders, earlier parts
 * first on ties. A negative amount is split like its absolute value, then negated.
 *
 * allocate(1.00 EUR, [1, 1, 1]) → 0.34, 0.33, 0.33
 */
export function allocate(amount: Amount, ratios: readonly (bigint | number)[]): Amount[] {
  assertMinor(amount);
  if (ratios.length === 0) {
    throw new MoneyError('RATIOS_INVALID', 'allocate needs at least one ratio, e.g. [1, 1] to halve');
  }
  const weights = ratios.map((ratio, index) => {
    const weight = integer(ratio, `ratio #${index}`, 'RATIOS_INVALID');
    if (weight < 0n) {
      throw new MoneyError('RATIOS_INVALID', `ratio #${index} is negative (${weight}); ratios must be ≥ 0`);
    }
    return weight;
  });
  const total = weights.reduce((acc, weight) => acc + weight, 0n);
  if (total === 0n) {
    throw new MoneyError('RATIOS_INVALID', 'the ratios sum to zero; at least one must be positive');
  }

  const magnitude = amount.minor < 0n ? -amount.minor : amount.minor;
  const parts = weights.map((weight) => magnitude * weight);
  const shares = parts.map((part) => part / total);
  let leftover = magnitude - shares.reduce((acc, share) => acc + share, 0n);
  const byRemainder = parts
    .map((part, index) => ({ index, remainder: part % total }))
    .sort((x, y) => (x.remainder === y.remainder ? x.index - y.index : x.remainder > y.remainder ? -1 : 1));
  for (const { index } of byRemainder) {
    if (leftover === 0n) break;
    shares[index] = (shares[index] ?? 0n) + 1n;
    leftover -= 1n;
  }
  const sign = amount.minor < 0n ? -1n : 1n;
  return shares.map((share) => ({ minor: sign * share, currency: amount.currency }));
}

function divide(dividend: bigint, divisor: bigint, rounding: RoundingMode): bigint {
  const quotient = dividend / divisor; // truncates toward zero
  const remainder = dividend % divisor; // has the dividend's sign
  if (remainder === 0n) return quotient;
  switch (rounding) {
    case 'floor':
      return dividend < 0n ? quotient - 1n : quotient;
    case 'ceil':
      return dividend > 0n ? quotient + 1n : quotient;
    default: {
      // half-even
      const awayFromZero = dividend < 0n ? quotient - 1n : quotient + 1n;
      const twiceRemainder = 2n * (remainder < 0n ? -remainder : remainder);
      if (twiceRemainder > divisor) return awayFromZero;
      if (twiceRemainder < divisor) return quotient;
      return quotient % 2n === 0n ? quotient : awayFromZero;
    }
  }
}

function integer(
  value: bigint | number,
  what: string,
  code: 'FACTOR_INVALID' | 'RATIOS_INVALID' = 'FACTOR_INVALID',
): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new MoneyError(
    code,
    `the ${what} must be an integer (a bigint or a safe-integer number), got ${describeValue(value)}; ` +
      'express fractions as integer ratios, e.g. 0.75 % as 75 basis points',
  );
}

/**
 * A percent written as a decimal string, "1.5" → 150 basis points: at most two decimals, 0 to 100.
 * Configuration states shares as percents; arithmetic takes the basis points (`percentOf`).
 */
export function basisPointsOf(percent: string): number {
  const match = typeof percent === 'string' ? DECIMAL.exec(percent) : null;
  const fraction = match?.[3] ?? '';
  const basisPoints =
    match && match[1] === '' && fraction.length <= 2 && (match[2] ?? '').length <= 3
      ? Number(match[2]) * 100 + Number(fraction.padEnd(2, '0'))
      : Number.NaN;
  if (!(basisPoints >= 0 && basisPoints <= 10_000)) {
    throw new MoneyError(
      'PERCENT_INVALID',
      `${describeValue(percent)} is not a percent between 0 and 100 with at most two decimals`,
    );
  }
  return basisPoints;
}
