import { randomUUID } from 'node:crypto';
import { SseEventFeed } from '@croupier/certify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxUnderTest } from './harness.ts';

let sut: SandboxUnderTest;
beforeAll(async () => {
  sut = await SandboxUnderTest.start();
});
afterAll(async () => {
  await sut.stop();
});

/** Polls until `ready` holds; the stream is asynchronous by nature, so tests wait for what they expect. */
async function until(ready: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Publishes one test event. After the test drops every connection, fetch may pick a pooled keep-alive
 * socket the server already closed ("other side closed", nothing was sent): that one call is retried.
 */
async function publish(topic: string, run: string, n: number): Promise<void> {
  const send = () => sut.call('POST', `/sandbox/topics/${topic}`, { run, n });
  const answer = await send().catch((error: { cause?: { code?: string } }) => {
    if (error.cause?.code !== 'UND_ERR_SOCKET') throw error;
    return send();
  });
  expect(answer.status).toBe(202);
}

describe('the event stream resumes after a dropped connection', () => {
  it('a request with Last-Event-ID is sent the kept events after that id, then the live ones', async () => {
    const run = randomUUID();
    for (const n of [1, 2, 3, 4]) await publish('resume', run, n);
    // Publishing answers once the event is on the bus; the tap hears it an instant later.
    let kept: Array<{ seq: number }> = [];
    const deadline = Date.now() + 5_000;
    while (kept.length < 4 && Date.now() < deadline) {
      kept = (await sut.call('GET', '/sandbox/events?topic=resume')).body.events as typeof kept;
    }
    expect(kept).toHaveLength(4);
    const controller = new AbortController();
    const response = await fetch(`${sut.url}/sandbox/events/stream?topic=resume`, {
      headers: { 'last-event-id': String(kept[1]?.seq) },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    await publish('resume', run, 5);
    while (!text.includes('"n":5') && Date.now() < deadline + 5_000) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const ns = [...text.matchAll(/"n":(\d+)/g)].map((m) => Number(m[1]));
    expect(ns).toEqual([3, 4, 5]);
    expect(text).toMatch(new RegExp(`^id: ?${kept[2]?.seq}$`, 'm'));
  });

  it("certify's feed reconnects with Last-Event-ID and hears every event once: no gap, no duplicate", async () => {
    const feed = await SseEventFeed.connect(sut.url);
    if (!feed) throw new Error('the sandbox has no event stream');
    try {
      const run = randomUUID();
      const heard = () =>
        feed
          .received()
          .filter((r) => r.event.run === run)
          .map((r) => r.event.n as number);
      for (const n of [1, 2, 3]) await publish('reconnect', run, n);
      await until(() => heard().length === 3, 'the first three events');
      // The server drops every connection; events published before the feed is back must still arrive.
      sut.sandbox.app.server.closeAllConnections();
      for (const n of [4, 5, 6]) await publish('reconnect', run, n);
      await until(() => heard().length >= 6, 'the events published while disconnected');
      // One more live event: a duplicate replayed on reconnect would stand before it.
      await publish('reconnect', run, 7);
      await until(() => heard().includes(7), 'a live event after the reconnect');
      expect(heard()).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(feed.connectionCount()).toBe(2);
    } finally {
      await feed.close();
    }
  });
});
