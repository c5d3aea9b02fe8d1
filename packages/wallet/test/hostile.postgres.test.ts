import { describe, it } from 'vitest';
import { hostileBehaviour } from './hostile.behaviour.ts';
import { postgresAvailable } from './postgres-service.ts';
import { postgresStore } from './stores.ts';

if (await postgresAvailable()) {
  hostileBehaviour(postgresStore);
} else {
  describe.skip('hostile input on PostgreSQL (server not reachable)', () => {
    it('skipped', () => undefined);
  });
}
