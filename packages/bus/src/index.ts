/**
 * @croupier/bus — event transports (in-process by default, NATS JetStream), the outbox relay and
 * consumer dedup. It moves bytes and ids; what an event means is decided elsewhere.
 */
export { dedupe, type DedupeOptions, EventDedup, type EventDedupOptions } from './dedup.ts';
export { InProcessTransport, type InProcessTransportOptions } from './in-process.ts';
export { type JetStreamOptions, JetStreamTransport } from './jetstream.ts';
export { type OutboxRelayOptions, OutboxRelay, type OutboxSource, type RelayRow } from './relay.ts';
export {
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

import { InProcessTransport } from './in-process.ts';
import { JetStreamTransport } from './jetstream.ts';
import type { EventTransport } from './transport.ts';

/** NATS JetStream when a URL is given (e.g. NATS_URL), else the in-process transport. */
export async function openTransport(
  options: { natsUrl?: string; stream?: string; subjects?: string[] } = {},
): Promise<EventTransport & { close(): Promise<void> }> {
  if (options.natsUrl) {
    return JetStreamTransport.connect({
      servers: options.natsUrl,
      stream: options.stream,
      subjects: options.subjects,
    });
  }
  return new InProcessTransport();
}
