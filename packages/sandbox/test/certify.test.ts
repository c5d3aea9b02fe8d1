import { DEFAULT_PROFILE, runCertification } from '@croupier/certify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxUnderTest } from './harness.ts';

let sut: SandboxUnderTest;
beforeAll(async () => {
  sut = await SandboxUnderTest.start();
});
afterAll(async () => {
  await sut.stop();
});

describe('croupier certify against the stateful sandbox (its fault buttons drive the chaos scenarios)', () => {
  it('passes every scenario, chaos and events included', async () => {
    const run = await runCertification({
      target: sut.url,
      profile: DEFAULT_PROFILE,
      loadDurationS: 0.5,
      loadRate: 40,
      // Behaviour, not speed: latency is measured by `pnpm bench`.
      sloP95Ms: 5_000,
      eventLagBudgetMs: 10_000,
    });
    const failed = run.results.filter((r) => r.verdict === 'fail').map((r) => `${r.id}: ${r.reason}`);
    expect(failed).toEqual([]);
    expect(run.byCategory.chaos?.pass).toBeGreaterThanOrEqual(4);
    expect(run.byCategory.events?.pass).toBeGreaterThan(5);
    const skipped = run.results.filter((r) => r.verdict === 'skip').map((r) => `${r.id}: ${r.reason}`);
    console.log(
      `certify vs sandbox: ${run.counts.pass} passed, ${skipped.length} skipped\n  ${skipped.join('\n  ')}`,
    );
    expect(await sut.cash()).toMatch(/^\d+\.\d{2}$/);
  }, 120_000);
});
