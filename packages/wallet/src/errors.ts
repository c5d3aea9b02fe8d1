import { type ErrorCode, errorCatalogue } from '@croupier/server';
import type { WalletEvent } from './events.ts';

export type { ErrorCode };

/**
 * A refusal the wallet answers on the wire. Status and retryability come from the contract's
 * `x-error-catalogue` (via the generated `errorCatalogue`), never from this package.
 * `events` are committed even though the operation is refused (e.g. `rg.limit.hit`).
 */
export class WalletError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly events: readonly WalletEvent[] = [],
  ) {
    super(message);
    this.name = 'WalletError';
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  get retryable(): boolean {
    return errorCatalogue[this.code].retryable;
  }
}

export const isWalletError = (error: unknown): error is WalletError => error instanceof WalletError;

/** The contract's `Error` body. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  trace_id: string;
  details?: Record<string, unknown>;
}

export function errorBody(
  code: ErrorCode,
  message: string,
  traceId: string,
  details?: Record<string, unknown>,
): ErrorBody {
  return {
    code,
    message,
    retryable: errorCatalogue[code].retryable,
    trace_id: traceId,
    ...(details ? { details } : {}),
  };
}

export const statusOf = (code: ErrorCode): number => errorCatalogue[code].status;
