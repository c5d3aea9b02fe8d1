import { spanNames, traceContextFor, withSpan } from '@croupier/telemetry';
import { type EventTransport, MSG_ID_HEADER } from './transport.ts';

/** One outbox row as the relay needs it (the ledger's OutboxRow satisfies it). */
export interface RelayRow {
  seq: bigint;
  eventId: string;
  subject: string;
  partitionKey: string;
  payload: string;
  headers: Record<string, string>;
}

/**
 * Where rows come from: `@croupier/ledger`'s `ledger.outbox` satisfies it. `claim` hands rows in
 * seq order to `publish` and marks published exactly the seqs it returns; if `publish` throws,
 * nothing is marked.
 */
export interface OutboxSource {
  claim(
    limit: number,
    publish: (rows: readonly RelayRow[]) => Promise<readonly bigint[]>,
  ): Promise<{ claimed: number; published: number }>;
  /** Optional: called after a commit that enqueued events, so the relay need not wait for its poll. */
  onEnqueued?(listener: () => void): () => void;
}

export interface OutboxRelayOptions {
  /** Wait between polls when the outbox is empty. Default 200 ms. */
  pollIntervalMs?: number;
  /** Rows claimed per round. Default 100. */
  batchSize?: number;
  /** Extra wait before each round: the sandbox's "delayed outbox" fault. Default none. */
  delayMs?: number | (() => number);
  /** Told about failed rounds; the rows stay unpublished and are retried next round. */
  onError?: (error: unknown) => void;
  /** Told after each round that published something. */
  onPublished?: (count: number) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const encoder = new TextEncoder();

/**
 * Moves committed outbox rows to a transport: in order within a partition (one player's events
 * one after another, each awaited), partitions in parallel; a row is marked published only after
 * the transport acknowledged it. A crash between publish and mark republishes the row
 * (at-least-once); `Nats-Msg-Id` = event_id lets the stream and consumers drop the copy.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private poked = false;
  private unlisten: (() => void) | undefined;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly source: OutboxSource,
    private readonly transport: EventTransport,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.batchSize = options.batchSize ?? 100;
  }

  /** Starts polling (and listening for pokes from the source). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unlisten = this.source.onEnqueued?.(() => this.poke());
    this.loop = this.run();
  }

  /** Stops after the round in flight; rows it published are marked before this resolves. */
  async stop(): Promise<void> {
    this.running = false;
    this.unlisten?.();
    this.poke();
    await this.loop;
  }

  /** Runs the next round now instead of after the poll interval. */
  poke(): void {
    this.poked = true;
    this.wake?.();
  }

  /** One round: claim up to batchSize rows, publish, mark. */
  async drainOnce(): Promise<{ claimed: number; published: number }> {
    const delay =
      typeof this.options.delayMs === 'function' ? this.options.delayMs() : (this.options.delayMs ?? 0);
    if (delay > 0) await sleep(delay);
    const result = await this.source.claim(this.batchSize, (rows) => this.publish(rows));
    if (result.published > 0) this.options.onPublished?.(result.published);
    return result;
  }

  /** Rounds until the outbox is empty; returns how many rows were published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { claimed, published } = await this.drainOnce();
      total += published;
      if (claimed === 0 || published === 0) return total;
    }
  }

  /**
   * One row: an `outbox.relay` span with a `bus.publish` span inside, both in the trace of the request
   * that wrote the row (its `x-trace-id` and `traceparent` headers). Without an OpenTelemetry SDK these
   * are no-ops.
   */
  private publishRow(row: RelayRow): Promise<unknown> {
    const traceId = row.headers['x-trace-id'];
    const publish = () =>
      withSpan(
        spanNames.busPublish,
        { 'messaging.destination.name': row.subject, 'messaging.message.id': row.eventId },
        () =>
          this.transport.publish(row.subject, encoder.encode(row.payload), {
            ...row.headers,
            [MSG_ID_HEADER]: row.eventId,
          }),
      );
    return withSpan(spanNames.outboxRelay, { 'croupier.outbox.seq': Number(row.seq) }, publish, {
      ...(traceId ? { parent: traceContextFor(traceId, row.headers.traceparent) } : {}),
    });
  }

  private async publish(rows: readonly RelayRow[]): Promise<readonly bigint[]> {
    const partitions = new Map<string, RelayRow[]>();
    for (const row of rows) {
      const list = partitions.get(row.partitionKey);
      if (list) list.push(row);
      else partitions.set(row.partitionKey, [row]);
    }
    const published: bigint[] = [];
    let failure: unknown;
    await Promise.all(
      [...partitions.values()].map(async (list) => {
        for (const row of list) {
          try {
            await this.publishRow(row);
            published.push(row.seq);
          } catch (error) {
            // Later rows of this partition must wait for this one: stop the partition here.
            failure ??= error;
            return;
          }
        }
      }),
    );
    if (failure !== undefined) this.options.onError?.(failure);
    return published;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let full = false;
      try {
        const { claimed } = await this.drainOnce();
        full = claimed >= this.batchSize;
      } catch (error) {
        this.options.onError?.(error);
      }
      if (!this.running) break;
      if (full) continue;
      if (this.poked) {
        this.poked = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      this.poked = false;
    }
  }
}
