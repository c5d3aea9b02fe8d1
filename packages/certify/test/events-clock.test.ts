import { describe, expect, it } from 'vitest';
import { BEHAVIOUR_RUN, type RunResult, runCertification } from '../src/index.ts';
import { FAKE_PROFILE } from './certify-target.ts';
import { FakeWallet } from './fixtures/fake-wallet.ts';

/** A few rounds and the events phase against a fake whose event clock is off by `offsetMs`. */
async function certifyClock(offsetMs: number, clockSkewToleranceMs?: number): Promise<RunResult> {
  const wallet = new FakeWallet({ clockOffsetMs: offsetMs });
  const target = await wallet.start();
  try {
    return await runCertification({
      target,
      profile: FAKE_PROFILE,
      only: ['happy.winning-round', 'happy.rollback-round', 'events'],
      ...BEHAVIOUR_RUN,
      eventLagBudgetMs: 5_000,
      ...(clockSkewToleranceMs === undefined ? {} : { clockSkewToleranceMs }),
    });
  } finally {
    await wallet.stop();
  }
}

const verdict = (run: RunResult, id: string) => run.results.find((r) => r.id === id);

describe('events.clock-skew: occurred_at against the request that caused it, either way', () => {
  it('passes a clock 2 s ahead under the default 5 s tolerance', async () => {
    const run = await certifyClock(2_000);
    expect(verdict(run, 'events.clock-skew')?.verdict).toBe('pass');
    expect(verdict(run, 'events.lag-budget')?.verdict).toBe('pass');
  }, 30_000);

  it('fails the same clock under a 1 s tolerance, naming the events', async () => {
    const run = await certifyClock(2_000, 1_000);
    const skew = verdict(run, 'events.clock-skew');
    expect(skew?.verdict).toBe('fail');
    expect(skew?.reason).toMatch(
      /bet\.authorized [0-9a-f-]{36}: occurred_at \S+ is \d+ ms after its request/,
    );
    expect(verdict(run, 'events.lag-budget')?.reason).toMatch(/received before they occurred/);
  }, 30_000);

  it('fails a clock a minute behind, which receipt lag alone would blame on the bus', async () => {
    const run = await certifyClock(-60_000);
    expect(verdict(run, 'events.clock-skew')?.reason).toMatch(/ms before its request/);
  }, 30_000);
});
