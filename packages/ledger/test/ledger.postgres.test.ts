import { describe, it } from 'vitest';
import { openLedger } from '../src/index.ts';
import { ledgerBehaviour } from './ledger.behaviour.ts';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgres, serviceOrSkip } from '@croupier/test-services';

if (await serviceOrSkip(postgres, 'the ledger on PostgreSQL')) {
  ledgerBehaviour({
    name: 'PostgreSQL',
    propertyRuns: 80,
    async fresh() {
      const schema = freshSchemaName();
      return {
        open: () => openLedger({ url: POSTGRES_URL, schema, poolSize: 8 }),
        dispose: () => dropSchema(schema),
      };
    },
  });
} else {
  describe.skip('ledger on PostgreSQL (server not reachable)', () => {
    it('skipped', () => undefined);
  });
}
