// The stateful sandbox as its own process for the benchmark: `node --import tsx bench/sandbox-server.ts
// '{"dataDir":"…","players":20}'`. Seeds `players` bench players (EUR, 1000.00 each) beside the test
// players, then prints `listening <port>`.
import { startSandbox } from '../packages/sandbox/src/index.ts';
import { SANDBOX_BRAND, SANDBOX_REGION } from '../packages/wallet/src/index.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as { dataDir: string; players?: number };
const sandbox = await startSandbox({ port: 0, dataDir: options.dataDir });
for (let i = 0; i < (options.players ?? 0); i++) {
  await sandbox.wallet().seedPlayer({
    brand: SANDBOX_BRAND,
    region: SANDBOX_REGION,
    player_id: `p_bench_${i}`,
    currency: 'EUR',
    cash: '1000.00',
  });
}
process.stdout.write(`listening ${sandbox.port}\n`);
process.once('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
