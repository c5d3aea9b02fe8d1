import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openWallet } from '@croupier/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);

async function croupier(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'packages/cli/src/bin.ts', ...args],
      {
        cwd: root,
        timeout: 60_000,
        env: { ...process.env, DATABASE_URL: '' },
      },
    );
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, out: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'croupier-cli-wallet-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('croupier wallet audit verify | reconcile', () => {
  it('refuses a wallet file that does not exist with exit 2, and creates nothing', async () => {
    const missing = path.join(dir, 'missing.sqlite');
    for (const args of [
      ['wallet', 'reconcile', '--file', missing],
      ['wallet', 'audit', 'verify', '--file', missing],
    ]) {
      const result = await croupier(...args);
      expect(result.code, result.out).toBe(2);
      expect(result.out).toContain('WALLET_NOT_FOUND');
      expect(existsSync(missing)).toBe(false);
    }
  });

  it('refuses a PostgreSQL database that holds no wallet with exit 2', async () => {
    const result = await croupier(
      'wallet',
      'reconcile',
      '--database-url',
      'postgres://root@127.0.0.1:1/none',
    );
    expect(result.code, result.out).toBe(2);
    expect(result.out).toContain('WALLET_NOT_FOUND');
  });

  it('reconciles and verifies an existing wallet with exit 0', async () => {
    const file = path.join(dir, 'wallet.sqlite');
    const wallet = await openWallet({ file });
    await wallet.seedPlayer({
      brand: 'brand-7',
      player_id: 'p_1',
      currency: 'EUR',
      cash: '10.00',
      region: 'EU',
    });
    await wallet.close();
    const reconciled = await croupier('wallet', 'reconcile', '--file', file);
    expect(reconciled.code, reconciled.out).toBe(0);
    expect(reconciled.out).toContain('reconciled');
    const verified = await croupier('wallet', 'audit', 'verify', '--file', file);
    expect(verified.code, verified.out).toBe(0);
    expect(verified.out).toContain('audit chain ok');
  });
});
