/**
 * Every contract call the sandbox answered, newest last, searchable by trace id: the first thing a
 * provider asks when a call went wrong is "what did you see for trace X?".
 */
import type { FastifyInstance } from 'fastify';

export interface LoggedRequest {
  seq: number;
  at: string;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  trace_id: string;
  brand: string;
  provider: string;
  idempotency_key: string;
  /** The error code of a refused call, from the error schema. */
  code?: string;
  /** Set when a fault button shaped the answer. */
  fault?: string;
}

const LIMIT = 2_000;

const header = (headers: Record<string, unknown>, name: string): string => {
  const value = headers[name];
  return typeof value === 'string' ? value : '';
};

export class RequestLog {
  private readonly entries: LoggedRequest[] = [];
  private seq = 0;

  /** Records the answer of every request outside the sandbox's own admin and console routes. */
  install(app: FastifyInstance): void {
    app.addHook('onSend', async (request, reply, payload) => {
      if (isAdminPath(request.routeOptions.url ?? request.url)) return payload;
      const code = typeof payload === 'string' && reply.statusCode >= 400 ? codeOf(payload) : undefined;
      const traceId = header(reply.getHeaders() as Record<string, unknown>, 'x-trace-id');
      this.add({
        at: new Date().toISOString(),
        method: request.method,
        path: request.url.split('?')[0] ?? request.url,
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime),
        trace_id: traceId || header(request.headers, 'x-trace-id'),
        brand: header(request.headers, 'x-brand-id'),
        provider: header(request.headers, 'x-provider-id'),
        idempotency_key: header(request.headers, 'x-idempotency-key'),
        ...(code ? { code } : {}),
        ...(request.sandboxFault ? { fault: request.sandboxFault } : {}),
      });
      return payload;
    });
  }

  add(entry: Omit<LoggedRequest, 'seq'>): void {
    this.entries.push({ seq: ++this.seq, ...entry });
    if (this.entries.length > LIMIT) this.entries.splice(0, this.entries.length - LIMIT);
  }

  search(filter: { traceId?: string; limit?: number } = {}): LoggedRequest[] {
    const needle = filter.traceId?.trim();
    const found = needle ? this.entries.filter((e) => e.trace_id.includes(needle)) : this.entries;
    return found.slice(-(filter.limit ?? 200)).reverse();
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The fault button that shaped this request's answer, for the request log. */
    sandboxFault?: string;
  }
}

export function isAdminPath(url: string): boolean {
  return (
    url.startsWith('/sandbox') ||
    url.startsWith('/console') ||
    url.startsWith('/schema-registry') ||
    url.startsWith('/metrics') ||
    url === '/' ||
    url.startsWith('/favicon')
  );
}

function codeOf(payload: string): string | undefined {
  try {
    const body = JSON.parse(payload) as { code?: unknown };
    return typeof body.code === 'string' ? body.code : undefined;
  } catch {
    return undefined;
  }
}
