/**
 * Compares two JSON Schemas as a client experiences them. In a request the client is the writer, so
 * anything the server stops accepting breaks it; in a response the client is the reader, so anything new
 * it may receive breaks it. Ids are composed from the site prefix (`request-body`, `request-property`,
 * `response-body`, `response-property`, `request-parameter`, `request-parameter-property`, `response-header`)
 * and the change, following oasdiff's catalogue; the catalogue decides each id's level.
 */
import { isCheckId } from '../checks/catalogue.ts';
import { CHECK_IDS, type CheckId } from '../checks/ids.ts';
import { type Comparison, type Node, obj, refOf, show } from './context.ts';
import { judgeDeprecation, judgeStability } from './lifecycle.ts';

export interface SchemaSite {
  dir: 'request' | 'response';
  kind: 'body' | 'parameter' | 'header';
  /** Property path from the root schema; empty at the root. */
  prop: string[];
  op: string;
  /** Human context: `application/json`, `status 200`, `query parameter limit`. */
  where: string;
  /** The property is readOnly/writeOnly (inherited to its children). */
  readOnly?: boolean;
  writeOnly?: boolean;
  /** For parameters: where it travels (`header` properties have their own ids). */
  paramIn?: string;
  /** For query parameters: form style, exploded, so one value and a one-item array read the same. */
  formExploded?: boolean;
  /** For bodies: the media type, which decides how loosely the schema types the wire text. */
  media?: string;
}

type Json = Record<string, unknown>;

export function compareSchema(
  cmp: Comparison,
  b: Node | undefined,
  h: Node | undefined,
  site: SchemaSite,
): void {
  compare(cmp, b, h, site, new Set());
}

function prefixOf(site: SchemaSite): SchemaPrefix {
  // Array items of a parameter are still the parameter to a client: `?ids=1&ids=2`.
  const nested = site.prop.some((p) => p !== 'items' || site.kind !== 'parameter');
  if (site.kind === 'parameter')
    return !nested
      ? 'request-parameter'
      : site.paramIn === 'header'
        ? 'request-header-property'
        : 'request-parameter-property';
  if (site.kind === 'header')
    return site.dir === 'response'
      ? 'response-header'
      : nested
        ? 'request-header-property'
        : 'request-parameter';
  return `${site.dir}-${nested ? 'property' : 'body'}`;
}

function subjectOf(site: SchemaSite): string {
  const name = site.prop.length > 0 ? ` property \`${site.prop.join('/')}\`` : ' schema';
  return `${site.op} ${site.dir} ${site.where}${name}`;
}

/** Where a schema sits, as the first part of the ids oasdiff composes for it. */
type SchemaPrefix =
  | 'request-body'
  | 'request-property'
  | 'request-parameter'
  | 'request-parameter-property'
  | 'request-header-property'
  | 'request-read-only-property'
  | 'response-body'
  | 'response-property'
  | 'response-header'
  | 'response-write-only-property'
  | 'response-mediatype';

/** The tails of the catalogue ids under `P`: a change the schema comparison may name. */
type ChangeOf<P extends string, I = CheckId> = I extends `${P}-${infer C}` ? C : never;

/** Every change the comparison names; a misspelt one does not compile. */
export type SchemaChange = ChangeOf<SchemaPrefix>;

/**
 * The check a site raises for a change. Not every site has every change (oasdiff defines no
 * `response-body-max-set`: a response gaining a maximum breaks no client), and then the change is not
 * reported there; the change itself is checked against the catalogue when this compiles.
 */
function siteCheck(prefix: SchemaPrefix, change: SchemaChange): CheckId | undefined {
  const id = `${prefix}-${change}`;
  return isCheckId(id) ? id : undefined;
}

/** Raises `${prefix}-${change}`, preferring the read-only/write-only variant oasdiff defines for a few changes. */
function raise(
  cmp: Comparison,
  site: SchemaSite,
  change: SchemaChange,
  detail: string,
  b?: Node,
  h?: Node,
): void {
  const variant =
    site.prop.length === 0
      ? undefined
      : site.dir === 'request' && site.readOnly
        ? siteCheck('request-read-only-property', change)
        : site.dir === 'response' && site.writeOnly
          ? siteCheck('response-write-only-property', change)
          : undefined;
  const rootEnum =
    site.kind === 'body' &&
    site.dir === 'response' &&
    site.prop.length === 0 &&
    change === 'enum-value-removed';
  const id =
    variant ?? (rootEnum ? 'response-mediatype-enum-value-removed' : siteCheck(prefixOf(site), change));
  if (id) cmp.emit(id, subjectOf(site), detail, { op: site.op, base: b, head: h });
}

