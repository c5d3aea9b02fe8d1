// The wallet's HTTP stack with the wallet taken out: tracing, metrics, deprecation and the generated
// contract plugin (routing, validation, error schema) in front of handlers that answer at once. Read
// beside bare Fastify, it says what the stack costs; beside the wallet, what the database costs.
import { createWalletServer, type Wallet } from '../packages/wallet/src/index.ts';

const balance = { currency: 'EUR', cash: '999.00', bonus: '0.00' };
const stub = {
  authorizeBet: async (_scope: unknown, body: { bet_id: string }) => ({
    status: 200,
    body: { status: 'authorized', hold_id: 'h_zz1', bet_id: body.bet_id, balance },
  }),
  settleBet: async () => ({ status: 200, body: { status: 'credited', settlement_id: 'st_77', balance } }),
  health: async () => ({ status: 'ok', version: '1.0.0', time: new Date().toISOString() }),
} as unknown as Wallet;
const app = await createWalletServer({ wallet: stub });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${new URL(address).port}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
