/**
 * Runs the gate on oasdiff's own checker cases (`../shared/fixtures/oasdiff/manifest.json`) with the options
 * oasdiff was given, and compares the breaking verdict and the reported ids. Shared by the agreement test and
 * the benchmark.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadDocument } from '../load/document.ts';
import type { Finding } from '../model.ts';
import type { Stability } from '../openapi/context.ts';
import { compareOpenApi } from '../openapi/compare.ts';

export interface OasdiffCase {
  id: string;
  base: string;
  revision: string;
  expected: Array<{ id: string; level: 'ERR' | 'WARN' | 'INFO' }>;
  breaking: boolean | null;
  options: {
    checks: 'all' | string[];
    scope_ids?: string[];
    min_level: 'ERR' | 'WARN' | 'INFO';
    match: 'exact' | 'contains';
    count?: number;
    absent?: string[];
    min_sunset_beta_days?: number;
    min_sunset_stable_days?: number;
    stability_level?: Stability;
    flatten_params?: boolean;
  };
}

/** Our ids that name the same change as an oasdiff id; every other id of ours is its own (no oasdiff twin). */
export const OUR_ID_TO_OASDIFF: Record<string, string> = {
  'request-property-removed-from-closed-schema': 'request-property-removed',
  'api-path-removed-without-sunset': 'api-path-removed-with-deprecation',
  'api-removed-without-sunset': 'api-removed-with-deprecation',
  'request-parameter-removed-without-sunset': 'request-parameter-removed-with-deprecation',
};

const LEVEL_RANK = { INFO: 0, WARN: 1, ERR: 2 } as const;
const OURS_TO_OASDIFF_LEVEL = { info: 'INFO', warning: 'WARN', error: 'ERR' } as const;

/** A clock inside the window the fixtures were written for (past = 2022/2023, future = 2099). */
export const CONFORMANCE_NOW = new Date('2026-06-01T00:00:00Z');

export interface CaseResult {
  id: string;
  expectedBreaking: boolean | null;
  ourBreaking: boolean;
  verdictAgrees: boolean | null;
  idsAgree: boolean;
  /** Our ids (mapped to oasdiff's, within scope and level) and what oasdiff expected. */
  ours: string[];
  expected: string[];
  /** Our error-level findings in scope, to explain a disagreement. */
  errors: string[];
  ms: number;
}

export function readManifest(sharedDir: string): OasdiffCase[] {
  return JSON.parse(
    readFileSync(path.join(sharedDir, 'fixtures/oasdiff/manifest.json'), 'utf8'),
  ) as OasdiffCase[];
}

export async function runCase(sharedDir: string, c: OasdiffCase): Promise<CaseResult> {
  const dir = path.join(sharedDir, 'fixtures/oasdiff');
  const started = performance.now();
  const base = await loadDocument(path.join(dir, c.base));
  const head = await loadDocument(path.join(dir, c.revision));
  const findings = compareOpenApi(base, head, {
    now: CONFORMANCE_NOW,
    sunsetPolicy: 'oasdiff',
    stabilityLevel: c.options.stability_level ?? 'beta',
    flattenParams: c.options.flatten_params ?? false,
    minSunsetDays: {
      beta: c.options.min_sunset_beta_days ?? 0,
      stable: c.options.min_sunset_stable_days ?? 0,
    },
  });
  const ms = performance.now() - started;
  return judge(c, findings, ms);
}

export function judge(c: OasdiffCase, findings: Finding[], ms: number): CaseResult {
  // oasdiff's registry files a few ids (sunset parse errors) under another check than the one that emits
  // them, so an id the case expects is in scope even when the registry says otherwise.
  const scope =
    c.options.checks === 'all'
      ? undefined
      : new Set([...(c.options.scope_ids ?? []), ...c.expected.map((e) => e.id)]);
  const minRank = LEVEL_RANK[c.options.min_level];
  const inScope = findings
    .map((f) => ({ id: OUR_ID_TO_OASDIFF[f.id] ?? f.id, level: OURS_TO_OASDIFF_LEVEL[f.level] }))
    .filter((f) => (scope ? scope.has(f.id) : true))
    .filter((f) => LEVEL_RANK[f.level] >= minRank);
  const ours = inScope.map((f) => f.id).sort();
  const expected = c.expected.map((e) => e.id).sort();
  const errors = inScope.filter((f) => f.level === 'ERR').map((f) => f.id);
  const ourBreaking = errors.length > 0;
  let idsAgree: boolean;
  if (c.options.match === 'exact')
    idsAgree = ours.length === expected.length && ours.every((id, i) => id === expected[i]);
  else {
    idsAgree =
      expected.every((id) => ours.includes(id)) && !(c.options.absent ?? []).some((id) => ours.includes(id));
    if (c.options.count !== undefined) idsAgree &&= ours.length === c.options.count;
  }
  return {
    id: c.id,
    expectedBreaking: c.breaking,
    ourBreaking,
    verdictAgrees: c.breaking === null ? null : c.breaking === ourBreaking,
    idsAgree,
    ours,
    expected,
    errors,
    ms,
  };
}