function compare(
  cmp: Comparison,
  b: Node | undefined,
  h: Node | undefined,
  site: SchemaSite,
  stack: Set<string>,
): void {
  if (!b || !h) return;
  const key = `${b.at.file}#${b.at.pointer}|${h.at.file}#${h.at.pointer}`;
  if (stack.has(key)) return;
  stack.add(key);
  try {
    const bn = unwrapNullable(cmp, 'base', b);
    const hn = unwrapNullable(cmp, 'head', h);
    const bs = obj(bn.node) ?? {};
    const hs = obj(hn.node) ?? {};
    if (site.prop.length > 0) {
      judgeDeprecation(
        cmp,
        `${site.dir}-property`,
        bs,
        hs,
        { op: site.op, base: bn.node, head: hn.node },
        subjectOf(site),
      );
      judgeStability(
        cmp,
        `${site.dir}-property`,
        bs,
        hs,
        { op: site.op, base: bn.node, head: hn.node },
        subjectOf(site),
        'api-invalid-stability-level',
      );
    }
    if (wrappedInOneOf(cmp, bs, hs, site, bn.node, hn.node)) return;
    compareNullability(cmp, bn, hn, site);
    compareTypes(cmp, bs, hs, site, bn.node, hn.node, bn.nullable || hn.nullable);
    compareEnums(cmp, bs, hs, site, bn.node, hn.node);
    compareBounds(cmp, bs, hs, site, bn.node, hn.node);
    compareValues(cmp, bs, hs, site, bn.node, hn.node);
    compareDiscriminator(cmp, bs, hs, site, bn.node, hn.node);
    compareApplicators(cmp, bs, hs, site, bn.node, hn.node);
    for (const comb of ['allOf', 'anyOf', 'oneOf'] as const)
      compareCombinator(cmp, comb, bn.node, hn.node, site, stack);
    compareProperties(cmp, bn.node, hn.node, site, stack);
    const sub = (k: string, seg: string) =>
      compare(
        cmp,
        cmp.child('base', bn.node, k),
        cmp.child('head', hn.node, k),
        { ...site, prop: [...site.prop, seg] },
        stack,
      );
    sub('items', 'items');
    for (const k of [
      'not',
      'if',
      'then',
      'else',
      'contains',
      'propertyNames',
      'unevaluatedItems',
      'unevaluatedProperties',
      'contentSchema',
    ]) {
      if (obj(cmp.child('base', bn.node, k)) && obj(cmp.child('head', hn.node, k))) sub(k, k);
    }
    const bPrefix = cmp.child('base', bn.node, 'prefixItems');
    const hPrefix = cmp.child('head', hn.node, 'prefixItems');
    if (Array.isArray(bPrefix?.v) && Array.isArray(hPrefix?.v)) {
      for (let i = 0; i < Math.min(bPrefix.v.length, hPrefix.v.length); i++) {
        compare(
          cmp,
          cmp.child('base', bPrefix, i),
          cmp.child('head', hPrefix, i),
          { ...site, prop: [...site.prop, `prefixItems/${i}`] },
          stack,
        );
      }
    }
    if (
      obj(cmp.child('base', bn.node, 'additionalProperties')) &&
      obj(cmp.child('head', hn.node, 'additionalProperties'))
    ) {
      sub('additionalProperties', 'additionalProperties');
    }
    compareClosedness(cmp, bs, hs, site, bn.node, hn.node);
  } finally {
    stack.delete(key);
  }
}

interface Unwrapped {
  node: Node;
  nullable: boolean;
}

/**
 * A body whose properties moved into `oneOf` members: a payload that carries every base property now
 * matches several members, and `oneOf` accepts exactly one, so what was valid is rejected (or, read as a
 * response, no longer fits one shape). Reported as one change instead of piecewise removals and additions.
 */
function wrappedInOneOf(cmp: Comparison, bs: Json, hs: Json, site: SchemaSite, b: Node, h: Node): boolean {
  if (site.kind !== 'body' || site.prop.length > 0) return false;
  if (bs.oneOf !== undefined || hs.properties !== undefined || hs.discriminator !== undefined) return false;
  const baseProps = Object.keys((bs.properties ?? {}) as Json);
  const list = cmp.child('head', h, 'oneOf');
  if (baseProps.length === 0 || !Array.isArray(list?.v) || list.v.length < 2) return false;
  const members = (list.v as unknown[]).map((_, i) => obj(cmp.child('head', list, i)) ?? {});
  if (!members.every((m) => m.properties !== undefined)) return false;
  const matching = members.filter(
    (m) =>
      [...requiredOf(m)].every((r) => baseProps.includes(r)) &&
      (m.additionalProperties !== false || baseProps.every((p) => p in ((m.properties ?? {}) as Json))),
  );
  if (matching.length < 2) return false;
  cmp.emit(
    site.dir === 'request' ? 'request-body-wrapped-in-one-of' : 'response-body-wrapped-in-one-of',
    subjectOf(site),
    `properties moved into ${members.length} oneOf members; a payload with every former property matches ${matching.length} of them, and oneOf accepts exactly one`,
    { op: site.op, base: b, head: h },
  );
  return true;
}

