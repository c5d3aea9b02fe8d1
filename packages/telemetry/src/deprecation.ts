import type { Metrics } from './metrics.ts';
import type { OperationTable } from './operations.ts';

export interface DeprecatedOperation {
  operationId: string;
  /** When it was (or will be) deprecated; sent as the RFC 9745 date `@<unix seconds>`. Unknown: `true`. */
  deprecatedAt?: Date;
  /** `x-sunset`; sent as an RFC 8594 HTTP-date. */
  sunset?: Date;
  /** A page explaining the migration, sent as `Link: <url>; rel="deprecation"`. */
  link?: string;
}

export interface DeprecationUsage {
  operationId: string;
  providerId: string;
  calls: number;
  firstSeen: string;
  lastSeen: string;
  /** ISO date of the sunset, when the contract names one. */
  sunset: string | undefined;
}

/** Header value for callers that send no `X-Provider-Id` (the contract requires it; /health does not). */
export const UNKNOWN_PROVIDER = 'unknown';

function parseSunset(operationId: string, sunset: string): Date {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(sunset) ? `${sunset}T00:00:00Z` : sunset);
  if (Number.isNaN(date.getTime())) {
    throw new Error(
      `DEPRECATION_SUNSET_INVALID: x-sunset "${sunset}" of ${operationId} is not a date; write 2026-06-30`,
    );
  }
  return date;
}

/** The deprecated operations of a generated operations table (`deprecated: true`, `x-sunset`). */
export function deprecationsFromTable(operations: OperationTable): DeprecatedOperation[] {
  return Object.values(operations)
    .filter((op) => op.deprecated === true)
    .map((op) => ({
      operationId: op.operationId,
      ...(op.sunset ? { sunset: parseSunset(op.operationId, op.sunset) } : {}),
    }));
}

/**
 * Which deprecated operations are still called, and by which provider: the owners' list of whom to
 * chase before the sunset. In memory per process; `Metrics.recordDeprecatedCall` keeps the
 * fleet-wide count in Prometheus.
 */
export class DeprecationRegistry {
  private readonly byOperation: Map<string, DeprecatedOperation>;
  private readonly calls = new Map<string, DeprecationUsage>();

  constructor(
    operations: readonly DeprecatedOperation[],
    private readonly options: { metrics?: Metrics; now?: () => Date } = {},
  ) {
    this.byOperation = new Map(operations.map((op) => [op.operationId, op]));
  }

  static fromTable(operations: OperationTable, options: { metrics?: Metrics; now?: () => Date } = {}) {
    return new DeprecationRegistry(deprecationsFromTable(operations), options);
  }

  isDeprecated(operationId: string): boolean {
    return this.byOperation.has(operationId);
  }

  /** `Deprecation`, `Sunset` and `Link` headers for a response of this operation; empty when not deprecated. */
  headersFor(operationId: string): Record<string, string> {
    const op = this.byOperation.get(operationId);
    if (!op) return {};
    const headers: Record<string, string> = {
      deprecation: op.deprecatedAt ? `@${Math.floor(op.deprecatedAt.getTime() / 1000)}` : 'true',
    };
    if (op.sunset) headers.sunset = op.sunset.toUTCString();
    if (op.link) headers.link = `<${op.link}>; rel="deprecation"; type="text/html"`;
    return headers;
  }

  /** Counts one call of a deprecated operation; a no-op for any other. */
  record(operationId: string, providerId: string | undefined): void {
    const op = this.byOperation.get(operationId);
    if (!op) return;
    const provider = providerId && providerId.length > 0 ? providerId : UNKNOWN_PROVIDER;
    const now = (this.options.now?.() ?? new Date()).toISOString();
    const key = `${operationId}\u0000${provider}`;
    const entry = this.calls.get(key);
    if (entry) {
      entry.calls += 1;
      entry.lastSeen = now;
    } else {
      this.calls.set(key, {
        operationId,
        providerId: provider,
        calls: 1,
        firstSeen: now,
        lastSeen: now,
        sunset: op.sunset?.toISOString(),
      });
    }
    this.options.metrics?.recordDeprecatedCall(operationId, provider);
  }

  /** Who still calls what: one row per operation and provider, most calls first. */
  deprecationUsage(): DeprecationUsage[] {
    return [...this.calls.values()]
      .map((row) => ({ ...row }))
      .sort(
        (a, b) =>
          b.calls - a.calls ||
          a.operationId.localeCompare(b.operationId) ||
          a.providerId.localeCompare(b.providerId),
      );
  }
}
