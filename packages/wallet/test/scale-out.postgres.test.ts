import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWalletServer, openWallet, seedSandboxPlayers, type Wallet } from '../src/index.ts';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgres, serviceOrSkip } from '@croupier/test-services';

const available = await serviceOrSkip(postgres, 'wallet scale-out on PostgreSQL');

/** Two wallet servers in one process on one PostgreSQL, spoken to over real sockets. */
describe.skipIf(!available)('scale-out on PostgreSQL (two servers, one database)', () => {
  const schema = freshSchemaName('w');
  const wallets: Array<Wallet & { close(): Promise<void> }> = [];
  const urls: string[] = [];
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const wallet = await openWallet({ url: POSTGRES_URL, schema, poolSize: 10 });
      wallets.push(wallet);
      const app = await createWalletServer({ wallet });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      urls.push(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
      closers.push(() => app.close());
    }
    await seedSandboxPlayers(wallets[0]!);
  });
  afterAll(async () => {
    for (const close of closers) await close();
    for (const wallet of wallets) await wallet.close();
    if (available) await dropSchema(schema);
  });

  const headers = (key: string) => ({
    'content-type': 'application/json',
    'x-brand-id': 'brand-7',
    'x-provider-id': 'studio-x',
    'x-region': 'EU',
    'x-idempotency-key': key,
  });

  it('200 concurrent requests with one key across both servers → one ledger effect, 200 identical responses', async () => {
    const session = await fetch(`${urls[0]}/v1/sessions`, {
      method: 'POST',
      headers: headers('sess-scale'),
      body: JSON.stringify({ player_id: 'p_demo_1', game_id: 'g', currency: 'EUR', locale: 'de-DE' }),
    }).then((r) => r.json() as Promise<{ session_id: string }>);
    const body = JSON.stringify({
      session_id: session.session_id,
      bet_id: 'b_scale',
      round_id: 'r_scale',
      amount: { amount: '2.00', currency: 'EUR' },
    });
    const replies = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const r = await fetch(`${urls[i % 2]}/v1/bets/authorize`, {
          method: 'POST',
          headers: headers('storm-scale'),
          body,
        });
        return { status: r.status, text: await r.text() };
      }),
    );
    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(replies.map((r) => r.text)).size).toBe(1);
    expect(await wallets[1]!.balances('brand-7', 'p_demo_1')).toEqual({
      EUR: { cash: '98.00', bonus: '0.00', held: '2.00' },
    });
    const holds = await wallets[0]!.betLedger('brand-7', 'b_scale');
    expect(holds.filter((e) => e.kind === 'bet')).toHaveLength(1);
    expect((await wallets[0]!.reconcile()).mismatches).toEqual([]);
  });
});
