import type { FastifyRequest } from 'fastify';

/** The part of a generated `operations` table row (generated/server `operations.ts`) this package reads. */
export interface OperationEntry {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly deprecated?: boolean;
  /** `x-sunset`: a date (`2026-06-30`) or date-time after which the operation may be removed. */
  readonly sunset?: string | undefined;
}

export type OperationTable = Readonly<Record<string, OperationEntry>>;

/** Names the contract operation a request hit; undefined for unmatched routes (404s). */
export type OperationIdOf = (request: FastifyRequest) => string | undefined;

const routeKey = (method: string, url: string) => `${method.toUpperCase()} ${url}`;

/** OpenAPI `/v1/sessions/{session_id}` as Fastify registers it: `/v1/sessions/:session_id`. */
export function fastifyPath(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ':$1');
}

/**
 * Resolves the operationId from the generated operations table by the matched route, so a metric
 * label is a contract operation and never a raw URL (whose ids would explode cardinality).
 */
export function operationIdFromTable(operations: OperationTable, prefix = ''): OperationIdOf {
  const byRoute = new Map<string, string>();
  for (const op of Object.values(operations)) {
    byRoute.set(routeKey(op.method, `${prefix}${fastifyPath(op.path)}`), op.operationId);
  }
  return (request) => {
    const url = request.routeOptions?.url;
    if (!url) return undefined;
    const method = request.routeOptions.method;
    return byRoute.get(
      routeKey(Array.isArray(method) ? (method[0] ?? request.method) : (method ?? request.method), url),
    );
  };
}

/** Without a table: the matched route pattern (`POST /v1/bets/authorize`), still bounded in cardinality. */
export const routePatternOf: OperationIdOf = (request) => {
  const url = request.routeOptions?.url;
  return url ? routeKey(request.method, url) : undefined;
};