/** `oneOf/anyOf: [X, {type: null}]` reads as a nullable X, so the wrap is one nullability change, not a restructure. */
function unwrapNullable(cmp: Comparison, side: 'base' | 'head', node: Node): Unwrapped {
  const s = obj(node) ?? {};
  let nullable =
    s.nullable === true || (Array.isArray(s.type) && s.type.includes('null')) || s.type === 'null';
  for (const comb of ['oneOf', 'anyOf'] as const) {
    const list = s[comb];
    if (!Array.isArray(list) || list.length !== 2) continue;
    const members = list.map((_, i) => cmp.child(side, cmp.child(side, node, comb), i));
    const nullIndex = members.findIndex((m) => obj(m)?.type === 'null');
    const other = members[1 - nullIndex];
    if (nullIndex !== -1 && other && Object.keys(s).filter((k) => !ANNOTATIONS.has(k)).length === 1) {
      nullable = true;
      return { node: other, nullable };
    }
  }
  return { node, nullable };
}

function compareNullability(cmp: Comparison, b: Unwrapped, h: Unwrapped, site: SchemaSite): void {
  if (b.nullable === h.nullable) return;
  raise(
    cmp,
    site,
    h.nullable ? 'became-nullable' : 'became-not-nullable',
    h.nullable ? 'became nullable' : 'became not nullable',
    b.node,
    h.node,
  );
}

/** `oneOf: [{type: string}, {type: integer}]` is a list of types written long-hand. */
function typeUnion(s: Json): string[] | undefined {
  if (s.type !== undefined) return undefined;
  for (const comb of ['oneOf', 'anyOf'] as const) {
    const list = s[comb];
    if (!Array.isArray(list) || list.length < 2) continue;
    const types = list.map((m) =>
      m && typeof m === 'object' && Object.keys(m).length === 1 && typeof (m as Json).type === 'string'
        ? String((m as Json).type)
        : undefined,
    );
    if (types.every((t) => t !== undefined)) return types as string[];
  }
  return undefined;
}

function typesOf(s: Json): string[] {
  const union = typeUnion(s);
  if (union) return union.filter((x) => x !== 'null').sort();
  const t = s.type;
  const list = Array.isArray(t) ? t.map(String) : typeof t === 'string' ? [t] : [];
  return list.filter((x) => x !== 'null').sort();
}

function compareTypes(
  cmp: Comparison,
  bs: Json,
  hs: Json,
  site: SchemaSite,
  b: Node,
  h: Node,
  _nullable: boolean,
): void {
  const bt = typesOf(bs);
  const ht = typesOf(hs);
  const same = bt.length === ht.length && bt.every((t, i) => t === ht[i]);
  if (!same && becameExplodedArray(bt, ht, hs, site)) {
    raise(cmp, site, 'type-generalized', `type widened from ${bt.join('|')} to an exploded array`, b, h);
    return;
  }
  if (!same) {
    if (bt.length > 1 || ht.length > 1) {
      const added = ht.filter((t) => !bt.includes(t));
      const removed = bt.filter((t) => !ht.includes(t));
      if (added.length > 0 && removed.length > 0)
        raise(cmp, site, 'type-changed', `type changed from ${bt.join('|')} to ${ht.join('|')}`, b, h);
      else if (added.length > 0)
        raise(cmp, site, 'list-of-types-widened', `types ${added.join(', ')} added`, b, h);
      else if (removed.length > 0)
        raise(cmp, site, 'list-of-types-narrowed', `types ${removed.join(', ')} removed`, b, h);
      return;
    }
    if (bt.length === 0 || ht.length === 0) return;
    const from = bt[0] ?? '';
    const to = ht[0] ?? '';
    const detail = `type changed from ${from} to ${to}`;
    // An XML body is text to both sides: an element read as an object or as a string is the same element.
    if (/xml/i.test(site.media ?? '') && [from, to].sort().join() === 'object,string') {
      raise(cmp, site, 'type-compatible', `${detail}, compatible in XML`, b, h);
      return;
    }
    // Query, path and header values are strings on the wire, so a parameter turning into a string widens it.
    const loose = site.kind === 'parameter' && !site.prop.some((p) => p !== 'items');
    if ((from === 'integer' && to === 'number') || (loose && to === 'string'))
      raise(cmp, site, 'type-generalized', `type widened from ${from} to ${to}`, b, h);
    else if (
      (from === 'number' && to === 'integer') ||
      (site.kind === 'parameter' && !loose && from === 'string')
    )
      raise(cmp, site, 'type-specialized', `type narrowed from ${from} to ${to}`, b, h);
    else raise(cmp, site, 'type-changed', detail, b, h);
    return;
  }
  const bf = typeof bs.format === 'string' ? bs.format : undefined;
  const hf = typeof hs.format === 'string' ? hs.format : undefined;
  if (bf !== hf && bf !== undefined && hf !== undefined) {
    const widened = FORMAT_WIDENING[bf] === hf;
    const narrowed = FORMAT_WIDENING[hf] === bf;
    const detail = `format changed from ${bf} to ${hf}`;
    if (widened) raise(cmp, site, 'type-generalized', detail, b, h);
    else if (narrowed) raise(cmp, site, 'type-specialized', detail, b, h);
    else raise(cmp, site, 'type-changed', detail, b, h);
  } else if (bf !== hf && site.dir === 'request' && hf !== undefined) {
    raise(cmp, site, 'type-changed', `format ${hf} added`, b, h);
  } else if (bf !== hf && site.dir === 'response' && bf !== undefined) {
    raise(cmp, site, 'type-changed', `format ${bf} removed`, b, h);
  }
}

