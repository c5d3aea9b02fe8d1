import { randomUUID } from 'node:crypto';
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
  HTTPMethods,
} from 'fastify';
import { assertStorableJson, JsonBodyRefusal } from './json-body.ts';

// ajv-formats is CommonJS: under NodeNext its default import is `module.exports`, which carries `.default`.
const addFormats = addFormatsModule.default;

export interface RouteSpec {
  operationId: string;
  method: string;
  /** OpenAPI template, e.g. `/v1/sessions/{session_id}`. */
  path: string;
  bodyType?: string;
  bodyRequired: boolean;
  schema: {
    params?: object;
    querystring?: object;
    headers?: object;
    body?: object;
  };
  /** Keyed by the contract's status (`200`, `4XX`, `default`); `schema` is absent for bodiless responses. */
  responses: Record<string, { contentType?: string; schema?: object }>;
}

export interface ContractDescription {
  routes: readonly RouteSpec[];
  /** Every component schema, under one `$id`, so route schemas can `$ref` into it. */
  contractSchema: { $id: string } & Record<string, unknown>;
  errorCatalogue: Readonly<Record<string, { readonly status: number; readonly retryable: boolean }>>;
  /** Formats the contract uses that ajv-formats does not know (OpenAPI's `int32`, `double`, …): accepted as annotations. */
  annotationFormats: readonly string[];
}

export interface HandlerContext {
  operationId: string;
  /** From `X-Trace-Id`, or created; echoed on the response and to be put in every error body. */
  traceId: string;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (
  request: unknown,
  context: HandlerContext,
) => Promise<HandlerResult> | HandlerResult;

export interface ContractPluginOptions {
  /**
   * Check every handler result against the documented statuses and response schemas and answer
   * `500 INTERNAL_ERROR` when it violates them. Turn it on in tests (and wherever the cost is acceptable).
   */
  validateResponses?: boolean;
  /** Called with every response-schema violation (default: logged at error level). */
  onResponseViolation?: (violation: ResponseViolation) => void;
  /** Serialize responses with fast-json-stringify from the response schemas (default true). */
  serializeResponses?: boolean;
  /** Register the 404/405 handler for this plugin's prefix (default true). */
  handleNotFound?: boolean;
}

export interface ResponseViolation {
  operationId: string;
  status: number;
  traceId: string;
  errors: Array<{ path: string; message: string }>;
}

/** Thrown (and answered 500) when a handler's answer is not what the contract documents. */
export class ResponseSchemaViolationError extends Error {
  readonly code = 'RESPONSE_SCHEMA_VIOLATION';
  constructor(readonly violation: ResponseViolation) {
    super(
      `${violation.operationId} answered ${violation.status} with a body the contract does not allow: ${violation.errors
        .map((e) => `${e.path || '/'} ${e.message}`)
        .join('; ')}`,
    );
    this.name = 'ResponseSchemaViolationError';
  }
}

const traceIds = new WeakMap<FastifyRequest, string>();

function traceIdOf(request: FastifyRequest): string {
  let traceId = traceIds.get(request);
  if (!traceId) {
    const header = request.headers['x-trace-id'];
    traceId = typeof header === 'string' && header.length > 0 && header.length <= 128 ? header : randomUUID();
    traceIds.set(request, traceId);
  }
  return traceId;
}

const DEFAULT_STATUS: Record<string, { status: number; retryable: boolean }> = {
  VALIDATION_FAILED: { status: 400, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  METHOD_NOT_ALLOWED: { status: 405, retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false },
  INTERNAL_ERROR: { status: 500, retryable: true },
  PLATFORM_DEGRADED: { status: 503, retryable: true },
};

type Catalogue = Readonly<Record<string, { readonly status: number; readonly retryable: boolean }>>;

/**
 * How much of a refused request's body is still read (and thrown away) before answering. Closing a
 * socket the client is still writing to makes the kernel send a reset, and the client then loses the
 * answer (a 10 MB body got `ECONNRESET` instead of its 413); past these bounds the client has been
 * slow or large enough that the connection is simply cut.
 */
const DRAIN_BYTES = 64 * 1024 * 1024;
const DRAIN_MS = 30_000;

/** Reads and discards what is left of a request body, so the answer can follow without a reset. */
export function drainRequest(raw: IncomingMessage): Promise<void> {
  if (raw.complete || raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let received = 0;
    const finish = () => {
      clearTimeout(timer);
      raw.removeListener('data', onData);
      raw.removeListener('end', finish);
      raw.removeListener('close', finish);
      raw.removeListener('error', finish);
      resolve();
    };
    const onData = (chunk: Buffer | string) => {
      received += chunk.length;
      if (received > DRAIN_BYTES) finish();
    };
    const timer = setTimeout(finish, DRAIN_MS);
    raw.on('data', onData);
    raw.once('end', finish);
    raw.once('close', finish);
    raw.once('error', finish);
    raw.resume();
  });
}

function problemOf(catalogue: Catalogue, code: string, message: string, traceId: string) {
  return { code, message, retryable: catalogue[code]?.retryable ?? false, trace_id: traceId };
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (a header past the size limit, a
 * control character in a header, a malformed request line): status, contract code and message.
 */
function parserRefusal(error: NodeJS.ErrnoException): { status: number; code: string; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'PAYLOAD_TOO_LARGE',
        message: 'request headers are larger than the server accepts',
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: 'chunk extensions are larger than the server accepts',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'VALIDATION_FAILED', message: 'the request was not received in time' };
    default:
      return {
        status: 400,
        code: 'VALIDATION_FAILED',
        message: `the request is not valid HTTP/1.1 (${error.code ?? 'parse error'})`,
      };
  }
}

