/**
 * AsyncAPI 2.x and 3.x compatibility over servers, channels, operations and messages. What a party built
 * against base must still be able to do: reach the same servers with the same protocol, find the same
 * channels and operations, and exchange the same messages.
 *
 * Direction: what a consumer of a `receive` operation sees is response-like (it reads, so anything new it may
 * be handed breaks it); what a producer of a `send` operation sees is request-like (it writes, so anything
 * no longer accepted breaks it). Payloads and headers go through the same schema comparison as OpenAPI
 * bodies, with that direction; a message no operation uses is judged as read (response-like).
 * Each message's schema version (`x-schema-version`, or the payload's `schema_version` const) must bump by
 * the SemVer level its changes need.
 */
import { GateError } from '../errors.ts';
import type { LoadedDocument } from '../load/document.ts';
import type { Finding } from '../model.ts';
import { Comparison, type CompareOptions, type Node, obj, show } from '../openapi/context.ts';
import { compareSchema } from '../openapi/schema-diff.ts';
import { type Bump, BUMP_RANK, bumpBetween, parseSemver } from '../policy/semver.ts';
import { type Action, type EventModel, type EventOperation, majorOf, readEventModel } from './model.ts';

export function compareAsyncApi(
  base: LoadedDocument,
  head: LoadedDocument,
  options: CompareOptions = {},
): Finding[] {
  for (const doc of [base, head]) {
    const major = majorOf(doc.root);
    // Only versions the model reads are judged; anything else is refused rather than passed unread.
    if (major !== 2 && major !== 3)
      throw new GateError(
        'UNSUPPORTED_DOCUMENT',
        `${doc.file}:1: AsyncAPI ${String(doc.root.asyncapi)} is not supported (the gate judges AsyncAPI 2.x and 3.x)`,
        { file: doc.file, line: 1 },
      );
  }
  const cmp = new Comparison(base, head, options);
  const b = readEventModel(cmp, 'base');
  const h = readEventModel(cmp, 'head');
  compareServers(cmp, b, h);
  compareChannels(cmp, b, h);
  compareOperations(cmp, b, h);
  return cmp.findings;
}

function compareServers(cmp: Comparison, b: EventModel, h: EventModel): void {
  for (const [name, bs] of b.servers) {
    const hs = h.servers.get(name);
    const subject = `server ${name}`;
    if (!hs) {
      cmp.emit('event-server-removed', subject, 'removed; clients configured with it cannot connect', {
        op: subject,
        base: bs.node,
      });
      continue;
    }
    const where = { op: subject, base: bs.node, head: hs.node };
    if (bs.address !== hs.address)
      cmp.emit(
        'event-server-address-changed',
        subject,
        `address changed from ${bs.address} to ${hs.address}`,
        where,
      );
    if (bs.protocol !== hs.protocol)
      cmp.emit(
        'event-server-protocol-changed',
        subject,
        `protocol changed from ${show(bs.protocol)} to ${show(hs.protocol)}`,
        where,
      );
    else if (String(bs.protocolVersion ?? '') !== String(hs.protocolVersion ?? ''))
      cmp.emit(
        'event-server-protocol-version-changed',
        subject,
        `protocolVersion changed from ${show(bs.protocolVersion ?? 'none')} to ${show(hs.protocolVersion ?? 'none')}`,
        where,
      );
    compareServerVariables(cmp, subject, bs.variables, hs.variables);
    judgeSecurity(cmp, 'event-server-security-changed', subject, bs.security, hs.security, where);
  }
  for (const [name, hs] of h.servers)
    if (!b.servers.has(name))
      cmp.emit('event-server-added', `server ${name}`, 'added', { op: `server ${name}`, head: hs.node });
}

