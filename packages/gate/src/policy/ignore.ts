/**
 * `.croupier-gate-ignore.yaml`: a team accepts a named finding on a named path, with a reason and an expiry.
 * An expired entry stops suppressing and is itself reported, so acceptances cannot quietly become permanent.
 *
 *   - id: response-property-enum-removed
 *     path: GET /v1/bets/{id}          # an operation, or a JSON pointer prefix in base or head
 *     reason: clients treat status as an open string (ticket PAY-123)
 *     expires: 2026-12-31
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Finding } from '../model.ts';
import { parseSunset } from '../openapi/lifecycle.ts';

export interface IgnoreEntry {
  id: string;
  path: string;
  reason: string;
  expires: string;
}

export function readIgnoreFile(file: string): unknown[] {
  if (!existsSync(file)) return [];
  const doc = parse(readFileSync(file, 'utf8')) as unknown;
  const list = Array.isArray(doc) ? doc : ((doc as { ignore?: unknown[] } | null)?.ignore ?? []);
  return Array.isArray(list) ? list : [];
}

function matches(entry: IgnoreEntry, f: Finding): boolean {
  if (entry.id !== f.id) return false;
  if (entry.path === '*' || f.operation === entry.path) return true;
  return [f.base, f.head, f.baseDefinition, f.headDefinition].some(
    (loc) => loc !== undefined && entry.path.startsWith('/') && loc.pointer.startsWith(entry.path),
  );
}

/** Marks suppressed findings and returns the findings about the ignore file itself. */
export function applyIgnores(findings: Finding[], raw: unknown[], now: Date, file: string): Finding[] {
  const problems: Finding[] = [];
  raw.forEach((item, i) => {
    const e = (item ?? {}) as Record<string, unknown>;
    const expires =
      e.expires instanceof Date ? e.expires.toISOString().slice(0, 10) : String(e.expires ?? '');
    const date = parseSunset(expires);
    const where = { file, pointer: `/${i}` };
    if (
      typeof e.id !== 'string' ||
      typeof e.path !== 'string' ||
      typeof e.reason !== 'string' ||
      e.reason.trim() === '' ||
      !date
    ) {
      problems.push({
        id: 'ignore-entry-invalid',
        level: 'error',
        part: 'breaking',
        message: `${file} entry ${i + 1}: needs id, path, a non-empty reason and expires: YYYY-MM-DD`,
        head: where,
      });
      return;
    }
    const entry: IgnoreEntry = { id: e.id, path: e.path, reason: e.reason, expires };
    if (date.getTime() < now.getTime()) {
      problems.push({
        id: 'ignore-entry-expired',
        level: 'warning',
        part: 'breaking',
        message: `${file} entry ${i + 1} (${entry.id} on ${entry.path}) expired on ${expires}; fix the finding or renew the entry with a new reason`,
        head: where,
      });
      return;
    }
    for (const f of findings)
      if (!f.suppressed && matches(entry, f)) f.suppressed = { reason: entry.reason, expires: entry.expires };
  });
  return problems;
}
