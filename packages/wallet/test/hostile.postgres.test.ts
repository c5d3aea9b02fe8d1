import { describe, it } from 'vitest';
import { hostileBehaviour } from './hostile.behaviour.ts';
import { postgres, serviceOrSkip } from '@croupier/test-services';
import { postgresStore } from './stores.ts';

if (await serviceOrSkip(postgres, 'hostile wallet tests on PostgreSQL')) {
  hostileBehaviour(postgresStore);
} else {
  describe.skip('hostile input on PostgreSQL (server not reachable)', () => {
    it('skipped', () => undefined);
  });
}
