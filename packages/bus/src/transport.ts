/**
 * The broker seam. Structurally the same as `EventTransport` in `generated/events`
 * (publish with headers, subscribe with a handler), so a transport from this package can be handed
 * straight to `createEventBus(...)`. Two optional extensions: `publish` reports the broker's
 * acknowledgement, `subscribe` takes a durable consumer name.
 *
 * The message id travels in the `Nats-Msg-Id` header on every transport: JetStream deduplicates on
 * it, the in-process transport mimics that, and consumers deduplicate on it again.
 */
export const MSG_ID_HEADER = 'Nats-Msg-Id';

export interface TransportMessage {
  subject: string;
  data: Uint8Array;
  headers: Record<string, string>;
  /** Position in the stream, when the transport has one. */
  seq?: number;
  /** True when this delivery repeats an earlier, unacknowledged one. */
  redelivered?: boolean;
}

export interface Subscription {
  unsubscribe(): Promise<void> | void;
}

export interface PublishAck {
  /** Stream sequence of the stored message (of the first copy for a duplicate). */
  seq: number;
  /** True when the broker recognised the message id and stored nothing new. */
  duplicate: boolean;
}

export interface SubscribeOptions {
  /**
   * A durable consumer keeps its position across restarts: it resumes after its last acknowledged
   * message. Without it, the subscription sees only messages published from now on.
   */
  durable?: string;
}

export type MessageHandler = (message: TransportMessage) => Promise<void> | void;

export interface EventTransport {
  /** Resolves once the broker has stored the message (the relay marks a row published only then). */
  // biome-ignore lint/suspicious/noConfusingVoidType: transports of generated/events resolve to void
  publish(subject: string, data: Uint8Array, headers: Record<string, string>): Promise<PublishAck | void>;
  /**
   * Delivers matching messages in order, one at a time. A handler that throws gets the message again
   * later (up to the transport's redelivery limit); a handler that resolves acknowledges it.
   */
  subscribe(
    subjectPattern: string,
    handler: MessageHandler,
    options?: SubscribeOptions,
  ): Promise<Subscription> | Subscription;
  close?(): Promise<void>;
}

/** NATS subject matching: `*` matches one token, `>` one or more trailing tokens. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

export class BusError extends Error {
  constructor(
    readonly code: 'TRANSPORT_CLOSED' | 'INVALID_SUBJECT' | 'PUBLISH_FAILED' | 'STREAM_CONFIG_CONFLICT',
    message: string,
  ) {
    super(message);
    this.name = 'BusError';
  }
}

const TOKEN = /^[^.*>\s]+$/;
const PATTERN_TOKEN = /^([^.*>\s]+|\*|>)$/;

export function assertSubject(subject: string, pattern = false): void {
  const tokens = subject.split('.');
  const ok = tokens.every((t, i) =>
    pattern ? PATTERN_TOKEN.test(t) && (t !== '>' || i === tokens.length - 1) : TOKEN.test(t),
  );
  if (!ok) {
    throw new BusError(
      'INVALID_SUBJECT',
      `"${subject}" is not a valid ${pattern ? 'subject pattern' : 'subject'}: dot-separated tokens without spaces${
        pattern ? "; '*' for one token, '>' last for the rest" : ", '*' or '>'"
      }`,
    );
  }
}
