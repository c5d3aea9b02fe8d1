import { setTimeout as sleep } from 'node:timers/promises';
import { createParser, type EventSourceParser } from 'eventsource-parser';
import { request } from 'undici';
import { type EventFeed, parseEvent, type ReceivedEvent } from './feed.ts';

export const SANDBOX_EVENT_STREAM_PATH = '/sandbox/events/stream';

/** Wait before reconnecting when the stream sent no `retry:` of its own (the EventSource default is a few seconds). */
const DEFAULT_RETRY_MS = 1_000;

/**
 * Server-sent events from the sandbox: each message's data is one event envelope as JSON. eventsource-parser
 * reads the stream (LF, CRLF or CR line endings, comments, multi-line data, `retry:`); a dropped stream is
 * reopened with `Last-Event-ID`, so the server sends what came after the last event heard and none twice.
 */
export class SseEventFeed implements EventFeed {
  readonly name: string;
  private readonly events: ReceivedEvent[] = [];
  private readonly controller = new AbortController();
  private lastEventId: string | undefined;
  private retryMs = DEFAULT_RETRY_MS;
  private connections = 0;
  private readonly parser: EventSourceParser = createParser({
    onEvent: (message) => {
      if (message.id !== undefined) this.lastEventId = message.id;
      if (message.data) this.events.push(parseEvent(message.data));
    },
    onRetry: (ms) => {
      this.retryMs = ms;
    },
  });

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string> = {},
  ) {
    this.name = `sse ${url}`;
  }

  /** Probes the target; resolves undefined when it has no event stream. */
  static async connect(
    baseUrl: string,
    headers: Record<string, string> = {},
  ): Promise<SseEventFeed | undefined> {
    const feed = new SseEventFeed(new URL(SANDBOX_EVENT_STREAM_PATH, baseUrl).href, headers);
    try {
      await feed.start();
      return feed;
    } catch {
      await feed.close();
      return undefined;
    }
  }

  async start(): Promise<void> {
    void this.consume(await this.open());
  }

  /** How many times the stream was opened: 1, plus one for each reconnect. */
  connectionCount(): number {
    return this.connections;
  }

  private async open(): Promise<AsyncIterable<Buffer>> {
    const response = await request(this.url, {
      headers: {
        accept: 'text/event-stream',
        ...this.headers,
        ...(this.lastEventId === undefined ? {} : { 'last-event-id': this.lastEventId }),
      },
      signal: this.controller.signal,
      headersTimeout: 3000,
      bodyTimeout: 0,
    });
    if (
      response.statusCode !== 200 ||
      !String(response.headers['content-type']).includes('text/event-stream')
    ) {
      await response.body.dump();
      throw Object.assign(new Error(`no event stream at ${this.url} (status ${response.statusCode})`), {
        code: 'NO_EVENT_STREAM',
      });
    }
    this.connections += 1;
    return response.body;
  }

  private async consume(body: AsyncIterable<Buffer>): Promise<void> {
    let stream: AsyncIterable<Buffer> | undefined = body;
    while (stream && !this.controller.signal.aborted) {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of stream) this.parser.feed(decoder.decode(chunk, { stream: true }));
      } catch {
        // A dropped connection: what arrived is kept, and the stream is reopened below.
      }
      // A half-received event of the dropped connection is discarded, as EventSource does.
      this.parser.reset();
      stream = await this.reopen();
    }
  }

  /** Reopens after `retry` ms until it works or the feed is closed; the target may be restarting. */
  private async reopen(): Promise<AsyncIterable<Buffer> | undefined> {
    while (!this.controller.signal.aborted) {
      try {
        // Unref'd: a feed left open while its target is gone does not keep certify's process alive.
        await sleep(this.retryMs, undefined, { signal: this.controller.signal, ref: false });
        return await this.open();
      } catch {
        // Not back yet (try again after the same wait), or the feed was closed (the loop ends).
      }
    }
    return undefined;
  }

  received(): ReceivedEvent[] {
    return this.events;
  }

  async close(): Promise<void> {
    this.controller.abort();
  }
}
