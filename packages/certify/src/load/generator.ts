import { Pool } from 'undici';

export type LoadModel = 'open' | 'closed';

export interface LoadOptions {
  baseUrl: string;
  model: LoadModel;
  /** Open model: iterations started per second, whatever the target's speed (arrivals do not wait). */
  rate?: number;
  /** Closed model: workers each running one iteration after another. */
  concurrency?: number;
  durationS: number;
  /** Hard cap on requests, so a mistake in a rate cannot flood anything. */
  maxRequests?: number;
  /** Retryable answers (429, 503) are retried this many times; retries are counted for storm detection. */
  maxRetries?: number;
  signal?: AbortSignal;
  /** CA, client certificate and key (PEM) for an https/mTLS target. */
  tls?: { ca?: string; cert?: string; key?: string };
}

export interface LoadRequest {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export type LoadSend = (request: LoadRequest) => Promise<{ status: number; json: unknown }>;

export interface LatencyStats {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadSummary {
  label: string;
  model: LoadModel;
  durationS: number;
  iterations: number;
  requests: number;
  errors: number;
  retries: number;
  /** Arrivals the open model could not start because too many were already in flight. */
  droppedArrivals: number;
  throughputRps: number;
  errorRate: number;
  retryRatio: number;
  overall: LatencyStats;
  perOperation: Record<string, LatencyStats>;
  /** Every latency in ms (bounded by maxRequests) for the report's histogram. */
  latenciesMs: number[];
  statusCounts: Record<string, number>;
}

const MAX_IN_FLIGHT = 512;

export function latencyStats(values: number[]): LatencyStats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return {
    count: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

/**
 * A load generator on one undici pool: open model (fixed arrival rate) or closed model (fixed concurrency).
 * An iteration is a scripted sequence (e.g. authorize then settle) so the load is made of real rounds.
 */
export async function runLoad(
  label: string,
  options: LoadOptions,
  iteration: (send: LoadSend, index: number) => Promise<void>,
): Promise<LoadSummary> {
  const pool = new Pool(options.baseUrl, {
    connections: Math.max(8, options.concurrency ?? 16),
    pipelining: 1,
    ...(options.tls ? { connect: options.tls } : {}),
  });
  const maxRequests = options.maxRequests ?? 100_000;
  const maxRetries = options.maxRetries ?? 2;
  const latencies: number[] = [];
  const perOperation: Record<string, number[]> = {};
  const statusCounts: Record<string, number> = {};
  let requests = 0;
  let errors = 0;
  let retries = 0;
  let iterations = 0;
  let droppedArrivals = 0;
  const deadline = Date.now() + options.durationS * 1000;
  const exhausted = () =>
    requests >= maxRequests || Date.now() >= deadline || options.signal?.aborted === true;

  const send: LoadSend = async (request) => {
    for (let attempt = 0; ; attempt++) {
      requests += 1;
      const started = performance.now();
      let status = 0;
      let json: unknown;
      try {
        const response = await pool.request({
          method: request.method,
          path: request.path,
          headers: {
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...request.headers,
          },
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        status = response.statusCode;
        const text = await response.body.text();
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
      } catch {
        status = 0;
      }
      const elapsed = performance.now() - started;
      latencies.push(elapsed);
      const forOperation = perOperation[request.operation] ?? [];
      forOperation.push(elapsed);
      perOperation[request.operation] = forOperation;
      statusCounts[String(status)] = (statusCounts[String(status)] ?? 0) + 1;
      const retryable = status === 429 || status === 503 || status === 0;
      if (status === 0 || status >= 500) errors += 1;
      if (!retryable || attempt >= maxRetries || exhausted()) return { status, json };
      retries += 1;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  };

  const startedAt = performance.now();
  const runIteration = async () => {
    const index = iterations++;
    try {
      await iteration(send, index);
    } catch {
      errors += 1;
    }
  };

  if (options.model === 'closed') {
    const workers = Array.from({ length: Math.max(1, options.concurrency ?? 8) }, async () => {
      while (!exhausted()) await runIteration();
    });
    await Promise.all(workers);
  } else {
    const rate = Math.max(1, options.rate ?? 50);
    const inFlight = new Set<Promise<void>>();
    let launched = 0;
    while (!exhausted()) {
      const due = Math.floor(((performance.now() - startedAt) / 1000) * rate);
      while (launched < due) {
        launched += 1;
        if (inFlight.size >= MAX_IN_FLIGHT) {
          droppedArrivals += 1;
          continue;
        }
        const promise: Promise<void> = runIteration().finally(() => inFlight.delete(promise));
        inFlight.add(promise);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(10, 1000 / rate))));
    }
    await Promise.all(inFlight);
  }
  const durationS = (performance.now() - startedAt) / 1000;
  await pool.close();

  const stats: Record<string, LatencyStats> = {};
  for (const [operation, values] of Object.entries(perOperation)) stats[operation] = latencyStats(values);
  return {
    label,
    model: options.model,
    durationS,
    iterations,
    requests,
    errors,
    retries,
    droppedArrivals,
    throughputRps: requests / Math.max(durationS, 0.001),
    errorRate: requests === 0 ? 0 : errors / requests,
    retryRatio: requests === 0 ? 0 : retries / requests,
    overall: latencyStats(latencies),
    perOperation: stats,
    latenciesMs: latencies,
    statusCounts,
  };
}

export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
