/** Errors the gate raises for bad input; the CLI maps them to exit code 2 with file, line and reason. */
export type GateErrorCode =
  | 'PARSE_ERROR'
  | 'LOAD_ERROR'
  | 'USAGE_ERROR'
  | 'GIT_ERROR'
  | 'UNSUPPORTED_DOCUMENT';

export class GateError extends Error {
  readonly code: GateErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  constructor(code: GateErrorCode, message: string, where: { file?: string; line?: number } = {}) {
    super(message);
    this.name = 'GateError';
    this.code = code;
    this.file = where.file;
    this.line = where.line;
  }
}
