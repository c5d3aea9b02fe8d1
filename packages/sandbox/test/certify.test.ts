import { BEHAVIOUR_RUN, DEFAULT_PROFILE, runCertification, verdictLines } from '@croupier/certify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxUnderTest } from './harness.ts';

let sut: SandboxUnderTest;
beforeAll(async () => {
  sut = await SandboxUnderTest.start();
});
afterAll(async () => {
  await sut.stop();
});

/** Every seeded player's balances (cash, bonus, held per currency), as the sandbox's admin API shows them. */
async function seededBalances(): Promise<Record<string, unknown>> {
  const listed = await sut.call('GET', '/sandbox/players');
  const players = listed.body.players as Array<{ player_id: string; seeded: boolean; balances: unknown }>;
  const seeded = players.filter((p) => p.seeded);
  expect(seeded.length).toBeGreaterThanOrEqual(8);
  return Object.fromEntries(seeded.map((p) => [p.player_id, p.balances]));
}

describe('croupier certify against the stateful sandbox (its fault buttons drive the chaos scenarios)', () => {
  it('passes every scenario, chaos and events included, and leaves the seeded players as they were', async () => {
    const seededBefore = await seededBalances();
    const run = await runCertification({
      target: sut.url,
      profile: DEFAULT_PROFILE,
      ...BEHAVIOUR_RUN,
    });
    expect(verdictLines(run, 'fail')).toEqual([]);
    expect(run.byCategory.chaos?.pass).toBeGreaterThanOrEqual(4);
    expect(run.byCategory.events?.pass).toBeGreaterThan(5);
    const skipped = verdictLines(run, 'skip');
    console.log(
      `certify vs sandbox: ${run.counts.pass} passed, ${skipped.length} skipped\n  ${skipped.join('\n  ')}`,
    );
    expect(await sut.cash()).toMatch(/^\d+\.\d{2}$/);
    // Certify bet with players it created through POST /sandbox/players; the seeded ones did not move.
    const created = run.players.filter((p) => p.source === 'created by certify');
    expect(created.map((p) => p.role)).toEqual(
      expect.arrayContaining(['main', 'second', 'bonus', 'lowBalance']),
    );
    expect(created.every((p) => p.id.startsWith('p_certify_'))).toBe(true);
    expect(run.players.filter((p) => p.source !== 'created by certify')).toEqual([]);
    expect(await seededBalances()).toEqual(seededBefore);
  }, 120_000);
});
