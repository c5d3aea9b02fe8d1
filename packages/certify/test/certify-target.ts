import {
  BEHAVIOUR_RUN,
  DEFAULT_PROFILE,
  type Profile,
  type RunResult,
  runCertification,
} from '../src/index.ts';
import { FAKE_WALLET_PROFILE, FakeWallet, type WalletVariant } from './fixtures/fake-wallet.ts';

export const FAKE_PROFILE: Profile = {
  ...DEFAULT_PROFILE,
  players: { ...DEFAULT_PROFILE.players, ...FAKE_WALLET_PROFILE.players },
};

/** Starts the fake wallet in one variant, certifies it with short load and lag budgets, and stops it. */
export async function certifyFake(variant: WalletVariant, only: string[] = []): Promise<RunResult> {
  const wallet = new FakeWallet({ variant });
  const target = await wallet.start();
  try {
    return await runCertification({
      target,
      profile: FAKE_PROFILE,
      only,
      ...BEHAVIOUR_RUN,
      // The fake delivers its events at once: a tighter lag budget than a real wallet needs.
      eventLagBudgetMs: 5_000,
    });
  } finally {
    await wallet.stop();
  }
}

export function failedIds(run: RunResult): string[] {
  return run.results.filter((r) => r.verdict === 'fail').map((r) => r.id);
}
