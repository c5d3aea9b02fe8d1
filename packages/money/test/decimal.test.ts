import { describe, expect, it } from 'vitest';
import {
  addDecimals,
  basisPointsOf,
  decimalFromUnits,
  decimalUnits,
  isDecimal,
  isMoneyError,
  parseAmount,
  sameDecimal,
  subtractDecimals,
} from '../src/index.ts';

const code = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return isMoneyError(error) ? error.code : 'not a MoneyError';
  }
  return 'no error';
};

describe('currency-free wire decimals', () => {
  it('add, subtract and compare exactly at up to 18 places', () => {
    expect(addDecimals('0.1', '0.2')).toBe('0.30');
    expect(subtractDecimals('1.00', '2.5')).toBe('-1.50');
    expect(subtractDecimals('123456789012345.67', '0.01')).toBe('123456789012345.66');
    expect(addDecimals('0.000000000000000001', '1')).toBe('1.000000000000000001');
    expect(sameDecimal('1.5', '1.50')).toBe(true);
    expect(decimalFromUnits(decimalUnits('-0.05'))).toBe('-0.05');
  });

  it('read the same grammar as parseAmount: what one refuses as malformed, so does the other', () => {
    for (const bad of ['', ' 1', '+1', '1e2', '1,5', '.5', '1.', '01', '0x10', '１']) {
      expect(code(() => decimalUnits(bad))).toBe('AMOUNT_MALFORMED');
      expect(code(() => parseAmount(bad, 'EUR'))).toBe('AMOUNT_MALFORMED');
      expect(isDecimal(bad)).toBe(false);
    }
    expect(code(() => decimalUnits(2 as unknown as string))).toBe('AMOUNT_NOT_A_STRING');
    expect(code(() => decimalUnits(`0.${'1'.repeat(19)}`))).toBe('AMOUNT_EXCESS_PRECISION');
  });
});

describe('basisPointsOf', () => {
  it('reads a percent string as whole basis points', () => {
    expect(basisPointsOf('1.5')).toBe(150);
    expect(basisPointsOf('0.05')).toBe(5);
    expect(basisPointsOf('100')).toBe(10_000);
    expect(basisPointsOf('0')).toBe(0);
  });

  it('refuses more than two decimals, more than 100, negatives and non-decimals', () => {
    for (const bad of ['1.005', '100.01', '101', '-1', '1e1', '', ' 5', '050']) {
      expect(code(() => basisPointsOf(bad))).toBe('PERCENT_INVALID');
    }
  });
});
