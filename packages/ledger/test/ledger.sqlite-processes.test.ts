import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { houseAccount, openLedger, playerAccount } from '../src/index.ts';

const run = promisify(execFile);
const worker = path.join(import.meta.dirname, 'fixtures', 'debit-worker.ts');

it('two OS processes sharing one SQLite file never overdraw an account', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'croupier-procs-'));
  const file = path.join(dir, 'ledger.sqlite');
  try {
    const ledger = await openLedger({ file });
    await ledger.transaction((tx) =>
      tx.postTransfers([
        {
          id: 'x-dep',
          debit: houseAccount('float'),
          credit: playerAccount('xp', 'cash'),
          amount: 1000n,
          currency: 'EUR',
        },
      ]),
    );
    const startAt = String(Date.now() + 2500);
    const outputs = await Promise.all(
      ['a', 'b'].map((w) =>
        run(process.execPath, ['--import', 'tsx', worker, file, w, '300', '2', startAt], {
          cwd: import.meta.dirname,
        }),
      ),
    );
    const results = outputs.map((o) => JSON.parse(o.stdout) as { ok: number; refused: number });
    expect(results.reduce((n, r) => n + r.ok, 0)).toBe(500);
    expect(results.reduce((n, r) => n + r.refused, 0)).toBe(100);
    expect(await ledger.balance({ ...playerAccount('xp', 'cash'), currency: 'EUR' })).toBe(0n);
    expect((await ledger.verifyTotals()).ok).toBe(true);
    await ledger.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
