import { describeValue, MoneyError } from './errors.ts';

// ASCII digits only (no `u` flag, so \d is [0-9]); no exponent, no sign other than '-', no
// whitespace, no leading zeros, and a '.' must have digits on both sides. The one decimal grammar:
// amounts, currency-free wire decimals and percents are all read through it.
export const DECIMAL = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?$/;

/**
 * Places a currency-free decimal keeps: every ISO 4217 exponent and the 18 of ETH-like tokens, so two
 * wire amounts of one currency compare exactly without knowing which currency it is.
 */
export const DECIMAL_PLACES = 18;
const FACTOR = 10n ** BigInt(DECIMAL_PLACES);

/** True for a string in the amount grammar with at most `DECIMAL_PLACES` decimals. */
export function isDecimal(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DECIMAL.exec(value);
  return match !== null && (match[3] ?? '').length <= DECIMAL_PLACES;
}

/**
 * A wire decimal as an integer count of 10^-18, for comparing and adding amounts whose currency the
 * caller does not hold (a certification harness reading balances). With a currency, use `parseAmount`.
 */
export function decimalUnits(decimal: string): bigint {
  const match = typeof decimal === 'string' ? DECIMAL.exec(decimal) : null;
  if (match === null) throw malformed(decimal);
  const fraction = match[3] ?? '';
  if (fraction.length > DECIMAL_PLACES) {
    throw new MoneyError(
      'AMOUNT_EXCESS_PRECISION',
      `${describeValue(decimal)} has ${fraction.length} decimal places; at most ${DECIMAL_PLACES} are kept`,
    );
  }
  const units = BigInt(match[2] ?? '0') * FACTOR + BigInt(fraction.padEnd(DECIMAL_PLACES, '0'));
  return match[1] === '-' ? -units : units;
}

/** The decimal string of `decimalUnits`, trailing zeros dropped but at least two decimals: "1.50", "0.001". */
export function decimalFromUnits(units: bigint): string {
  const negative = units < 0n;
  const absolute = negative ? -units : units;
  const fraction = (absolute % FACTOR)
    .toString()
    .padStart(DECIMAL_PLACES, '0')
    .replace(/0+$/, '')
    .padEnd(2, '0');
  return `${negative ? '-' : ''}${absolute / FACTOR}.${fraction}`;
}

export function addDecimals(...decimals: string[]): string {
  return decimalFromUnits(decimals.reduce((sum, decimal) => sum + decimalUnits(decimal), 0n));
}

export function subtractDecimals(a: string, b: string): string {
  return decimalFromUnits(decimalUnits(a) - decimalUnits(b));
}

/** "1.5" and "1.50" are the same amount. */
export function sameDecimal(a: string, b: string): boolean {
  return decimalUnits(a) === decimalUnits(b);
}

export function malformed(decimal: unknown): MoneyError {
  if (typeof decimal !== 'string') {
    return new MoneyError(
      'AMOUNT_NOT_A_STRING',
      `amount must be a decimal string such as "2.00", got ${describeValue(decimal)}; ` +
        'JS numbers lose precision, so send amounts as strings',
    );
  }
  return new MoneyError(
    'AMOUNT_MALFORMED',
    `amount ${describeValue(decimal)} is not a plain decimal string${malformedHint(decimal)}; ` +
      'expected digits with an optional "-" and "." such as "2.00", "1500" or "-0.50"',
  );
}

function malformedHint(decimal: string): string {
  if (decimal === '') return ' (it is empty)';
  if (decimal.trim() !== decimal) return ' (remove the surrounding whitespace)';
  if (decimal.startsWith('+')) return ' (drop the "+")';
  if (/[eE]/.test(decimal) && /\d/.test(decimal)) return ' (exponent notation is not allowed)';
  if (decimal.includes(',')) return ' (use "." as the decimal separator and no grouping)';
  if (/^-?\./.test(decimal)) return ' (put a "0" before the ".")';
  if (decimal.endsWith('.')) return ' (drop the trailing "." or add digits after it)';
  if (/^-?0\d/.test(decimal)) return ' (no leading zeros)';
  return '';
}
