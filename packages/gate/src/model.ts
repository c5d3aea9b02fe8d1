/** Shared vocabulary of the gate: a finding is one named check firing at one place in base and/or head. */
import type { CheckId } from './checks/ids.ts';

export type Level = 'error' | 'warning' | 'info';

export const LEVEL_RANK: Record<Level, number> = { info: 0, warning: 1, error: 2 };

/** The part of the gate a check belongs to; `--only` selects one. */
export type Part = 'breaking' | 'lint' | 'semver' | 'deprecation';

export interface CheckDefinition {
  id: string;
  level: Level;
  /** Which part of the gate runs it. */
  part: Part;
  /** Grouping for `--list-checks`: paths, parameters, requestbody, responses, schema, security, events, ... */
  area: string;
  /** printf-style template: each `%s` takes the next message argument. */
  message: string;
  /** One line for `--list-checks`. */
  doc: string;
  /** Where the definition came from, so mapping to oasdiff is explicit. */
  origin: 'oasdiff' | 'croupier';
}

/** A place in one document: the file and the RFC 6901 pointer inside it, plus the line once known. */
export interface SourceLocation {
  file: string;
  pointer: string;
  line?: number;
}

export interface Finding {
  id: CheckId;
  level: Level;
  part: Part;
  message: string;
  /** `GET /pets/{id}` or a channel/message name; absent for document-wide findings. */
  operation?: string;
  /** Where the judged thing is used in base and head. */
  base?: SourceLocation;
  head?: SourceLocation;
  /** Where a `$ref`'d schema is defined, when the finding comes from one. */
  baseDefinition?: SourceLocation;
  headDefinition?: SourceLocation;
  /** Set when an ignore entry accepted the finding; it is then reported but never fails the gate. */
  suppressed?: { reason: string; expires: string };
}
