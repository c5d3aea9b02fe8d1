import type { EventTransport, Subscription, TransportMessage } from '@croupier/bus';
import { InProcessTransport } from '@croupier/bus';
import { eventCatalogue, validateEvent } from '@croupier/events';
import type { EventEnvelope } from './facts.ts';
import type { ReportingStore } from './store.ts';

export interface EventStreamConsumerOptions {
  /** Subject pattern read; default every croupier event. */
  subject?: string;
  /**
   * Durable consumer name: the transport resumes after the last acknowledged event, so a restart
   * neither skips nor (beyond the unacknowledged tail) replays. Default 'reporting'.
   */
  durable?: string;
  /** The consumer's clock for the landing time (tests share one with the wallet). */
  clock?: () => Date;
  /** Told about an event that is not a valid croupier event; it is acknowledged and skipped. */
  onRejected?: (reason: string, message: TransportMessage) => void;
}

export interface RejectedEvent {
  subject: string;
  reason: string;
}

const decoder = new TextDecoder();

/**
 * Reads the event stream into the analytics store. Each message is validated against the events
 * contract, then stored by event_id; the handler resolves only after the row is committed, so
 * the transport's ack means "in the report". A store failure throws: the transport redelivers.
 */
export class EventStreamConsumer {
  readonly transport: EventTransport;
  private subscription: Subscription | undefined;
  private readonly clock: () => Date;
  landedCount = 0;
  duplicateCount = 0;
  readonly rejected: RejectedEvent[] = [];

  constructor(
    private readonly store: ReportingStore,
    transport?: EventTransport,
    private readonly options: EventStreamConsumerOptions = {},
  ) {
    this.transport = transport ?? new InProcessTransport();
    this.clock = options.clock ?? (() => new Date());
  }

  async start(): Promise<void> {
    if (this.subscription) return;
    this.subscription = await this.transport.subscribe(
      this.options.subject ?? 'croupier.events.>',
      (message) => this.handle(message),
      { durable: this.options.durable ?? 'reporting' },
    );
  }

  async stop(): Promise<void> {
    await this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  /** One delivery: decode, validate, store once. Public so a replay tool can feed it directly. */
  async handle(message: TransportMessage): Promise<void> {
    let event: EventEnvelope;
    try {
      event = JSON.parse(decoder.decode(message.data)) as EventEnvelope;
      validateEvent(eventCatalogue, event.event_type, event.schema_version, event);
    } catch (error) {
      // A poison message must not block the stream behind it: record it, acknowledge it.
      const reason = error instanceof Error ? error.message : String(error);
      this.rejected.push({ subject: message.subject, reason });
      this.options.onRejected?.(reason, message);
      return;
    }
    const outcome = await this.store.record(event, this.clock);
    if (outcome.landed) this.landedCount += 1;
    else this.duplicateCount += 1;
  }
}
