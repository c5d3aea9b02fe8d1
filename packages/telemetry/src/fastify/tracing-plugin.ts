import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { OperationIdOf } from '../operations.ts';
import { formatTraceparent, isW3cTraceId, newTraceId, parseTraceparent, traceIdFor } from '../trace-id.ts';
import { markFailed, spanNames, startSpan, tracingActive, X_TRACE_ID_ATTRIBUTE } from '../tracing.ts';
import { errorCodeOfPayload } from './error-code.ts';

export interface TracingPluginOptions {
  /** Names the operation for the span (attribute `croupier.operation_id`); see `operationIdFromTable`. */
  operationIdOf?: OperationIdOf;
}

interface RequestTrace {
  span: Span;
  context: Context;
}

const traces = new WeakMap<FastifyRequest, RequestTrace>();

/** The request's trace context (its server span active), for code that runs outside the handler. */
export function requestTraceContext(request: FastifyRequest): Context | undefined {
  return traces.get(request)?.context;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Where the request's trace comes from. A valid `traceparent` wins (the caller runs OTel); else
 * `X-Trace-Id` picks the trace id (itself when 32 hex, else its sha256 prefix); else a new one.
 */
function incoming(request: FastifyRequest): {
  parent: Context;
  rootTraceId: string | undefined;
  xTraceId: string | undefined;
} {
  const xTraceId = header(request, 'x-trace-id');
  const traceparent = parseTraceparent(header(request, 'traceparent'));
  if (traceparent && (!xTraceId || traceIdFor(xTraceId) === traceparent.traceId)) {
    return { parent: propagation.extract(ROOT_CONTEXT, request.headers), rootTraceId: undefined, xTraceId };
  }
  return { parent: ROOT_CONTEXT, rootTraceId: xTraceId ? traceIdFor(xTraceId) : newTraceId(), xTraceId };
}

async function tracing(fastify: FastifyInstance, options: TracingPluginOptions): Promise<void> {
  // Wrapping each handler is what makes the server span the active context inside it: Fastify runs
  // hooks and handlers on async resources that do not inherit a context set in an earlier hook.
  fastify.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function tracedHandler(
      this: FastifyInstance,
      request: FastifyRequest,
      reply: FastifyReply,
    ) {
      const active = traces.get(request)?.context;
      return active
        ? context.with(active, () => handler.call(this, request, reply))
        : handler.call(this, request, reply);
    };
  });

  fastify.addHook('onRequest', (request, reply, done) => {
    if (!tracingActive()) {
      // No SDK: no span to make. The caller's X-Trace-Id is echoed as it came (else its traceparent's
      // trace id), or one is minted.
      const given =
        header(request, 'x-trace-id') ?? parseTraceparent(header(request, 'traceparent'))?.traceId;
      const traceId = given ?? newTraceId();
      if (!given) request.headers['x-trace-id'] = traceId;
      reply.header('x-trace-id', traceId);
      return done();
    }
    const { parent, rootTraceId, xTraceId } = incoming(request);
    const span = startSpan(`${request.method} ${request.routeOptions?.url ?? spanNames.httpRequest}`, {
      kind: SpanKind.SERVER,
      parent,
      rootTraceId,
      attributes: {
        'http.request.method': request.method,
        'url.path': request.url.split('?')[0] ?? request.url,
        ...(request.routeOptions?.url ? { 'http.route': request.routeOptions.url } : {}),
      },
    });
    const spanContext = span.spanContext();
    const traceId = isW3cTraceId(spanContext.traceId) ? spanContext.traceId : rootTraceId;
    if (xTraceId && traceId !== xTraceId) span.setAttribute(X_TRACE_ID_ATTRIBUTE, xTraceId);
    const operationId = options.operationIdOf?.(request);
    if (operationId) span.setAttribute('croupier.operation_id', operationId);
    const provider = header(request, 'x-provider-id');
    if (provider) span.setAttribute('croupier.provider_id', provider);
    const brand = header(request, 'x-brand-id');
    if (brand) span.setAttribute('croupier.brand_id', brand);

    // The contract plugin echoes `x-trace-id` and puts it in error bodies: hand it the trace id when
    // the caller sent none, so the body, the header and the trace agree.
    if (!xTraceId && traceId) request.headers['x-trace-id'] = traceId;
    reply.header('x-trace-id', xTraceId ?? traceId);
    if (isW3cTraceId(spanContext.traceId)) reply.header('traceparent', formatTraceparent(spanContext));

    const active = trace.setSpan(parent, span);
    traces.set(request, { span, context: active });
    context.with(active, done);
  });

  fastify.addHook('onSend', (request, reply, payload, done) => {
    const span = traces.get(request)?.span;
    if (span && reply.statusCode >= 400) {
      const code = errorCodeOfPayload(payload);
      if (code) span.setAttribute('croupier.error_code', code);
    }
    done(null, payload);
  });

  fastify.addHook('onError', (request, _reply, error, done) => {
    const span = traces.get(request)?.span;
    if (span) markFailed(span, error);
    done();
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    const entry = traces.get(request);
    if (entry) {
      entry.span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) entry.span.setStatus({ code: SpanStatusCode.ERROR });
      entry.span.end();
      traces.delete(request);
    }
    done();
  });
}

/**
 * Opens the HTTP server span of each request, makes it the active context for the handler (so
 * `withSpan` calls inside nest under it), and answers with `X-Trace-Id` and `traceparent`.
 * Register it before the routes (before the generated `contractPlugin`).
 */
export const tracingPlugin = fp(tracing, { fastify: '5.x', name: '@croupier/telemetry/tracing' });