/**
 * Closes a socket whose request was refused only once the client has stopped sending (its FIN, or
 * half a second of silence, or 10 s at most), reading and dropping what still arrives: closing while
 * the client writes makes the kernel reset the connection, and a client still sending a 1 MB header
 * lost its 431 to that reset.
 */
function closeWhenQuiet(socket: Socket): void {
  const close = () => {
    clearTimeout(quiet);
    clearTimeout(cap);
    socket.removeListener('data', onData);
    socket.end();
    setTimeout(() => socket.destroy(), 1_000).unref();
  };
  const onData = () => quiet.refresh();
  const quiet = setTimeout(close, 500);
  const cap = setTimeout(close, 10_000);
  socket.on('data', onData);
  socket.once('end', close);
  socket.resume();
}

/**
 * Options for the Fastify constructor so that the answers given before any route runs (Node's
 * parser, the router's bad percent-escapes and over-long parameters, requests during shutdown) use
 * the contract's error body like every other answer. Pass them where the server is created:
 * `Fastify({ ...serverOptions(errorCatalogue), ... })`.
 */
export function serverOptions(
  errorCatalogue: Catalogue,
): Pick<
  FastifyServerOptions,
  'clientErrorHandler' | 'frameworkErrors' | 'return503OnClosing' | 'routerOptions'
> & { http: { requireHostHeader: boolean } } {
  const catalogue = { ...DEFAULT_STATUS, ...errorCatalogue };
  // Node reports the parse error again for every later chunk of the same socket: answer once only.
  const answered = new WeakSet<Socket>();
  return {
    clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket) {
      if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
      answered.add(socket);
      const refusal = parserRefusal(error);
      const traceId = randomUUID();
      const body = JSON.stringify(problemOf(catalogue, refusal.code, refusal.message, traceId));
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Error'}\r\n` +
            'Content-Type: application/json; charset=utf-8\r\n' +
            `Content-Length: ${Buffer.byteLength(body)}\r\nX-Trace-Id: ${traceId}\r\nConnection: close\r\n\r\n${body}`,
        );
        closeWhenQuiet(socket);
      } else socket.destroy();
    },
    frameworkErrors(error, request, reply) {
      const traceId = traceIdOf(request as unknown as FastifyRequest);
      const message =
        error.code === 'FST_ERR_BAD_URL'
          ? 'the path is not valid percent-encoded UTF-8'
          : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
            ? 'a path parameter is longer than the server accepts'
            : 'the request could not be routed';
      const code = error.code === 'FST_ERR_ASYNC_CONSTRAINT' ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED';
      (reply as unknown as FastifyReply)
        .code(catalogue[code]?.status ?? 500)
        .header('x-trace-id', traceId)
        .header('content-type', 'application/json; charset=utf-8')
        .send(JSON.stringify(problemOf(catalogue, code, message, traceId)));
    },
    // Requests that arrive while the server drains get the contract's 503 from the plugin instead.
    return503OnClosing: false,
    // Path parameters are bounded by the contract's schemas (answered 400), not by the router's default 100.
    routerOptions: { maxParamLength: 2048 },
    // Node would answer a missing Host with an empty 400 of its own; the plugin answers it instead.
    // With TLS, merge it into the `https` options: `https: { ...serverOptions(c).http, ...tls }`.
    http: { requireHostHeader: false },
  };
}

