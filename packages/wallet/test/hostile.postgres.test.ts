import { describe, it } from 'vitest';
import { openWallet } from '../src/index.ts';
import { hostileBehaviour } from './hostile.behaviour.ts';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresAvailable } from './postgres-service.ts';

if (await postgresAvailable()) {
  hostileBehaviour({
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
  describe.skip('hostile input on PostgreSQL (server not reachable)', () => {
    it('skipped', () => undefined);
  });
}
