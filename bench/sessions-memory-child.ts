// Child of the sessions-memory suite, run with --expose-gc so each measurement starts from a collected heap:
// `node --expose-gc --import tsx bench/sessions-memory-child.ts '{"mode":"wallet"|"plain","dir":"…","count":10000}'`.
// Both modes start the same served wallet (SQLite file, in-process bus) and warm it up with the same
// sessions; then `wallet` opens `count` more sessions through its HTTP routes, `plain` only keeps
// `count` session-shaped objects in a Map. Prints one JSON line with the memory deltas in bytes.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { SANDBOX_BRAND, SANDBOX_REGION, serveWallet } from '../packages/wallet/src/index.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  mode: 'wallet' | 'plain';
  dir: string;
  count: number;
};
const PLAYERS = 100;
const WARMUP = 500;
const PARALLEL = 8;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const serving = await serveWallet({
  port: 0,
  file: path.join(options.dir, 'wallet.sqlite'),
  sweepIntervalMs: 0,
});
for (let i = 0; i < PLAYERS; i++) {
  await serving.wallet.seedPlayer({
    brand: SANDBOX_BRAND,
    region: SANDBOX_REGION,
    player_id: `p_mem_${i}`,
    currency: 'EUR',
    cash: '10.00',
  });
}

async function openSessions(from: number, to: number): Promise<void> {
  let next = from;
  const worker = async () => {
    while (next < to) {
      const n = next++;
      const response = await serving.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        headers: {
          'content-type': 'application/json',
          'x-brand-id': SANDBOX_BRAND,
          'x-provider-id': 'studio-x',
          'x-region': SANDBOX_REGION,
          'x-idempotency-key': `k_mem_${n}`,
          'x-trace-id': `t_mem_${n}`,
        },
        payload: {
          player_id: `p_mem_${n % PLAYERS}`,
          game_id: 'studio:slot_forge_02',
          currency: 'EUR',
          locale: 'de-DE',
        },
      });
      if (response.statusCode !== 201)
        throw new Error(`createSession answered ${response.statusCode} ${response.body}`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

async function settled(): Promise<NodeJS.MemoryUsage> {
  // Let the relay publish what the sessions enqueued, then collect until RSS stops moving (V8 hands pages
  // back to the OS lazily, which otherwise shows up as a negative growth).
  await serving.relay.drain();
  let last = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 6; i++) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    gc?.();
    const { rss } = process.memoryUsage();
    if (Math.abs(rss - last) < 256 * 1024) break;
    last = rss;
  }
  return process.memoryUsage();
}

await openSessions(0, WARMUP);
const before = await settled();
const started = performance.now();
const kept = new Map<string, object>();
if (options.mode === 'wallet') {
  await openSessions(WARMUP, WARMUP + options.count);
} else {
  const now = new Date();
  for (let n = 0; n < options.count; n++) {
    const session_id = `s_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    kept.set(session_id, {
      session_id,
      player_id: `p_mem_${n % PLAYERS}`,
      game_id: 'studio:slot_forge_02',
      currency: 'EUR',
      locale: 'de-DE',
      status: 'active',
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 3_600_000).toISOString(),
    });
  }
}
const elapsedMs = performance.now() - started;
const after = await settled();
process.stdout.write(
  `${JSON.stringify({
    mode: options.mode,
    count: options.count,
    kept: kept.size,
    elapsedMs: Math.round(elapsedMs),
    rss: after.rss - before.rss,
    heapUsed: after.heapUsed - before.heapUsed,
    external: after.external - before.external,
  })}\n`,
);
await serving.close();
process.exit(0);
