/**
 * Reads an AsyncAPI 2.x or 3.x document into one shape (servers, channels, operations with a direction,
 * messages), so both versions go through the same checks. Nodes keep their place in the document, so every
 * finding still names a file and a line.
 *
 * Direction follows AsyncAPI 3: `send` means the described application sends, `receive` that it receives.
 * In 2.x the verbs are the other way round (`publish` is what other parties publish to the application, so
 * the application receives), and become `receive` and `send` here.
 */
import { type Comparison, type Node, obj } from '../openapi/context.ts';

export type Action = 'send' | 'receive';

export interface EventServer {
  node: Node;
  /** `host` + `pathname` (3.x) or `url` (2.x). */
  address: string;
  protocol: unknown;
  protocolVersion: unknown;
  variables: Node | undefined;
  security: string[];
}

export interface EventChannel {
  node: Node;
  address: unknown;
  messages: Map<string, Node>;
}

export interface EventOperation {
  node: Node;
  action: Action | undefined;
  /** Key of the channel in `channels`. */
  channel: string | undefined;
  messages: Map<string, Node>;
  reply: Node | undefined;
  security: string[];
}

export interface EventModel {
  major: 2 | 3;
  servers: Map<string, EventServer>;
  channels: Map<string, EventChannel>;
  operations: Map<string, EventOperation>;
  defaultContentType: unknown;
}

export function majorOf(root: Record<string, unknown>): number {
  return Number.parseInt(String(root.asyncapi), 10);
}

export function readEventModel(cmp: Comparison, side: 'base' | 'head'): EventModel {
  const root = cmp.root(side);
  const major = majorOf(obj(root) ?? {}) === 2 ? 2 : 3;
  const model: EventModel = {
    major,
    servers: readServers(cmp, side, root, major),
    channels: new Map(),
    operations: new Map(),
    defaultContentType: obj(root)?.defaultContentType,
  };
  if (major === 3) readV3(cmp, side, root, model);
  else readV2(cmp, side, root, model);
  return model;
}

function readServers(
  cmp: Comparison,
  side: 'base' | 'head',
  root: Node,
  major: 2 | 3,
): Map<string, EventServer> {
  const servers = cmp.child(side, root, 'servers');
  const out = new Map<string, EventServer>();
  for (const name of Object.keys(obj(servers) ?? {})) {
    const node = cmp.child(side, servers, name);
    const s = obj(node) ?? {};
    if (!node) continue;
    const address = major === 3 ? `${String(s.host ?? '')}${String(s.pathname ?? '')}` : String(s.url ?? '');
    out.set(name, {
      node,
      address,
      protocol: s.protocol,
      protocolVersion: s.protocolVersion,
      variables: cmp.child(side, node, 'variables'),
      security: securityNames(cmp, side, cmp.child(side, node, 'security'), major),
    });
  }
  return out;
}

/**
 * A security list as the names of what a client must present: in 3.x a list of scheme objects (named by the
 * component they come from, else by type); in 2.x a list of requirement maps naming components.
 */
function securityNames(
  cmp: Comparison,
  side: 'base' | 'head',
  list: Node | undefined,
  major: 2 | 3,
): string[] {
  if (!Array.isArray(list?.v)) return [];
  return (list.v as unknown[]).flatMap((raw, i) => {
    if (major === 2)
      return (
        Object.keys((raw ?? {}) as object)
          .sort()
          .join(' AND ') || []
      );
    const ref = (raw as Record<string, unknown> | null)?.$ref;
    if (typeof ref === 'string') return ref.replace(/^.*\//, '');
    const s = obj(cmp.child(side, list, i)) ?? {};
    return `${String(s.type)}${s.in ? `:${String(s.in)}` : ''}${s.scheme ? `:${String(s.scheme)}` : ''}`;
  });
}

function lastToken(ref: unknown): string | undefined {
  return typeof ref === 'string' ? decodeURIComponent(ref.replace(/^.*\//, '')) : undefined;
}

function readV3(cmp: Comparison, side: 'base' | 'head', root: Node, model: EventModel): void {
  const channels = cmp.child(side, root, 'channels');
  for (const name of Object.keys(obj(channels) ?? {})) {
    const node = cmp.child(side, channels, name);
    if (!node) continue;
    const messages = cmp.child(side, node, 'messages');
    model.channels.set(name, {
      node,
      address: obj(node)?.address,
      messages: new Map(
        Object.keys(obj(messages) ?? {}).flatMap((m) => {
          const message = cmp.child(side, messages, m);
          return message ? [[m, message] as const] : [];
        }),
      ),
    });
  }
  const operations = cmp.child(side, root, 'operations');
  for (const name of Object.keys(obj(operations) ?? {})) {
    const node = cmp.child(side, operations, name);
    if (!node) continue;
    const o = obj(node) ?? {};
    const channel = lastToken((o.channel as Record<string, unknown> | undefined)?.$ref);
    const listed = Array.isArray(o.messages)
      ? (o.messages as unknown[]).map((m) => lastToken((m as Record<string, unknown> | null)?.$ref))
      : undefined;
    const channelMessages =
      channel === undefined ? new Map<string, Node>() : (model.channels.get(channel)?.messages ?? new Map());
    model.operations.set(name, {
      node,
      action: o.action === 'send' || o.action === 'receive' ? o.action : undefined,
      channel,
      // No `messages` list means every message of the channel.
      messages: new Map([...channelMessages].filter(([m]) => listed === undefined || listed.includes(m))),
      reply: cmp.child(side, node, 'reply'),
      security: securityNames(cmp, side, cmp.child(side, node, 'security'), 3),
    });
  }
}

function readV2(cmp: Comparison, side: 'base' | 'head', root: Node, model: EventModel): void {
  const channels = cmp.child(side, root, 'channels');
  for (const name of Object.keys(obj(channels) ?? {})) {
    const node = cmp.child(side, channels, name);
    if (!node) continue;
    const channel: EventChannel = { node, address: name, messages: new Map() };
    model.channels.set(name, channel);
    for (const [verb, action] of [
      ['publish', 'receive'],
      ['subscribe', 'send'],
    ] as const) {
      const op = cmp.child(side, node, verb);
      if (!op) continue;
      const messages = v2Messages(cmp, side, cmp.child(side, op, 'message'));
      for (const [m, message] of messages) channel.messages.set(m, message);
      const o = obj(op) ?? {};
      model.operations.set(typeof o.operationId === 'string' ? o.operationId : `${name} ${verb}`, {
        node: op,
        action,
        channel: name,
        messages,
        reply: undefined,
        security: securityNames(cmp, side, cmp.child(side, op, 'security'), 2),
      });
    }
  }
}

/** A 2.x operation carries one message or `oneOf` several; each is named by its `name`, id or component. */
function v2Messages(cmp: Comparison, side: 'base' | 'head', message: Node | undefined): Map<string, Node> {
  const out = new Map<string, Node>();
  if (!message) return out;
  const list = cmp.child(side, message, 'oneOf');
  const members = Array.isArray(list?.v)
    ? (list.v as unknown[]).map((raw, i) => ({ raw, node: cmp.child(side, list, i), i }))
    : [{ raw: message.v, node: message, i: 0 }];
  for (const { node, i } of members) {
    if (!node) continue;
    const m = obj(node) ?? {};
    const name =
      (typeof m.messageId === 'string' && m.messageId) ||
      (typeof m.name === 'string' && m.name) ||
      (node.via ? lastToken(node.at.pointer) : undefined) ||
      `message ${i + 1}`;
    out.set(name, node);
  }
  return out;
}
