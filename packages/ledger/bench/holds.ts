// Ledger-only throughput of authorize+settle pairs (hold + outbox row, then post + outbox row),
// without HTTP. Run: node --import tsx packages/ledger/bench/holds.ts [pairs] [concurrency]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { houseAccount, type Ledger, openLedger, playerAccount } from '../src/index.ts';

const pairs = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 16);
const players = 50;
const url = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

async function measure(name: string, ledger: Ledger): Promise<void> {
  for (let p = 0; p < players; p++) {
    await ledger.transaction((tx) =>
      tx.postTransfers([
        {
          id: `dep-${p}`,
          debit: houseAccount('float'),
          credit: playerAccount(`p${p}`, 'cash'),
          amount: 10n ** 12n,
          currency: 'EUR',
        },
      ]),
    );
  }
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < pairs) {
        const i = next++;
        const player = `p${i % players}`;
        const t0 = performance.now();
        await ledger.transaction(async (tx) => {
          await tx.createPending({
            id: `b${i}`,
            source: playerAccount(player, 'cash'),
            destination: houseAccount('bets'),
            amount: 200n,
            currency: 'EUR',
          });
          await tx.enqueueEvent({
            event_id: `a${i}`,
            subject: `croupier.events.bet.authorized.t.${player}`,
            partition_key: player,
            payload: '{}',
          });
        });
        await ledger.transaction(async (tx) => {
          await tx.postPending({ id: `b${i}` });
          await tx.postTransfers([
            {
              id: `w${i}`,
              debit: houseAccount('wins'),
              credit: playerAccount(player, 'cash'),
              amount: 100n,
              currency: 'EUR',
            },
          ]);
          await tx.enqueueEvent({
            event_id: `s${i}`,
            subject: `croupier.events.bet.settled.t.${player}`,
            partition_key: player,
            payload: '{}',
          });
        });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (x: number) =>
    (latencies[Math.min(latencies.length - 1, Math.floor(x * latencies.length))] ?? 0).toFixed(2);
  const totals = await ledger.verifyTotals();
  console.log(
    `${name}: ${(pairs / seconds).toFixed(0)} authorize+settle pairs/s at concurrency ${concurrency}; pair latency p50 ${q(0.5)} ms p95 ${q(0.95)} ms p99 ${q(0.99)} ms; totals ok=${totals.ok}`,
  );
}

const dir = mkdtempSync(path.join(tmpdir(), 'croupier-bench-'));
const sqlite = await openLedger({ file: path.join(dir, 'bench.sqlite') });
await measure('SQLite', sqlite);
await sqlite.close();
rmSync(dir, { recursive: true, force: true });

const schema = `bench_${process.pid}`;
try {
  const postgres = await openLedger({ url, schema, poolSize: concurrency });
  await measure('PostgreSQL', postgres);
  await postgres.close();
} catch (error) {
  console.log(`PostgreSQL skipped: ${(error as Error).message}`);
} finally {
  const c = new pg.Client({ connectionString: url });
  await c
    .connect()
    .then(() => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))
    .catch(() => undefined);
  await c.end().catch(() => undefined);
}
