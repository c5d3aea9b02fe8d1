import { describe, expect, it } from 'vitest';
import { serveWallet } from '../src/index.ts';

describe('serveWallet', () => {
  it('relays committed events to the bus and drains them before closing', async () => {
    const serving = await serveWallet({ port: 0, file: ':memory:', seed: true, sweepIntervalMs: 0 });
    try {
      const response = await fetch(`${serving.url}/v1/sessions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-brand-id': 'brand-7',
          'x-provider-id': 'studio-x',
          'x-region': 'EU',
          'x-idempotency-key': 'serve-1',
        },
        body: JSON.stringify({ player_id: 'p_demo_1', game_id: 'g', currency: 'EUR', locale: 'de-DE' }),
      });
      expect(response.status).toBe(201);
      await expect.poll(() => serving.wallet.ledger.outbox.unpublishedCount(), { timeout: 10_000 }).toBe(0);
    } finally {
      await serving.close();
    }
  });
});
