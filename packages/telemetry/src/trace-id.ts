import { createHash, randomBytes } from 'node:crypto';
import { type Context, context, ROOT_CONTEXT, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

export function isW3cTraceId(value: string): boolean {
  return TRACE_ID.test(value) && value !== INVALID_TRACE_ID;
}

/**
 * The W3C trace id for an `X-Trace-Id`: the value itself when it already is one (32 lower-case hex,
 * upper case accepted), else the first 32 hex of its sha256, so the same header always lands in the
 * same trace and a provider's own ids (`tr_a1b2`) stay usable for search.
 */
export function traceIdFor(xTraceId: string): string {
  const lower = xTraceId.toLowerCase();
  if (isW3cTraceId(lower)) return lower;
  const derived = digest(xTraceId).slice(0, 32);
  return derived === INVALID_TRACE_ID ? `${derived.slice(0, 31)}1` : derived;
}

export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

export interface Traceparent {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

/** Parses a W3C `traceparent` header; undefined for anything malformed or all-zero. */
export function parseTraceparent(header: string | undefined): Traceparent | undefined {
  const match = header?.trim().toLowerCase().match(TRACEPARENT);
  if (!match) return undefined;
  const [, version, traceId, spanId, flags] = match as unknown as [string, string, string, string, string];
  if (version === 'ff' || traceId === INVALID_TRACE_ID || spanId === INVALID_SPAN_ID) return undefined;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

export function formatTraceparent(
  spanContext: Pick<SpanContext, 'traceId' | 'spanId' | 'traceFlags'>,
): string {
  const flags = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00';
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The `traceparent` of the active span, to store beside an outbox row so the relay can continue it. */
export function currentTraceparent(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isW3cTraceId(spanContext.traceId)) return undefined;
  return formatTraceparent(spanContext);
}

/**
 * A context whose remote parent lies in the trace of `traceId` (an `X-Trace-Id` as stored in an
 * outbox row or event envelope), so work done later and elsewhere (the outbox relay, a consumer)
 * joins the request's trace. With the row's `traceparent` the span hangs under the exact request
 * span; without it the parent span id is derived from the trace id (a stable, synthetic parent).
 */
export function traceContextFor(
  traceId: string,
  traceparent?: string,
  base: Context = ROOT_CONTEXT,
): Context {
  const parsed = parseTraceparent(traceparent);
  const id = traceIdFor(traceId);
  const parent: SpanContext =
    parsed && parsed.traceId === id
      ? { traceId: id, spanId: parsed.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true }
      : { traceId: id, spanId: syntheticSpanId(id), traceFlags: TraceFlags.SAMPLED, isRemote: true };
  return trace.setSpanContext(base, parent);
}

function syntheticSpanId(traceId: string): string {
  const spanId = digest(`span:${traceId}`).slice(0, 16);
  return SPAN_ID.test(spanId) && spanId !== INVALID_SPAN_ID ? spanId : '0000000000000001';
}

/** The trace id of the active span, if any. */
export function activeTraceId(): string | undefined {
  const id = trace.getSpan(context.active())?.spanContext().traceId;
  return id && isW3cTraceId(id) ? id : undefined;
}