/** A variable clients fill in: it may not vanish, lose allowed values or change the default they rely on. */
function compareServerVariables(
  cmp: Comparison,
  subject: string,
  b: Node | undefined,
  h: Node | undefined,
): void {
  for (const name of Object.keys(obj(b) ?? {})) {
    const bv = cmp.child('base', b, name);
    const hv = cmp.child('head', h, name);
    const bs = obj(bv) ?? {};
    const hs = obj(hv) ?? {};
    const where = { op: subject, base: bv, head: hv };
    const variable = `${subject} variable ${name}`;
    const enumOf = (s: Record<string, unknown>) => (Array.isArray(s.enum) ? s.enum.map(String) : undefined);
    const be = enumOf(bs);
    const he = enumOf(hs);
    const lost = !hv
      ? ['the variable']
      : he === undefined
        ? []
        : (be ?? [])
            .filter((v) => !he.includes(v))
            .concat(be === undefined ? ['any value outside the enum'] : []);
    if (lost.length > 0)
      cmp.emit('event-server-variable-narrowed', variable, `no longer allows ${lost.join(', ')}`, where);
    else if (hv && bs.default !== hs.default)
      cmp.emit(
        'event-server-variable-narrowed',
        variable,
        `default changed from ${show(bs.default ?? 'none')} to ${show(hs.default ?? 'none')}`,
        where,
      );
  }
}

/** Security alternatives are OR: a client passes if head still offers one of the schemes it used. */
function judgeSecurity(
  cmp: Comparison,
  id: 'event-server-security-changed' | 'event-operation-security-changed',
  subject: string,
  before: string[],
  after: string[],
  where: { op: string; base: Node; head: Node },
): void {
  const stranded = (before.length === 0 ? ['no credentials'] : before).filter(
    (s) => after.length > 0 && !after.includes(s),
  );
  if (stranded.length > 0)
    cmp.emit(
      id,
      subject,
      `clients using ${stranded.join(' or ')} are no longer accepted (head requires ${after.join(' or ')})`,
      where,
    );
}

function compareChannels(cmp: Comparison, b: EventModel, h: EventModel): void {
  const bDirections = directions(b);
  const hDirections = directions(h);
  for (const [name, bc] of b.channels) {
    const hc = h.channels.get(name);
    const subject = `channel ${name}`;
    if (!hc) {
      cmp.emit('event-channel-removed', subject, 'removed; parties using it are cut off', {
        op: subject,
        base: bc.node,
      });
      continue;
    }
    if (bc.address !== hc.address)
      cmp.emit(
        'event-channel-address-changed',
        subject,
        `address changed from ${show(bc.address)} to ${show(hc.address)}`,
        { op: subject, base: bc.node, head: hc.node },
      );
    for (const [m, bm] of bc.messages) {
      const hm = hc.messages.get(m);
      if (!hm) {
        cmp.emit('event-message-removed', `${subject} message ${m}`, 'removed from the channel', {
          op: subject,
          base: bm,
          head: hc.node,
        });
        continue;
      }
      const used = new Set([
        ...(bDirections.get(`${name}\u0000${m}`) ?? []),
        ...(hDirections.get(`${name}\u0000${m}`) ?? []),
      ]);
      compareMessage(cmp, `${subject} message ${m}`, bm, hm, used.size === 0 ? ['receive'] : [...used], b, h);
    }
    for (const [m, hm] of hc.messages)
      if (!bc.messages.has(m))
        cmp.emit('event-message-added', `${subject} message ${m}`, 'added', {
          op: subject,
          base: bc.node,
          head: hm,
        });
  }
  for (const [name, hc] of h.channels)
    if (!b.channels.has(name))
      cmp.emit('event-channel-added', `channel ${name}`, 'added', { op: `channel ${name}`, head: hc.node });
}

/** Which actions use each channel message (`channel\0message`). */
function directions(model: EventModel): Map<string, Set<Action>> {
  const out = new Map<string, Set<Action>>();
  for (const op of model.operations.values()) {
    if (!op.action || op.channel === undefined) continue;
    for (const m of op.messages.keys()) {
      const key = `${op.channel}\u0000${m}`;
      out.set(key, (out.get(key) ?? new Set()).add(op.action));
    }
  }
  return out;
}

