/** Codes the client itself produces when no contract error body is available. */
export type ClientErrorCode =
  | 'CLIENT_TIMEOUT'
  | 'CLIENT_NETWORK_ERROR'
  | 'CLIENT_ABORTED'
  | 'UNEXPECTED_RESPONSE';

/**
 * Every failure of a generated call: an error answer of the API (with its body) or a client-side failure
 * (status 0). `retryable` is what the retry loop acted on, so callers can make the same decision.
 */
export class ApiError<TCode extends string = string, TBody = unknown> extends Error {
  readonly code: TCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly trace_id: string;
  readonly body: TBody | undefined;
  readonly operationId: string;
  readonly attempts: number;
  /** From a `Retry-After` header (e.g. on 429), in seconds. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    code: TCode;
    message: string;
    status: number;
    retryable: boolean;
    trace_id: string;
    body?: TBody;
    operationId: string;
    attempts: number;
    retryAfterSeconds?: number;
    cause?: unknown;
  }) {
    super(`${init.operationId}: ${init.code}: ${init.message}`, { cause: init.cause });
    this.name = 'ApiError';
    this.code = init.code;
    this.status = init.status;
    this.retryable = init.retryable;
    this.trace_id = init.trace_id;
    this.body = init.body;
    this.operationId = init.operationId;
    this.attempts = init.attempts;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}
