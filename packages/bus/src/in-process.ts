import {
  assertSubject,
  BusError,
  type EventTransport,
  MSG_ID_HEADER,
  type MessageHandler,
  type PublishAck,
  type SubscribeOptions,
  type Subscription,
  subjectMatches,
  type TransportMessage,
} from './transport.ts';

export interface InProcessTransportOptions {
  /** Same message id within this window → stored once (JetStream's duplicate window). Default 2 min. */
  duplicateWindowMs?: number;
  /** Messages kept for durable consumers; the oldest are dropped beyond it. Default 100,000. */
  maxMessages?: number;
  /** Deliveries of one message before giving up on it. Default 5. */
  maxDeliver?: number;
  /** Pause before redelivering a message whose handler threw. Default 25 ms. */
  redeliveryDelayMs?: number;
  /** Told about a message given up after `maxDeliver` failed deliveries. */
  onUndeliverable?: (message: TransportMessage, error: unknown) => void;
}

interface Consumer {
  pattern: string;
  handler: MessageHandler;
  /** Next stream seq to look at. */
  next: number;
  durable?: string;
  active: boolean;
  pumping: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The default transport: an in-memory stream with JetStream's semantics where they matter to the
 * outbox: publish returns once stored, message ids are deduplicated within a window, each
 * subscription gets messages in order and one at a time, durable consumers resume where they left.
 */
export class InProcessTransport implements EventTransport {
  private readonly log: TransportMessage[] = [];
  /** Stream seq of log[0]. */
  private firstSeq = 1;
  private readonly recentIds = new Map<string, { seq: number; at: number }>();
  private readonly consumers = new Set<Consumer>();
  private readonly durablePositions = new Map<string, number>();
  private closed = false;
  private readonly options: Required<Omit<InProcessTransportOptions, 'onUndeliverable'>> &
    Pick<InProcessTransportOptions, 'onUndeliverable'>;

  constructor(options: InProcessTransportOptions = {}) {
    this.options = {
      duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
      maxMessages: options.maxMessages ?? 100_000,
      maxDeliver: options.maxDeliver ?? 5,
      redeliveryDelayMs: options.redeliveryDelayMs ?? 25,
      onUndeliverable: options.onUndeliverable,
    };
  }

  /** Everything stored, oldest first (tests and the console read it). */
  get messages(): readonly TransportMessage[] {
    return this.log;
  }

  async publish(
    subject: string,
    data: Uint8Array,
    headers: Record<string, string> = {},
  ): Promise<PublishAck> {
    if (this.closed) throw new BusError('TRANSPORT_CLOSED', 'publish on a closed in-process transport');
    assertSubject(subject);
    const now = Date.now();
    const msgId = headers[MSG_ID_HEADER];
    if (msgId !== undefined) {
      this.forgetOldIds(now);
      const seen = this.recentIds.get(msgId);
      if (seen) return { seq: seen.seq, duplicate: true };
    }
    const seq = this.firstSeq + this.log.length;
    this.log.push({ subject, data, headers: { ...headers }, seq });
    if (msgId !== undefined) this.recentIds.set(msgId, { seq, at: now });
    if (this.log.length > this.options.maxMessages) {
      this.log.shift();
      this.firstSeq += 1;
    }
    for (const consumer of this.consumers) this.pump(consumer);
    return { seq, duplicate: false };
  }

  subscribe(subjectPattern: string, handler: MessageHandler, options: SubscribeOptions = {}): Subscription {
    if (this.closed) throw new BusError('TRANSPORT_CLOSED', 'subscribe on a closed in-process transport');
    assertSubject(subjectPattern, true);
    const durable = options.durable;
    const next = durable
      ? (this.durablePositions.get(durable) ?? this.firstSeq)
      : this.firstSeq + this.log.length;
    const consumer: Consumer = {
      pattern: subjectPattern,
      handler,
      next,
      durable,
      active: true,
      pumping: false,
    };
    this.consumers.add(consumer);
    this.pump(consumer);
    return {
      unsubscribe: () => {
        consumer.active = false;
        this.consumers.delete(consumer);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const consumer of this.consumers) consumer.active = false;
    this.consumers.clear();
  }

  private forgetOldIds(now: number): void {
    // Map iteration is insertion order, so the oldest ids come first.
    for (const [id, entry] of this.recentIds) {
      if (now - entry.at < this.options.duplicateWindowMs) break;
      this.recentIds.delete(id);
    }
  }

  private pump(consumer: Consumer): void {
    if (consumer.pumping || !consumer.active) return;
    consumer.pumping = true;
    void this.deliver(consumer).finally(() => {
      consumer.pumping = false;
      // A publish may have arrived after the loop saw the end of the log.
      if (consumer.active && consumer.next < this.firstSeq + this.log.length) this.pump(consumer);
    });
  }

  private async deliver(consumer: Consumer): Promise<void> {
    while (consumer.active) {
      if (consumer.next < this.firstSeq) consumer.next = this.firstSeq;
      const message = this.log[consumer.next - this.firstSeq];
      if (!message) return;
      if (subjectMatches(consumer.pattern, message.subject)) {
        for (let attempt = 1; consumer.active; attempt++) {
          try {
            await consumer.handler(attempt > 1 ? { ...message, redelivered: true } : message);
            break;
          } catch (error) {
            if (attempt >= this.options.maxDeliver) {
              this.options.onUndeliverable?.(message, error);
              break;
            }
            await sleep(this.options.redeliveryDelayMs);
          }
        }
        if (!consumer.active) return;
      }
      consumer.next += 1;
      if (consumer.durable) this.durablePositions.set(consumer.durable, consumer.next);
    }
  }
}
