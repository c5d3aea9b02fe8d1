import { type CurrencyRegistry, exponentOf, isoCurrencies } from './currencies.ts';
import { DECIMAL, malformed } from './decimal.ts';
import { describeValue, MoneyError } from './errors.ts';

/** An exact amount: an integer count of the currency's minor units (cents for EUR, yen for JPY). */
export interface Amount {
  readonly minor: bigint;
  readonly currency: string;
}

/** The JSON shape on every wire: `{"amount":"2.00","currency":"EUR"}`. */
export interface WireAmount {
  readonly amount: string;
  readonly currency: string;
}

export interface CurrencyOptions {
  /** Which currencies exist; ISO 4217 when omitted. */
  readonly currencies?: CurrencyRegistry;
}

export interface ParseOptions extends CurrencyOptions {
  /** Accept a leading `-`. Off by default: stakes, wins and deposits are never negative. */
  readonly allowNegative?: boolean;
  /** Largest accepted absolute value in minor units (inclusive). Defaults to `DEFAULT_MAX_MINOR`. */
  readonly maxMinor?: bigint;
}

/**
 * 2^63 − 1: the largest value a signed 64-bit integer column (PostgreSQL BIGINT, SQLite INTEGER)
 * can store, so anything that parses also fits the ledger. 18-decimal tokens hit this at ~9.2
 * whole units; raise `maxMinor` for them and store minor units as NUMERIC.
 */
export const DEFAULT_MAX_MINOR: bigint = 2n ** 63n - 1n;

/**
 * Parse a wire decimal string into minor units.
 *
 * Fewer decimals than the currency's exponent are fine (`"2"` and `"2.5"` EUR are 200n and 250n);
 * trailing zeros up to the exponent are fine (`"2.00"`); more decimals than the exponent are
 * rejected even when they are zeros (`"1.0"` JPY), because a peer sending them has the
 * currency's exponent wrong and will mis-round elsewhere.
 */
export function parseAmount(decimal: string, currency: string, options: ParseOptions = {}): Amount {
  // JS callers and untyped request bodies get past the type; `malformed` names the number.
  const match = typeof decimal === 'string' ? DECIMAL.exec(decimal) : null;
  if (match === null) throw malformed(decimal);
  const negative = match[1] === '-';
  const whole = match[2] ?? '';
  const fraction = match[3] ?? '';

  const currencies = options.currencies ?? isoCurrencies;
  const exponent = exponentOf(currency, currencies);

  if (negative && /^[0.]*$/.test(whole + fraction)) {
    throw new MoneyError('AMOUNT_MALFORMED', `${describeValue(decimal)} is a negative zero; write "0"`);
  }
  if (negative && options.allowNegative !== true) {
    throw new MoneyError(
      'AMOUNT_NEGATIVE',
      `amount ${describeValue(decimal)} is negative; ${currency} amounts here must be zero or more`,
    );
  }
  if (fraction.length > exponent) {
    throw new MoneyError(
      'AMOUNT_EXCESS_PRECISION',
      `${currency} has ${plural(exponent, 'decimal place')}; ${describeValue(decimal)} has ${fraction.length}`,
    );
  }

  const maxMinor = options.maxMinor ?? DEFAULT_MAX_MINOR;
  const digits = (whole + fraction.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  // Compare lengths first so a megabyte of digits is rejected without building a huge bigint.
  const magnitude = digits.length > maxMinor.toString().length ? undefined : BigInt(digits);
  if (magnitude === undefined || magnitude > maxMinor) {
    throw new MoneyError(
      'AMOUNT_OUT_OF_RANGE',
      `amount ${describeValue(decimal)} ${currency} exceeds the maximum of ` +
        `${formatMinor(maxMinor, exponent)} ${currency}`,
    );
  }
  return { minor: negative ? -magnitude : magnitude, currency };
}

/**
 * The wire decimal string, always with exactly the currency's exponent digits:
 * 200n EUR → "2.00", 1500n JPY → "1500", 1500n BHD → "1.500", -5n EUR → "-0.05".
 */
export function formatAmount(amount: Amount, options: CurrencyOptions = {}): string {
  assertMinor(amount);
  return formatMinor(amount.minor, exponentOf(amount.currency, options.currencies ?? isoCurrencies));
}

function formatMinor(minor: bigint, exponent: number): string {
  const sign = minor < 0n ? '-' : '';
  const digits = (minor < 0n ? -minor : minor).toString();
  if (exponent === 0) return sign + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** An Amount from minor units already known to be exact (a ledger row, a computed value). */
export function fromMinor(minor: bigint, currency: string, options: CurrencyOptions = {}): Amount {
  const amount = { minor, currency };
  assertMinor(amount);
  exponentOf(currency, options.currencies ?? isoCurrencies);
  return amount;
}

/** Zero in `currency`; the currency is checked. */
export function zero(currency: string, options: CurrencyOptions = {}): Amount {
  return fromMinor(0n, currency, options);
}

/**
 * Test and fixture shorthand: `money('2.50', 'EUR')`. Negatives are allowed, so
 * `money('-1.00', 'EUR')` works; everything else is validated like `parseAmount`.
 */
export function money(decimal: string, currency: string, options: ParseOptions = {}): Amount {
  return parseAmount(decimal, currency, { allowNegative: true, ...options });
}

export function toWire(amount: Amount, options: CurrencyOptions = {}): WireAmount {
  return { amount: formatAmount(amount, options), currency: amount.currency };
}

/** Parse a wire `{amount, currency}` object; same rules and options as `parseAmount`. */
export function fromWire(wire: unknown, options: ParseOptions = {}): Amount {
  if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) {
    throw new MoneyError(
      'AMOUNT_MALFORMED',
      `expected an object like {"amount":"2.00","currency":"EUR"}, got ${describeValue(wire)}`,
    );
  }
  const { amount, currency } = wire as { amount?: unknown; currency?: unknown };
  if (typeof currency !== 'string') exponentOf(currency); // throws CURRENCY_UNKNOWN with the reason
  // parseAmount checks the type at run time and answers AMOUNT_NOT_A_STRING.
  return parseAmount(amount as string, currency as string, options);
}

/** True for `{ minor: bigint, currency: string }`; the currency is not looked up. */
export function isAmount(value: unknown): value is Amount {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { minor?: unknown }).minor === 'bigint' &&
    typeof (value as { currency?: unknown }).currency === 'string'
  );
}

/** Reject Amounts built by JS callers with a number in `minor`. */
export function assertMinor(amount: Amount): void {
  if (typeof amount?.minor !== 'bigint') {
    throw new MoneyError(
      'AMOUNT_NOT_A_BIGINT',
      `Amount.minor must be a bigint count of minor units, got ${describeValue(amount?.minor)}; ` +
        'build amounts with parseAmount or fromMinor',
    );
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
