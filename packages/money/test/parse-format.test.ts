import { describe, expect, it } from 'vitest';
import {
  type Amount,
  DEFAULT_MAX_MINOR,
  defineCurrencies,
  formatAmount,
  fromMinor,
  fromWire,
  isAmount,
  MoneyError,
  type MoneyErrorCode,
  money,
  parseAmount,
  toWire,
  zero,
} from '../src/index.ts';

const crypto = defineCurrencies({ BTC: 8, USDT: 6, ETH: 18 });

function failure(run: () => unknown): MoneyError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MoneyError);
    return error as MoneyError;
  }
  throw new Error('expected a MoneyError, nothing was thrown');
}

function expectCode(run: () => unknown, code: MoneyErrorCode): MoneyError {
  const error = failure(run);
  expect(error.code).toBe(code);
  return error;
}

describe('parseAmount per exponent', () => {
  it.each([
    // exponent 0
    ['1500', 'JPY', 1500n],
    ['0', 'KRW', 0n],
    // exponent 2
    ['2.00', 'EUR', 200n],
    ['2.0', 'EUR', 200n],
    ['2', 'EUR', 200n],
    ['2.5', 'EUR', 250n],
    ['0.01', 'USD', 1n],
    ['0', 'EUR', 0n],
    ['123456789.99', 'EUR', 12345678999n],
    // exponent 3
    ['1.500', 'BHD', 1500n],
    ['0.001', 'KWD', 1n],
    ['7', 'BHD', 7000n],
    // exponent 4
    ['1.2345', 'CLF', 12345n],
  ])('%s %s → %sn', (decimal, currency, minor) => {
    expect(parseAmount(decimal, currency)).toEqual({ minor, currency });
  });

  it.each([
    // exponent 8
    ['0.00000001', 'BTC', 1n],
    ['21000000', 'BTC', 2_100_000_000_000_000n],
    ['1.5', 'BTC', 150_000_000n],
    ['0.000001', 'USDT', 1n],
    // exponent 18
    ['1', 'ETH', 10n ** 18n],
    ['0.000000000000000001', 'ETH', 1n],
    ['9.223372036854775807', 'ETH', DEFAULT_MAX_MINOR],
  ])('custom currency: %s %s → %sn', (decimal, currency, minor) => {
    expect(parseAmount(decimal, currency, { currencies: crypto })).toEqual({ minor, currency });
  });

  it('accepts negatives only when asked', () => {
    expect(parseAmount('-2.50', 'EUR', { allowNegative: true })).toEqual({ minor: -250n, currency: 'EUR' });
    expect(parseAmount('-1', 'JPY', { allowNegative: true })).toEqual({ minor: -1n, currency: 'JPY' });
  });
});

