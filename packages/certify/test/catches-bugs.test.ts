import { describe, expect, it } from 'vitest';
import { certifyFake, failedIds } from './certify-target.ts';
import { BROKEN_VARIANTS, type WalletVariant } from './fixtures/fake-wallet.ts';

/** The scenario that must catch each injected bug (others may catch it too). */
const CATCHES: Record<Exclude<WalletVariant, 'correct'>, string> = {
  'ignores-idempotency': 'idem.authorize-replay',
  'credits-twice-on-retry': 'idem.settle-replay',
  'answers-500-to-bad-amount': 'error.bad-input.amount-not-a-number',
  'settles-without-authorize': 'error.settle-without-authorize',
  'skips-rg-check': 'error.rg-self-exclusion',
  'loses-outbox-events': 'events.authorize-emitted',
  'rounds-through-floats': 'edge.large-amount-exact',
  'leaks-other-brand': 'attack.cross-brand-balance',
  'replays-live-balance': 'idem.replay-after-balance-moved',
  'acks-during-outage': 'chaos.wallet-outage-mid-round',
  'events-from-the-future': 'events.clock-skew',
  'ignores-kyc': 'error.kyc-denied',
  'forgets-replays-after-outage': 'chaos.wallet-outage-mid-round',
  'acks-rollback-during-outage': 'chaos.rollback-during-outage',
};

describe('certify passes a correct wallet and fails each broken one, naming the scenario', () => {
  it('passes the correct fake wallet: no failure, every category represented', async () => {
    const run = await certifyFake('correct');
    expect(failedIds(run)).toEqual([]);
    const categories = new Set(run.results.map((r) => r.category));
    for (const category of [
      'happy-path',
      'idempotency',
      'error-handling',
      'signatures',
      'attacks',
      'edge-cases',
      'concurrency',
    ]) {
      expect(categories.has(category as never), category).toBe(true);
    }
    expect(run.results.length).toBeGreaterThan(42);
    // Only scenarios whose prerequisites the fake lacks may skip: signatures (security off), one header-less op.
    const skipped = run.results.filter((r) => r.verdict === 'skip');
    for (const s of skipped) expect(s.reason, s.id).toBeTruthy();
    expect(skipped.every((s) => s.category === 'signatures' || s.id.startsWith('contract.'))).toBe(true);
  }, 60_000);

  // Each broken wallet is its own server on its own port: the runs are independent, and most of a run
  // is waiting on timers (outages, event lag), so they run side by side (vitest's maxConcurrency, 5).
  // A slower run can only fail more, never hide the failure each asserts.
  describe.concurrent('the broken wallets', () => {
    for (const variant of BROKEN_VARIANTS) {
      it(`fails the "${variant}" wallet and names ${CATCHES[variant]}`, async ({ expect }) => {
        const run = await certifyFake(variant);
        const failed = failedIds(run);
        expect(failed).toContain(CATCHES[variant]);
        expect(run.counts.fail).toBeGreaterThan(0);
      }, 120_000);
    }
  });
});
