import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CaseResult, readManifest, runCase } from '../src/conformance/oasdiff.ts';
import { serviceOrSkip, shared } from '@croupier/test-services';
import { sharedDir } from './shared.ts';

const hasShared = await serviceOrSkip(shared('fixtures'), 'the oasdiff agreement');

const DOC = path.resolve(import.meta.dirname, '../docs/oasdiff-disagreements.md');

/** Case ids listed in one `## ...` section of the disagreements file (rows start with | `CaseId` |). */
function listed(section: string): string[] {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf(`## ${section}`);
  if (start === -1) return [];
  const end = text.indexOf('\n## ', start + 3);
  return [...text.slice(start, end === -1 ? undefined : end).matchAll(/^\| `([^`]+)` *\|/gm)]
    .map((m) => m[1] ?? '')
    .sort();
}

describe.skipIf(!hasShared)('agreement with oasdiff on its own checker cases', () => {
  it('agrees on at least 98.5% of breaking verdicts, and every disagreement is explained', async () => {
    const results: CaseResult[] = [];
    for (const c of readManifest(sharedDir)) results.push(await runCase(sharedDir, c));
    const settled = results.filter((r) => r.verdictAgrees !== null);
    const verdictAgreed = settled.filter((r) => r.verdictAgrees).length;
    const idsAgreed = results.filter((r) => r.idsAgree).length;
    const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;
    console.log(
      `oasdiff agreement: verdict ${verdictAgreed}/${settled.length} (${pct(verdictAgreed, settled.length)}), ` +
        `check ids ${idsAgreed}/${results.length} (${pct(idsAgreed, results.length)})`,
    );
    // 98.5 % as printed (one decimal): 325 of 330 today.
    expect(Number(((100 * verdictAgreed) / settled.length).toFixed(1))).toBeGreaterThanOrEqual(98.5);
    const verdictMisses = settled
      .filter((r) => !r.verdictAgrees)
      .map((r) => r.id)
      .sort();
    const idMisses = results
      .filter((r) => !r.idsAgree && r.verdictAgrees !== false)
      .map((r) => r.id)
      .sort();
    expect(listed('Verdict disagreements')).toEqual(verdictMisses);
    expect(listed('Check-id disagreements')).toEqual(idMisses);
  });
});