const FORMAT_WIDENING: Record<string, string> = { int32: 'int64', float: 'double' };

/**
 * `?token=1` parses as a one-item array when the parameter is a form-exploded query array, so a scalar
 * parameter becoming an array of items that accept every old value (strings accept any query value) accepts
 * every URL clients built before.
 */
function becameExplodedArray(bt: string[], ht: string[], hs: Json, site: SchemaSite): boolean {
  if (site.kind !== 'parameter' || !site.formExploded || site.prop.length > 0) return false;
  if (
    ht.length !== 1 ||
    ht[0] !== 'array' ||
    bt.length === 0 ||
    bt.includes('array') ||
    bt.includes('object')
  )
    return false;
  const itemSchema = (hs.items ?? {}) as Json;
  // Items with their own constraints (pattern, enum, lengths) reject values the scalar accepted.
  if (Object.keys(itemSchema).some((k) => k !== 'type' && !ANNOTATIONS.has(k))) return false;
  const items = typesOf(itemSchema);
  return items.includes('string') || bt.every((t) => items.includes(t));
}

function enumOf(s: Json, key = 'enum'): unknown[] | undefined {
  const e = s[key];
  return Array.isArray(e) ? e : undefined;
}

function compareEnums(cmp: Comparison, bs: Json, hs: Json, site: SchemaSite, b: Node, h: Node): void {
  const be = enumOf(bs);
  const he = enumOf(hs);
  if (be && he) {
    const bk = new Set(be.map((v) => JSON.stringify(v)));
    const hk = new Set(he.map((v) => JSON.stringify(v)));
    for (const v of be)
      if (!hk.has(JSON.stringify(v)))
        raise(cmp, site, 'enum-value-removed', `enum value ${show(v)} removed`, b, h);
    for (const v of he)
      if (!bk.has(JSON.stringify(v)))
        raise(cmp, site, 'enum-value-added', `enum value ${show(v)} added`, b, h);
  } else if (!be && he) {
    raise(cmp, site, 'became-enum', `restricted to the enum ${he.map(show).join(', ')}`, b, h);
  } else if (be && !he) {
    raise(
      cmp,
      site,
      'enum-removed',
      `enum of ${be.length} values removed; any ${typesOf(hs).join('|') || 'value'} is now allowed`,
      b,
      h,
    );
  }
  const bx = enumOf(bs, 'x-extensible-enum');
  const hx = enumOf(hs, 'x-extensible-enum');
  if (bx && hx) {
    const hk = new Set(hx.map((v) => JSON.stringify(v)));
    for (const v of bx)
      if (!hk.has(JSON.stringify(v)))
        raise(
          cmp,
          site,
          'x-extensible-enum-value-removed',
          `x-extensible-enum value ${show(v)} removed`,
          b,
          h,
        );
  }
}

/** Upper bounds tighten when they go down, lower bounds when they go up; `set`/`unset` when one side has none. */
type BoundName =
  | 'max'
  | 'min'
  | 'max-length'
  | 'min-length'
  | 'max-items'
  | 'min-items'
  | 'max-properties'
  | 'min-properties'
  | 'max-contains'
  | 'min-contains'
  | 'exclusive-max'
  | 'exclusive-min';
type BoundChange = `${BoundName}-${'set' | 'unset' | 'increased' | 'decreased'}`;

/** The bound moves some site has a check for; the rest (a minLength added, maxItems removed, ...) name none. */
function boundChange(change: BoundChange): Extract<BoundChange, SchemaChange> | undefined {
  return BOUND_CHANGES.has(change) ? (change as Extract<BoundChange, SchemaChange>) : undefined;
}
const BOUND_CHANGES: ReadonlySet<string> = new Set(
  CHECK_IDS.flatMap((id) => {
    const tail =
      /-((?:exclusive-)?(?:max|min)(?:-length|-items|-properties|-contains)?-(?:set|unset|increased|decreased))$/.exec(
        id,
      );
    return tail?.[1] ? [tail[1]] : [];
  }),
);

const BOUNDS: Array<{ key: string; name: BoundName; upper: boolean }> = [
  { key: 'maximum', name: 'max', upper: true },
  { key: 'minimum', name: 'min', upper: false },
  { key: 'maxLength', name: 'max-length', upper: true },
  { key: 'minLength', name: 'min-length', upper: false },
  { key: 'maxItems', name: 'max-items', upper: true },
  { key: 'minItems', name: 'min-items', upper: false },
  { key: 'maxProperties', name: 'max-properties', upper: true },
  { key: 'minProperties', name: 'min-properties', upper: false },
  { key: 'maxContains', name: 'max-contains', upper: true },
  { key: 'minContains', name: 'min-contains', upper: false },
];

