import { describe, it } from 'vitest';
import { postgresAvailable } from './postgres-service.ts';
import { postgresStore } from './stores.ts';
import { walletBehaviour } from './wallet.behaviour.ts';

if (await postgresAvailable()) {
  walletBehaviour(postgresStore);
} else {
  describe.skip('wallet on PostgreSQL (server not reachable)', () => {
    it('skipped', () => undefined);
  });
}
