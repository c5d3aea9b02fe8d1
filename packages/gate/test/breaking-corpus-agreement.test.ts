import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CorpusResult, readCorpus, runCorpusCase } from '../src/conformance/corpus.ts';
import { serviceOrSkip, shared } from '@croupier/test-services';
import { sharedDir } from './shared.ts';

const hasShared = await serviceOrSkip(shared('fixtures'), 'the breaking-corpus agreement');

const DOC = path.resolve(import.meta.dirname, '../docs/breaking-corpus-disagreements.md');

/** Case names listed in the disagreements table (rows start with | `name` |). */
function listed(): string[] {
  return [...readFileSync(DOC, 'utf8').matchAll(/^\| `([^`]+)` *\|/gm)].map((m) => m[1] ?? '').sort();
}

describe.skipIf(!hasShared)(
  'agreement with the independent breaking-change corpus (openapi-diff, libopenapi, asyncapi/diff)',
  () => {
    it('agrees on at least 97% of `--only breaking` verdicts, and every disagreement is explained', async () => {
      const results: CorpusResult[] = [];
      for (const c of readCorpus(sharedDir)) results.push(await runCorpusCase(sharedDir, c));
      const agreed = results.filter((r) => r.agrees).length;
      console.log(
        `breaking-corpus agreement: ${agreed}/${results.length} (${((100 * agreed) / results.length).toFixed(1)}%)`,
      );
      for (const r of results.filter((x) => !x.agrees))
        console.log(`  ${r.name}: expected ${r.expected}, gate ${r.ours} ${r.errors.join(', ')}`);
      expect(agreed / results.length).toBeGreaterThanOrEqual(0.97);
      expect(listed()).toEqual(
        results
          .filter((r) => !r.agrees)
          .map((r) => r.name)
          .sort(),
      );
    });
  },
);
