/**
 * AsyncAPI 3 event compatibility, judged for a consumer built against base that must still read what a
 * head producer sends: channels, operations and messages may not vanish, payload fields may not be removed,
 * retyped or made optional/nullable, enums may not change, and a new required field breaks old producers.
 * Each message's schema version (`x-schema-version`, or the payload's `schema_version` const) must bump by
 * the SemVer level its changes need.
 */
import type { LoadedDocument } from '../load/document.ts';
import type { Finding } from '../model.ts';
import { Comparison, type CompareOptions, type Node, obj, show } from '../openapi/context.ts';
import { type Bump, BUMP_RANK, bumpBetween, parseSemver } from '../policy/semver.ts';

export function compareAsyncApi(
  base: LoadedDocument,
  head: LoadedDocument,
  options: CompareOptions = {},
): Finding[] {
  const cmp = new Comparison(base, head, options);
  const bChannels = cmp.child('base', cmp.root('base'), 'channels');
  const hChannels = cmp.child('head', cmp.root('head'), 'channels');
  for (const name of Object.keys(obj(bChannels) ?? {})) {
    const bc = cmp.child('base', bChannels, name);
    const hc = cmp.child('head', hChannels, name);
    const subject = `channel ${name}`;
    if (!hc) {
      cmp.emit('event-channel-removed', subject, 'removed; consumers subscribed to it receive nothing', {
        op: subject,
        base: bc,
        head: hChannels,
      });
      continue;
    }
    const ba = obj(bc)?.address;
    const ha = obj(hc)?.address;
    if (ba !== ha)
      cmp.emit('event-channel-address-changed', subject, `address changed from ${show(ba)} to ${show(ha)}`, {
        op: subject,
        base: bc,
        head: hc,
      });
    const bMessages = cmp.child('base', bc, 'messages');
    const hMessages = cmp.child('head', hc, 'messages');
    for (const m of Object.keys(obj(bMessages) ?? {})) {
      const bm = cmp.child('base', bMessages, m);
      const hm = cmp.child('head', hMessages, m);
      if (!hm) {
        cmp.emit('event-message-removed', `${subject} message ${m}`, 'removed from the channel', {
          op: subject,
          base: bm,
          head: hMessages,
        });
        continue;
      }
      compareMessage(cmp, `${subject} message ${m}`, bm, hm);
    }
    for (const m of Object.keys(obj(hMessages) ?? {})) {
      if (!cmp.child('base', bMessages, m))
        cmp.emit('event-message-added', `${subject} message ${m}`, 'added', {
          op: subject,
          base: bMessages,
          head: cmp.child('head', hMessages, m),
        });
    }
  }
  for (const name of Object.keys(obj(hChannels) ?? {})) {
    if (!cmp.child('base', bChannels, name))
      cmp.emit('event-channel-added', `channel ${name}`, 'added', {
        op: `channel ${name}`,
        head: cmp.child('head', hChannels, name),
      });
  }
  const bOps = cmp.child('base', cmp.root('base'), 'operations');
  const hOps = cmp.child('head', cmp.root('head'), 'operations');
  for (const name of Object.keys(obj(bOps) ?? {})) {
    if (!cmp.child('head', hOps, name))
      cmp.emit('event-operation-removed', `operation ${name}`, 'removed', {
        op: `operation ${name}`,
        base: cmp.child('base', bOps, name),
        head: hOps,
      });
  }
  return cmp.findings;
}

function payloadOf(cmp: Comparison, side: 'base' | 'head', message: Node | undefined): Node | undefined {
  const payload = cmp.child(side, message, 'payload');
  // A multi-format schema object wraps the schema with its format.
  const p = obj(payload);
  if (p && 'schemaFormat' in p && 'schema' in p) return cmp.child(side, payload, 'schema');
  return payload;
}

function versionOf(
  cmp: Comparison,
  side: 'base' | 'head',
  message: Node | undefined,
  payload: Node | undefined,
): string | undefined {
  const declared = obj(message)?.['x-schema-version'];
  if (typeof declared === 'string') return declared;
  const field = obj(cmp.child(side, cmp.child(side, payload, 'properties'), 'schema_version'));
  const v =
    field?.const ?? (Array.isArray(field?.enum) && field.enum.length === 1 ? field.enum[0] : undefined);
  return typeof v === 'string' ? v : undefined;
}

function compareMessage(cmp: Comparison, subject: string, bm: Node | undefined, hm: Node | undefined): void {
  const bp = payloadOf(cmp, 'base', bm);
  const hp = payloadOf(cmp, 'head', hm);
  const before = cmp.findings.length;
  compareFields(cmp, subject, bp, hp, [], new Set());
  const produced = cmp.findings.slice(before);
  const needed: Bump = produced.some((f) => f.level === 'error')
    ? 'major'
    : produced.length > 0
      ? 'minor'
      : 'none';
  if (needed === 'none') return;
  const bv = versionOf(cmp, 'base', bm, bp);
  const hv = versionOf(cmp, 'head', hm, hp);
  if (!bv || !hv) return;
  const declared = parseSemver(bv) && parseSemver(hv) ? bumpBetween(bv, hv) : 'none';
  if (BUMP_RANK[declared] < BUMP_RANK[needed]) {
    cmp.emit(
      'event-schema-version-not-bumped',
      subject,
      `schema version ${bv} → ${hv} is a ${declared} bump, but the payload change needs ${needed}; publish it as a new ${needed === 'major' ? 'major (new subject/version)' : 'minor'} version`,
      { op: subject, base: bm, head: hm },
    );
  }
}

