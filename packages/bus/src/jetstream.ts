import {
  AckPolicy,
  type ConsumerMessages,
  connect,
  DeliverPolicy,
  headers as natsHeaders,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
  nanos,
} from 'nats';
import {
  assertSubject,
  type EventTransport,
  MSG_ID_HEADER,
  type MessageHandler,
  type PublishAck,
  type SubscribeOptions,
  type Subscription,
  type TransportMessage,
} from './transport.ts';

export interface JetStreamOptions {
  /** e.g. 'nats://127.0.0.1:4222' (NATS_URL); several servers comma-separated. */
  servers: string | string[];
  /** Stream name. Default CROUPIER_EVENTS. */
  stream?: string;
  /** Subjects the stream captures. Default ['croupier.events.>']. */
  subjects?: string[];
  /** Window in which a repeated Nats-Msg-Id is stored once. Default 2 min. */
  duplicateWindowMs?: number;
  /** How long a delivered message may stay unacknowledged before redelivery. Default 30 s. */
  ackWaitMs?: number;
  /** Deliveries of one message before the server gives up on it. Default 5. */
  maxDeliver?: number;
  /** Connection name shown by the server. */
  name?: string;
}

/**
 * NATS JetStream: the stream is created or brought up to date on connect (idempotent), publishes
 * wait for the stream's acknowledgement and carry `Nats-Msg-Id` so the stream deduplicates,
 * subscriptions are pull consumers with explicit ack, processed one message at a time in order.
 */
export class JetStreamTransport implements EventTransport {
  readonly stream: string;
  private readonly subscriptions = new Set<ConsumerMessages>();

  private constructor(
    readonly connection: NatsConnection,
    private readonly js: JetStreamClient,
    readonly manager: JetStreamManager,
    stream: string,
    private readonly options: JetStreamOptions,
  ) {
    this.stream = stream;
  }

  static async connect(options: JetStreamOptions): Promise<JetStreamTransport> {
    const servers = Array.isArray(options.servers) ? options.servers : options.servers.split(',');
    const connection = await connect({ servers, name: options.name ?? 'croupier-bus' });
    try {
      const manager = await connection.jetstreamManager();
      const stream = options.stream ?? 'CROUPIER_EVENTS';
      await ensureStream(
        manager,
        stream,
        options.subjects ?? ['croupier.events.>'],
        options.duplicateWindowMs ?? 120_000,
      );
      return new JetStreamTransport(connection, connection.jetstream(), manager, stream, options);
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  async publish(
    subject: string,
    data: Uint8Array,
    headers: Record<string, string> = {},
  ): Promise<PublishAck> {
    assertSubject(subject);
    const h = natsHeaders();
    for (const [key, value] of Object.entries(headers)) if (key !== MSG_ID_HEADER) h.set(key, value);
    const msgID = headers[MSG_ID_HEADER];
    const ack = await this.js.publish(subject, data, { headers: h, ...(msgID ? { msgID } : {}) });
    return { seq: ack.seq, duplicate: ack.duplicate };
  }

  async subscribe(
    subjectPattern: string,
    handler: MessageHandler,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    assertSubject(subjectPattern, true);
    const config = {
      ack_policy: AckPolicy.Explicit,
      filter_subject: subjectPattern,
      ack_wait: nanos(this.options.ackWaitMs ?? 30_000),
      max_deliver: this.options.maxDeliver ?? 5,
    };
    let name: string;
    if (options.durable) {
      name = options.durable;
      const existing = await this.manager.consumers.info(this.stream, name).catch(() => null);
      if (!existing) {
        await this.manager.consumers.add(this.stream, {
          ...config,
          durable_name: name,
          deliver_policy: DeliverPolicy.All,
        });
      } else if (existing.config.filter_subject !== subjectPattern) {
        await this.manager.consumers.update(this.stream, name, { filter_subject: subjectPattern });
      }
    } else {
      const info = await this.manager.consumers.add(this.stream, {
        ...config,
        deliver_policy: DeliverPolicy.New,
        inactive_threshold: nanos(30_000),
      });
      name = info.name;
    }
    const consumer = await this.js.consumers.get(this.stream, name);
    const messages = await consumer.consume({ max_messages: 256 });
    this.subscriptions.add(messages);
    void (async () => {
      for await (const m of messages) {
        try {
          await handler(toTransportMessage(m));
          m.ack();
        } catch {
          m.nak(250);
        }
      }
    })();
    return {
      unsubscribe: async () => {
        this.subscriptions.delete(messages);
        await messages.close();
      },
    };
  }

  /** Drops the stream (tests use a stream of their own per run). */
  async deleteStream(): Promise<void> {
    await this.manager.streams.delete(this.stream);
  }

  async close(): Promise<void> {
    for (const messages of this.subscriptions) await messages.close();
    this.subscriptions.clear();
    await this.connection.drain();
  }
}

async function ensureStream(
  manager: JetStreamManager,
  name: string,
  subjects: string[],
  duplicateWindowMs: number,
) {
  const wanted = { subjects, duplicate_window: nanos(duplicateWindowMs) };
  const info = await manager.streams.info(name).catch(() => null);
  if (!info) {
    try {
      await manager.streams.add({ name, ...wanted });
      return;
    } catch (error) {
      // Another process created it first; fall through to the update check.
      if (!(await manager.streams.info(name).catch(() => null))) throw error;
    }
  }
  const current = info ?? (await manager.streams.info(name));
  const sameSubjects = [...current.config.subjects].sort().join() === [...subjects].sort().join();
  if (!sameSubjects || current.config.duplicate_window !== wanted.duplicate_window) {
    await manager.streams.update(name, { ...current.config, ...wanted });
  }
}

function toTransportMessage(m: JsMsg): TransportMessage {
  const headers: Record<string, string> = {};
  if (m.headers) for (const key of m.headers.keys()) headers[key] = m.headers.get(key);
  return { subject: m.subject, data: m.data, headers, seq: m.seq, redelivered: m.redelivered };
}