function compareBounds(cmp: Comparison, bs: Json, hs: Json, site: SchemaSite, b: Node, h: Node): void {
  const bounds = [...BOUNDS];
  if (typeof bs.exclusiveMaximum === 'number' || typeof hs.exclusiveMaximum === 'number')
    bounds.push({ key: 'exclusiveMaximum', name: 'exclusive-max', upper: true });
  if (typeof bs.exclusiveMinimum === 'number' || typeof hs.exclusiveMinimum === 'number')
    bounds.push({ key: 'exclusiveMinimum', name: 'exclusive-min', upper: false });
  for (const { key, name } of bounds) {
    const bv = typeof bs[key] === 'number' ? (bs[key] as number) : undefined;
    const hv = typeof hs[key] === 'number' ? (hs[key] as number) : undefined;
    if (bv === hv) {
      if (bv !== undefined && (key === 'maximum' || key === 'minimum'))
        judgeExclusiveFlag(cmp, bs, hs, site, b, h, key);
      continue;
    }
    const move = bv === undefined ? 'set' : hv === undefined ? 'unset' : hv > bv ? 'increased' : 'decreased';
    const change = boundChange(`${name}-${move}`);
    const detail =
      move === 'set'
        ? `${key} set to ${hv}`
        : move === 'unset'
          ? `${key} ${bv} removed`
          : `${key} ${move} from ${bv} to ${hv}`;
    if (change) raise(cmp, site, change, detail, b, h);
  }
}

/**
 * OpenAPI 3.0 writes an exclusive bound as `maximum: 20, exclusiveMaximum: true`; flipping the flag on an
 * unchanged bound excludes or admits the bound itself. Without the bound the flag means nothing.
 */
function judgeExclusiveFlag(
  cmp: Comparison,
  bs: Json,
  hs: Json,
  site: SchemaSite,
  b: Node,
  h: Node,
  key: 'maximum' | 'minimum',
): void {
  const flag = key === 'maximum' ? 'exclusiveMaximum' : 'exclusiveMinimum';
  const was = bs[flag] === true;
  const is = hs[flag] === true;
  if (was === is) return;
  const name = key === 'maximum' ? 'max' : 'min';
  raise(
    cmp,
    site,
    `${name}-became-${is ? 'exclusive' : 'inclusive'}`,
    `${key} ${String(hs[key])} became ${is ? 'exclusive' : 'inclusive'}`,
    b,
    h,
  );
}

function compareValues(cmp: Comparison, bs: Json, hs: Json, site: SchemaSite, b: Node, h: Node): void {
  for (const [key, name] of [
    ['default', 'default-value'],
    ['const', 'const'],
  ] as const) {
    const bv = bs[key];
    const hv = hs[key];
    if (bv === undefined && hv === undefined) continue;
    if (bv === undefined) raise(cmp, site, `${name}-added`, `${key} ${show(hv)} added`, b, h);
    else if (hv === undefined) raise(cmp, site, `${name}-removed`, `${key} ${show(bv)} removed`, b, h);
    else if (JSON.stringify(bv) !== JSON.stringify(hv))
      raise(cmp, site, `${name}-changed`, `${key} changed from ${show(bv)} to ${show(hv)}`, b, h);
  }
  const bp = typeof bs.pattern === 'string' && bs.pattern !== '' ? bs.pattern : undefined;
  const hp = typeof hs.pattern === 'string' && hs.pattern !== '' ? hs.pattern : undefined;
  if (bp !== hp) {
    if (bp === undefined) raise(cmp, site, 'pattern-added', `pattern ${hp} added`, b, h);
    else if (hp === undefined) raise(cmp, site, 'pattern-removed', `pattern ${bp} removed`, b, h);
    else if (hp === '.*' || hp === '^.*$')
      raise(cmp, site, 'pattern-generalized', `pattern ${bp} generalized to ${hp}`, b, h);
    else raise(cmp, site, 'pattern-changed', `pattern changed from ${bp} to ${hp}`, b, h);
  }
  for (const [key, name] of [
    ['contentMediaType', 'content-media-type'],
    ['contentEncoding', 'content-encoding'],
  ] as const) {
    if (bs[key] !== hs[key] && bs[key] !== undefined && hs[key] !== undefined) {
      raise(cmp, site, `${name}-changed`, `${key} changed from ${show(bs[key])} to ${show(hs[key])}`, b, h);
    } else if (bs[key] !== hs[key]) {
      raise(
        cmp,
        site,
        `${name}-changed`,
        `${key} changed from ${show(bs[key] ?? 'none')} to ${show(hs[key] ?? 'none')}`,
        b,
        h,
      );
    }
  }
}

function compareDiscriminator(cmp: Comparison, bs: Json, hs: Json, site: SchemaSite, b: Node, h: Node): void {
  const bd = bs.discriminator as Json | undefined;
  const hd = hs.discriminator as Json | undefined;
  if (!bd && !hd) return;
  if (!bd || !hd) {
    raise(
      cmp,
      site,
      bd ? 'discriminator-removed' : 'discriminator-added',
      bd ? 'discriminator removed' : 'discriminator added',
      b,
      h,
    );
    return;
  }
  if (bd.propertyName !== hd.propertyName) {
    raise(
      cmp,
      site,
      'discriminator-property-name-changed',
      `discriminator property changed from ${show(bd.propertyName)} to ${show(hd.propertyName)}`,
      b,
      h,
    );
  }
  const bm = (bd.mapping ?? {}) as Json;
  const hm = (hd.mapping ?? {}) as Json;
  const added = Object.keys(hm).filter((k) => !(k in bm));
  const removed = Object.keys(bm).filter((k) => !(k in hm));
  if (added.length > 0)
    raise(
      cmp,
      site,
      'discriminator-mapping-added',
      `discriminator mapping keys ${added.join(', ')} added`,
      b,
      h,
    );
  if (removed.length > 0)
    raise(
      cmp,
      site,
      'discriminator-mapping-deleted',
      `discriminator mapping keys ${removed.join(', ')} removed`,
      b,
      h,
    );
  for (const k of Object.keys(bm)) {
    if (k in hm && bm[k] !== hm[k] && !sameMappingTarget(cmp, b, h, bm[k], hm[k]))
      raise(
        cmp,
        site,
        'discriminator-mapping-changed',
        `discriminator mapping ${k} changed from ${show(bm[k])} to ${show(hm[k])}`,
        b,
        h,
      );
  }
}

