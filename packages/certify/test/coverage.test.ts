import { readFileSync } from 'node:fs';
import { file, serviceOrSkip } from '@croupier/test-services';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  allScenarios,
  Contract,
  coverage,
  coverageTable,
  DEFAULT_CONTRACT_PATH,
  RULES,
  scenarioListing,
  uncovered,
} from '../src/index.ts';

const contract = await Contract.load();
const scenarios = allScenarios(contract);
const README = new URL('../README.md', import.meta.url);
const BRIEF = '/work/shared/seed/provider-integration.md';

/** A markdown table's cells, whatever padding the formatter gave it. */
function cells(table: string): string[][] {
  return table.split('\n').map((line) => line.split('|').map((cell) => cell.trim().replace(/^-+$/, '---')));
}

describe('coverage: every error code of the contract and every rule of the brief has a scenario', () => {
  it('no catalogued error code and no rule is left without a scenario', () => {
    expect(uncovered(coverage(scenarios, contract))).toEqual([]);
  });

  it('covers names only codes of the catalogue and rules of the catalogue (no typo hides a gap)', () => {
    expect(coverage(scenarios, contract).unknown).toEqual([]);
  });

  it('fails the moment the contract gains a code no scenario exercises', async () => {
    const root = parse(readFileSync(DEFAULT_CONTRACT_PATH, 'utf8'));
    root['x-error-catalogue'].WALLET_ON_FIRE = { status: 503, retryable: true, description: 'new' };
    const grown = await Contract.resolve(DEFAULT_CONTRACT_PATH, root);
    expect(uncovered(coverage(allScenarios(grown), grown))).toEqual(['code WALLET_ON_FIRE']);
  });

  it('fails the moment a rule loses its last scenario', () => {
    const without = scenarios.map((s) =>
      s.id === 'error.kyc-denied' ? { ...s, covers: s.covers?.filter((c) => c !== 'kyc.denied') } : s,
    );
    expect(uncovered(coverage(without, contract))).toEqual(['rule kyc.denied']);
  });

  it("the README's table is the one the scenarios give (scripts/coverage-table.ts rewrites it)", () => {
    const text = readFileSync(README, 'utf8');
    const block = /<!-- coverage:start -->\n([\s\S]*)\n<!-- coverage:end -->/.exec(text)?.[1];
    expect(cells(block ?? '')).toEqual(cells(coverageTable(scenarios, contract)));
    expect(block).not.toContain('**none**');
  });

  it('every rule quotes the brief or the contract as its source', () => {
    for (const rule of RULES) expect(rule.source, rule.id).toMatch(/^(brief §|contract )/);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });

  it('the rules the brief names (its §3 emulators and test players, §6 scenarios, §8 compliance) are in the catalogue', async (ctx) => {
    const briefFile = file(BRIEF, 'clone shared/ beside the repository (CI does)');
    if (!(await serviceOrSkip(briefFile, "the brief's terms against the rules")))
      ctx.skip(`${BRIEF} is absent: the brief's terms cannot be checked against the rules`);
    const brief = readFileSync(BRIEF, 'utf8');
    // Each term as the brief writes it, and the rule that must carry it.
    const terms: Array<[string, string]> = [
      ['KYC/AML responses (allow/deny/pending)', 'kyc.pending'],
      ['KYC/AML responses (allow/deny/pending)', 'kyc.denied'],
      ['self-exclusion', 'rg.self-exclusion'],
      ['loss limit', 'rg.loss-limit'],
      ['time → prohibit bet', 'rg.time-limit'],
      ['max bet', 'bonus.max-bet'],
      ['deadlines', 'bonus.deadline'],
      ['contribution by game type', 'bonus.contribution'],
      ["same'X-Idempotency-Key' → the same response", 'idempotency.same-answer'],
      ["Out-of-order: 'settle' came without 'authorize'", 'out-of-order'],
      ['Rollback chains', 'rollback-chains'],
      ['Delivery doubles', 'chaos.delivery-doubles'],
      ['outbox/CDC delays', 'chaos.outbox-delay'],
      ['region "dump,"', 'chaos.region-outage'],
      ['partial settlement', 'chaos.partial-settlement'],
      ['Time-sky', 'chaos.time-skew'],
      ['Data residency', 'data-residency.region'],
      ['"red button" - stop new sessions', 'degradation.no-new-sessions'],
      ['p_demo_1 (EUR), p_demo_2 (USD), p_blocked_rg (denied), p_low_balance', 'test-players'],
    ];
    const ids = new Set(RULES.map((r) => r.id));
    for (const [term, rule] of terms) {
      expect(brief, `the brief no longer says "${term}"`).toContain(term);
      expect(ids.has(rule), rule).toBe(true);
    }
  });

  it('`croupier certify --list` shows what each scenario covers', () => {
    const listing = scenarioListing(scenarios).join('\n');
    expect(listing).toMatch(/error\.kyc-denied .*\n\s+covers: KYC_DENIED, kyc\.denied/);
    expect(listing).toMatch(/events\.clock-skew .*\n\s+covers: events\.clock/);
  });
});
