/**
 * Exact decimal arithmetic for balance checks. Amounts stay strings on the wire; here they become bigints
 * at a fixed scale wide enough for any currency (18 places, crypto included). Never a JS number.
 */
const SCALE = 18;
const FACTOR = 10n ** BigInt(SCALE);
const DECIMAL = /^(-)?(0|[1-9][0-9]*)(?:\.([0-9]{1,18}))?$/;

export function toUnits(amount: string): bigint {
  const match = DECIMAL.exec(amount);
  if (!match) throw Object.assign(new Error(`not a decimal amount: ${amount}`), { code: 'NOT_A_DECIMAL' });
  const units = BigInt(match[2] ?? '0') * FACTOR + BigInt((match[3] ?? '').padEnd(SCALE, '0'));
  return match[1] ? -units : units;
}

export function fromUnits(units: bigint): string {
  const negative = units < 0n;
  const absolute = negative ? -units : units;
  const whole = absolute / FACTOR;
  const fraction = (absolute % FACTOR).toString().padStart(SCALE, '0').replace(/0+$/, '').padEnd(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

export function add(...amounts: string[]): string {
  return fromUnits(amounts.reduce((sum, amount) => sum + toUnits(amount), 0n));
}

export function subtract(a: string, b: string): string {
  return fromUnits(toUnits(a) - toUnits(b));
}

export function sameAmount(a: string, b: string): boolean {
  return toUnits(a) === toUnits(b);
}

export function isDecimal(amount: unknown): amount is string {
  return typeof amount === 'string' && DECIMAL.test(amount);
}
