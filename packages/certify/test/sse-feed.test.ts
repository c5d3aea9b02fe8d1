import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseEventFeed } from '../src/events/sse.ts';

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A bare stream server: each request gets `respond`, so a test writes the bytes it means to test. */
async function streamServer(
  respond: (res: ServerResponse, headers: IncomingHttpHeaders) => void,
): Promise<string> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    respond(res, req.headers);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function until(ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the SSE event feed', () => {
  it('hears a stream with CRLF line endings, split anywhere, with comments and multi-line data', async () => {
    const url = await streamServer((res) => {
      const stream =
        ': hello\r\nretry: 500\r\n\r\nid: 1\r\nevent: bet.settled\r\ndata: {"event_type":"bet.settled",\r\ndata: "n":1}\r\n\r\n' +
        'id: 2\r\ndata: {"event_type":"wallet.credit","n":2}\r\n\r\n';
      // Every cut point the parser must survive, including between \r and \n.
      const cuts = [5, 13, 14, 40, 61, 62, 90, stream.length];
      let from = 0;
      for (const cut of cuts) {
        res.write(stream.slice(from, cut));
        from = cut;
      }
    });
    const feed = await SseEventFeed.connect(url);
    if (!feed) throw new Error('no feed');
    try {
      await until(() => feed.received().length === 2, 'two events');
      expect(feed.received().map((r) => r.event)).toEqual([
        { event_type: 'bet.settled', n: 1 },
        { event_type: 'wallet.credit', n: 2 },
      ]);
    } finally {
      await feed.close();
    }
  });

  it('reconnects after the server drops it, sending the last id it heard as Last-Event-ID', async () => {
    const asked: Array<string | undefined> = [];
    const url = await streamServer((res, headers) => {
      const last = headers['last-event-id'] as string | undefined;
      asked.push(last);
      const from = Number(last ?? 0) + 1;
      res.write(`retry: 50\n\n`);
      for (let n = from; n < from + 2; n++) res.write(`id: ${n}\ndata: {"n":${n}}\n\n`);
      // The first connection is cut after two events; the second stays open.
      if (last === undefined) setTimeout(() => res.destroy(), 50);
    });
    const feed = await SseEventFeed.connect(url);
    if (!feed) throw new Error('no feed');
    try {
      await until(() => feed.received().length === 4, 'four events over two connections');
      expect(asked).toEqual([undefined, '2']);
      expect(feed.received().map((r) => r.event.n)).toEqual([1, 2, 3, 4]);
    } finally {
      await feed.close();
    }
  });
});