describe('parseAmount errors', () => {
  it.each([
    [2, 'number 2'],
    [2.5, 'number 2.5'],
    [200n, '200n'],
    [null, 'null'],
    [undefined, 'undefined'],
    [{ amount: '2.00' }, 'an object'],
  ])('AMOUNT_NOT_A_STRING for %s', (value, shown) => {
    const error = expectCode(() => parseAmount(value as never, 'EUR'), 'AMOUNT_NOT_A_STRING');
    expect(error.message).toContain(shown);
    expect(error.message).toContain('decimal string');
  });

  it.each([
    ['abc', ''],
    ['', 'empty'],
    ['1e3', 'exponent notation'],
    [' 1', 'whitespace'],
    ['1 ', 'whitespace'],
    ['+1', 'drop the "+"'],
    ['1.', 'trailing "."'],
    ['.5', 'put a "0" before'],
    ['-.5', 'put a "0" before'],
    ['01', 'no leading zeros'],
    ['-01', 'no leading zeros'],
    ['1,50', 'decimal separator'],
    ['1_000', ''],
    ['--1', ''],
    ['1.2.3', ''],
    ['١', ''], // Arabic-Indic digit: only ASCII digits are amounts
    ['NaN', ''],
    ['Infinity', ''],
    ['0x10', ''],
  ])('AMOUNT_MALFORMED for %j', (decimal, hint) => {
    const error = expectCode(() => parseAmount(decimal, 'EUR'), 'AMOUNT_MALFORMED');
    expect(error.message).toContain(JSON.stringify(decimal));
    expect(error.message).toContain(hint);
  });

  it('AMOUNT_MALFORMED for negative zero, even when negatives are allowed', () => {
    for (const decimal of ['-0', '-0.00']) {
      const error = expectCode(
        () => parseAmount(decimal, 'EUR', { allowNegative: true }),
        'AMOUNT_MALFORMED',
      );
      expect(error.message).toContain('negative zero');
    }
  });

  it('AMOUNT_EXCESS_PRECISION names the exponent and the digits given', () => {
    expect(expectCode(() => parseAmount('2.001', 'EUR'), 'AMOUNT_EXCESS_PRECISION').message).toBe(
      'EUR has 2 decimal places; "2.001" has 3',
    );
    expect(expectCode(() => parseAmount('1.5', 'JPY'), 'AMOUNT_EXCESS_PRECISION').message).toBe(
      'JPY has 0 decimal places; "1.5" has 1',
    );
    // Zeros past the exponent are still a sign the sender has the exponent wrong.
    expectCode(() => parseAmount('1.0', 'JPY'), 'AMOUNT_EXCESS_PRECISION');
    expectCode(() => parseAmount('2.000', 'EUR'), 'AMOUNT_EXCESS_PRECISION');
    expectCode(() => parseAmount('1.0000', 'BHD'), 'AMOUNT_EXCESS_PRECISION');
    expectCode(() => parseAmount('0.000000001', 'BTC', { currencies: crypto }), 'AMOUNT_EXCESS_PRECISION');
    expectCode(
      () => parseAmount('0.0000000000000000001', 'ETH', { currencies: crypto }),
      'AMOUNT_EXCESS_PRECISION',
    );
  });

  it('AMOUNT_NEGATIVE unless allowNegative', () => {
    const error = expectCode(() => parseAmount('-1.00', 'EUR'), 'AMOUNT_NEGATIVE');
    expect(error.message).toContain('"-1.00" is negative');
  });

  it('CURRENCY_UNKNOWN for unknown, lower-case and crypto codes not in the registry', () => {
    expect(expectCode(() => parseAmount('1', 'XYZ'), 'CURRENCY_UNKNOWN').message).toContain(
      'defineCurrencies',
    );
    expect(expectCode(() => parseAmount('1', 'eur'), 'CURRENCY_UNKNOWN').message).toContain(
      'did you mean "EUR"',
    );
    expectCode(() => parseAmount('1', 'BTC'), 'CURRENCY_UNKNOWN');
    expectCode(() => parseAmount('1', 'HRK'), 'CURRENCY_UNKNOWN'); // withdrawn 2023
    expectCode(() => parseAmount('1', 'XAU'), 'CURRENCY_UNKNOWN'); // no minor unit
    expectCode(() => parseAmount('1', 42 as never), 'CURRENCY_UNKNOWN');
  });

  it('AMOUNT_OUT_OF_RANGE at the default maximum (signed 64-bit) and a configured one', () => {
    expect(parseAmount('92233720368547758.07', 'EUR').minor).toBe(DEFAULT_MAX_MINOR);
    const error = expectCode(() => parseAmount('92233720368547758.08', 'EUR'), 'AMOUNT_OUT_OF_RANGE');
    expect(error.message).toContain('92233720368547758.07 EUR');
    expectCode(
      () => parseAmount('-92233720368547758.08', 'EUR', { allowNegative: true }),
      'AMOUNT_OUT_OF_RANGE',
    );
    expectCode(() => parseAmount('9'.repeat(100_000), 'EUR'), 'AMOUNT_OUT_OF_RANGE');

    expect(parseAmount('1000.00', 'EUR', { maxMinor: 100_000n }).minor).toBe(100_000n);
    expect(
      expectCode(() => parseAmount('1000.01', 'EUR', { maxMinor: 100_000n }), 'AMOUNT_OUT_OF_RANGE').message,
    ).toBe('amount "1000.01" EUR exceeds the maximum of 1000.00 EUR');

    const whale = parseAmount('1000000', 'ETH', { currencies: crypto, maxMinor: 10n ** 40n });
    expect(whale.minor).toBe(10n ** 24n);
  });

  it('every error is a non-retryable MoneyError with a name', () => {
    const error = failure(() => parseAmount('x', 'EUR'));
    expect(error.name).toBe('MoneyError');
    expect(error.retryable).toBe(false);
    expect(error).toBeInstanceOf(Error);
  });
});

