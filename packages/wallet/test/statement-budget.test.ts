import { postgres, serviceOrSkip } from '@croupier/test-services';
import { describe, expect, it } from 'vitest';
import { SANDBOX_BRAND, SANDBOX_REGION, type Wallet } from '../src/index.ts';
import { freshKey, TestClock, uniqueId } from './harness.ts';
import { postgresStore, sqliteStore } from './stores.ts';
import type { WalletStore } from './wallet.behaviour.ts';

/**
 * The hot path's cost in statements, counted through the ledger's statement hook (BEGIN and COMMIT
 * are not counted: group commit shares them). The common case: a player with cash only, no bonus,
 * no RG limits, no jackpot, accounts already known to the process.
 */
const scope = (key: string) => ({
  brand: SANDBOX_BRAND,
  provider: 'studio-x',
  region: SANDBOX_REGION,
  traceId: `t_${key}`,
  idempotencyKey: key,
});

async function countPair(wallet: Wallet): Promise<{ authorize: string[]; settle: string[] }> {
  const player_id = uniqueId('p_budget');
  await wallet.seedPlayer({
    brand: SANDBOX_BRAND,
    region: SANDBOX_REGION,
    player_id,
    currency: 'EUR',
    cash: '100.00',
  });
  const opened = await wallet.createSession(scope(freshKey('s')), {
    player_id,
    game_id: 'studio:slot_forge_02',
    currency: 'EUR',
    locale: 'de-DE',
  });
  const session_id = (opened.body as { session_id: string }).session_id;
  const pair = async () => {
    const bet_id = uniqueId('b');
    const round_id = uniqueId('r');
    const statements = { authorize: [] as string[], settle: [] as string[] };
    let into = statements.authorize;
    const stop = wallet.ledger.onStatement((sql) => into.push(sql.replace(/\s+/g, ' ').slice(0, 80)));
    try {
      const authorized = await wallet.authorizeBet(scope(freshKey('a')), {
        session_id,
        bet_id,
        round_id,
        amount: { amount: '1.00', currency: 'EUR' },
      });
      expect(authorized.status).toBe(200);
      into = statements.settle;
      const settled = await wallet.settleBet(scope(freshKey('s')), {
        bet_id,
        round_id,
        win: { amount: '0.50', currency: 'EUR' },
      });
      expect(settled.status).toBe(200);
    } finally {
      stop();
    }
    return statements;
  };
  await pair(); // the first pair opens the player's held account; the budget is for the ones after
  return pair();
}

function budget(store: WalletStore, limits: { authorize: number; settle: number }, note: string) {
  it(`authorize ≤ ${limits.authorize} and settle ≤ ${limits.settle} statements on ${store.name} (${note})`, async () => {
    const { wallet, dispose } = await store.open(new TestClock(new Date().toISOString()));
    try {
      const counted = await countPair(wallet);
      expect(counted.authorize.length, counted.authorize.join('\n')).toBeLessThanOrEqual(limits.authorize);
      expect(counted.settle.length, counted.settle.join('\n')).toBeLessThanOrEqual(limits.settle);
    } finally {
      await dispose();
    }
  });
}

describe('statement budget of the hot path', () => {
  budget(sqliteStore, { authorize: 12, settle: 12 }, 'the issue-14 budget');
});

if (await serviceOrSkip(postgres, 'the statement budget on PostgreSQL')) {
  describe('statement budget of the hot path (PostgreSQL)', () => {
    // Each statement is a round trip here. Today's count, held as a ceiling so it cannot creep back
    // up: it was 39 per operation. The goal of issue 14 is 2 (one server-side function per
    // operation), which this does not reach yet.
    budget(postgresStore, { authorize: 19, settle: 18 }, 'ceiling of today, goal 2');
  });
} else {
  describe.skip('statement budget on PostgreSQL (server not reachable)', () => {
    it('skipped', () => undefined);
  });
}
