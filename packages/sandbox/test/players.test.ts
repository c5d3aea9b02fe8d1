import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { croupierArgv } from '@croupier/test-services';
import { SANDBOX_PLAYERS } from '@croupier/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PLAYERS } from '../src/index.ts';
import { SandboxUnderTest } from './harness.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);

let sut: SandboxUnderTest;
beforeAll(async () => {
  sut = await SandboxUnderTest.start();
});
afterAll(async () => {
  await sut?.stop();
});

type Listed = {
  player_id: string;
  seeded: boolean;
  kyc: string;
  balances: Record<string, { cash: string; bonus: string }>;
};
const listed = async () => (await sut.call('GET', '/sandbox/players')).body.players as Listed[];

describe('sandbox test players', () => {
  it('lists the one seed list: every seeded player, in the console, the API and the banner alike', async () => {
    expect(TEST_PLAYERS.map((p) => p.player_id)).toEqual(SANDBOX_PLAYERS.map((p) => p.player_id));
    expect(TEST_PLAYERS.map((p) => p.player_id)).toEqual(
      expect.arrayContaining(['p_demo_1', 'p_demo_2', 'p_rg_loss', 'p_rg_time']),
    );
    const players = await listed();
    expect(players.map((p) => p.player_id)).toEqual(TEST_PLAYERS.map((p) => p.player_id));
    expect(players.every((p) => p.seeded)).toBe(true);
  });

  it('creates a player with balances per currency, a bonus, a KYC status and an RG profile', async () => {
    const created = await sut.call('POST', '/sandbox/players', {
      player_id: 'p_mine_1',
      currency: 'EUR',
      balances: { EUR: '250.00', USD: '20.00' },
      bonus: { amount: '10.00', max_bet: '2.00' },
      rg: 'loss_limit_daily_5',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.balances).toEqual({
      EUR: { cash: '250.00', bonus: '10.00', held: '0.00' },
      USD: { cash: '20.00', bonus: '0.00', held: '0.00' },
    });
    const mine = (await listed()).find((p) => p.player_id === 'p_mine_1');
    expect(mine).toMatchObject({ seeded: false, kyc: 'verified' });
    // It plays like any player: a session in its currency, a stake within the bonus max bet.
    const session = await sut.openSession('p_mine_1');
    expect((await sut.authorize(session, 'b_mine_1', '2.00')).status).toBe(200);
    expect((await sut.authorize(session, 'b_mine_2', '3.00')).body.code).toBe('MAX_BET_EXCEEDED');

    const pending = await sut.call('POST', '/sandbox/players', {
      currency: 'USD',
      cash: '5.00',
      kyc: 'pending',
    });
    expect(pending.status).toBe(201);
    const refused = await sut.createSession(pending.body.player_id as string, 'USD');
    expect(refused.body.code).toBe('KYC_PENDING');
  });

  it('refuses what it cannot create with a 4xx naming the field', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ player_id: 'p_mine_1' }, 409, 'DUPLICATE'],
      [{ player_id: 'p\u0000x' }, 400, 'player_id'],
      [{ cash: '2.001' }, 400, 'balances.EUR'],
      [{ balances: { ZZZ: '1.00' } }, 400, 'balances.ZZZ'],
      [{ kyc: 'maybe' }, 400, 'kyc'],
      [{ rg: 'no_such_profile' }, 400, 'rg'],
      [{ bonus: { amount: 5 } }, 400, 'bonus'],
    ];
    for (const [body, status, mention] of cases) {
      const answer = await sut.call('POST', '/sandbox/players', body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect(`${answer.body.code} ${answer.body.message}`).toContain(mention);
    }
  });

  it('croupier sandbox player add creates one from the command line', async () => {
    const { stdout } = await run(
      ...croupierArgv(
        'sandbox',
        'player',
        'add',
        '--id',
        'p_cli_1',
        '--cash',
        '42.00',
        '--balance',
        'USD=7.00',
        '--url',
        sut.url,
      ),
      { cwd: root, timeout: 60_000 },
    );
    expect(stdout).toContain('player p_cli_1: 42.00 EUR, 7.00 USD');
    expect((await listed()).some((p) => p.player_id === 'p_cli_1')).toBe(true);
  });

  it('reset keeps the seeded players and removes the rest', async () => {
    const reset = await sut.call('POST', '/sandbox/players/reset');
    expect(reset.status).toBe(200);
    expect((await listed()).map((p) => p.player_id)).toEqual(TEST_PLAYERS.map((p) => p.player_id));
  });
});