describe('formatAmount', () => {
  it.each([
    [200n, 'EUR', '2.00'],
    [5n, 'EUR', '0.05'],
    [0n, 'EUR', '0.00'],
    [-5n, 'EUR', '-0.05'],
    [-12345n, 'USD', '-123.45'],
    [1500n, 'JPY', '1500'],
    [-1500n, 'JPY', '-1500'],
    [0n, 'KRW', '0'],
    [1500n, 'BHD', '1.500'],
    [1n, 'KWD', '0.001'],
    [12345n, 'CLF', '1.2345'],
  ])('%sn %s → %s', (minor, currency, expected) => {
    expect(formatAmount({ minor, currency })).toBe(expected);
  });

  it('formats custom currencies from the registry', () => {
    expect(formatAmount({ minor: 1n, currency: 'BTC' }, { currencies: crypto })).toBe('0.00000001');
    expect(formatAmount({ minor: 10n ** 18n, currency: 'ETH' }, { currencies: crypto })).toBe(
      '1.000000000000000000',
    );
    expect(formatAmount({ minor: -(10n ** 30n), currency: 'ETH' }, { currencies: crypto })).toBe(
      '-1000000000000.000000000000000000',
    );
  });

  it('refuses unknown currencies and non-bigint minor units', () => {
    expectCode(() => formatAmount({ minor: 1n, currency: 'BTC' }), 'CURRENCY_UNKNOWN');
    const error = expectCode(
      () => formatAmount({ minor: 200, currency: 'EUR' } as unknown as Amount),
      'AMOUNT_NOT_A_BIGINT',
    );
    expect(error.message).toContain('number 200');
  });
});

describe('wire and construction helpers', () => {
  it('toWire/fromWire round-trip the JSON shape', () => {
    const wire = toWire({ minor: 200n, currency: 'EUR' });
    expect(wire).toEqual({ amount: '2.00', currency: 'EUR' });
    expect(JSON.parse(JSON.stringify(wire))).toEqual(wire);
    expect(fromWire(wire)).toEqual({ minor: 200n, currency: 'EUR' });
    expect(fromWire({ amount: '0.5', currency: 'BTC' }, { currencies: crypto })).toEqual({
      minor: 50_000_000n,
      currency: 'BTC',
    });
  });

  it('fromWire rejects bad shapes with the matching code', () => {
    expectCode(() => fromWire('2.00'), 'AMOUNT_MALFORMED');
    expectCode(() => fromWire(null), 'AMOUNT_MALFORMED');
    expectCode(() => fromWire([]), 'AMOUNT_MALFORMED');
    expectCode(() => fromWire({ amount: 2, currency: 'EUR' }), 'AMOUNT_NOT_A_STRING');
    expectCode(() => fromWire({ currency: 'EUR' }), 'AMOUNT_NOT_A_STRING');
    expectCode(() => fromWire({ amount: '2.00' }), 'CURRENCY_UNKNOWN');
    expectCode(() => fromWire({ amount: '-2.00', currency: 'EUR' }), 'AMOUNT_NEGATIVE');
    expect(fromWire({ amount: '-2.00', currency: 'EUR' }, { allowNegative: true }).minor).toBe(-200n);
  });

  it('money() is a test shorthand that allows negatives', () => {
    expect(money('-1.00', 'EUR')).toEqual({ minor: -100n, currency: 'EUR' });
    expectCode(() => money('1.001', 'EUR'), 'AMOUNT_EXCESS_PRECISION');
  });

  it('fromMinor and zero check the currency and the bigint', () => {
    expect(fromMinor(5n, 'EUR')).toEqual({ minor: 5n, currency: 'EUR' });
    expect(zero('JPY')).toEqual({ minor: 0n, currency: 'JPY' });
    expectCode(() => fromMinor(5n, 'ETH'), 'CURRENCY_UNKNOWN');
    expect(fromMinor(5n, 'ETH', { currencies: crypto }).currency).toBe('ETH');
    expectCode(() => fromMinor(5 as never, 'EUR'), 'AMOUNT_NOT_A_BIGINT');
  });

  it('isAmount recognises the shape', () => {
    expect(isAmount({ minor: 1n, currency: 'EUR' })).toBe(true);
    expect(isAmount({ minor: 1, currency: 'EUR' })).toBe(false);
    expect(isAmount(null)).toBe(false);
  });
});