function ajvErrors(errors: ErrorObject[] | null | undefined, where?: string) {
  return (errors ?? []).map((e) => ({
    ...(where ? { in: where } : {}),
    path: e.instancePath,
    keyword: e.keyword,
    message: e.message ?? 'is invalid',
    ...(e.keyword === 'additionalProperties'
      ? { property: (e.params as { additionalProperty?: string }).additionalProperty }
      : {}),
  }));
}

/**
 * One violation as a person reads it: the field and the rule, with the schema's own example when
 * it has one (`/amount/amount must be a decimal string such as "2.00"`), so the top-level message
 * alone says what to fix.
 */
function describeViolation(e: ErrorObject): string {
  const where = e.instancePath || '/';
  const parent = (e.parentSchema ?? {}) as { title?: string; examples?: unknown[]; type?: unknown };
  const example =
    Array.isArray(parent.examples) && parent.examples.length > 0 ? parent.examples[0] : undefined;
  const such = example === undefined ? '' : ` such as ${JSON.stringify(example)}`;
  if (e.keyword === 'type') {
    const expected = parent.title ?? String((e.params as { type?: unknown }).type ?? 'value');
    return `${where} must be ${/^[aeiou]/i.test(expected) ? 'an' : 'a'} ${expected}${such}`;
  }
  if (e.keyword === 'pattern' || e.keyword === 'format') {
    return `${where} ${e.message ?? 'is invalid'}${parent.title ? ` (${parent.title}${such})` : such}`;
  }
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty?: string }).additionalProperty;
    return `${where} must not have the property "${extra}"`;
  }
  return `${where} ${e.message ?? 'is invalid'}`;
}

function validationMessage(context: string | undefined, errors: readonly ErrorObject[]): string {
  const [first] = errors;
  if (!first) return `request ${context ?? 'input'} does not match the contract`;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more in details.errors)` : '';
  return `request ${context ?? 'input'} ${describeViolation(first)}${more}`;
}

function templateMatcher(path: string): RegExp {
  const escaped = path
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}/?$`);
}

