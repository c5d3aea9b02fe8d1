// Public API of @croupier/money: decimal strings on the wire, bigint minor units inside.
export {
  type Amount,
  type CurrencyOptions,
  DEFAULT_MAX_MINOR,
  formatAmount,
  fromMinor,
  fromWire,
  isAmount,
  money,
  type ParseOptions,
  parseAmount,
  toWire,
  type WireAmount,
  zero,
} from './amount.ts';
export { allocate, basisPointsOf, percentOf, type RoundingMode, scale } from './allocation.ts';
export {
  add,
  compare,
  equals,
  isNegative,
  isPositive,
  isZero,
  max,
  min,
  negate,
  subtract,
  sum,
} from './arithmetic.ts';
export {
  addDecimals,
  DECIMAL_PLACES,
  decimalFromUnits,
  decimalUnits,
  isDecimal,
  sameDecimal,
  subtractDecimals,
} from './decimal.ts';
export { CurrencyRegistry, defineCurrencies, exponentOf, isoCurrencies } from './currencies.ts';
export { isMoneyError, MoneyError, type MoneyErrorCode } from './errors.ts';
export { ISO_4217_EXPONENTS } from './iso4217.ts';
