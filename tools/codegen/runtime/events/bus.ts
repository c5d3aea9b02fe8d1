/** A precompiled (ajv standalone) validator. */
export interface ValidateFunction {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; message?: string; keyword: string }> | null;
}

export type EventCatalogue = Readonly<
  Record<string, Readonly<Record<string, { subject: string; schemaId: string; validate: ValidateFunction }>>>
>;

export interface TransportMessage {
  subject: string;
  data: Uint8Array;
  headers: Record<string, string>;
}

export interface Subscription {
  unsubscribe(): Promise<void> | void;
}

/**
 * What a bus needs from a broker. NATS JetStream and in-process transports implement it (packages/bus);
 * subjects use NATS wildcards: `*` one token, `>` the rest.
 */
export interface EventTransport {
  publish(subject: string, data: Uint8Array, headers: Record<string, string>): Promise<void>;
  subscribe(
    subject: string,
    handler: (message: TransportMessage) => Promise<void> | void,
  ): Promise<Subscription> | Subscription;
}

/** Machine-matchable failures of the facade. */
export class EventError extends Error {
  constructor(
    readonly code:
      | 'EVENT_VALIDATION_FAILED'
      | 'EVENT_UNKNOWN_TYPE'
      | 'EVENT_SUBJECT_UNRESOLVED'
      | 'EVENT_UNDECODABLE',
    message: string,
    readonly details: {
      eventType?: string;
      version?: string;
      errors?: Array<{ path: string; message: string }>;
    } = {},
  ) {
    super(message);
    this.name = 'EventError';
  }
}

export interface ReceivedEvent<E> {
  event: E;
  subject: string;
  headers: Record<string, string>;
}

export type EventHandler<E> = (event: E, received: ReceivedEvent<E>) => Promise<void> | void;

export interface EventBusOptions {
  /**
   * What to do with a received message that fails validation (default: throw, so the transport can nak it).
   * Return normally to drop it.
   */
  onInvalid?: (error: EventError, message: TransportMessage) => Promise<void> | void;
}

function lookup(catalogue: EventCatalogue, eventType: string, version: string) {
  const entry = catalogue[eventType]?.[version];
  if (!entry) {
    throw new EventError(
      'EVENT_UNKNOWN_TYPE',
      `no schema for ${eventType} ${version}; regenerate after adding it to the contract`,
      {
        eventType,
        version,
      },
    );
  }
  return entry;
}

/** Checks an event against its schema version; throws `EVENT_VALIDATION_FAILED` with every error. */
export function validateEvent(
  catalogue: EventCatalogue,
  eventType: string,
  version: string,
  event: unknown,
): void {
  const { validate } = lookup(catalogue, eventType, version);
  if (validate(event)) return;
  const errors = (validate.errors ?? []).map((e) => ({
    path: e.instancePath,
    message: e.message ?? e.keyword,
  }));
  throw new EventError(
    'EVENT_VALIDATION_FAILED',
    `${eventType} ${version} does not match its schema: ${errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`,
    { eventType, version, errors },
  );
}

const SUBJECT_TOKEN = /^[^.*>\s]+$/;

function tokenFrom(event: unknown, name: string): string | undefined {
  const record = event as Record<string, unknown> | null;
  const value = record?.[name] ?? (record?.payload as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** Fills `{tenant_id}`-style parameters of a channel address from the event (envelope first, then payload). */
export function subjectFor(template: string, event: unknown, eventType: string): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const token = tokenFrom(event, name);
    if (token === undefined || !SUBJECT_TOKEN.test(token)) {
      throw new EventError(
        'EVENT_SUBJECT_UNRESOLVED',
        `${eventType}: subject parameter {${name}} needs a non-empty field "${name}" without '.', '*', '>' or spaces`,
        { eventType },
      );
    }
    return token;
  });
}

/**
 * The typed facade over a transport: `publish` validates before anything leaves the process, `subscribe`
 * validates before the handler runs, both keyed by `event_type` and `schema_version`.
 */
export class EventBus<M extends { [T in keyof M]: Record<string, unknown> }> {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly transport: EventTransport,
    readonly catalogue: EventCatalogue,
    private readonly options: EventBusOptions = {},
  ) {}

  async publish<T extends keyof M & string, V extends keyof M[T] & string>(
    eventType: T,
    version: V,
    event: M[T][V],
    headers: Record<string, string> = {},
  ): Promise<{ subject: string }> {
    validateEvent(this.catalogue, eventType, version, event);
    const subject = subjectFor(lookup(this.catalogue, eventType, version).subject, event, eventType);
    const eventId = tokenFrom(event, 'event_id');
    await this.transport.publish(subject, this.encoder.encode(JSON.stringify(event)), {
      'content-type': 'application/json',
      'event-type': eventType,
      'schema-version': version,
      ...(eventId ? { 'Nats-Msg-Id': eventId } : {}),
      ...headers,
    });
    return { subject };
  }

  /** Subscribes to every subject of the event type (parameters become `*`); other versions on it are ignored. */
  async subscribe<T extends keyof M & string, V extends keyof M[T] & string>(
    eventType: T,
    version: V,
    handler: EventHandler<M[T][V]>,
  ): Promise<Subscription> {
    const subject = lookup(this.catalogue, eventType, version).subject.replace(/\{[^}]+\}/g, '*');
    return this.transport.subscribe(subject, async (message) => {
      let event: unknown;
      try {
        event = JSON.parse(this.decoder.decode(message.data));
      } catch (cause) {
        return this.invalid(
          new EventError(
            'EVENT_UNDECODABLE',
            `message on ${message.subject} is not JSON: ${(cause as Error).message}`,
          ),
          message,
        );
      }
      const record = event as Record<string, unknown>;
      const messageVersion = message.headers['schema-version'] ?? record?.schema_version;
      const messageType = message.headers['event-type'] ?? record?.event_type;
      if (messageVersion !== version || messageType !== eventType) return;
      try {
        validateEvent(this.catalogue, eventType, version, event);
      } catch (error) {
        return this.invalid(error as EventError, message);
      }
      await handler(event as M[T][V], {
        event: event as M[T][V],
        subject: message.subject,
        headers: message.headers,
      });
    });
  }

  private async invalid(error: EventError, message: TransportMessage): Promise<void> {
    if (this.options.onInvalid) return this.options.onInvalid(error, message);
    throw error;
  }
}

function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** In-process transport for tests: synchronous fan-out with NATS subject matching; handler errors reach the publisher. */
export class InMemoryTransport implements EventTransport {
  readonly published: TransportMessage[] = [];
  private readonly subscribers = new Set<{
    subject: string;
    handler: (m: TransportMessage) => Promise<void> | void;
  }>();

  async publish(subject: string, data: Uint8Array, headers: Record<string, string>): Promise<void> {
    const message = { subject, data, headers: { ...headers } };
    this.published.push(message);
    for (const subscriber of [...this.subscribers]) {
      if (subjectMatches(subscriber.subject, subject)) await subscriber.handler(message);
    }
  }

  subscribe(subject: string, handler: (message: TransportMessage) => Promise<void> | void): Subscription {
    const entry = { subject, handler };
    this.subscribers.add(entry);
    return { unsubscribe: () => void this.subscribers.delete(entry) };
  }
}
