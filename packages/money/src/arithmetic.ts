import { type Amount, assertMinor } from './amount.ts';
import { MoneyError } from './errors.ts';

// Exact integer arithmetic on minor units. Nothing here needs the exponent: two amounts in the
// same currency share it, and mixing currencies is refused rather than converted.

export function add(a: Amount, b: Amount): Amount {
  sameCurrency(a, b, 'add');
  return { minor: a.minor + b.minor, currency: a.currency };
}

export function subtract(a: Amount, b: Amount): Amount {
  sameCurrency(a, b, 'subtract');
  return { minor: a.minor - b.minor, currency: a.currency };
}

export function negate(a: Amount): Amount {
  assertMinor(a);
  return { minor: -a.minor, currency: a.currency };
}

export function isZero(a: Amount): boolean {
  assertMinor(a);
  return a.minor === 0n;
}

export function isNegative(a: Amount): boolean {
  assertMinor(a);
  return a.minor < 0n;
}

export function isPositive(a: Amount): boolean {
  assertMinor(a);
  return a.minor > 0n;
}

/** -1, 0 or 1, for `Array.prototype.sort` and for `compare(balance, stake) < 0`. */
export function compare(a: Amount, b: Amount): -1 | 0 | 1 {
  sameCurrency(a, b, 'compare');
  return a.minor < b.minor ? -1 : a.minor > b.minor ? 1 : 0;
}

export function equals(a: Amount, b: Amount): boolean {
  return compare(a, b) === 0;
}

export function min(first: Amount, ...rest: Amount[]): Amount {
  return rest.reduce((least, next) => (compare(next, least) < 0 ? next : least), checked(first));
}

export function max(first: Amount, ...rest: Amount[]): Amount {
  return rest.reduce((most, next) => (compare(next, most) > 0 ? next : most), checked(first));
}

/**
 * Total of `amounts`. With `currency`, every amount must be in it and an empty list is zero in
 * it; without, the list must be non-empty (there is no currency-less zero).
 */
export function sum(amounts: Iterable<Amount>, currency?: string): Amount {
  let total: Amount | undefined = currency === undefined ? undefined : { minor: 0n, currency };
  for (const amount of amounts) {
    total = total === undefined ? checked(amount) : add(total, amount);
  }
  if (total === undefined) {
    throw new MoneyError(
      'SUM_EMPTY',
      'cannot sum an empty list without a currency; call sum(amounts, "EUR") to get zero',
    );
  }
  return total;
}

function checked(a: Amount): Amount {
  assertMinor(a);
  return a;
}

function sameCurrency(a: Amount, b: Amount, operation: string): void {
  assertMinor(a);
  assertMinor(b);
  if (a.currency !== b.currency) {
    throw new MoneyError(
      'CURRENCY_MISMATCH',
      `cannot ${operation} ${a.currency} and ${b.currency}; convert one of them first`,
    );
  }
}
