import { describe, expect, it } from 'vitest';
import {
  type Amount,
  add,
  allocate,
  compare,
  defineCurrencies,
  equals,
  formatAmount,
  isNegative,
  isPositive,
  isZero,
  MoneyError,
  type MoneyErrorCode,
  max,
  min,
  money,
  negate,
  percentOf,
  scale,
  subtract,
  sum,
} from '../src/index.ts';

function expectCode(run: () => unknown, code: MoneyErrorCode): MoneyError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MoneyError);
    expect((error as MoneyError).code).toBe(code);
    return error as MoneyError;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

const eur = (decimal: string) => money(decimal, 'EUR');
const wire = (amounts: Amount[]) => amounts.map((amount) => formatAmount(amount));

describe('same-currency arithmetic', () => {
  it('adds, subtracts and negates exactly', () => {
    expect(add(eur('0.10'), eur('0.20'))).toEqual(eur('0.30'));
    expect(subtract(eur('1.00'), eur('2.50'))).toEqual(eur('-1.50'));
    expect(negate(eur('2.50'))).toEqual(eur('-2.50'));
    expect(add(money('92233720368547758.07', 'EUR'), eur('0.01')).minor).toBe(2n ** 63n);
  });

  it('predicates', () => {
    expect(isZero(eur('0'))).toBe(true);
    expect(isZero(eur('0.01'))).toBe(false);
    expect(isNegative(eur('-0.01'))).toBe(true);
    expect(isPositive(eur('0.01'))).toBe(true);
    expect(isPositive(eur('0'))).toBe(false);
  });

  it('compare, equals, min, max', () => {
    expect(compare(eur('1.00'), eur('2.00'))).toBe(-1);
    expect(compare(eur('2.00'), eur('2'))).toBe(0);
    expect(compare(eur('2.01'), eur('2.00'))).toBe(1);
    expect(equals(eur('2.0'), eur('2.00'))).toBe(true);
    expect(min(eur('3'), eur('-1'), eur('2'))).toEqual(eur('-1'));
    expect(max(eur('3'), eur('-1'), eur('2'))).toEqual(eur('3'));
    expect(min(eur('3'))).toEqual(eur('3'));
    expect([eur('3'), eur('1'), eur('2')].sort(compare)).toEqual([eur('1'), eur('2'), eur('3')]);
  });

  it('sum', () => {
    expect(sum([eur('0.10'), eur('0.20'), eur('0.30')])).toEqual(eur('0.60'));
    expect(sum([], 'EUR')).toEqual(eur('0'));
    expect(sum(new Set([eur('1')]), 'EUR')).toEqual(eur('1'));
    expect(expectCode(() => sum([]), 'SUM_EMPTY').message).toContain('sum(amounts, "EUR")');
    expectCode(() => sum([eur('1')], 'USD'), 'CURRENCY_MISMATCH');
  });

  it('CURRENCY_MISMATCH on every two-amount operation', () => {
    const usd = money('1.00', 'USD');
    const error = expectCode(() => add(eur('1.00'), usd), 'CURRENCY_MISMATCH');
    expect(error.message).toBe('cannot add EUR and USD; convert one of them first');
    expectCode(() => subtract(eur('1'), usd), 'CURRENCY_MISMATCH');
    expectCode(() => compare(eur('1'), usd), 'CURRENCY_MISMATCH');
    expectCode(() => equals(eur('1'), usd), 'CURRENCY_MISMATCH');
    expectCode(() => min(eur('1'), usd), 'CURRENCY_MISMATCH');
    expectCode(() => max(eur('1'), usd), 'CURRENCY_MISMATCH');
    expectCode(() => sum([eur('1'), usd]), 'CURRENCY_MISMATCH');
  });

  it('AMOUNT_NOT_A_BIGINT when a JS caller smuggles in a number', () => {
    const bad = { minor: 100, currency: 'EUR' } as unknown as Amount;
    expectCode(() => add(bad, eur('1')), 'AMOUNT_NOT_A_BIGINT');
    expectCode(() => negate(bad), 'AMOUNT_NOT_A_BIGINT');
    expectCode(() => isZero(bad), 'AMOUNT_NOT_A_BIGINT');
    expectCode(() => allocate(bad, [1]), 'AMOUNT_NOT_A_BIGINT');
  });
});

