import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Metric names, the one list the alert rules (`ops/prometheus/croupier-alerts.yaml`) and dashboards
 * are written against. Renaming one is a breaking change for them.
 */
export const metricNames = {
  requestDuration: 'croupier_http_request_duration_seconds',
  errors: 'croupier_http_errors_total',
  duplicates: 'croupier_duplicate_total',
  idempotencyMismatches: 'croupier_idempotency_mismatch_total',
  outboxLag: 'croupier_outbox_lag_seconds',
  outboxPending: 'croupier_outbox_pending_events',
  queueLag: 'croupier_queue_lag_seconds',
  settleLag: 'croupier_settle_lag_seconds',
  deprecatedCalls: 'croupier_deprecated_operation_calls_total',
} as const;

/**
 * Fine where the wallet's budgets sit (authorize/settle p95 and p99 between 5 and 500 ms) so
 * `histogram_quantile` interpolates inside a narrow bucket rather than across a decade.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5,
];

/** Authorize → settle: a slot spin settles in seconds, a live table in minutes, a stuck round never. */
export const SETTLE_LAG_BUCKETS_SECONDS: readonly number[] = [
  0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
];

/** Operation label for requests that matched no contract route, so 404 scans stay one series. */
export const UNMATCHED_OPERATION = 'unmatched';

export interface MetricsOptions {
  /** Also collect prom-client's process metrics (CPU, RSS, event-loop lag). Default false. */
  processMetrics?: boolean;
  /** Labels on every series, e.g. `{ service: 'wallet', region: 'EU' }`. */
  defaultLabels?: Record<string, string>;
  /** Read at scrape time: age in seconds of the oldest unpublished outbox row (0 when none). */
  outboxLagSeconds?: () => number | Promise<number>;
  /** Read at scrape time: unpublished outbox rows. */
  outboxPending?: () => number | Promise<number>;
  /** Read at scrape time: per consumer, age in seconds of the oldest unprocessed message. */
  queueLagSeconds?: () => Record<string, number> | Promise<Record<string, number>>;
}

export interface Metrics {
  readonly registry: Registry;
  readonly requestDuration: Histogram<'operation' | 'status'>;
  readonly errors: Counter<'operation' | 'code'>;
  readonly duplicates: Counter<'operation'>;
  readonly idempotencyMismatches: Counter<'operation'>;
  readonly outboxLag: Gauge;
  readonly outboxPending: Gauge;
  readonly queueLag: Gauge<'consumer'>;
  readonly settleLag: Histogram<'game_type'>;
  readonly deprecatedCalls: Counter<'operation' | 'provider'>;
  /** One finished request: latency, and for an error body its code (DUPLICATE and IDEMPOTENCY_MISMATCH counted apart too). */
  observeRequest(operation: string, status: number, seconds: number, errorCode?: string): void;
  /** An idempotent replay answered from the stored response (not an error on the wire, still a duplicate). */
  recordDuplicate(operation: string): void;
  /** Authorize → settle of one bet, in seconds. */
  observeSettleLag(seconds: number, gameType?: string): void;
  recordDeprecatedCall(operation: string, provider: string): void;
  setOutboxLag(seconds: number, pending?: number): void;
  setQueueLag(consumer: string, seconds: number): void;
  /** The text exposition for `GET /metrics`. */
  scrape(): Promise<string>;
  readonly contentType: string;
}

/** A registry of its own per call (never prom-client's global), so two apps or tests never share series. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'croupier_' });
  const registers = [registry];

  const requestDuration = new Histogram({
    name: metricNames.requestDuration,
    help: 'Latency of contract operations as the server saw them, by operationId and HTTP status.',
    labelNames: ['operation', 'status'] as const,
    buckets: [...LATENCY_BUCKETS_SECONDS],
    registers,
  });
  const errors = new Counter({
    name: metricNames.errors,
    help: 'Error responses by operationId and error code (the `code` of the error body).',
    labelNames: ['operation', 'code'] as const,
    registers,
  });
  const duplicates = new Counter({
    name: metricNames.duplicates,
    help: 'Requests answered as duplicates: DUPLICATE errors and idempotent replays.',
    labelNames: ['operation'] as const,
    registers,
  });
  const idempotencyMismatches = new Counter({
    name: metricNames.idempotencyMismatches,
    help: 'IDEMPOTENCY_MISMATCH: a key reused with a different request body.',
    labelNames: ['operation'] as const,
    registers,
  });
  const outboxLag = new Gauge({
    name: metricNames.outboxLag,
    help: 'Age of the oldest unpublished outbox row, in seconds (0 when the outbox is drained).',
    registers,
    async collect() {
      if (options.outboxLagSeconds) this.set(await options.outboxLagSeconds());
    },
  });
  const outboxPending = new Gauge({
    name: metricNames.outboxPending,
    help: 'Unpublished outbox rows.',
    registers,
    async collect() {
      if (options.outboxPending) this.set(await options.outboxPending());
    },
  });
  const queueLag = new Gauge({
    name: metricNames.queueLag,
    help: 'Per consumer, age of the oldest message not yet processed, in seconds.',
    labelNames: ['consumer'] as const,
    registers,
    async collect() {
      if (!options.queueLagSeconds) return;
      for (const [consumer, seconds] of Object.entries(await options.queueLagSeconds())) {
        this.set({ consumer }, seconds);
      }
    },
  });
  const settleLag = new Histogram({
    name: metricNames.settleLag,
    help: 'Time from a bet authorize to its (final) settle, in seconds.',
    labelNames: ['game_type'] as const,
    buckets: [...SETTLE_LAG_BUCKETS_SECONDS],
    registers,
  });
  const deprecatedCalls = new Counter({
    name: metricNames.deprecatedCalls,
    help: 'Calls of operations the contract marks deprecated, by operationId and X-Provider-Id.',
    labelNames: ['operation', 'provider'] as const,
    registers,
  });

  return {
    registry,
    requestDuration,
    errors,
    duplicates,
    idempotencyMismatches,
    outboxLag,
    outboxPending,
    queueLag,
    settleLag,
    deprecatedCalls,
    observeRequest(operation, status, seconds, errorCode) {
      requestDuration.observe({ operation, status: String(status) }, seconds);
      if (status < 400) return;
      const code = errorCode ?? `HTTP_${status}`;
      errors.inc({ operation, code });
      if (code === 'DUPLICATE') duplicates.inc({ operation });
      if (code === 'IDEMPOTENCY_MISMATCH') idempotencyMismatches.inc({ operation });
    },
    recordDuplicate(operation) {
      duplicates.inc({ operation });
    },
    observeSettleLag(seconds, gameType = 'unknown') {
      settleLag.observe({ game_type: gameType }, seconds);
    },
    recordDeprecatedCall(operation, provider) {
      deprecatedCalls.inc({ operation, provider });
    },
    setOutboxLag(seconds, pending) {
      outboxLag.set(seconds);
      if (pending !== undefined) outboxPending.set(pending);
    },
    setQueueLag(consumer, seconds) {
      queueLag.set({ consumer }, seconds);
    },
    scrape: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
