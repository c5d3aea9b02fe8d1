import { MSG_ID_HEADER, type MessageHandler, type TransportMessage } from './transport.ts';

export interface EventDedupOptions {
  /** Ids remembered at most; the least recently seen are forgotten first. Default 100,000. */
  maxEntries?: number;
  /** How long an id is remembered. Default 24 h. */
  ttlMs?: number;
}

/**
 * Remembers handled event ids (LRU bounded by count and age). The outbox relay is at-least-once;
 * this is the consumer's half of "effectively once".
 */
export class EventDedup {
  private readonly seen = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;

  constructor(options: EventDedupOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    this.ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
  }

  has(id: string): boolean {
    const at = this.seen.get(id);
    if (at === undefined) return false;
    if (Date.now() - at > this.ttlMs) {
      this.seen.delete(id);
      return false;
    }
    return true;
  }

  add(id: string): void {
    this.seen.delete(id);
    this.seen.set(id, Date.now());
    if (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  get size(): number {
    return this.seen.size;
  }
}

export interface DedupeOptions {
  dedup?: EventDedup;
  /** Where the event id is. Default: the `Nats-Msg-Id` header. Messages without an id are always handled. */
  idOf?: (message: TransportMessage) => string | undefined;
  /** Told about each duplicate that was dropped. */
  onDuplicate?: (id: string, message: TransportMessage) => void;
}

/**
 * Wraps a handler so each event id is handled once: an id is recorded only after the handler
 * succeeds (a failure lets the redelivery through), and a copy arriving while the first is still
 * being handled waits for it and is then dropped.
 */
export function dedupe(handler: MessageHandler, options: DedupeOptions = {}): MessageHandler {
  const dedup = options.dedup ?? new EventDedup();
  const idOf = options.idOf ?? ((m: TransportMessage) => m.headers[MSG_ID_HEADER]);
  const inFlight = new Map<string, Promise<void>>();
  return async (message) => {
    const id = idOf(message);
    if (id === undefined) return handler(message);
    for (;;) {
      const running = inFlight.get(id);
      if (!running) break;
      await running.catch(() => undefined);
    }
    if (dedup.has(id)) {
      options.onDuplicate?.(id, message);
      return;
    }
    const run = (async () => {
      await handler(message);
      dedup.add(id);
    })();
    inFlight.set(id, run);
    try {
      await run;
    } finally {
      inFlight.delete(id);
    }
  };
}
