import { AckPolicy, connect, DeliverPolicy, type NatsConnection } from 'nats';
import { type EventFeed, parseEvent, type ReceivedEvent } from './feed.ts';

export const EVENTS_STREAM = 'CROUPIER_EVENTS';
export const EVENTS_SUBJECTS = 'croupier.events.>';

/** A JetStream ordered consumer on `croupier.events.>`, starting at the run's start so earlier runs don't count. */
export class NatsEventFeed implements EventFeed {
  readonly name: string;
  private readonly events: ReceivedEvent[] = [];
  private connection?: NatsConnection;
  private stopped = false;

  constructor(
    private readonly servers: string,
    private readonly stream: string = EVENTS_STREAM,
  ) {
    this.name = `nats ${servers} ${stream}`;
  }

  async start(): Promise<void> {
    this.connection = await connect({ servers: this.servers.replace(/^nats:\/\//, ''), timeout: 3000 });
    const js = this.connection.jetstream();
    const jsm = await this.connection.jetstreamManager();
    // An ephemeral pull consumer with a single filter subject works on every JetStream server (2.9 included);
    // it disappears by itself once certify stops asking.
    const info = await jsm.consumers.add(this.stream, {
      filter_subject: EVENTS_SUBJECTS,
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(Date.now() - 1000).toISOString(),
      ack_policy: AckPolicy.None,
      inactive_threshold: 60_000_000_000,
    });
    const consumer = await js.consumers.get(this.stream, info.name);
    const messages = await consumer.consume();
    void (async () => {
      for await (const message of messages) {
        if (this.stopped) break;
        this.events.push(parseEvent(message.string(), message.subject));
      }
    })().catch(() => {});
  }

  received(): ReceivedEvent[] {
    return this.events;
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.connection?.drain().catch(() => {});
  }
}
