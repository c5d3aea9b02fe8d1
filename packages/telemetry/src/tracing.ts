import {
  type Attributes,
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ProxyTracerProvider,
  type Span,
  type SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type IdGenerator,
  InMemorySpanExporter,
  RandomIdGenerator,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** Span names the wallet, relay and bus use, so one trace reads the same everywhere. */
export const spanNames = {
  /** Fallback name of the server span; the plugin names it `<METHOD> <route>` as OTel semconv asks. */
  httpRequest: 'http.request',
  dbTransaction: 'db.transaction',
  outboxRelay: 'outbox.relay',
  busPublish: 'bus.publish',
} as const;

/** Span attribute keeping the caller's original `X-Trace-Id` when it was not a W3C trace id. */
export const X_TRACE_ID_ATTRIBUTE = 'croupier.x_trace_id';

export type TraceExporterKind = 'none' | 'otlp' | 'memory';

export interface TracingOptions {
  serviceName: string;
  /** Default: `otlp` when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, else `none` (spans made, nothing sent). */
  exporter?: TraceExporterKind;
  /** OTLP/HTTP traces URL; default `$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces`. */
  otlpUrl?: string;
}

export interface Tracing {
  readonly tracer: Tracer;
  readonly provider: BasicTracerProvider;
  /** Set when `exporter: 'memory'`: finished spans, for tests. */
  readonly memory: InMemorySpanExporter | undefined;
  readonly exporter: TraceExporterKind;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

const TRACER_NAME = '@croupier/telemetry';

/**
 * Trace id the next root span must take. Set and cleared around one synchronous `startSpan`, so no
 * other span can observe it; it lets a request's `X-Trace-Id` become the trace id of a true root span
 * instead of a child of an invented parent.
 */
let pinnedTraceId: string | undefined;

class PinnableIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  generateTraceId(): string {
    return pinnedTraceId ?? this.random.generateTraceId();
  }
  generateSpanId(): string {
    return this.random.generateSpanId();
  }
}

let contextManagerInstalled = false;
let current: Tracing | undefined;

function otlpEndpoint(options: TracingOptions): string | undefined {
  if (options.otlpUrl) return options.otlpUrl;
  const base = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!base) return undefined;
  return process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? base : `${base.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Installs the process tracer (AsyncLocalStorage context, W3C propagator, the chosen exporter).
 * Calling it again replaces the provider, which is what tests want; a server calls it once at boot.
 */
export function setupTracing(options: TracingOptions): Tracing {
  const endpoint = otlpEndpoint(options);
  const kind: TraceExporterKind = options.exporter ?? (endpoint ? 'otlp' : 'none');
  if (kind === 'otlp' && !endpoint) {
    throw new Error(
      'TRACING_OTLP_URL_MISSING: exporter "otlp" needs otlpUrl or OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://127.0.0.1:4318)',
    );
  }
  const memory = kind === 'memory' ? new InMemorySpanExporter() : undefined;
  const spanProcessors: SpanProcessor[] = [];
  if (memory) spanProcessors.push(new SimpleSpanProcessor(memory));
  if (kind === 'otlp') spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint })));

  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    idGenerator: new PinnableIdGenerator(),
    spanProcessors,
  });
  if (!contextManagerInstalled) {
    contextManagerInstalled = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  }
  const previous = current;
  trace.disable();
  trace.setGlobalTracerProvider(provider);
  current = {
    tracer: provider.getTracer(TRACER_NAME),
    provider,
    memory,
    exporter: kind,
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      if (current?.provider === provider) {
        trace.disable();
        current = undefined;
      }
    },
  };
  if (previous) void previous.provider.shutdown().catch(() => undefined);
  return current;
}

/** What `withSpan` hands `fn` when no SDK is registered: a span that records nothing. */
const NON_RECORDING_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** What the API answers when no SDK registered a provider (a module-level singleton of the API). */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * Whether spans go anywhere: `setupTracing` ran, or another SDK registered a global provider. Without
 * one, every span is a no-op, so the HTTP path skips building them (and the trace-id hashing and
 * context switching around them) and only echoes or mints the `X-Trace-Id`.
 */
export function tracingActive(): boolean {
  return (
    current !== undefined ||
    (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() !== NOOP_PROVIDER
  );
}

/** The tracer of the last `setupTracing`, or the API's no-op tracer when tracing was never set up. */
export function tracer(): Tracer {
  return current?.tracer ?? trace.getTracer(TRACER_NAME);
}

export interface StartSpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Parent context; default the active one. */
  parent?: Context;
  /** Make this a root span in the trace of this W3C trace id (ignored when `parent` has a span). */
  rootTraceId?: string;
}

/** Starts (does not activate) a span; `rootTraceId` pins the trace id of a new root span. */
export function startSpan(name: string, options: StartSpanOptions = {}): Span {
  const parent = options.parent ?? context.active();
  const rooted = options.rootTraceId !== undefined && trace.getSpan(parent) === undefined;
  pinnedTraceId = rooted ? options.rootTraceId : undefined;
  try {
    return tracer().startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  } finally {
    pinnedTraceId = undefined;
  }
}

/**
 * Runs `fn` inside a new active span under the current context and ends it after `fn` settles; a
 * throw marks the span as an error and is rethrown unchanged.
 *
 * `await withSpan(spanNames.dbTransaction, { 'db.system': 'postgresql' }, () => ledger.transaction(...))`
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => T | Promise<T>,
  options: Omit<StartSpanOptions, 'attributes'> = {},
): Promise<T> {
  if (!tracingActive()) return fn(NON_RECORDING_SPAN);
  const span = startSpan(name, { ...options, attributes });
  const parent = options.parent ?? context.active();
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

export function markFailed(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}
