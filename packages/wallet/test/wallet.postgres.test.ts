import { describe, it } from 'vitest';
import { openWallet } from '../src/index.ts';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresAvailable } from './postgres-service.ts';
import { walletBehaviour } from './wallet.behaviour.ts';

if (await postgresAvailable()) {
  walletBehaviour({
    name: 'PostgreSQL',
    async open(clock) {
      const schema = freshSchemaName();
      const wallet = await openWallet({ url: POSTGRES_URL, schema, poolSize: 10, clock: clock.now });
      return {
        wallet,
        async dispose() {
          await wallet.close();
          await dropSchema(schema);
        },
      };
    },
  });
} else {
  describe.skip('wallet on PostgreSQL (server not reachable)', () => {
    it('skipped', () => undefined);
  });
}
