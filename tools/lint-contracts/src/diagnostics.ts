export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** One finding, located 1-based in the file that holds it (which may be a $ref'ed JSON Schema). */
export interface ContractDiagnostic {
  /** Relative to the lint root when inside it, absolute otherwise; always with `/` separators. */
  file: string;
  line: number;
  column: number;
  severity: Severity;
  /** Spectral rule id (`croupier-*`, `oas3-*`, `asyncapi-*`) or an @asyncapi/parser diagnostic code. */
  rule: string;
  message: string;
  /** JSON path inside `file`. */
  path: Array<string | number>;
}

export interface LintResult {
  /** The contract documents linted, as given to the linters (relative to the root). */
  files: string[];
  diagnostics: ContractDiagnostic[];
  errors: number;
  warnings: number;
  ok: boolean;
}

/** Spectral and @asyncapi/parser both number severities as DiagnosticSeverity (0 = error … 3 = hint). */
export function severityName(level: number): Severity {
  return (['error', 'warning', 'info', 'hint'] as const)[level] ?? 'hint';
}

/** Both linters may report the same schema violation; keep one per place and rule. */
export function dedupe(diagnostics: ContractDiagnostic[]): ContractDiagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}\u0000${d.line}\u0000${d.column}\u0000${d.rule}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

export function sortDiagnostics(diagnostics: ContractDiagnostic[]): ContractDiagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      ORDER[a.severity] - ORDER[b.severity],
  );
}
