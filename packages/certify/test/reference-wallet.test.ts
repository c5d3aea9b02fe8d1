import { NATS_URL, natsJetStream, serviceOrSkip } from '@croupier/test-services';
import { describe, expect, it } from 'vitest';
import { serveWallet } from '@croupier/wallet';
import { BEHAVIOUR_RUN, DEFAULT_PROFILE, runCertification, verdictLines } from '../src/index.ts';

/** Without NATS the run still certifies, its events scenarios skipped (under CI=true NATS is required). */
const natsUrl = async () =>
  (await serviceOrSkip(natsJetStream, "certify's events scenarios")) ? NATS_URL : undefined;

describe('certify against the reference wallet (SQLite in memory, sandbox seed)', () => {
  it('passes every scenario it can run; skips only for missing sandbox hooks, security off or absent players', async () => {
    const nats = await natsUrl();
    const serving = await serveWallet({
      port: 0,
      file: ':memory:',
      seed: true,
      sweepIntervalMs: 0,
      natsUrl: nats,
    });
    try {
      const run = await runCertification({
        target: serving.url,
        profile: DEFAULT_PROFILE,
        natsUrl: nats,
        ...BEHAVIOUR_RUN,
      });
      expect(verdictLines(run, 'fail')).toEqual([]);
      expect(run.counts.pass).toBeGreaterThan(100);
      if (nats) expect(run.byCategory.events?.pass).toBeGreaterThan(5);
      else console.warn('NATS absent: the events scenarios were skipped');
    } finally {
      await serving.close();
    }
  }, 90_000);
});
