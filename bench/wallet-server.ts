// The reference wallet as its own process for the HTTP benchmark: `node --import tsx bench/wallet-server.ts
// '{"file":"…"}'` or `'{"databaseUrl":"postgres://…"}'`. Seeds the sandbox players plus `players` bench
// players (EUR, 1000.00 each), then prints `listening <port>` like bench/bare-fastify.ts.
import { SANDBOX_BRAND, SANDBOX_REGION, serveWallet } from '../packages/wallet/src/index.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  file?: string;
  databaseUrl?: string;
  players?: number;
};
const serving = await serveWallet({
  port: 0,
  file: options.file,
  databaseUrl: options.databaseUrl,
  seed: true,
  sweepIntervalMs: 0,
});
for (let i = 0; i < (options.players ?? 0); i++) {
  const player_id = `p_bench_${i}`;
  if (await serving.wallet.player(SANDBOX_BRAND, player_id)) continue;
  await serving.wallet.seedPlayer({
    brand: SANDBOX_BRAND,
    region: SANDBOX_REGION,
    player_id,
    currency: 'EUR',
    cash: '1000.00',
  });
}
process.stdout.write(`listening ${serving.port}\n`);
process.once('SIGTERM', () => void serving.close().then(() => process.exit(0)));
