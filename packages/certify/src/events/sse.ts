import { request } from 'undici';
import { type EventFeed, parseEvent, type ReceivedEvent } from './feed.ts';

export const SANDBOX_EVENT_STREAM_PATH = '/sandbox/events/stream';

/** Server-sent events from the sandbox: each `data:` block is one event envelope as JSON. */
export class SseEventFeed implements EventFeed {
  readonly name: string;
  private readonly events: ReceivedEvent[] = [];
  private readonly controller = new AbortController();

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
    const response = await request(this.url, {
      headers: { accept: 'text/event-stream', ...this.headers },
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
    void this.consume(response.body);
  }

  private async consume(body: AsyncIterable<Buffer>): Promise<void> {
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += chunk.toString('utf8');
        let boundary = buffer.indexOf('\n\n');
        while (boundary >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).replace(/^ /, ''))
            .join('\n');
          if (data) this.events.push(parseEvent(data));
          boundary = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // The stream ends when the feed is closed or the target stops; what arrived is kept.
    }
  }

  received(): ReceivedEvent[] {
    return this.events;
  }

  async close(): Promise<void> {
    this.controller.abort();
  }
}