/** A mapping value is a `$ref` or a bare component name; renamed targets with the same content are the same. */
function sameMappingTarget(cmp: Comparison, b: Node, h: Node, bt: unknown, ht: unknown): boolean {
  const target = (side: 'base' | 'head', node: Node, value: unknown) => {
    if (typeof value !== 'string') return undefined;
    const ref = value.includes('#') || value.includes('/') ? value : `#/components/schemas/${value}`;
    return cmp.deref(side, { v: { $ref: ref }, at: node.at });
  };
  const bn = target('base', b, bt);
  const hn = target('head', h, ht);
  return !!bn && !!hn && fingerprint(cmp, 'base', bn) === fingerprint(cmp, 'head', hn);
}

const NOT_CONTENT = new Set(['description', 'title', 'example', 'examples', '$comment', 'externalDocs']);
const fingerprints = new WeakMap<Comparison, Map<string, string>>();

/**
 * The content of a schema with every `$ref` replaced by what it points at, keys sorted and annotations left
 * out: two schemas with the same fingerprint accept the same values whatever their components are called.
 */
export function fingerprint(cmp: Comparison, side: 'base' | 'head', node: Node | undefined): string {
  if (!node) return 'undefined';
  const memo = fingerprints.get(cmp) ?? new Map<string, string>();
  fingerprints.set(cmp, memo);
  const walk = (n: Node, open: Set<string>): string => {
    const key = `${side}|${n.at.file}#${n.at.pointer}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    if (open.has(key)) return '"<cycle>"';
    const v = n.v;
    if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
    open.add(key);
    let out: string;
    if (Array.isArray(v)) out = `[${v.map((_, i) => walk(cmp.child(side, n, i) as Node, open)).join(',')}]`;
    else
      out = `{${Object.keys(v)
        .filter((k) => !NOT_CONTENT.has(k))
        .sort()
        .map(
          (k) =>
            `${JSON.stringify(k)}:${k === 'discriminator' ? discriminatorPrint((v as Json).discriminator) : walk(cmp.child(side, n, k) as Node, open)}`,
        )
        .join(',')}}`;
    open.delete(key);
    memo.set(key, out);
    return out;
  };
  return walk(node, new Set());
}

/** Mapping targets name components, which a rename changes; the property and the mapped values are the content. */
function discriminatorPrint(d: unknown): string {
  const v = (d ?? {}) as Json;
  return JSON.stringify([v.propertyName, Object.keys((v.mapping ?? {}) as Json).sort()]);
}

/** JSON Schema 2020-12 applicators: adding one constrains what may be sent, removing one widens what may be received. */
function compareApplicators(cmp: Comparison, bs: Json, hs: Json, site: SchemaSite, b: Node, h: Node): void {
  for (const [key, name] of [
    ['contains', 'contains'],
    ['propertyNames', 'property-names'],
    ['unevaluatedItems', 'unevaluated-items'],
    ['unevaluatedProperties', 'unevaluated-properties'],
    ['if', 'if'],
    ['then', 'then'],
    ['else', 'else'],
    ['contentSchema', 'content-schema'],
  ] as const) {
    const had = bs[key] !== undefined;
    const has = hs[key] !== undefined;
    if (had !== has)
      raise(cmp, site, `${name}-${has ? 'added' : 'removed'}`, `${key} ${has ? 'added' : 'removed'}`, b, h);
  }
  for (const [key, name] of [
    ['patternProperties', 'pattern-property'],
    ['dependentSchemas', 'dependent-schema'],
  ] as const) {
    const bk = Object.keys((bs[key] ?? {}) as Json);
    const hk = Object.keys((hs[key] ?? {}) as Json);
    for (const k of hk) if (!bk.includes(k)) raise(cmp, site, `${name}-added`, `${key} ${k} added`, b, h);
    for (const k of bk) if (!hk.includes(k)) raise(cmp, site, `${name}-removed`, `${key} ${k} removed`, b, h);
  }
  const bdr = (bs.dependentRequired ?? {}) as Record<string, unknown>;
  const hdr = (hs.dependentRequired ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(hdr)) {
    if (!(k in bdr)) raise(cmp, site, 'dependent-required-added', `dependentRequired ${k} added`, b, h);
    else if (JSON.stringify(bdr[k]) !== JSON.stringify(hdr[k]))
      raise(cmp, site, 'dependent-required-changed', `dependentRequired ${k} changed`, b, h);
  }
  for (const k of Object.keys(bdr))
    if (!(k in hdr)) raise(cmp, site, 'dependent-required-removed', `dependentRequired ${k} removed`, b, h);
  const bpi = Array.isArray(bs.prefixItems) ? bs.prefixItems.length : 0;
  const hpi = Array.isArray(hs.prefixItems) ? hs.prefixItems.length : 0;
  if (hpi > bpi) raise(cmp, site, 'prefix-items-added', `${hpi - bpi} prefixItems added`, b, h);
  if (hpi < bpi) raise(cmp, site, 'prefix-items-removed', `${bpi - hpi} prefixItems removed`, b, h);
}

const ANNOTATIONS = new Set([
  'description',
  'title',
  'example',
  'examples',
  'deprecated',
  'externalDocs',
  '$comment',
  'readOnly',
  'writeOnly',
  'x-stability-level',
  'x-sunset',
]);

function isAnnotationOnly(s: Json | undefined): boolean {
  return !!s && Object.keys(s).every((k) => ANNOTATIONS.has(k) || k.startsWith('x-'));
}

function compareCombinator(
  cmp: Comparison,
  comb: 'allOf' | 'anyOf' | 'oneOf',
  b: Node,
  h: Node,
  site: SchemaSite,
  stack: Set<string>,
): void {
  const bl = cmp.child('base', b, comb);
  const hl = cmp.child('head', h, comb);
  // A long-hand list of types is judged as types, not as subschemas.
  const bItems = Array.isArray(bl?.v) && !typeUnion(obj(b) ?? {}) ? (bl.v as unknown[]) : [];
  const hItems = Array.isArray(hl?.v) && !typeUnion(obj(h) ?? {}) ? (hl.v as unknown[]) : [];
  if (bItems.length === 0 && hItems.length === 0) return;
  const name = comb === 'allOf' ? 'all-of' : comb === 'anyOf' ? 'any-of' : 'one-of';
  const label = (raw: unknown, i: number) =>
    refOf(raw) ?? (obj({ v: raw } as Node)?.title as string | undefined) ?? `#${i + 1}`;
  const keyOf = (raw: unknown) => refOf(raw)?.replace(/^.*#/, '#') ?? JSON.stringify(raw);
  const unmatchedHead = new Map<number, unknown>(hItems.map((v, i) => [i, v]));
  const pairs: Array<[number, number]> = [];
  const removed: number[] = [];
  bItems.forEach((raw, i) => {
    const k = keyOf(raw);
    const match = [...unmatchedHead].find(([, v]) => keyOf(v) === k);
    if (match) {
      pairs.push([i, match[0]]);
      unmatchedHead.delete(match[0]);
    } else removed.push(i);
  });
  // Inline members that changed in place (same position, neither side a $ref) are compared, not swapped.
  for (const i of [...removed]) {
    const braw = bItems[i];
    const hraw = unmatchedHead.get(i);
    if (hraw !== undefined && !refOf(braw) && !refOf(hraw)) {
      pairs.push([i, i]);
      unmatchedHead.delete(i);
      removed.splice(removed.indexOf(i), 1);
    }
  }
  // A member whose `$ref` name changed but whose content did not is the same member (Dog renamed MyDog).
  for (const i of [...removed]) {
    const print = fingerprint(cmp, 'base', cmp.child('base', bl, i));
    const match = [...unmatchedHead].find(
      ([j]) => fingerprint(cmp, 'head', cmp.child('head', hl, j)) === print,
    );
    if (!match) continue;
    pairs.push([i, match[0]]);
    unmatchedHead.delete(match[0]);
    removed.splice(removed.indexOf(i), 1);
  }
  for (const i of removed) {
    const annotation = comb === 'allOf' && isAnnotationOnly(obj(cmp.child('base', bl, i)));
    const change: SchemaChange = annotation ? 'all-of-removed-annotation-only' : `${name}-removed`;
    raise(cmp, site, change, `${label(bItems[i], i)} removed from ${comb}`, b, h);
  }
  for (const [i, raw] of unmatchedHead) {
    const annotation = comb === 'allOf' && isAnnotationOnly(obj(cmp.child('head', hl, i)));
    const change: SchemaChange = annotation ? 'all-of-added-annotation-only' : `${name}-added`;
    raise(cmp, site, change, `${label(raw, i)} added to ${comb}`, b, h);
  }
  for (const [i, j] of pairs) compare(cmp, cmp.child('base', bl, i), cmp.child('head', hl, j), site, stack);
}

function requiredOf(s: Json): Set<string> {
  return new Set(Array.isArray(s.required) ? s.required.map(String) : []);
}

function compareProperties(cmp: Comparison, b: Node, h: Node, site: SchemaSite, stack: Set<string>): void {
  const bs = obj(b) ?? {};
  const hs = obj(h) ?? {};
  const bp = cmp.child('base', b, 'properties');
  const hp = cmp.child('head', h, 'properties');
  const bNames = Object.keys(obj(bp) ?? {});
  const hNames = Object.keys(obj(hp) ?? {});
  if (bNames.length === 0 && hNames.length === 0) return;
  const bReq = requiredOf(bs);
  const hReq = requiredOf(hs);
  const op = site.op;
  for (const name of bNames) {
    const bc = cmp.child('base', bp, name);
    const bcs = obj(bc) ?? {};
    const childSite: SchemaSite = {
      ...site,
      prop: [...site.prop, name],
      readOnly: site.readOnly || bcs.readOnly === true,
      writeOnly: site.writeOnly || bcs.writeOnly === true,
    };
    const subject = subjectOf(childSite);
    if (!hNames.includes(name)) {
      if (site.kind !== 'body') continue;
      if (site.dir === 'request') {
        if (bcs.readOnly === true) continue;
        if (hs.additionalProperties === false)
          cmp.emit(
            'request-property-removed-from-closed-schema',
            subject,
            'removed, and the schema forbids additional properties: clients still sending it are rejected',
            { op, base: bc, head: h },
          );
        else cmp.emit('request-property-removed', subject, 'removed', { op, base: bc, head: h });
      } else {
        const required = bReq.has(name) ? 'required' : 'optional';
        const wo = bcs.writeOnly === true ? '-write-only' : '';
        cmp.emit(
          `response-${required}${wo}-property-removed`,
          subject,
          `${required} property removed; clients reading it break`,
          { op, base: bc, head: h },
        );
      }
      continue;
    }
    const hc = cmp.child('head', hp, name);
    const hcs = obj(hc) ?? {};
    if (site.kind === 'body') {
      const wasReq = bReq.has(name);
      const isReq = hReq.has(name);
      if (site.dir === 'request' && wasReq !== isReq && hcs.readOnly !== true) {
        if (isReq)
          cmp.emit(
            hcs.default !== undefined
              ? 'request-property-became-required-with-default'
              : 'request-property-became-required',
            subject,
            'became required; clients that omit it are rejected',
            { op, base: bc, head: hc },
          );
        else
          cmp.emit('request-property-became-optional', subject, 'became optional', {
            op,
            base: bc,
            head: hc,
          });
      }
      if (site.dir === 'response' && wasReq !== isReq) {
        const wo = hcs.writeOnly === true ? '-write-only' : '';
        if (isReq)
          cmp.emit(`response${wo}-property-became-required`, subject, 'became required', {
            op,
            base: bc,
            head: hc,
          });
        else
          cmp.emit(
            `response${wo}-property-became-optional`,
            subject,
            'became optional; clients relying on it break',
            { op, base: bc, head: hc },
          );
      }
      for (const flag of ['readOnly', 'writeOnly'] as const) {
        if ((bcs[flag] === true) === (hcs[flag] === true)) continue;
        const slug =
          `${hcs[flag] === true ? '' : 'not-'}${flag === 'readOnly' ? 'read-only' : 'write-only'}` as const;
        // oasdiff names the read-only flips; a write-only flip has no check of its own.
        const id = `${site.dir}-${isReq ? 'required' : 'optional'}-property-became-${slug}` as const;
        if (isCheckId(id)) cmp.emit(id, subject, `became ${slug}`, { op, base: bc, head: hc });
      }
    }
    compare(
      cmp,
      bc,
      hc,
      {
        ...childSite,
        readOnly: site.readOnly || hcs.readOnly === true || bcs.readOnly === true,
        writeOnly: site.writeOnly || hcs.writeOnly === true,
      },
      stack,
    );
  }
  if (site.kind !== 'body') return;
  for (const name of hNames) {
    if (bNames.includes(name)) continue;
    const hc = cmp.child('head', hp, name);
    const hcs = obj(hc) ?? {};
    const subject = subjectOf({ ...site, prop: [...site.prop, name] });
    const required = hReq.has(name);
    if (site.dir === 'request') {
      if (hcs.readOnly === true) continue;
      if (required)
        cmp.emit(
          hcs.default !== undefined
            ? 'new-required-request-property-with-default'
            : 'new-required-request-property',
          subject,
          'added as required; existing clients do not send it',
          { op, base: b, head: hc },
        );
      else cmp.emit('new-optional-request-property', subject, 'added as optional', { op, base: b, head: hc });
    } else {
      const wo = hcs.writeOnly === true ? '-write-only' : '';
      cmp.emit(`response-${required ? 'required' : 'optional'}${wo}-property-added`, subject, 'added', {
        op,
        base: b,
        head: hc,
      });
    }
  }
}

/** A request schema that starts rejecting unknown properties rejects clients that send extra fields. */
function compareClosedness(cmp: Comparison, bs: Json, hs: Json, site: SchemaSite, b: Node, h: Node): void {
  if (site.dir !== 'request' || site.kind !== 'body') return;
  if (
    hs.additionalProperties === false &&
    bs.additionalProperties !== false &&
    (bs.type === 'object' || bs.properties)
  ) {
    cmp.emit(
      'request-body-additional-properties-closed',
      subjectOf(site),
      'now sets additionalProperties: false; clients sending extra fields are rejected',
      { op: site.op, base: b, head: h },
    );
  }
}
