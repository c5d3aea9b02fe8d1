/** One event as certify received it, before any judgement. */
export interface ReceivedEvent {
  // biome-ignore lint/suspicious/noExplicitAny: an event is whatever the target published; the checker validates it
  event: any;
  raw: string;
  receivedAtMs: number;
  subject?: string;
}

/**
 * Where events come from: the sandbox's HTTP stream or a NATS JetStream consumer. Pluggable so a platform
 * with another bus only writes one small adapter.
 */
export interface EventFeed {
  readonly name: string;
  /** Resolves once the feed is listening, so no event of the run is missed. */
  start(): Promise<void>;
  received(): ReceivedEvent[];
  close(): Promise<void>;
}

export function parseEvent(raw: string, subject?: string): ReceivedEvent {
  let event: unknown;
  try {
    event = JSON.parse(raw);
  } catch {
    event = { unparseable: raw.slice(0, 200) };
  }
  return { event, raw, subject, receivedAtMs: Date.now() };
}