function compareOperations(cmp: Comparison, b: EventModel, h: EventModel): void {
  for (const [name, bo] of b.operations) {
    const ho = h.operations.get(name);
    const subject = `operation ${name}`;
    if (!ho) {
      cmp.emit('event-operation-removed', subject, 'removed', { op: subject, base: bo.node });
      continue;
    }
    const where = { op: subject, base: bo.node, head: ho.node };
    if (bo.action !== ho.action)
      cmp.emit(
        'event-operation-action-changed',
        subject,
        `action changed from ${show(bo.action)} to ${show(ho.action)}: the direction of every message flips`,
        where,
      );
    if (bo.channel !== ho.channel)
      cmp.emit(
        'event-operation-channel-changed',
        subject,
        `moved from channel ${show(bo.channel)} to ${show(ho.channel)}`,
        where,
      );
    for (const m of bo.messages.keys())
      if (
        ho.channel === bo.channel &&
        h.channels.get(ho.channel ?? '')?.messages.has(m) &&
        !ho.messages.has(m)
      )
        cmp.emit(
          'event-operation-message-removed',
          `${subject} message ${m}`,
          'no longer part of the operation',
          where,
        );
    judgeSecurity(cmp, 'event-operation-security-changed', subject, bo.security, ho.security, where);
    compareReply(cmp, subject, bo, ho, b, h);
  }
  for (const [name, ho] of h.operations)
    if (!b.operations.has(name))
      cmp.emit('event-operation-added', `operation ${name}`, 'added', {
        op: `operation ${name}`,
        head: ho.node,
      });
}

/**
 * A request/reply operation: the requester waits for the reply on its address or channel. The reply travels
 * the other way round, so its messages are judged in the opposite direction of the operation.
 */
