import { describeValue, MoneyError } from './errors.ts';
import { ISO_4217_EXPONENTS } from './iso4217.ts';

/**
 * Which currencies exist and how many decimal places each has. A value, not global state: a
 * wallet that takes BTC builds its registry once at start-up and passes it to parse/format, so
 * two operators in one process cannot see each other's crypto definitions.
 */
export class CurrencyRegistry {
  readonly #exponents: ReadonlyMap<string, number>;

  /** Use `isoCurrencies` or `defineCurrencies`; the constructor trusts its input. */
  private constructor(exponents: ReadonlyMap<string, number>) {
    this.#exponents = exponents;
  }

  /** @internal */
  static fromTrusted(exponents: ReadonlyMap<string, number>): CurrencyRegistry {
    return new CurrencyRegistry(exponents);
  }

  has(code: string): boolean {
    return this.#exponents.has(code);
  }

  /** The exponent, or `undefined` when the code is not in this registry. */
  exponentOf(code: string): number | undefined {
    return this.#exponents.get(code);
  }

  /** Every code, sorted. */
  codes(): string[] {
    return [...this.#exponents.keys()].sort();
  }

  /** This registry plus `definitions`; see `defineCurrencies`. */
  with(definitions: Readonly<Record<string, number>>): CurrencyRegistry {
    const next = new Map(this.#exponents);
    for (const [code, exponent] of Object.entries(definitions)) {
      assertDefinition(code, exponent);
      const existing = next.get(code);
      if (existing !== undefined && existing !== exponent) {
        // Changing an exponent silently rescales every stored minor-unit amount in that currency.
        throw new MoneyError(
          'CURRENCY_DEFINITION_INVALID',
          `${code} is already defined with ${existing} decimal places; refusing to redefine it with ${exponent}. ` +
            'Use a different code for the custom currency.',
        );
      }
      next.set(code, exponent);
    }
    return new CurrencyRegistry(next);
  }
}

/**
 * Upper-case letters and digits, 2–12 characters, starting with a letter: fits ISO codes and
 * token tickers (BTC, USDT, ETH, USDC) while keeping codes safe to put in logs, URLs and keys.
 */
const CODE_PATTERN = /^[A-Z][A-Z0-9]{1,11}$/;
/** 10^30 minor units per major is beyond any real token (ETH uses 18) and keeps math sane. */
const MAX_EXPONENT = 30;

function assertDefinition(code: string, exponent: unknown): void {
  if (!CODE_PATTERN.test(code)) {
    throw new MoneyError(
      'CURRENCY_DEFINITION_INVALID',
      `currency code ${describeValue(code)} must be 2–12 upper-case letters or digits starting with a letter (e.g. "BTC", "USDT")`,
    );
  }
  if (
    typeof exponent !== 'number' ||
    !Number.isInteger(exponent) ||
    exponent < 0 ||
    exponent > MAX_EXPONENT
  ) {
    throw new MoneyError(
      'CURRENCY_DEFINITION_INVALID',
      `${code}: the exponent (decimal places) must be an integer from 0 to ${MAX_EXPONENT}, got ${describeValue(exponent)}`,
    );
  }
}

/** All active ISO 4217 currencies; the default everywhere a registry is optional. */
export const isoCurrencies: CurrencyRegistry = CurrencyRegistry.fromTrusted(
  new Map(Object.entries(ISO_4217_EXPONENTS)),
);

/**
 * A registry with custom (crypto, play-money) currencies on top of `base` (ISO 4217 by default):
 * `defineCurrencies({ BTC: 8, USDT: 6, ETH: 18 })`. Redefining an existing code with a different
 * exponent throws `CURRENCY_DEFINITION_INVALID`.
 */
export function defineCurrencies(
  definitions: Readonly<Record<string, number>>,
  base: CurrencyRegistry = isoCurrencies,
): CurrencyRegistry {
  return base.with(definitions);
}

/** The exponent of `currency`, or `CURRENCY_UNKNOWN` with a hint for the usual mistakes. */
export function exponentOf(currency: unknown, currencies: CurrencyRegistry = isoCurrencies): number {
  if (typeof currency === 'string') {
    const exponent = currencies.exponentOf(currency);
    if (exponent !== undefined) return exponent;
  }
  throw unknownCurrency(currency, currencies);
}

function unknownCurrency(currency: unknown, currencies: CurrencyRegistry): MoneyError {
  if (typeof currency !== 'string') {
    return new MoneyError(
      'CURRENCY_UNKNOWN',
      `currency must be a code string such as "EUR", got ${describeValue(currency)}`,
    );
  }
  const upper = currency.trim().toUpperCase();
  if (upper !== currency && currencies.has(upper)) {
    return new MoneyError(
      'CURRENCY_UNKNOWN',
      `unknown currency ${describeValue(currency)}: codes are exact and upper case — did you mean "${upper}"?`,
    );
  }
  return new MoneyError(
    'CURRENCY_UNKNOWN',
    `unknown currency ${describeValue(currency)}: not an active ISO 4217 code and not defined in this registry ` +
      '(add crypto or custom currencies with defineCurrencies({ BTC: 8 }) and pass the registry)',
  );
}
