import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startWalletProcess } from '../src/index.ts';

describe('croupier wallet serve (a separate process)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wallet-serve-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints "listening <port>", serves the seeded players, and stops cleanly on SIGTERM', async () => {
    const wallet = await startWalletProcess({ file: path.join(dir, 'wallet.sqlite'), seed: true });
    try {
      const health = await fetch(`${wallet.url}/health`).then((r) => r.json());
      expect(health).toMatchObject({ status: 'ok', version: '1.0.0' });
      const balance = await fetch(`${wallet.url}/v1/players/p_demo_1/balance`, {
        headers: { 'x-brand-id': 'brand-7', 'x-provider-id': 'studio-x', 'x-region': 'EU' },
      }).then((r) => r.json());
      expect(balance).toEqual({
        player_id: 'p_demo_1',
        balances: [{ currency: 'EUR', cash: '100.00', bonus: '0.00' }],
      });
    } finally {
      expect(await wallet.stop('SIGTERM')).toBe(0);
    }
    expect(wallet.output()).toMatch(/^stopped$/m);
  });
});
