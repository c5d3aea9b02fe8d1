/**
 * Every way money input can be wrong, as a code a program can match on. The wire error schema
 * (`{code, message, retryable, trace_id}`) can carry these codes unchanged; none is retryable,
 * because the same input fails the same way.
 */
export type MoneyErrorCode =
  /** The amount was a JS number (or anything else) instead of a decimal string. */
  | 'AMOUNT_NOT_A_STRING'
  /** The decimal string does not match `-?(0|[1-9][0-9]*)(\.[0-9]+)?`. */
  | 'AMOUNT_MALFORMED'
  /** More decimal places than the currency's exponent. */
  | 'AMOUNT_EXCESS_PRECISION'
  /** A negative amount where only non-negative ones are allowed. */
  | 'AMOUNT_NEGATIVE'
  /** The absolute minor-unit value exceeds the configured maximum. */
  | 'AMOUNT_OUT_OF_RANGE'
  /** An Amount whose `minor` is not a bigint (a JS caller passed a number). */
  | 'AMOUNT_NOT_A_BIGINT'
  /** The currency code is not in the registry in use. */
  | 'CURRENCY_UNKNOWN'
  /** Arithmetic across two currencies. */
  | 'CURRENCY_MISMATCH'
  /** `defineCurrencies` got a bad code or exponent, or redefined an existing code differently. */
  | 'CURRENCY_DEFINITION_INVALID'
  /** `allocate` got no ratios, a negative or fractional ratio, or ratios summing to zero. */
  | 'RATIOS_INVALID'
  /** `scale`/`percentOf` got a non-integer factor or a zero/negative denominator. */
  | 'FACTOR_INVALID'
  /** A percent that is not a decimal from 0 to 100 with at most two places (`basisPointsOf`). */
  | 'PERCENT_INVALID'
  /** A rounding mode other than the documented ones. */
  | 'ROUNDING_MODE_UNKNOWN'
  /** `sum` of nothing without a currency to give the zero. */
  | 'SUM_EMPTY';

export class MoneyError extends Error {
  override readonly name = 'MoneyError';
  readonly code: MoneyErrorCode;
  readonly retryable = false;

  constructor(code: MoneyErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function isMoneyError(value: unknown): value is MoneyError {
  return value instanceof MoneyError;
}

/** Quote a caller's value for an error message without dumping something huge. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}
