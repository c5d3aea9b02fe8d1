/**
 * What sandbox subscribers (the console, `croupier certify`, a provider's SSE client) see of the bus.
 * The tap listens to every wallet event and every test topic, keeps the recent ones, and delivers
 * them through the event faults: duplicates, reordering and clock skew happen here, after the
 * outbox, exactly where a real consumer would meet them.
 */
import type { EventTransport, Subscription } from '@croupier/bus';
import { covers, type FaultBoard } from './faults.ts';

export const WALLET_EVENTS_SUBJECT = 'croupier.events.>';
export const TEST_TOPIC_PREFIX = 'sandbox.test';

export interface TappedEvent {
  /** Position in the tap (1, 2, …): the console pages on it. */
  seq: number;
  subject: string;
  /** `wallet` for contract events, or the test topic's name. */
  topic: string;
  received_at: string;
  event: Record<string, unknown>;
  /** True for the second copy a duplicate-delivery fault made. */
  duplicate?: boolean;
}

export type TapListener = (event: TappedEvent) => void;

const RECENT_LIMIT = 1_000;
/** A reordering window that never fills is flushed after this long, so no event is held forever. */
const OUT_OF_ORDER_FLUSH_MS = 1_000;

export class EventTap {
  private readonly recentEvents: TappedEvent[] = [];
  private readonly listeners = new Set<TapListener>();
  private readonly subscriptions: Subscription[] = [];
  private held: Array<Omit<TappedEvent, 'seq'>> = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private seq = 0;

  constructor(
    private readonly transport: EventTransport,
    private readonly faults: FaultBoard,
  ) {}

  async start(): Promise<void> {
    this.subscriptions.push(
      await this.transport.subscribe(WALLET_EVENTS_SUBJECT, (m) => this.arrive(m.subject, m.data, 'wallet')),
      await this.transport.subscribe(`${TEST_TOPIC_PREFIX}.>`, (m) =>
        this.arrive(m.subject, m.data, m.subject.slice(TEST_TOPIC_PREFIX.length + 1)),
      ),
    );
  }

  async stop(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flush();
    for (const subscription of this.subscriptions.splice(0)) await subscription.unsubscribe();
    this.listeners.clear();
  }

  /** Publishes a test event on a test topic; it comes back through the tap like any event. */
  async publishTest(topic: string, event: Record<string, unknown>): Promise<string> {
    if (!/^[a-z0-9_-]{1,64}$/.test(topic)) {
      throw new Error('VALIDATION_FAILED: a test topic is 1–64 of a-z, 0-9, _ and -');
    }
    const subject = `${TEST_TOPIC_PREFIX}.${topic}`;
    const id = typeof event.event_id === 'string' ? event.event_id : `test_${Date.now()}_${this.seq}`;
    await this.transport.publish(subject, new TextEncoder().encode(JSON.stringify(event)), {
      'Nats-Msg-Id': id,
    });
    return subject;
  }

  recent(
    filter: { topic?: string; traceId?: string; playerId?: string; after?: number; limit?: number } = {},
  ) {
    const limit = Math.min(filter.limit ?? 200, RECENT_LIMIT);
    return this.recentEvents
      .filter(
        (e) =>
          (filter.topic === undefined || e.topic === filter.topic) &&
          (filter.traceId === undefined || e.event.trace_id === filter.traceId) &&
          (filter.playerId === undefined || e.event.player_id === filter.playerId) &&
          (filter.after === undefined || e.seq > filter.after),
      )
      .slice(-limit);
  }

  onEvent(listener: TapListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private arrive(subject: string, data: Uint8Array, topic: string): void {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown>;
    } catch {
      event = { unparseable: new TextDecoder().decode(data).slice(0, 200) };
    }
    const scope = {
      brand: typeof event.tenant_id === 'string' ? event.tenant_id : undefined,
      provider: typeof event.provider_id === 'string' ? event.provider_id : undefined,
    };
    const skew = this.faults.active('clock_skew', scope);
    if (skew && typeof event.occurred_at === 'string') {
      event = {
        ...event,
        occurred_at: new Date(Date.parse(event.occurred_at) + (skew.skew_ms ?? 0)).toISOString(),
      };
    }
    const delivery = { subject, topic, received_at: new Date().toISOString(), event };
    const reorder = this.faults.active('out_of_order', scope);
    if (reorder) {
      this.held.push(delivery);
      if (this.held.length >= (reorder.window ?? 3)) this.flush();
      else this.flushTimer ??= setTimeout(() => this.flush(), OUT_OF_ORDER_FLUSH_MS);
      return;
    }
    this.flush();
    this.deliver(delivery, scope);
  }

  /** Releases held events newest first: the order a consumer must be able to survive. */
  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const held = this.held.reverse();
    this.held = [];
    for (const delivery of held) {
      this.deliver(delivery, {
        brand: typeof delivery.event.tenant_id === 'string' ? delivery.event.tenant_id : undefined,
      });
    }
  }

  private deliver(delivery: Omit<TappedEvent, 'seq'>, scope: { brand?: string; provider?: string }): void {
    const duplicate = this.faults.list().some((f) => f.kind === 'duplicate_delivery' && covers(f, scope));
    this.emit({ ...delivery, seq: ++this.seq });
    if (duplicate) this.emit({ ...delivery, seq: ++this.seq, duplicate: true });
  }

  private emit(event: TappedEvent): void {
    this.recentEvents.push(event);
    if (this.recentEvents.length > RECENT_LIMIT)
      this.recentEvents.splice(0, this.recentEvents.length - RECENT_LIMIT);
    for (const listener of this.listeners) listener(event);
  }
}
