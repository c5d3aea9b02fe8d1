import net from 'node:net';
import tls from 'node:tls';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** A socket error seen after (or instead of) the answer, e.g. ECONNRESET. */
  error?: string;
}

export interface RawBody {
  /** Bytes of body sent after the head. */
  size: number;
  /** Bytes per write. */
  chunk: number;
  /** Pause between writes, in ms (0: as fast as the socket drains). */
  pauseMs: number;
  /** Bytes written after the body, e.g. the last chunk of a chunked body. */
  trailer?: string;
}

/**
 * One request written byte for byte on a fresh socket (so nothing normalises what a hostile client
 * would send), and the first answer read back. Like most clients, it reads the answer only once the
 * whole body is written: a server that closes before that resets the connection, and the client sees
 * `error` (ECONNRESET, EPIPE) instead of the answer. `status: 0` when no complete answer arrived.
 */
export function rawExchange(
  target: { port: number; tls?: tls.ConnectionOptions },
  head: Buffer | string,
  body?: RawBody,
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = target.tls
      ? tls.connect({ host: '127.0.0.1', port: target.port, servername: 'localhost', ...target.tls })
      : net.connect(target.port, '127.0.0.1');
    const received: Buffer[] = [];
    let error: string | undefined;
    let settled = false;
    let written = !body;
    const settle = () => {
      if (settled) return;
      if (!written) error ??= 'closed while the body was being sent';
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseAnswer(Buffer.concat(received)), ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => {
      error ??= 'timeout';
      settle();
    }, 60_000);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (written && parseAnswer(Buffer.concat(received)).complete) settle();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
      settle();
    });
    socket.on('close', settle);
    socket.write(typeof head === 'string' ? Buffer.from(head, 'latin1') : head);
    if (!body) return;
    let sent = 0;
    const filler = Buffer.alloc(body.chunk, 0x20);
    const done = (failure?: Error | null) => {
      if (failure) return;
      written = true;
      if (parseAnswer(Buffer.concat(received)).complete) settle();
    };
    const pump = () => {
      while (sent < body.size && !socket.destroyed) {
        const n = Math.min(body.chunk, body.size - sent);
        sent += n;
        const bytes = n === filler.length ? filler : filler.subarray(0, n);
        const last = sent >= body.size;
        const drained = last
          ? socket.write(
              body.trailer ? Buffer.concat([bytes, Buffer.from(body.trailer, 'latin1')]) : bytes,
              done,
            )
          : socket.write(bytes);
        if (body.pauseMs > 0) {
          setTimeout(pump, body.pauseMs);
          return;
        }
        if (!drained) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

function parseAnswer(bytes: Buffer): RawAnswer & { complete: boolean } {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '', complete: false };
  const lines = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  const length = Number(headers['content-length'] ?? Number.NaN);
  const rest = bytes.subarray(end + 4);
  const complete = Number.isFinite(length) && rest.length >= length;
  return {
    status,
    headers,
    body: rest.subarray(0, Number.isFinite(length) ? length : rest.length).toString('utf8'),
    complete,
  };
}

/** The contract's error body, or a reason it is not one. */
export function errorSchemaProblem(answer: RawAnswer): string | undefined {
  if (answer.status === 0) return `no answer (${answer.error ?? 'closed'})`;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return `${answer.status} with a body that is not JSON: ${answer.body.slice(0, 200)}`;
  }
  const b = body as Record<string, unknown>;
  if (
    typeof b.code !== 'string' ||
    typeof b.message !== 'string' ||
    typeof b.retryable !== 'boolean' ||
    typeof b.trace_id !== 'string'
  )
    return `${answer.status} outside the error schema: ${answer.body.slice(0, 200)}`;
  return undefined;
}
