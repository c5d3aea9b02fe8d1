import { type ClientCredentials, type Secured, type SignatureAlgorithm, secure } from './credentials.ts';
import { ApiError, type ClientErrorCode } from './errors.ts';
import { backoffDelay, RetryBudget, type RetryBudgetOptions } from './retry.ts';

/** What the `sign` hook sees: exactly the bytes that go on the wire, so a body signature verifies. */
export interface SignableRequest {
  method: string;
  /** Path and query, e.g. `/v1/bets/authorize?x=1`. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

export type SignHook = (request: SignableRequest) => Promise<Record<string, string>> | Record<string, string>;

export interface RetryOptions {
  /** Attempts per call including the first; 1 disables retries. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A shared budget, options for a new one, or `false` to retry without a budget (tests only). */
  budget?: RetryBudget | RetryBudgetOptions | false;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ClientOptions {
  baseUrl: string;
  /** Sent on every call: set the tenant headers once here. */
  brandId?: string;
  providerId?: string;
  region?: string;
  headers?: Record<string, string>;
  /** Per-attempt timeout; a timed-out attempt is retried. */
  timeoutMs?: number;
  retry?: RetryOptions;
  sign?: SignHook;
  /**
   * A provider's credentials: the path of the JSON `croupier sandbox keys` writes, or the same fields.
   * The client then presents the client certificate (mTLS), sends an OAuth2 client-credentials token
   * (cached, renewed before it expires) and signs every request body. Node only.
   */
  credentials?: string | ClientCredentials;
  /** With `credentials`: sign with this key (default Ed25519 when the credentials have one). */
  signWith?: SignatureAlgorithm;
  fetch?: typeof fetch;
  newIdempotencyKey?: () => string;
  newTraceId?: () => string;
  onRetry?: (event: { operationId: string; attempt: number; delayMs: number; error: ApiError }) => void;
}

export interface CallOptions {
  /** Reused on every retry of this call; one is created for unsafe methods when absent. */
  idempotencyKey?: string;
  traceId?: string;
  timeoutMs?: number;
  maxAttempts?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface ApiResponse<TStatus extends number = number, TBody = unknown> {
  status: TStatus;
  body: TBody;
  headers: Record<string, string>;
  traceId: string;
  idempotencyKey: string | undefined;
  attempts: number;
}

export interface OperationSpec {
  operationId: string;
  method: string;
  path: string;
  /** Request content type; absent when the operation takes no body. */
  bodyType?: string;
}

export interface OperationRequest {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: unknown;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function randomId(): string {
  return globalThis.crypto.randomUUID();
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function setHeader(headers: Record<string, string>, name: string, value: string): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
  headers[name] = value;
}

function appendQuery(params: URLSearchParams, name: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) for (const item of value) appendQuery(params, name, item);
  else if (typeof value === 'object') params.append(name, JSON.stringify(value));
  else params.append(name, String(value));
}

function encodeBody(contentType: string, body: unknown): string {
  if (body === undefined) return '';
  if (/^application\/(.+\+)?json/.test(contentType)) return JSON.stringify(body);
  if (contentType === 'application/x-www-form-urlencoded') {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
      appendQuery(params, name, value);
    }
    return params.toString();
  }
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function responseHeaders(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

/** The contract's error schema; anything else on an error status is an unexpected response. */
function isContractError(body: unknown): body is { code: string; message: string; retryable: boolean } {
  const candidate = body as { code?: unknown; message?: unknown; retryable?: unknown } | null;
  return (
    !!candidate &&
    typeof candidate === 'object' &&
    typeof candidate.code === 'string' &&
    typeof candidate.retryable === 'boolean'
  );
}

/**
 * The hand-written half of the generated client: one `call` runs an operation with idempotency keys,
 * trace ids, timeouts, signing, and bounded, budgeted retries. Generated methods only describe operations.
 */
export class HttpRuntime {
  private readonly fetchImpl: typeof fetch;
  private readonly budget: RetryBudget | undefined;
  private readonly defaults: Record<string, string>;
  /** Credentials are read on the first call (files, keys, the token), not in the constructor. */
  private secured: Promise<Secured> | undefined;

  constructor(readonly options: ClientOptions) {
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const budget = options.retry?.budget;
    this.budget =
      budget === false ? undefined : budget instanceof RetryBudget ? budget : new RetryBudget(budget);
    this.defaults = { ...(options.headers ?? {}) };
    if (options.brandId) this.defaults['X-Brand-Id'] = options.brandId;
    if (options.providerId) this.defaults['X-Provider-Id'] = options.providerId;
    if (options.region) this.defaults['X-Region'] = options.region;
  }

  async call<TResponse>(
    spec: OperationSpec,
    request: OperationRequest,
    options: CallOptions = {},
  ): Promise<TResponse> {
    const method = spec.method.toUpperCase();
    const secured = this.options.credentials ? await this.secure(this.options.credentials) : undefined;
    const headers: Record<string, string> = { ...secured?.tenantHeaders, ...this.defaults };
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (value !== undefined && value !== null) setHeader(headers, name, String(value));
    }
    for (const [name, value] of Object.entries(options.headers ?? {})) setHeader(headers, name, value);
    const traceId =
      options.traceId ?? headerValue(headers, 'X-Trace-Id') ?? (this.options.newTraceId ?? randomId)();
    setHeader(headers, 'X-Trace-Id', traceId);
    let idempotencyKey = options.idempotencyKey ?? headerValue(headers, 'X-Idempotency-Key');
    if (!idempotencyKey && !SAFE_METHODS.has(method))
      idempotencyKey = (this.options.newIdempotencyKey ?? randomId)();
    if (idempotencyKey) setHeader(headers, 'X-Idempotency-Key', idempotencyKey);

    const path = spec.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
      encodeURIComponent(String(request.path?.[name] ?? '')),
    );
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) appendQuery(query, name, value);
    const pathAndQuery = query.size > 0 ? `${path}?${query.toString()}` : path;
    const body = spec.bodyType ? encodeBody(spec.bodyType, request.body) : '';
    if (spec.bodyType && request.body !== undefined) setHeader(headers, 'Content-Type', spec.bodyType);

