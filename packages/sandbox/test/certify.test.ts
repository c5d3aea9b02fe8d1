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

describe('croupier certify against the stateful sandbox (its fault buttons drive the chaos scenarios)', () => {
  it('passes every scenario, chaos and events included', async () => {
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
  }, 120_000);
});
