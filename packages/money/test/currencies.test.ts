import { describe, expect, it } from 'vitest';
import {
  defineCurrencies,
  exponentOf,
  ISO_4217_EXPONENTS,
  isoCurrencies,
  type MoneyError,
  type MoneyErrorCode,
  parseAmount,
} from '../src/index.ts';

function expectCode(run: () => unknown, code: MoneyErrorCode): MoneyError {
  try {
    run();
  } catch (error) {
    expect((error as MoneyError).code).toBe(code);
    return error as MoneyError;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

describe('ISO 4217 table', () => {
  it.each([
    ['JPY', 0],
    ['KRW', 0],
    ['CLP', 0],
    ['ISK', 0],
    ['EUR', 2],
    ['USD', 2],
    ['GBP', 2],
    ['BHD', 3],
    ['KWD', 3],
    ['IQD', 3],
    ['TND', 3],
    ['CLF', 4],
    ['UYW', 4],
  ])('%s has %i decimal places', (code, exponent) => {
    expect(exponentOf(code)).toBe(exponent);
  });

  it('holds only three-letter upper-case codes with exponents 0–4', () => {
    const entries = Object.entries(ISO_4217_EXPONENTS);
    expect(entries.length).toBeGreaterThan(160);
    for (const [code, exponent] of entries) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect([0, 2, 3, 4]).toContain(exponent);
    }
    expect(isoCurrencies.codes()).toEqual(Object.keys(ISO_4217_EXPONENTS).sort());
  });

  it('is frozen', () => {
    expect(Object.isFrozen(ISO_4217_EXPONENTS)).toBe(true);
  });
});

describe('defineCurrencies', () => {
  it('adds crypto currencies without touching the ISO registry', () => {
    const crypto = defineCurrencies({ BTC: 8, USDT: 6, ETH: 18 });
    expect(crypto.exponentOf('BTC')).toBe(8);
    expect(crypto.exponentOf('EUR')).toBe(2);
    expect(isoCurrencies.has('BTC')).toBe(false);
    expect(parseAmount('0.1', 'USDT', { currencies: crypto }).minor).toBe(100_000n);
  });

  it('layers on a given base and allows repeating an identical definition', () => {
    const base = defineCurrencies({ BTC: 8 });
    const more = defineCurrencies({ BTC: 8, SOL: 9 }, base);
    expect(more.exponentOf('SOL')).toBe(9);
    expect(base.has('SOL')).toBe(false);
    expect(isoCurrencies.with({ EUR: 2 }).exponentOf('EUR')).toBe(2);
  });

  it('CURRENCY_DEFINITION_INVALID for bad codes, bad exponents and conflicting redefinitions', () => {
    expectCode(() => defineCurrencies({ btc: 8 }), 'CURRENCY_DEFINITION_INVALID');
    expectCode(() => defineCurrencies({ 'US D': 2 }), 'CURRENCY_DEFINITION_INVALID');
    expectCode(() => defineCurrencies({ X: 2 }), 'CURRENCY_DEFINITION_INVALID');
    expectCode(() => defineCurrencies({ BTC: -1 }), 'CURRENCY_DEFINITION_INVALID');
    expectCode(() => defineCurrencies({ BTC: 8.5 }), 'CURRENCY_DEFINITION_INVALID');
    expectCode(() => defineCurrencies({ BTC: 31 }), 'CURRENCY_DEFINITION_INVALID');
    expectCode(() => defineCurrencies({ BTC: '8' as never }), 'CURRENCY_DEFINITION_INVALID');
    const error = expectCode(() => defineCurrencies({ EUR: 0 }), 'CURRENCY_DEFINITION_INVALID');
    expect(error.message).toContain('EUR is already defined with 2 decimal places');
  });
});