    const retry = this.options.retry ?? {};
    const maxAttempts = Math.max(1, options.maxAttempts ?? retry.maxAttempts ?? 3);
    const sleep = retry.sleep ?? defaultSleep;
    const policy = {
      baseDelayMs: retry.baseDelayMs ?? 100,
      maxDelayMs: retry.maxDelayMs ?? 2_000,
      random: retry.random ?? Math.random,
    };
    this.budget?.recordRequest();
    for (let attempt = 0; ; attempt++) {
      const attemptHeaders = { ...headers };
      if (secured) {
        const signed = await secured.sign({ method, path: pathAndQuery, headers: { ...headers }, body });
        for (const [name, value] of Object.entries(signed)) setHeader(attemptHeaders, name, value);
      }
      if (this.options.sign) {
        const signature = await this.options.sign({
          method,
          path: pathAndQuery,
          headers: { ...headers },
          body,
        });
        for (const [name, value] of Object.entries(signature)) setHeader(attemptHeaders, name, value);
      }
      const outcome = await this.attempt(spec, method, pathAndQuery, attemptHeaders, body, {
        traceId,
        idempotencyKey,
        attempts: attempt + 1,
        timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? 10_000,
        signal: options.signal,
        secured,
      });
      if (!(outcome instanceof ApiError)) return outcome as TResponse;
      const canRetry = outcome.retryable && attempt + 1 < maxAttempts && (this.budget?.tryRetry() ?? true);
      if (!canRetry) throw outcome;
      const retryAfterMs = (outcome.retryAfterSeconds ?? 0) * 1000;
      const delayMs = Math.min(policy.maxDelayMs, Math.max(backoffDelay(attempt, policy), retryAfterMs));
      this.options.onRetry?.({
        operationId: spec.operationId,
        attempt: attempt + 1,
        delayMs,
        error: outcome,
      });
      await sleep(delayMs);
    }
  }

  private secure(credentials: string | ClientCredentials): Promise<Secured> {
    this.secured ??= secure(this.options.baseUrl, credentials, this.options.signWith);
    // A failed load (unreadable file) is reported on this call and retried on the next.
    this.secured.catch(() => {
      this.secured = undefined;
    });
    return this.secured;
  }

  private async attempt(
    spec: OperationSpec,
    method: string,
    pathAndQuery: string,
    headers: Record<string, string>,
    body: string,
    context: {
      traceId: string;
      idempotencyKey: string | undefined;
      attempts: number;
      timeoutMs: number;
      signal: AbortSignal | undefined;
      secured: Secured | undefined;
    },
  ): Promise<ApiResponse | ApiError> {
    const failure = (
      code: ClientErrorCode,
      message: string,
      retryable: boolean,
      status = 0,
      cause?: unknown,
      body?: unknown,
    ) =>
      new ApiError<string, unknown>({
        body,
        code,
        message,
        status,
        retryable,
        trace_id: context.traceId,
        operationId: spec.operationId,
        attempts: context.attempts,
        cause,
      });
    const timeout = AbortSignal.timeout(context.timeoutMs);
    const signal = context.signal ? AbortSignal.any([context.signal, timeout]) : timeout;
    const url = this.options.baseUrl.replace(/\/+$/, '') + pathAndQuery;
    let response: Response;
    let text: string;
    try {
      const send = (!this.options.fetch && context.secured?.fetch) || this.fetchImpl;
      response = await send(url, {
        method,
        headers,
        body: method === 'GET' || method === 'HEAD' || !spec.bodyType ? undefined : body,
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (context.signal?.aborted)
        return failure('CLIENT_ABORTED', 'the caller aborted the call', false, 0, error);
      if (timeout.aborted) {
        return failure('CLIENT_TIMEOUT', `no answer within ${context.timeoutMs} ms`, true, 0, error);
      }
      return failure(
        'CLIENT_NETWORK_ERROR',
        `connection failed: ${(error as Error).message}`,
        true,
        0,
        error,
      );
    }
    const headersOut = responseHeaders(response);
    const traceId = headersOut['x-trace-id'] ?? context.traceId;
    const contentType = headersOut['content-type'] ?? '';
    let parsed: unknown = text;
    if (/^application\/(.+\+)?json/.test(contentType) && text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        return failure(
          'UNEXPECTED_RESPONSE',
          `status ${response.status} with a body that is not JSON`,
          false,
          response.status,
          error,
        );
      }
    } else if (text.length === 0) {
      parsed = undefined;
    }
    if (response.status >= 200 && response.status < 300) {
      return {
        status: response.status,
        body: parsed,
        headers: headersOut,
        traceId,
        idempotencyKey: context.idempotencyKey,
        attempts: context.attempts,
      };
    }
    if (isContractError(parsed)) {
      const retryAfter = Number(headersOut['retry-after']);
      return new ApiError({
        code: parsed.code,
        message: parsed.message ?? '',
        status: response.status,
        retryable: parsed.retryable,
        trace_id: traceId,
        body: parsed,
        operationId: spec.operationId,
        attempts: context.attempts,
        retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      });
    }
    return failure(
      'UNEXPECTED_RESPONSE',
      `status ${response.status} without the contract's error body (content-type "${contentType}")`,
      false,
      response.status,
      undefined,
      parsed,
    );
  }
}