function compareReply(
  cmp: Comparison,
  subject: string,
  bo: EventOperation,
  ho: EventOperation,
  b: EventModel,
  h: EventModel,
): void {
  if (!bo.reply && !ho.reply) return;
  const where = { op: subject, base: bo.reply ?? bo.node, head: ho.reply ?? ho.node };
  if (!ho.reply) {
    cmp.emit(
      'event-operation-reply-removed',
      `${subject} reply`,
      'removed; requesters wait for a reply that never comes',
      where,
    );
    return;
  }
  if (!bo.reply) {
    cmp.emit('event-operation-reply-added', `${subject} reply`, 'added', where);
    return;
  }
  const br = obj(bo.reply) ?? {};
  const hr = obj(ho.reply) ?? {};
  const location = (r: Record<string, unknown>, side: 'base' | 'head', node: Node) =>
    show(
      obj(cmp.child(side, node, 'address'))?.location ??
        (r.channel as Record<string, unknown> | undefined)?.$ref ??
        'none',
    );
  const bl = location(br, 'base', bo.reply);
  const hl = location(hr, 'head', ho.reply);
  if (bl !== hl)
    cmp.emit(
      'event-operation-reply-changed',
      `${subject} reply`,
      `reply goes to ${hl} instead of ${bl}`,
      where,
    );
  const replyAction: Action = bo.action === 'send' ? 'receive' : 'send';
  const messages = (side: 'base' | 'head', reply: Node) => {
    const list = cmp.child(side, reply, 'messages');
    return new Map(
      (Array.isArray(list?.v) ? (list.v as unknown[]) : []).flatMap((raw, i) => {
        const node = cmp.child(side, list, i);
        const ref = (raw as Record<string, unknown> | null)?.$ref;
        return node
          ? [[typeof ref === 'string' ? ref.replace(/^.*\//, '') : `#${i + 1}`, node] as const]
          : [];
      }),
    );
  };
  const bm = messages('base', bo.reply);
  const hm = messages('head', ho.reply);
  for (const [m, node] of bm) {
    const other = hm.get(m);
    if (!other)
      cmp.emit('event-operation-reply-changed', `${subject} reply message ${m}`, 'removed from the reply', {
        op: subject,
        base: node,
        head: ho.reply,
      });
    else compareMessage(cmp, `${subject} reply message ${m}`, node, other, [replyAction], b, h);
  }
}

function payloadOf(cmp: Comparison, side: 'base' | 'head', message: Node | undefined): Node | undefined {
  const payload = cmp.child(side, message, 'payload');
  // A multi-format schema object wraps the schema with its format.
  const p = obj(payload);
  if (p && 'schemaFormat' in p && 'schema' in p) return cmp.child(side, payload, 'schema');
  return payload;
}

function compareMessage(
  cmp: Comparison,
  subject: string,
  bm: Node,
  hm: Node,
  actions: Action[],
  b: EventModel,
  h: EventModel,
): void {
  const before = cmp.findings.length;
  const where = { op: subject, base: bm, head: hm };
  const bType = messageField(cmp, 'base', bm, 'contentType')?.v ?? b.defaultContentType;
  const hType = messageField(cmp, 'head', hm, 'contentType')?.v ?? h.defaultContentType;
  if (bType !== undefined && hType !== undefined && bType !== hType)
    cmp.emit(
      'event-message-content-type-changed',
      subject,
      `content type changed from ${show(bType)} to ${show(hType)}; parties decode with the old one`,
      where,
    );
  compareCorrelationId(cmp, subject, bm, hm);
  const bp = payloadOf(cmp, 'base', bm);
  const hp = payloadOf(cmp, 'head', hm);
  for (const action of actions) {
    // receive: the consumer reads (response-like); send: the producer writes (request-like).
    const dir = action === 'receive' ? 'response' : 'request';
    compareSchema(cmp, bp, hp, { dir, kind: 'body', prop: [], op: subject, where: 'payload' });
    compareSchema(cmp, messageField(cmp, 'base', bm, 'headers'), messageField(cmp, 'head', hm, 'headers'), {
      dir,
      kind: 'body',
      prop: [],
      op: subject,
      where: 'headers',
    });
  }
  judgeSchemaVersion(cmp, subject, bm, hm, bp, hp, cmp.findings.slice(before));
}

/**
 * A message field, or the first of its traits that sets it: traits are applied to the message, and the
 * message's own value wins. (Traits' schemas are not merged with the message's; the first one found counts.)
 */
function messageField(
  cmp: Comparison,
  side: 'base' | 'head',
  message: Node,
  key: 'headers' | 'correlationId' | 'contentType',
): Node | undefined {
  const own = cmp.child(side, message, key);
  if (own) return own;
  const traits = cmp.child(side, message, 'traits');
  if (!Array.isArray(traits?.v)) return undefined;
  for (let i = 0; i < traits.v.length; i++) {
    const found = cmp.child(side, cmp.child(side, traits, i), key);
    if (found) return found;
  }
  return undefined;
}

function compareCorrelationId(cmp: Comparison, subject: string, bm: Node, hm: Node): void {
  const bc = messageField(cmp, 'base', bm, 'correlationId');
  const hc = messageField(cmp, 'head', hm, 'correlationId');
  if (!bc) return;
  const where = { op: subject, base: bc, head: hc ?? hm };
  if (!hc) {
    cmp.emit(
      'event-message-correlation-id-removed',
      subject,
      'correlationId removed; requesters cannot match replies',
      where,
    );
    return;
  }
  const bl = obj(bc)?.location;
  const hl = obj(hc)?.location;
  if (bl !== hl)
    cmp.emit(
      'event-message-correlation-id-changed',
      subject,
      `correlationId moved from ${show(bl)} to ${show(hl)}`,
      where,
    );
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

function judgeSchemaVersion(
  cmp: Comparison,
  subject: string,
  bm: Node,
  hm: Node,
  bp: Node | undefined,
  hp: Node | undefined,
  produced: Finding[],
): void {
  const judged = produced.filter((f) => f.part === 'breaking');
  const needed: Bump = judged.some((f) => f.level === 'error')
    ? 'major'
    : judged.length > 0
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
      `schema version ${bv} → ${hv} is a ${declared} bump, but the message change needs ${needed}; publish it as a new ${needed === 'major' ? 'major (new subject/version)' : 'minor'} version`,
      { op: subject, base: bm, head: hm },
    );
  }
}
