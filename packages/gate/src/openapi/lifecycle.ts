/**
 * Deprecation, sunset and stability. An item may go only after base deprecated it with an `x-sunset` date
 * (RFC 8594) that has passed; a sunset must leave at least the minimum period of the item's stability level.
 */
import type { CheckId } from '../checks/ids.ts';
import type { Comparison, Node, Stability } from './context.ts';

type Json = Record<string, unknown>;
type Where = { op?: string; base?: Node; head?: Node };

export const STABILITY_ORDER: Stability[] = ['draft', 'alpha', 'beta', 'stable'];

/** Parses `2025-12-31`, RFC 3339 and RFC 7231 HTTP-dates (the form RFC 8594 uses); undefined when unreadable. */
export function parseSunset(raw: unknown): Date | undefined {
  if (typeof raw !== 'string' && !(raw instanceof Date)) return undefined;
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? undefined : raw;
  const text = raw.trim();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    const date = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    return date.getUTCMonth() === Number(day[2]) - 1 && date.getUTCDate() === Number(day[3])
      ? date
      : undefined;
  }
  if (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ||
    /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)
  ) {
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

/** Whole days from `now` (UTC day) to `date` (UTC day). */
export function daysUntil(date: Date, now: Date): number {
  const d = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const n = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((d - n) / 86_400_000);
}

export function stabilityOf(s: Json): Stability | '' | 'invalid' {
  const v = s['x-stability-level'];
  if (v === undefined) return '';
  return typeof v === 'string' && (STABILITY_ORDER as string[]).includes(v) ? (v as Stability) : 'invalid';
}

export function minDays(cmp: Comparison, stability: Stability | '' | 'invalid'): number {
  const level = stability === '' || stability === 'invalid' ? 'stable' : stability;
  return cmp.options.minSunsetDays[level] ?? 0;
}

/**
 * `deprecated` flipped between base and head on a property (`request-property`/`response-property`),
 * a parameter (`request-parameter`) or an operation (`api`).
 */
/** What can be deprecated: an operation, a parameter, a request or response property. */
export type DeprecationSite = 'api' | 'request-parameter' | 'request-property' | 'response-property';

export function judgeDeprecation(
  cmp: Comparison,
  prefix: DeprecationSite,
  bs: Json,
  hs: Json,
  where: Where,
  subject: string,
): void {
  const was = bs.deprecated === true;
  const is = hs.deprecated === true;
  const ids = deprecationIds(prefix);
  if (was && !is) {
    cmp.emit(ids.reactivated, subject, 'no longer deprecated', where);
    return;
  }
  if (was && is) {
    judgeSunsetChange(cmp, prefix, bs, hs, where, subject);
    return;
  }
  if (!is) return;
  const sunset = hs['x-sunset'];
  const stability = stabilityOf(hs);
  const days = minDays(cmp, stability);
  if (sunset === undefined) {
    if (days > 0 || cmp.options.sunsetPolicy === 'strict')
      cmp.emit(
        ids.sunsetMissing,
        subject,
        'deprecated without an x-sunset date; add `x-sunset: YYYY-MM-DD`',
        where,
      );
    else cmp.emit(ids.deprecated, subject, 'deprecated', where);
    return;
  }
  const date = parseSunset(sunset);
  if (!date) {
    cmp.emit(ids.sunsetInvalid, subject, `x-sunset ${String(sunset)} is not a date (use YYYY-MM-DD)`, where);
    return;
  }
  if (daysUntil(date, cmp.options.now) < days) {
    cmp.emit(
      ids.tooSmall,
      subject,
      `x-sunset ${String(sunset)} is less than ${days} days away (minimum for its stability level)`,
      where,
    );
    return;
  }
  cmp.emit(ids.withSunset, subject, `deprecated with sunset ${String(sunset)}`, where);
}

interface DeprecationIds {
  reactivated: CheckId;
  deprecated: CheckId;
  withSunset: CheckId;
  sunsetMissing: CheckId;
  sunsetInvalid: CheckId;
  tooSmall: CheckId;
}

const DEPRECATION_IDS: Record<DeprecationSite, DeprecationIds> = {
  api: {
    reactivated: 'endpoint-reactivated',
    deprecated: 'endpoint-deprecated',
    withSunset: 'endpoint-deprecated-with-sunset',
    sunsetMissing: 'api-deprecated-sunset-missing',
    sunsetInvalid: 'api-deprecated-sunset-parse',
    tooSmall: 'api-sunset-date-too-small',
  },
  'request-parameter': {
    reactivated: 'request-parameter-reactivated',
    deprecated: 'request-parameter-deprecated',
    withSunset: 'request-parameter-deprecated',
    sunsetMissing: 'request-parameter-deprecated-sunset-missing',
    sunsetInvalid: 'request-parameter-sunset-parse',
    tooSmall: 'request-parameter-sunset-date-too-small',
  },
  'request-property': {
    reactivated: 'request-property-reactivated',
    deprecated: 'request-property-deprecated',
    withSunset: 'request-property-deprecated-with-sunset',
    sunsetMissing: 'request-property-deprecated-sunset-missing',
    sunsetInvalid: 'request-property-deprecated-sunset-invalid',
    tooSmall: 'request-property-sunset-date-too-small',
  },
  'response-property': {
    reactivated: 'response-property-reactivated',
    deprecated: 'response-property-deprecated',
    withSunset: 'response-property-deprecated-with-sunset',
    sunsetMissing: 'response-property-deprecated-sunset-missing',
    sunsetInvalid: 'response-property-deprecated-sunset-invalid',
    tooSmall: 'response-property-sunset-date-too-small',
  },
};

function deprecationIds(prefix: DeprecationSite): DeprecationIds {
  return DEPRECATION_IDS[prefix];
}

/** Both sides deprecated: the sunset may not disappear nor move earlier than the allowed window. */
function judgeSunsetChange(
  cmp: Comparison,
  prefix: DeprecationSite,
  bs: Json,
  hs: Json,
  where: Where,
  subject: string,
): void {
  const ids: { deleted: CheckId; earlier: CheckId; parse: CheckId } | undefined =
    prefix === 'api'
      ? {
          deleted: 'sunset-deleted',
          earlier: 'api-sunset-date-changed-too-small',
          parse: 'api-path-sunset-parse',
        }
      : prefix === 'request-parameter'
        ? {
            deleted: 'request-parameter-sunset-deleted',
            earlier: 'request-parameter-sunset-date-changed-too-small',
            parse: 'request-parameter-sunset-parse',
          }
        : undefined;
  if (!ids) return;
  const before = bs['x-sunset'];
  const after = hs['x-sunset'];
  if (before === undefined) return;
  if (after === undefined) {
    cmp.emit(ids.deleted, subject, 'x-sunset removed while still deprecated; keep the announced date', where);
    return;
  }
  const b = parseSunset(before);
  const h = parseSunset(after);
  if (!b || !h) {
    cmp.emit(ids.parse, subject, `cannot read x-sunset ${String(!b ? before : after)}`, where);
    return;
  }
  if (h.getTime() >= b.getTime()) return;
  const days = minDays(cmp, stabilityOf(hs));
  if (daysUntil(h, cmp.options.now) < days || h.getTime() < b.getTime()) {
    cmp.emit(
      ids.earlier,
      subject,
      `x-sunset moved earlier from ${String(before)} to ${String(after)}`,
      where,
    );
  }
}

/** Stability may only rise; an unknown level is reported as unreadable. */
export function judgeStability(
  cmp: Comparison,
  prefix: 'api' | 'request-property' | 'response-property',
  bs: Json,
  hs: Json,
  where: Where,
  subject: string,
  invalidId: CheckId | undefined = prefix === 'api' ? 'api-invalid-stability-level' : undefined,
): void {
  const before = stabilityOf(bs);
  const after = stabilityOf(hs);
  if (before === after) return;
  if (before === 'invalid' || after === 'invalid') {
    if (invalidId)
      cmp.emit(
        invalidId,
        subject,
        `x-stability-level ${String((after === 'invalid' ? hs : bs)['x-stability-level'])} is not one of draft, alpha, beta, stable`,
        where,
      );
    return;
  }
  const rank = (s: Stability | '') => (s === '' ? -1 : STABILITY_ORDER.indexOf(s));
  if (before !== '' && (after === '' || rank(after) < rank(before))) {
    cmp.emit(
      `${prefix}-stability-decreased`,
      subject,
      `stability lowered from ${before} to ${after || 'unspecified'}`,
      where,
    );
  } else if (
    after !== '' &&
    rank(after) > rank(before) &&
    rank(before) >= STABILITY_ORDER.indexOf(cmp.options.stabilityLevel)
  ) {
    // Leaving draft/alpha is not news to clients that were never promised anything.
    cmp.emit(
      `${prefix}-stability-increased`,
      subject,
      `stability raised from ${before || 'unspecified'} to ${after}`,
      where,
    );
  }
}

/**
 * An operation/parameter is gone from head. `kind` picks the id family: `api-path` (whole path),
 * `api` (one operation), `request-parameter`.
 */
export function judgeRemoval(
  cmp: Comparison,
  kind: 'api-path' | 'api' | 'request-parameter',
  bs: Json,
  where: Where,
  subject: string,
): void {
  const ids: Record<'without' | 'withDep' | 'parse' | 'before' | 'noSunset', CheckId> =
    kind === 'request-parameter'
      ? {
          without: 'request-parameter-removed',
          withDep: 'request-parameter-removed-with-deprecation',
          parse: 'request-parameter-sunset-parse',
          before: 'request-parameter-removed-before-sunset',
          noSunset: 'request-parameter-removed-without-sunset',
        }
      : {
          without: `${kind}-removed-without-deprecation`,
          withDep: `${kind}-removed-with-deprecation`,
          parse: 'api-path-sunset-parse',
          before: `${kind}-removed-before-sunset`,
          noSunset: `${kind}-removed-without-sunset`,
        };
  if (bs.deprecated !== true) {
    cmp.emit(
      ids.without,
      subject,
      'removed without deprecation; deprecate it first with `deprecated: true` and `x-sunset`, and remove it after that date',
      where,
    );
    return;
  }
  const sunset = bs['x-sunset'];
  if (sunset === undefined) {
    if (cmp.options.sunsetPolicy === 'strict')
      cmp.emit(
        ids.noSunset,
        subject,
        'removed while deprecated without an x-sunset date; announce a sunset and remove it after it passes',
        where,
      );
    else cmp.emit(ids.withDep, subject, 'removed after deprecation', where);
    return;
  }
  const date = parseSunset(sunset);
  if (!date) {
    cmp.emit(ids.parse, subject, `cannot read x-sunset ${String(sunset)} (use YYYY-MM-DD)`, where);
    return;
  }
  if (daysUntil(date, cmp.options.now) >= 0) {
    cmp.emit(
      ids.before,
      subject,
      `removed before its sunset date ${String(sunset)}; keep it until then`,
      where,
    );
    return;
  }
  cmp.emit(ids.withDep, subject, `removed after its sunset ${String(sunset)}`, where);
}
