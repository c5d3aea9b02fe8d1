import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Amount,
  add,
  allocate,
  compare,
  DEFAULT_MAX_MINOR,
  defineCurrencies,
  formatAmount,
  negate,
  parseAmount,
  percentOf,
  subtract,
  sum,
} from '../src/index.ts';

const ROUND_TRIPS = 10_000;
const currencies = defineCurrencies({ BTC: 8, ETH: 18 });
const options = { currencies, allowNegative: true };

// One currency per exponent the wallet meets: none, cents, mils, CLF's 4, satoshi, wei.
const byExponent = [
  ['JPY', 0],
  ['EUR', 2],
  ['BHD', 3],
  ['CLF', 4],
  ['BTC', 8],
  ['ETH', 18],
] as const;

const minorUnits = fc.bigInt({ min: -DEFAULT_MAX_MINOR, max: DEFAULT_MAX_MINOR });

/** A decimal string in canonical wire grammar with 0..exponent fraction digits, inside the default range. */
function decimalFor(exponent: number): fc.Arbitrary<string> {
  return fc
    .record({
      negative: fc.boolean(),
      minor: fc.bigInt({ min: 0n, max: DEFAULT_MAX_MINOR }),
      // How many of the exponent's fraction digits to write out; the rest must be zeros.
      written: fc.integer({ min: 0, max: exponent }),
    })
    .map(({ negative, minor, written }) => {
      const step = 10n ** BigInt(exponent - written);
      const trimmed = (minor / step) * step; // drop digits that will not be written
      const digits = trimmed.toString().padStart(exponent + 1, '0');
      const whole = digits.slice(0, digits.length - exponent);
      const fraction = digits.slice(digits.length - exponent).slice(0, written);
      const sign = negative && trimmed !== 0n ? '-' : '';
      return sign + whole + (fraction === '' ? '' : `.${fraction}`);
    });
}

function canonical(decimal: string, exponent: number): string {
  const [whole = '', fraction = ''] = decimal.split('.');
  return exponent === 0 ? whole : `${whole}.${fraction.padEnd(exponent, '0')}`;
}

describe.each(byExponent)('round trips in %s (exponent %i)', (currency, exponent) => {
  it(`formatAmount(parseAmount(x)) is x padded to ${exponent} decimals`, () => {
    fc.assert(
      fc.property(decimalFor(exponent), (decimal) => {
        const formatted = formatAmount(parseAmount(decimal, currency, options), { currencies });
        expect(formatted).toBe(canonical(decimal, exponent));
      }),
      { numRuns: ROUND_TRIPS },
    );
  });

  it('parseAmount(formatAmount(a)) is a', () => {
    fc.assert(
      fc.property(minorUnits, (minor) => {
        const amount: Amount = { minor, currency };
        expect(parseAmount(formatAmount(amount, { currencies }), currency, options)).toEqual(amount);
      }),
      { numRuns: ROUND_TRIPS },
    );
  });
});

describe('arithmetic properties', () => {
  const eur = minorUnits.map((minor): Amount => ({ minor, currency: 'EUR' }));

  it('subtract undoes add, and a − b = a + (−b)', () => {
    fc.assert(
      fc.property(eur, eur, (a, b) => {
        expect(subtract(add(a, b), b)).toEqual(a);
        expect(subtract(a, b)).toEqual(add(a, negate(b)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('allocate always sums exactly and no part strays more than one unit from its exact share', () => {
    const ratios = fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(
        eur,
        ratios.filter((list) => list.some((ratio) => ratio > 0)),
        (amount, list) => {
          const parts = allocate(amount, list);
          expect(parts).toHaveLength(list.length);
          expect(sum(parts, 'EUR')).toEqual(amount);
          const total = BigInt(list.reduce((acc, ratio) => acc + ratio, 0));
          parts.forEach((part, index) => {
            const exactTimesTotal = amount.minor * BigInt(list[index] ?? 0);
            const error = part.minor * total - exactTimesTotal;
            expect(error < 0n ? -error : error).toBeLessThan(total);
          });
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('compare is antisymmetric, transitive and agrees with subtract', () => {
    fc.assert(
      fc.property(eur, eur, eur, (a, b, c) => {
        expect(compare(a, b)).toBe(-compare(b, a) || 0);
        const sign = subtract(a, b).minor;
        expect(compare(a, b)).toBe(sign < 0n ? -1 : sign > 0n ? 1 : 0);
        if (compare(a, b) <= 0 && compare(b, c) <= 0) expect(compare(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('percentOf rounding modes bracket the exact value', () => {
    fc.assert(
      fc.property(eur, fc.integer({ min: 0, max: 20_000 }), (amount, basisPoints) => {
        const exact = amount.minor * BigInt(basisPoints); // in units of 1/10 000 minor
        const floor = percentOf(amount, basisPoints).minor * 10_000n;
        const ceil = percentOf(amount, basisPoints, 'ceil').minor * 10_000n;
        const nearest = percentOf(amount, basisPoints, 'half-even').minor * 10_000n;
        expect(floor <= exact && exact < floor + 10_000n).toBe(true);
        expect(ceil >= exact && exact > ceil - 10_000n).toBe(true);
        const distance = nearest > exact ? nearest - exact : exact - nearest;
        expect(distance <= 5_000n).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