describe('allocate', () => {
  it('largest remainder, earlier parts first on ties', () => {
    expect(wire(allocate(eur('1.00'), [1, 1, 1]))).toEqual(['0.34', '0.33', '0.33']);
    expect(wire(allocate(eur('0.05'), [3, 7]))).toEqual(['0.02', '0.03']);
    expect(wire(allocate(eur('10.00'), [70, 20, 10]))).toEqual(['7.00', '2.00', '1.00']);
    expect(wire(allocate(eur('0.02'), [1, 1, 1]))).toEqual(['0.01', '0.01', '0.00']);
    expect(wire(allocate(eur('1.00'), [0, 1, 0]))).toEqual(['0.00', '1.00', '0.00']);
    expect(wire(allocate(money('100', 'JPY'), [1n, 2n]))).toEqual(['33', '67']);
  });

  it('negative amounts split like their absolute value', () => {
    expect(wire(allocate(eur('-1.00'), [1, 1, 1]))).toEqual(['-0.34', '-0.33', '-0.33']);
  });

  it('RATIOS_INVALID', () => {
    expectCode(() => allocate(eur('1'), []), 'RATIOS_INVALID');
    expectCode(() => allocate(eur('1'), [0, 0]), 'RATIOS_INVALID');
    expect(expectCode(() => allocate(eur('1'), [1, -1, 1]), 'RATIOS_INVALID').message).toContain('ratio #1');
    expect(expectCode(() => allocate(eur('1'), [0.5, 0.5]), 'RATIOS_INVALID').message).toContain('integer');
    expectCode(() => allocate(eur('1'), [Number.NaN]), 'RATIOS_INVALID');
  });
});

describe('percentOf and scale', () => {
  it('floor by default, toward negative infinity', () => {
    expect(percentOf(eur('10.00'), 50)).toEqual(eur('0.05'));
    expect(percentOf(eur('0.99'), 50)).toEqual(eur('0')); // 0.495 cents → 0
    expect(percentOf(eur('-0.99'), 50)).toEqual(eur('-0.01'));
    expect(percentOf(eur('1.00'), 15_000n)).toEqual(eur('1.50'));
  });

  it('half-even rounds ties to the even unit', () => {
    // 0.5 % of x cents = x / 200 cents
    expect(percentOf(eur('1.00'), 50, 'half-even')).toEqual(eur('0.00')); // 0.5 → 0
    expect(percentOf(eur('3.00'), 50, 'half-even')).toEqual(eur('0.02')); // 1.5 → 2
    expect(percentOf(eur('5.00'), 50, 'half-even')).toEqual(eur('0.02')); // 2.5 → 2
    expect(percentOf(eur('5.02'), 50, 'half-even')).toEqual(eur('0.03')); // 2.51 → 3
    expect(percentOf(eur('-3.00'), 50, 'half-even')).toEqual(eur('-0.02')); // -1.5 → -2
    expect(percentOf(eur('-5.00'), 50, 'half-even')).toEqual(eur('-0.02')); // -2.5 → -2
    expect(percentOf(eur('-5.02'), 50, 'half-even')).toEqual(eur('-0.03'));
  });

  it('ceil toward positive infinity', () => {
    expect(percentOf(eur('0.99'), 50, 'ceil')).toEqual(eur('0.01'));
    expect(percentOf(eur('-0.99'), 50, 'ceil')).toEqual(eur('0'));
  });

  it('scale takes an exact integer fraction', () => {
    expect(scale(eur('10.00'), 1, 3)).toEqual(eur('3.33'));
    expect(scale(eur('10.00'), 2n, 3n, 'half-even')).toEqual(eur('6.67'));
    const tokens = defineCurrencies({ ETH: 18 });
    const wei = money('1', 'ETH', { currencies: tokens });
    expect(scale(wei, 1, 3).minor).toBe(333_333_333_333_333_333n);
  });

  it('FACTOR_INVALID and ROUNDING_MODE_UNKNOWN', () => {
    expect(expectCode(() => percentOf(eur('1'), 0.5), 'FACTOR_INVALID').message).toContain('basis points');
    expectCode(() => scale(eur('1'), 1, 0), 'FACTOR_INVALID');
    expectCode(() => scale(eur('1'), 1, -2), 'FACTOR_INVALID');
    expectCode(() => percentOf(eur('1'), 50, 'round' as never), 'ROUNDING_MODE_UNKNOWN');
    expectCode(() => percentOf(eur('0'), 50, 'round' as never), 'ROUNDING_MODE_UNKNOWN');
  });
});
