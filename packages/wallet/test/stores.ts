import { openWallet } from '../src/index.ts';
import { dropSchema, freshSchemaName, POSTGRES_URL } from '@croupier/test-services';
import type { WalletStore } from './wallet.behaviour.ts';

/** A fresh in-memory SQLite wallet per suite. */
export const sqliteStore: WalletStore = {
  name: 'SQLite',
  async open(clock) {
    const wallet = await openWallet({ file: ':memory:', clock: clock.now });
    return { wallet, dispose: () => wallet.close() };
  },
};

/** A fresh PostgreSQL schema per suite, dropped after it. */
export const postgresStore: WalletStore = {
  name: 'PostgreSQL',
  async open(clock) {
    const schema = freshSchemaName('w');
    const wallet = await openWallet({ url: POSTGRES_URL, schema, poolSize: 10, clock: clock.now });
    return {
      wallet,
      async dispose() {
        await wallet.close();
        await dropSchema(schema);
      },
    };
  },
};
