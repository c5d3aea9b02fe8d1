import type { ApiModel, OperationModel } from './model.ts';

const q = (value: string) => JSON.stringify(value);

/** `paths["/v1/x"]["post"]`: openapi-typescript names every operation this way, with or without an operationId. */
export function operationType(op: OperationModel): string {
  return `paths[${q(op.path)}][${q(op.method)}]`;
}

export function isSuccess(status: string): boolean {
  return /^2(\d\d|XX)$/i.test(status);
}

export function statusType(status: string): string {
  return /^\d{3}$/.test(status) ? status : 'number';
}

/** The operation table: security and the platform use it, so scopes come from the contract, never a hand list. */
export function operationsTableCode(model: ApiModel): string {
  const rows = model.operations.map((op) => {
    const fields = [
      `operationId: ${q(op.operationId)}`,
      `method: ${q(op.method.toUpperCase())}`,
      `path: ${q(op.path)}`,
      `tags: ${JSON.stringify(op.tags)}`,
      `scopes: ${JSON.stringify(op.scopes)}`,
      `security: ${JSON.stringify(op.security)}`,
      `deprecated: ${op.deprecated}`,
      `sunset: ${op.sunset ? q(op.sunset) : 'undefined'}`,
      `bodyType: ${op.body ? q(op.body.contentType) : 'undefined'}`,
    ];
    return `  ${q(op.operationId)}: { ${fields.join(', ')} },`;
  });
  return [
    'export interface OperationInfo {',
    '  readonly operationId: string;',
    '  readonly method: string;',
    '  readonly path: string;',
    '  readonly tags: readonly string[];',
    '  /** Every scope any security requirement of the operation names. */',
    '  readonly scopes: readonly string[];',
    '  /** OpenAPI security requirements: alternatives (OR) of schemes that must all hold (AND). */',
    '  readonly security: ReadonlyArray<Readonly<Record<string, readonly string[]>>>;',
    '  readonly deprecated: boolean;',
    '  /** `x-sunset` of the operation: the date after which it may be removed. */',
    '  readonly sunset: string | undefined;',
    '  readonly bodyType: string | undefined;',
    '}',
    '',
    'export const operations = {',
    ...rows,
    '} as const satisfies Record<string, OperationInfo>;',
    '',
    'export type OperationId = keyof typeof operations;',
    '',
  ].join('\n');
}

export function errorCatalogueCode(model: ApiModel): string {
  const codes = model.errorCodes;
  const rows = Object.entries(model.errorCatalogue).map(
    ([code, entry]) =>
      `  ${q(code)}: { status: ${entry.status}, retryable: ${entry.retryable}, description: ${q(entry.description)} },`,
  );
  return [
    "/** Codes of the contract's `ErrorCode` enum and `x-error-catalogue`. */",
    `export type ErrorCode = ${codes.length ? codes.map(q).join(' | ') : 'string'};`,
    '',
    'export interface ErrorCatalogueEntry {',
    '  readonly status: number;',
    '  readonly retryable: boolean;',
    '  readonly description: string;',
    '}',
    '',
    "/** From the contract's `x-error-catalogue`: the one place a code's status and retryability are decided. */",
    'export const errorCatalogue = {',
    ...rows,
    '} as const satisfies Record<string, ErrorCatalogueEntry>;',
    '',
  ].join('\n');
}
