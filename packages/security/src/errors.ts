/**
 * The security codes of the contract's `x-error-catalogue`. A test checks this table against the
 * contract, so a change there fails here instead of drifting silently.
 */
export const securityErrors = {
  UNAUTHORIZED: { status: 401, retryable: false },
  SIGNATURE_INVALID: { status: 401, retryable: false },
  REPLAY_DETECTED: { status: 401, retryable: false },
  TIMESTAMP_OUT_OF_WINDOW: { status: 401, retryable: false },
  FORBIDDEN_SCOPE: { status: 403, retryable: false },
  FORBIDDEN_TENANT: { status: 403, retryable: false },
  REGION_MISMATCH: { status: 403, retryable: false },
} as const;

export type SecurityErrorCode = keyof typeof securityErrors;

export interface Rejection {
  ok: false;
  status: number;
  code: SecurityErrorCode;
  message: string;
}

export function reject(code: SecurityErrorCode, message: string): Rejection {
  return { ok: false, status: securityErrors[code].status, code, message };
}

/** The contract's error body: `{code, message, retryable, trace_id}`. */
export function errorBody(rejection: Rejection, traceId: string) {
  return {
    code: rejection.code,
    message: rejection.message,
    retryable: securityErrors[rejection.code].retryable,
    trace_id: traceId,
  };
}

/** Thrown by functions that have no rejection channel (bad configuration, malformed certificates). */
export class SecurityConfigError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'SecurityConfigError';
  }
}
