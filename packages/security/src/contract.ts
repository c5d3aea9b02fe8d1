import { readFileSync } from 'node:fs';
import { openapiContract } from '@croupier/contracts';
import { parse } from 'yaml';
import { SecurityConfigError } from './errors.ts';

/**
 * What security needs to know about one operation. The generated `operations` table
 * (`generated/server/src/operations.ts`) has exactly these fields, so it can be passed as is.
 */
export interface OperationSecurity {
  readonly operationId: string;
  readonly method: string;
  /** OpenAPI template, e.g. `/v1/sessions/{session_id}`. */
  readonly path: string;
  /** Every scope any security requirement of the operation names. */
  readonly scopes: readonly string[];
  /** OpenAPI security requirements: alternatives (OR) of schemes that must all hold (AND); `[]` = public. */
  readonly security: ReadonlyArray<Readonly<Record<string, readonly string[]>>>;
}

export type OperationTable = Readonly<Record<string, OperationSecurity>>;

export const defaultContractPath = openapiContract;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

interface OpenApiDocument {
  security?: Array<Record<string, string[]>>;
  paths?: Record<
    string,
    Record<string, { operationId?: string; security?: Array<Record<string, string[]>> }>
  >;
  'x-error-catalogue'?: Record<string, { status: number; retryable: boolean }>;
}

function readDocument(path: string): OpenApiDocument {
  try {
    return parse(readFileSync(path, 'utf8')) as OpenApiDocument;
  } catch (error) {
    throw new SecurityConfigError(
      'CONTRACT_UNREADABLE',
      `cannot read the contract at ${path}: ${String(error)}`,
    );
  }
}

/**
 * Reads each operation's scopes from the OpenAPI document itself, for when the generated operations
 * table is not at hand. Scopes are never listed by hand: the contract decides them.
 */
export function loadOperationSecurity(
  contractPath: string = defaultContractPath,
): Record<string, OperationSecurity> {
  const doc = readDocument(contractPath);
  const table: Record<string, OperationSecurity> = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op?.operationId) continue;
      const security = op.security ?? doc.security ?? [];
      const scopes = [
        ...new Set(security.flatMap((requirement) => Object.values(requirement).flat())),
      ].sort();
      table[op.operationId] = {
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        scopes,
        security,
      };
    }
  }
  return table;
}

/** The contract's `x-error-catalogue`, for checking the security codes against it. */
export function loadErrorCatalogue(
  contractPath: string = defaultContractPath,
): Record<string, { status: number; retryable: boolean }> {
  return readDocument(contractPath)['x-error-catalogue'] ?? {};
}

/** Scopes the operation's requirements demand for a scheme (`oauth2`), or `[]` when the operation is public. */
export function requiredScopes(operation: OperationSecurity, scheme = 'oauth2'): string[] {
  const requirement = operation.security.find((r) => scheme in r);
  return requirement ? [...(requirement[scheme] ?? [])] : [];
}

export function isPublic(operation: OperationSecurity): boolean {
  return operation.security.length === 0 || operation.security.some((r) => Object.keys(r).length === 0);
}

function templateMatcher(path: string): RegExp {
  const escaped = path
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}/?$`);
}

/** Finds the operation a request is for, by method and concrete path (query ignored). */
export function createOperationMatcher(table: OperationTable) {
  const entries = Object.values(table).map((op) => ({ op, matcher: templateMatcher(op.path) }));
  return (method: string, url: string): OperationSecurity | undefined => {
    const path = url.split('?')[0] ?? url;
    const upper = method.toUpperCase();
    const wanted = upper === 'HEAD' ? ['HEAD', 'GET'] : [upper];
    // A literal segment beats a template segment, as routers do: `/a/end` before `/a/{id}`.
    return entries
      .filter((e) => wanted.includes(e.op.method.toUpperCase()) && e.matcher.test(path))
      .sort(
        (a, b) => b.op.path.replace(/\{[^}]+\}/g, '').length - a.op.path.replace(/\{[^}]+\}/g, '').length,
      )[0]?.op;
  };
}
