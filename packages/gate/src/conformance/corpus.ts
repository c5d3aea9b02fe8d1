/**
 * Runs the gate with `--only breaking` on the independent breaking-change corpus
 * (`../shared/fixtures/breaking-corpus/manifest.json`: pairs from openapi-diff's, libopenapi's and
 * asyncapi/diff's test suites, each with the verdict a client of the base sees) and compares verdicts.
 * Shared by the agreement test and the benchmark.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GateError } from '../errors.ts';
import { runGate } from '../gate.ts';
import { CONFORMANCE_NOW } from './oasdiff.ts';

export interface CorpusCase {
  name: string;
  base: string;
  head: string;
  expected: 'breaking' | 'non-breaking';
  source: string;
  why?: string;
}

export interface CorpusResult {
  name: string;
  expected: 'breaking' | 'non-breaking';
  /** `refused` when the gate exits 2 (a document it will not judge). */
  ours: 'breaking' | 'non-breaking' | 'refused';
  agrees: boolean;
  /** Error-level ids, or the refusal message, to explain a disagreement. */
  errors: string[];
}

export const CORPUS_DIR = 'fixtures/breaking-corpus';

export function readCorpus(sharedDir: string): CorpusCase[] {
  return JSON.parse(readFileSync(path.join(sharedDir, CORPUS_DIR, 'manifest.json'), 'utf8')) as CorpusCase[];
}

export async function runCorpusCase(sharedDir: string, c: CorpusCase): Promise<CorpusResult> {
  const dir = path.join(sharedDir, CORPUS_DIR);
  try {
    const report = await runGate(path.join(dir, c.base), path.join(dir, c.head), {
      only: 'breaking',
      now: CONFORMANCE_NOW,
    });
    const ours = report.failed ? 'breaking' : 'non-breaking';
    const errors = report.findings.filter((f) => f.level === 'error' && !f.suppressed).map((f) => f.id);
    return { name: c.name, expected: c.expected, ours, agrees: ours === c.expected, errors };
  } catch (error) {
    if (!(error instanceof GateError)) throw error;
    return { name: c.name, expected: c.expected, ours: 'refused', agrees: false, errors: [error.message] };
  }
}
