import { describe, it } from 'vitest';
import { postgres, serviceOrSkip } from '@croupier/test-services';
import { postgresStore } from './stores.ts';
import { walletBehaviour } from './wallet.behaviour.ts';

if (await serviceOrSkip(postgres, 'the wallet behaviour on PostgreSQL')) {
  walletBehaviour(postgresStore);
} else {
  describe.skip('wallet on PostgreSQL (server not reachable)', () => {
    it('skipped', () => undefined);
  });
}