function statusMatches(documented: Record<string, unknown>, status: number): string | undefined {
  if (String(status) in documented) return String(status);
  const range = `${String(status).charAt(0)}XX`;
  if (range in documented) return range;
  return 'default' in documented ? 'default' : undefined;
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Registers every operation of a contract on a Fastify instance: ajv validation before the handler,
 * serialization from the response schemas, and the contract's error body for every failure Fastify
 * would otherwise answer in its own shape (404, 405, 413, 415, malformed JSON).
 */
export async function registerContract(
  fastify: FastifyInstance,
  handlers: Record<string, RouteHandler>,
  options: ContractPluginOptions,
  contract: ContractDescription,
): Promise<void> {
  const catalogue = { ...DEFAULT_STATUS, ...contract.errorCatalogue };
  const problem = (code: string, message: string, traceId: string, details?: Record<string, unknown>) => ({
    code,
    message,
    retryable: catalogue[code]?.retryable ?? false,
    trace_id: traceId,
    ...(details ? { details } : {}),
  });
  const send = (reply: FastifyReply, code: string, message: string, details?: Record<string, unknown>) => {
    const traceId = traceIdOf(reply.request);
    reply.header('x-trace-id', traceId);
    return reply.code(catalogue[code]?.status ?? 500).send(problem(code, message, traceId, details));
  };

  // Coercion only where the wire is text (path, query, headers); a JSON body must already have the right types.
  const makeAjv = (coerce: boolean) => {
    const ajv = new Ajv2020({
      strict: false,
      allErrors: true,
      coerceTypes: coerce ? 'array' : false,
      useDefaults: true,
      // Errors carry their schema, so a refusal can quote the contract's example; costs nothing on success.
      verbose: true,
    });
    addFormats(ajv);
    for (const format of contract.annotationFormats) ajv.addFormat(format, true);
    ajv.addSchema(contract.contractSchema);
    return ajv;
  };
  const bodyAjv = makeAjv(false);
  const textAjv = makeAjv(true);
  const responseAjv = makeAjv(false);

  fastify.addSchema(contract.contractSchema);
  fastify.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema),
  );
  if (contract.routes.some((r) => r.bodyType === 'application/x-www-form-urlencoded')) {
    fastify.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        const parsed: Record<string, string | string[]> = {};
        for (const [key, value] of new URLSearchParams(String(body))) {
          const existing = parsed[key];
          parsed[key] =
            existing === undefined
              ? value
              : Array.isArray(existing)
                ? [...existing, value]
                : [existing, value];
        }
        done(null, parsed);
      },
    );
  }

  // Fastify's own JSON parser (prototype-poisoning protection included), then the storable-JSON
  // check: too deep, lone surrogates or NUL answer 400 here instead of 500 in a store.
  const defaultJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    defaultJson(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error as FastifyError, undefined);
      try {
        assertStorableJson(value);
      } catch (refusal) {
        return done(refusal as FastifyError, undefined);
      }
      done(null, value);
    });
  });

  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-trace-id', traceIdOf(request));
  });

  // Answers during shutdown: Fastify's own 503 would not use the error body (see `serverOptions`).
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  fastify.addHook('onRequest', async (request, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      return send(reply, 'PLATFORM_DEGRADED', 'the server is shutting down; retry on another instance');
    }
    if (request.raw.httpVersion === '1.1' && !request.headers.host) {
      reply.header('connection', 'close');
      return send(reply, 'VALIDATION_FAILED', 'HTTP/1.1 requests need a Host header', {
        errors: [{ in: 'headers', path: '/host', message: 'is required' }],
      });
    }
  });

  fastify.setErrorHandler(async (error: FastifyError, request, reply) => {
    // A body refused half-way (too large, wrong media type) is read to its end first: answering and
    // closing while the client still sends resets the connection, and the client never sees the answer.
    await drainRequest(request.raw);
    if ((error as unknown) instanceof JsonBodyRefusal) {
      const refusal = error as unknown as JsonBodyRefusal;
      return send(reply, 'VALIDATION_FAILED', refusal.message, {
        errors: [{ in: 'body', path: refusal.path, keyword: 'storable', message: refusal.rule }],
      });
    }
    if (error.validation) {
      return send(
        reply,
        'VALIDATION_FAILED',
        validationMessage(error.validationContext, error.validation as ErrorObject[]),
        {
          errors: error.validation.map((e) => ({
            in: error.validationContext,
            path: e.instancePath,
            keyword: e.keyword,
            message: e.message ?? 'is invalid',
          })),
        },
      );
    }
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(
          reply,
          'UNSUPPORTED_MEDIA_TYPE',
          `content type "${request.headers['content-type'] ?? ''}" is not accepted`,
        );
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(reply, 'PAYLOAD_TOO_LARGE', 'request body is larger than the server accepts');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return send(reply, 'VALIDATION_FAILED', `request body is not valid JSON: ${error.message}`, {
          errors: [],
        });
    }
    if (error instanceof SyntaxError || error.statusCode === 400) {
      return send(reply, 'VALIDATION_FAILED', `request body is not valid JSON: ${error.message}`, {
        errors: [],
      });
    }
    if (error instanceof ResponseSchemaViolationError) {
      return send(reply, 'INTERNAL_ERROR', error.message, { response_errors: error.violation.errors });
    }
    request.log.error({ err: error }, 'handler failed');
    return send(reply, 'INTERNAL_ERROR', 'internal error; quote the trace id when reporting it');
  });

  const matchers = contract.routes.map((route) => ({ route, matcher: templateMatcher(route.path) }));
  if (options.handleNotFound !== false) {
    fastify.setNotFoundHandler((request, reply) => {
      const url = request.url.split('?')[0]!;
      const prefix = fastify.prefix ?? '';
      const path = prefix && url.startsWith(prefix) ? url.slice(prefix.length) || '/' : url;
      const allowed = [
        ...new Set(matchers.filter((m) => m.matcher.test(path)).map((m) => m.route.method.toUpperCase())),
      ];
      if (allowed.length > 0) {
        if (allowed.includes('GET') && !allowed.includes('HEAD')) allowed.push('HEAD');
        reply.header('allow', allowed.sort().join(', '));
        return send(
          reply,
          'METHOD_NOT_ALLOWED',
          `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`,
        );
      }
      return send(reply, 'NOT_FOUND', `no operation at ${request.method} ${path}`);
    });
  }

  for (const route of contract.routes) {
    const handler = handlers[route.operationId];
    if (typeof handler !== 'function') {
      throw new Error(
        `MISSING_HANDLER: no handler for operation ${route.operationId}; implement it in the handlers object`,
      );
    }
    const responseValidators = new Map<string, ValidateFunction>();
    if (options.validateResponses) {
      for (const [status, response] of Object.entries(route.responses)) {
        if (response.schema) responseValidators.set(status, responseAjv.compile(response.schema));
      }
    }
    const response: Record<string, object> = {};
    if (options.serializeResponses !== false) {
      for (const [status, documented] of Object.entries(route.responses)) {
        if (documented.schema && /json/.test(documented.contentType ?? '')) {
          response[status.replace(/XX$/i, 'xx')] = documented.schema;
        }
      }
    }
    fastify.route({
      method: route.method.toUpperCase() as HTTPMethods,
      url: route.path.replace(/\{([^}]+)\}/g, ':$1'),
      schema: { ...route.schema, response },
      // Security and telemetry read the operation from the route the router matched, never from the raw URL.
      config: { operationId: route.operationId },
      preValidation: async (request, reply) => {
        if (!route.bodyType) return;
        const present = request.body !== undefined && request.headers['content-length'] !== '0';
        if (present && mediaType(request.headers['content-type']) !== route.bodyType) {
          return send(
            reply,
            'UNSUPPORTED_MEDIA_TYPE',
            `send ${route.bodyType}, not "${request.headers['content-type'] ?? ''}"`,
          );
        }
        if (!present && route.bodyRequired) {
          return send(reply, 'VALIDATION_FAILED', 'request body is required', {
            errors: [{ in: 'body', path: '', message: 'is required' }],
          });
        }
      },
      handler: async (request, reply) => {
        const traceId = traceIdOf(request);
        const result = await handler(
          { params: request.params, query: request.query, headers: request.headers, body: request.body },
          { operationId: route.operationId, traceId, request, reply },
        );
        const documented = statusMatches(route.responses, result.status);
        if (options.validateResponses) {
          const errors = documented
            ? ajvErrors(
                responseValidators.get(documented)?.(result.body) === false
                  ? responseValidators.get(documented)!.errors
                  : [],
              )
            : [{ path: '', keyword: 'status', message: `status ${result.status} is not documented` }];
          if (errors.length > 0) {
            const violation = { operationId: route.operationId, status: result.status, traceId, errors };
            if (options.onResponseViolation) options.onResponseViolation(violation);
            else request.log.error({ violation }, 'response violates the contract');
            throw new ResponseSchemaViolationError(violation);
          }
        }
        reply.code(result.status);
        if (result.headers) reply.headers(result.headers);
        if (result.body === undefined) return reply.send();
        const contentType = documented ? route.responses[documented]?.contentType : undefined;
        if (contentType) reply.type(contentType);
        return reply.send(result.body);
      },
    });
  }
}
