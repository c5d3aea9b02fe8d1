/**
 * `GET /sandbox/events/stream`: the tap as server-sent events, written by better-sse (framing, keep-alive
 * comments, the retry hint and the `Last-Event-ID` header are its job, not ours). Each event's id is its
 * tap position, so a client that reconnects with `Last-Event-ID: n` is sent every kept event after n and
 * then the live ones: no gap and no copy across a dropped connection.
 */
import { createSession } from 'better-sse';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EventTap, TappedEvent } from './event-tap.ts';

/** How long a client waits before reconnecting; the stream carries it as the SSE `retry` field. */
export const EVENT_STREAM_RETRY_MS = 1_000;
const KEEP_ALIVE_MS = 15_000;
/** The most a replay can send: what the tap keeps. An id older than that resumes at the oldest kept. */
const REPLAY_LIMIT = 1_000;

export function eventStreamRoute(
  app: FastifyInstance,
  tap: EventTap,
  traceOf: (request: FastifyRequest) => string,
): void {
  const open = new Set<{ end: () => void }>();
  app.addHook('onClose', async () => {
    for (const stream of open) stream.end();
    open.clear();
  });
  app.get('/events/stream', async (request, reply) => {
    const topic = (request.query as { topic?: string }).topic;
    reply.hijack();
    const res = reply.raw;
    const session = await createSession(request.raw, res, {
      retry: EVENT_STREAM_RETRY_MS,
      keepAlive: KEEP_ALIVE_MS,
      headers: { 'x-trace-id': traceOf(request) },
    });
    // Unnamed messages (`message`), so a plain EventSource `onmessage` hears every one; the type is in the envelope.
    const send = (e: TappedEvent) => {
      if (topic === undefined || e.topic === topic) session.push(e.event, 'message', String(e.seq));
    };
    const after = /^\d{1,15}$/.test(session.lastId) ? Number(session.lastId) : undefined;
    // Replay and subscribe in one synchronous step: no event can be delivered between them.
    if (after !== undefined) for (const e of tap.recent({ topic, after, limit: REPLAY_LIMIT })) send(e);
    const unsubscribe = tap.onEvent(send);
    const stream = { end: () => res.end() };
    open.add(stream);
    session.once('disconnected', () => {
      unsubscribe();
      open.delete(stream);
    });
  });
}
