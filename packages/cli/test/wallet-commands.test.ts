import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openWallet } from '@croupier/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCroupier } from './croupier-process.ts';

const croupier = (...args: string[]) => runCroupier(args, { env: { ...process.env, DATABASE_URL: '' } });

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