function typeKey(s: Record<string, unknown>): string {
  const t = s.type;
  const list = (Array.isArray(t) ? t.map(String) : typeof t === 'string' ? [t] : [])
    .filter((x) => x !== 'null')
    .sort();
  return `${list.join('|')}${typeof s.format === 'string' ? `:${s.format}` : ''}`;
}

function nullable(s: Record<string, unknown>): boolean {
  return s.nullable === true || (Array.isArray(s.type) && s.type.includes('null'));
}

function compareFields(
  cmp: Comparison,
  subject: string,
  b: Node | undefined,
  h: Node | undefined,
  path: string[],
  stack: Set<string>,
): void {
  if (!b || !h) return;
  const key = `${b.at.file}#${b.at.pointer}|${h.at.file}#${h.at.pointer}`;
  if (stack.has(key)) return;
  stack.add(key);
  const bs = obj(b) ?? {};
  const hs = obj(h) ?? {};
  const field = path.length > 0 ? `${subject} field \`${path.join('.')}\`` : `${subject} payload`;
  const where = { op: subject, base: b, head: h };
  if (typeKey(bs) !== typeKey(hs) && typeKey(bs) !== '' && typeKey(hs) !== '') {
    cmp.emit('event-field-type-changed', field, `type changed from ${typeKey(bs)} to ${typeKey(hs)}`, where);
  }
  if (!nullable(bs) && nullable(hs))
    cmp.emit('event-field-became-nullable', field, 'became nullable; consumers may receive null', where);
  const be = Array.isArray(bs.enum) ? bs.enum.map((v) => JSON.stringify(v)) : undefined;
  const he = Array.isArray(hs.enum) ? hs.enum.map((v) => JSON.stringify(v)) : undefined;
  if (be && he) {
    const removed = be.filter((v) => !he.includes(v));
    const added = he.filter((v) => !be.includes(v));
    if (removed.length > 0)
      cmp.emit('event-enum-narrowed', field, `enum values ${removed.join(', ')} removed`, where);
    if (added.length > 0)
      cmp.emit(
        'event-enum-value-added',
        field,
        `enum values ${added.join(', ')} added; old consumers cannot map them`,
        where,
      );
  } else if (!be && he) cmp.emit('event-enum-narrowed', field, 'restricted to an enum', where);
  const bProps = cmp.child('base', b, 'properties');
  const hProps = cmp.child('head', h, 'properties');
  const bReq = new Set(Array.isArray(bs.required) ? bs.required.map(String) : []);
  const hReq = new Set(Array.isArray(hs.required) ? hs.required.map(String) : []);
  for (const name of Object.keys(obj(bProps) ?? {})) {
    const bc = cmp.child('base', bProps, name);
    const hc = cmp.child('head', hProps, name);
    const child = `${subject} field \`${[...path, name].join('.')}\``;
    if (!hc) {
      cmp.emit(
        'event-field-removed',
        child,
        'removed; consumers reading it break. Deprecate it and keep sending it until the next major',
        { op: subject, base: bc, head: h },
      );
      continue;
    }
    if (bReq.has(name) && !hReq.has(name))
      cmp.emit('event-field-became-optional', child, 'became optional; consumers relying on it break', {
        op: subject,
        base: bc,
        head: hc,
      });
    if (!bReq.has(name) && hReq.has(name))
      cmp.emit('event-required-field-added', child, 'became required', { op: subject, base: bc, head: hc });
    compareFields(cmp, subject, bc, hc, [...path, name], stack);
  }
  for (const name of Object.keys(obj(hProps) ?? {})) {
    if (cmp.child('base', bProps, name)) continue;
    const hc = cmp.child('head', hProps, name);
    const child = `${subject} field \`${[...path, name].join('.')}\``;
    if (hReq.has(name))
      cmp.emit(
        'event-required-field-added',
        child,
        'added as required; producers of the old version do not send it',
        { op: subject, base: b, head: hc },
      );
    else cmp.emit('event-field-added', child, 'added as optional', { op: subject, base: b, head: hc });
  }
  compareFields(
    cmp,
    subject,
    cmp.child('base', b, 'items'),
    cmp.child('head', h, 'items'),
    [...path, '[]'],
    stack,
  );
  for (const comb of ['allOf', 'oneOf', 'anyOf']) {
    const bl = cmp.child('base', b, comb);
    const hl = cmp.child('head', h, comb);
    if (Array.isArray(bl?.v) && Array.isArray(hl?.v)) {
      for (let i = 0; i < Math.min(bl.v.length, hl.v.length); i++)
        compareFields(cmp, subject, cmp.child('base', bl, i), cmp.child('head', hl, i), path, stack);
    }
  }
  stack.delete(key);
}
