import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSandboxPlayers, type Wallet } from '../src/index.ts';
import {
  type Caller,
  freshKey,
  outboxEvents,
  TestClock,
  uniqueId,
  walletApp,
  freshPlayer,
} from './harness.ts';

export interface WalletStore {
  name: string;
  /** A fresh, empty wallet on this store with the given clock. */
  open(clock: TestClock): Promise<{ wallet: Wallet; dispose(): Promise<void> }>;
}

/** The wallet's rules, written once, run on every store. */
export function walletBehaviour(store: WalletStore): void {
  describe(`wallet on ${store.name}`, () => {
    const clock = new TestClock();
    let wallet: Wallet;
    let api: Caller;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      const opened = await store.open(clock);
      wallet = opened.wallet;
      dispose = opened.dispose;
      await seedSandboxPlayers(wallet);
      api = await walletApp(wallet);
    });
    afterAll(async () => {
      await api?.app.close();
      await dispose?.();
    });

    const player = (cash?: string, extra?: Parameters<typeof freshPlayer>[2]) =>
      freshPlayer(wallet, cash, extra);

    describe('bet lifecycle', () => {
      it('authorize holds the stake, settle credits the win, and each step emits validated events', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const bet = uniqueId('b');
        const auth = await api.authorize(s, bet, '2.00', {}, { traceId: 'tr_lifecycle' });
        expect(auth.status).toBe(200);
        expect(auth.body).toMatchObject({
          status: 'authorized',
          bet_id: bet,
          balance: { cash: '98.00', bonus: '0.00' },
        });
        expect(auth.headers['x-trace-id']).toBe('tr_lifecycle');
        expect(await wallet.balances('brand-7', p)).toEqual({
          EUR: { cash: '98.00', bonus: '0.00', held: '2.00' },
        });
        const settle = await api.settle(bet, '14.60');
        expect(settle.status).toBe(200);
        expect(settle.body).toMatchObject({ status: 'credited', balance: { cash: '112.60' } });
        expect(await wallet.balances('brand-7', p)).toEqual({
          EUR: { cash: '112.60', bonus: '0.00', held: '0.00' },
        });

        const mine = (await outboxEvents(wallet)).filter((e) => e.player_id === p);
        expect(mine.map((e) => e.event_type)).toEqual([
          'wallet.credit',
          'session.started',
          'bet.authorized',
          'wallet.debit',
          'bet.settled',
          'wallet.credit',
        ]);
        const authorized = mine.find((e) => e.event_type === 'bet.authorized')!;
        expect(authorized).toMatchObject({
          schema_version: '1.0.0',
          tenant_id: 'brand-7',
          region: 'EU',
          trace_id: 'tr_lifecycle',
          occurred_at: '2025-10-23T10:00:00.000Z',
          subject: `croupier.events.bet.authorized.brand-7.${p}`,
          payload: { bet_id: bet, hold_id: auth.body.hold_id, amount: { amount: '2.00', currency: 'EUR' } },
        });
        expect(authorized.event_id).toMatch(/^[0-9a-f-]{36}$/);
        expect(mine.find((e) => e.event_type === 'bet.settled')).toMatchObject({
          schema_version: '1.2.0',
          payload: { win: { amount: '14.60', currency: 'EUR' }, final: true, win_type: 'regular' },
        });
        const entries = await wallet.betLedger('brand-7', bet);
        expect(entries.map((e) => e.kind)).toEqual(expect.arrayContaining(['bet', 'win', 'bet_settled']));
        expect(entries.find((e) => e.kind === 'bet')?.trace_id).toBe('tr_lifecycle');
      });

      it('rollback voids the hold and returns the stake', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const bet = uniqueId('b');
        await api.authorize(s, bet, '5.00');
        const rb = await api.rollback(bet, { reason: 'wallet_timeout' });
        expect(rb.status).toBe(200);
        expect(rb.body).toMatchObject({ status: 'rolled_back', balance: { cash: '100.00' } });
        const events = (await outboxEvents(wallet, 'bet.rolled_back')).filter(
          (e) => e.payload.bet_id === bet,
        );
        expect(events[0]?.payload).toMatchObject({
          tombstone: false,
          amount: { amount: '5.00' },
          reason: 'wallet_timeout',
        });
        expect((await api.settle(bet, '1.00')).body.code).toBe('ALREADY_ROLLED_BACK');
        expect((await api.rollback(bet)).body.code).toBe('ALREADY_ROLLED_BACK');
      });

      it('a rollback of an unseen bet succeeds and leaves a tombstone: the late authorize gets BET_ROLLED_BACK', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const bet = uniqueId('b');
        const rb = await api.rollback(bet);
        expect(rb.status).toBe(200);
        expect(rb.body.status).toBe('rolled_back');
        const late = await api.authorize(s, bet, '2.00');
        expect(late.status).toBe(409);
        expect(late.body.code).toBe('BET_ROLLED_BACK');
        expect((await api.cash(p)).cash).toBe('100.00');
        const tomb = (await outboxEvents(wallet, 'bet.rolled_back')).find((e) => e.payload.bet_id === bet);
        expect(tomb?.payload.tombstone).toBe(true);
      });

      it('a settled bet cannot be rolled back, and a second settle with another key is ALREADY_SETTLED', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const bet = uniqueId('b');
        await api.authorize(s, bet, '2.00');
        await api.settle(bet, '0.00');
        const rb = await api.rollback(bet);
        expect([rb.status, rb.body.code]).toEqual([409, 'ALREADY_SETTLED']);
        const again = await api.settle(bet, '0.00');
        expect([again.status, again.body.code]).toEqual([409, 'ALREADY_SETTLED']);
        expect((await api.cash(p)).cash).toBe('98.00');
      });

      it('settle without authorize is 404 BET_NOT_FOUND with no write; the same key succeeds once the bet exists', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const bet = uniqueId('b');
        const key = freshKey('settle');
        const early = await api.settle(bet, '3.00', {}, { key });
        expect([early.status, early.body.code]).toEqual([404, 'BET_NOT_FOUND']);
        expect((await api.cash(p)).cash).toBe('100.00');
        await api.authorize(s, bet, '1.00');
        const late = await api.settle(bet, '3.00', {}, { key });
        expect(late.status).toBe(200);
        expect((await api.cash(p)).cash).toBe('102.00');
      });

      it('partial settlement: parts with final:false credit wins and keep the hold; the final part posts it', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const bet = uniqueId('b');
        await api.authorize(s, bet, '4.00');
        expect((await api.settle(bet, '1.00', { final: false })).status).toBe(200);
        expect((await api.settle(bet, '2.00', { final: false })).status).toBe(200);
        expect(await wallet.balances('brand-7', p)).toEqual({
          EUR: { cash: '99.00', bonus: '0.00', held: '4.00' },
        });
        expect((await api.rollback(bet)).body.code).toBe('ALREADY_SETTLED');
        expect((await api.settle(bet, '0.50', { final: true })).status).toBe(200);
        expect(await wallet.balances('brand-7', p)).toEqual({
          EUR: { cash: '99.50', bonus: '0.00', held: '0.00' },
        });
        expect((await api.settle(bet, '0.50')).body.code).toBe('ALREADY_SETTLED');
      });

      it('zero bets and zero wins are valid', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const bet = uniqueId('b');
        expect((await api.authorize(s, bet, '0.00')).status).toBe(200);
        expect((await api.settle(bet, '0.00')).status).toBe(200);
        expect((await api.cash(p)).cash).toBe('100.00');
        expect((await wallet.betLedger('brand-7', bet)).length).toBeGreaterThan(0);
      });

      it('promo and jackpot wins may arrive without a bet; jackpot contributions are taken on authorize', async () => {
        const p = await player();
        const s = await api.openSession(p);
        await wallet.setJackpotConfig({ brand: 'brand-7', game_id: 'studio:slot_forge_02', percent: '1.5' });
        const bet = uniqueId('b');
        const auth = await api.authorize(s, bet, '10.00', { jackpot_contribution: true });
        expect(auth.status).toBe(200);
        const authorized = (await outboxEvents(wallet, 'bet.authorized')).find(
          (e) => e.payload.bet_id === bet,
        );
        expect(authorized?.payload.jackpot_contribution).toEqual({ amount: '0.15', currency: 'EUR' });
        const jp = await api.settle(uniqueId('b_jp'), '500.00', {
          win_type: 'jackpot',
          player_id: p,
          session_id: s,
        });
        expect(jp.status).toBe(200);
        const promo = await api.settle(uniqueId('b_promo'), '5.00', { win_type: 'promo', player_id: p });
        expect(promo.status).toBe(200);
        expect((await api.cash(p)).cash).toBe('595.00');
        const missingPlayer = await api.settle(uniqueId('b_promo'), '5.00', { win_type: 'promo' });
        expect(missingPlayer.body.code).toBe('VALIDATION_FAILED');
        await wallet.setJackpotConfig({ brand: 'brand-7', game_id: 'studio:slot_forge_02', percent: '0' });
      });

      it('INSUFFICIENT_FUNDS carries the current balance; CURRENCY_MISMATCH when the currency differs from the session', async () => {
        const s = await api.openSession('p_low_balance');
        const poor = await api.authorize(s, uniqueId('b'), '2.00');
        expect(poor.status).toBe(402);
        expect(poor.body).toMatchObject({
          code: 'INSUFFICIENT_FUNDS',
          retryable: false,
          details: { balance: { amount: '1.00', currency: 'EUR' } },
        });
        expect(poor.body.trace_id).toBeTruthy();
        const usd = await api.post('/v1/bets/authorize', {
          session_id: s,
          bet_id: uniqueId('b'),
          round_id: 'r',
          amount: { amount: '1.00', currency: 'USD' },
        });
        expect([usd.status, usd.body.code]).toEqual([422, 'CURRENCY_MISMATCH']);
      });
    });

    describe('idempotency', () => {
      it('same key and body → the stored response byte for byte, one ledger effect', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const bet = uniqueId('b');
        const key = freshKey('auth');
        const first = await api.authorize(s, bet, '2.00', {}, { key });
        const second = await api.authorize(s, bet, '2.00', {}, { key });
        expect(second.status).toBe(first.status);
        expect(second.raw).toBe(first.raw);
        expect((await api.cash(p)).cash).toBe('98.00');
      });

      it('same key with another body → 409 IDEMPOTENCY_MISMATCH', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const key = freshKey('auth');
        await api.authorize(s, uniqueId('b'), '2.00', {}, { key });
        const other = await api.authorize(s, uniqueId('b'), '3.00', {}, { key });
        expect([other.status, other.body.code, other.body.retryable]).toEqual([
          409,
          'IDEMPOTENCY_MISMATCH',
          false,
        ]);
        expect((await api.cash(p)).cash).toBe('98.00');
      });

      it('a stored business error replays with the same status and bytes', async () => {
        const s = await api.openSession('p_low_balance');
        const key = freshKey('poor');
        const bet = uniqueId('b');
        const first = await api.authorize(s, bet, '50.00', {}, { key });
        const replay = await api.authorize(s, bet, '50.00', {}, { key, traceId: 'tr_other' });
        expect(first.status).toBe(402);
        expect(replay.status).toBe(402);
        expect(replay.raw).toBe(first.raw);
        expect(replay.headers['x-trace-id']).toBe('tr_other');
      });

      it('another key re-authorizing an existing bet is DUPLICATE; bet ids are scoped by brand and provider', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const bet = uniqueId('b');
        await api.authorize(s, bet, '1.00');
        const dup = await api.authorize(s, bet, '1.00');
        expect([dup.status, dup.body.code]).toEqual([409, 'DUPLICATE']);
        const otherProvider = await api.authorize(s, bet, '1.00', {}, { provider: 'studio-y' });
        expect(otherProvider.status).toBe(200);
        expect((await api.cash(p)).cash).toBe('98.00');
      });

      it('200 concurrent requests with one key → one ledger effect and 200 identical responses', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const bet = uniqueId('b');
        const key = freshKey('storm');
        const replies = await Promise.all(
          Array.from({ length: 200 }, () => api.authorize(s, bet, '2.00', {}, { key })),
        );
        expect(new Set(replies.map((r) => r.status))).toEqual(new Set([200]));
        expect(new Set(replies.map((r) => r.raw)).size).toBe(1);
        expect(await wallet.balances('brand-7', p)).toEqual({
          EUR: { cash: '98.00', bonus: '0.00', held: '2.00' },
        });
        expect(
          (await outboxEvents(wallet, 'bet.authorized')).filter((e) => e.payload.bet_id === bet),
        ).toHaveLength(1);
      });

      it('keys older than the retention are purged', async () => {
        const p = await player();
        const key = freshKey('old');
        const s = await api.openSession(p, 'EUR', { key });
        clock.advanceMinutes(8 * 24 * 60);
        expect(await wallet.purgeIdempotencyKeys()).toBeGreaterThan(0);
        const again = await api.post(
          '/v1/sessions',
          { player_id: p, game_id: 'studio:slot_forge_02', currency: 'EUR', locale: 'de-DE' },
          { key },
        );
        expect(again.status).toBe(201);
        expect(again.body.session_id).not.toBe(s);
      });
    });

    describe('sessions', () => {
      it('create, get and end; a new bet on an ended session is SESSION_ENDED but its open bet still settles', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const got = await api.get(`/v1/sessions/${s}`);
        expect(got.body).toMatchObject({ session_id: s, player_id: p, status: 'active', currency: 'EUR' });
        const bet = uniqueId('b');
        await api.authorize(s, bet, '2.00');
        const ended = await api.post(`/v1/sessions/${s}/end`, undefined);
        expect(ended.status).toBe(200);
        expect(ended.body.status).toBe('ended');
        expect(ended.body.ended_at).toBeTruthy();
        const refused = await api.authorize(s, uniqueId('b'), '1.00');
        expect([refused.status, refused.body.code]).toEqual([410, 'SESSION_ENDED']);
        expect((await api.settle(bet, '4.00')).status).toBe(200);
        expect((await api.get('/v1/sessions/s_missing')).body.code).toBe('SESSION_NOT_FOUND');
      });

      it('an expired session refuses new bets with SESSION_EXPIRED; earlier bets still settle and roll back', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const b1 = uniqueId('b');
        const b2 = uniqueId('b');
        await api.authorize(s, b1, '2.00');
        await api.authorize(s, b2, '3.00');
        clock.advanceMinutes(61);
        expect((await api.get(`/v1/sessions/${s}`)).body.status).toBe('expired');
        const refused = await api.authorize(s, uniqueId('b'), '1.00');
        expect([refused.status, refused.body.code]).toEqual([410, 'SESSION_EXPIRED']);
        expect((await api.settle(b1, '10.00')).status).toBe(200);
        expect((await api.rollback(b2)).status).toBe(200);
        expect((await api.cash(p)).cash).toBe('108.00');
        const s2 = await api.openSession(p);
        await wallet.expireSession('brand-7', s2);
        expect((await api.authorize(s2, uniqueId('b'), '1.00')).body.code).toBe('SESSION_EXPIRED');
        const ended = (await outboxEvents(wallet, 'session.ended')).find((e) => e.payload.session_id === s2);
        expect(ended?.payload.reason).toBe('expired');
      });

      it('the kill switch refuses new sessions while open rounds still settle', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const bet = uniqueId('b');
        await api.authorize(s, bet, '2.00');
        await wallet.setKillSwitch(true);
        try {
          const refused = await api.post('/v1/sessions', {
            player_id: p,
            game_id: 'g',
            currency: 'EUR',
            locale: 'de-DE',
          });
          expect([refused.status, refused.body.code, refused.body.retryable]).toEqual([
            503,
            'NEW_SESSIONS_STOPPED',
            false,
          ]);
          expect((await api.settle(bet, '1.00')).status).toBe(200);
        } finally {
          await wallet.setKillSwitch(false);
        }
        expect(
          (await api.post('/v1/sessions', { player_id: p, game_id: 'g', currency: 'EUR', locale: 'de-DE' }))
            .status,
        ).toBe(201);
      });

      it('degraded mode answers 503 PLATFORM_DEGRADED (retryable) on new bets, health says degraded, settles continue', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const bet = uniqueId('b');
        await api.authorize(s, bet, '2.00');
        await wallet.setDegraded(true);
        try {
          const refused = await api.authorize(s, uniqueId('b'), '1.00');
          expect([refused.status, refused.body.code, refused.body.retryable]).toEqual([
            503,
            'PLATFORM_DEGRADED',
            true,
          ]);
          expect((await api.get('/health')).body.status).toBe('degraded');
          expect((await api.settle(bet, '0.00')).status).toBe(200);
        } finally {
          await wallet.setDegraded(false);
        }
        const health = await api.get('/health');
        expect(health.body).toMatchObject({ status: 'ok', version: '1.0.0' });
      });
    });

    describe('responsible gaming and KYC', () => {
      it('self-exclusion → 403 RG_BLOCKED with reason, and rg.limit.hit is committed', async () => {
        const refused = await api.post('/v1/sessions', {
          player_id: 'p_blocked_rg',
          game_id: 'g',
          currency: 'EUR',
          locale: 'de-DE',
        });
        expect(refused.status).toBe(403);
        expect(refused.body).toMatchObject({ code: 'RG_BLOCKED', details: { reason: 'self_exclusion' } });
        const hits = (await outboxEvents(wallet, 'rg.limit.hit')).filter(
          (e) => e.player_id === 'p_blocked_rg',
        );
        expect(hits.length).toBeGreaterThan(0);
        const p = await player();
        const s = await api.openSession(p);
        await wallet.setRgProfile('brand-7', p, { self_excluded: true });
        const bet = uniqueId('b');
        const blocked = await api.authorize(s, bet, '1.00');
        expect(blocked.body).toMatchObject({ code: 'RG_BLOCKED', details: { reason: 'self_exclusion' } });
        const hit = (await outboxEvents(wallet, 'rg.limit.hit')).find((e) => e.payload.bet_id === bet);
        expect(hit?.payload).toMatchObject({
          reason: 'self_exclusion',
          session_id: s,
          attempted_amount: { amount: '1.00' },
        });
        const check = await api.post('/rg/check', { player_id: 'p_blocked_rg', action: 'session_start' });
        expect(check.body).toMatchObject({ decision: 'deny', reason: 'self_exclusion' });
      });

      it('a daily loss limit counts stakes minus wins and blocks the bet that would pass it', async () => {
        const p = await player('100.00', { rg: { loss_limits: { day: '10.00', month: '500.00' } } });
        const s = await api.openSession(p);
        const b1 = uniqueId('b');
        await api.authorize(s, b1, '8.00');
        await api.settle(b1, '0.00');
        expect((await api.authorize(s, uniqueId('b'), '2.00')).status).toBe(200);
        const blocked = await api.authorize(s, uniqueId('b'), '0.50');
        expect(blocked.body).toMatchObject({ code: 'RG_BLOCKED', details: { reason: 'loss_limit' } });
        const hit = (await outboxEvents(wallet, 'rg.limit.hit')).filter((e) => e.player_id === p);
        expect(hit.at(-1)?.payload).toMatchObject({
          reason: 'loss_limit',
          period: 'day',
          limit: { amount: '10.00' },
        });
        const check = await api.post('/rg/check', {
          player_id: p,
          amount: { amount: '0.10', currency: 'EUR' },
        });
        expect(check.body).toMatchObject({ decision: 'deny', loss_limit_remaining: { amount: '0.00' } });
      });

      it('the session time limit blocks bets once reached; reality checks fire every N minutes of play', async () => {
        const p = await player('100.00', {
          rg: { session_time_limit_minutes: 30, reality_check_minutes: 10 },
        });
        const s = await api.openSession(p);
        await api.authorize(s, uniqueId('b'), '1.00');
        clock.advanceMinutes(11);
        await api.authorize(s, uniqueId('b'), '1.00');
        const checks = (await outboxEvents(wallet, 'rg.reality_check')).filter((e) => e.player_id === p);
        expect(checks).toHaveLength(1);
        expect(checks[0]?.payload).toMatchObject({
          session_id: s,
          minutes_played: 11,
          net_outcome: 'loss',
          wagered: { amount: '1.00' },
        });
        clock.advanceMinutes(20);
        const blocked = await api.authorize(s, uniqueId('b'), '1.00');
        expect(blocked.body).toMatchObject({ code: 'RG_BLOCKED', details: { reason: 'time_limit' } });
      });

      it('KYC pending refuses session creation; KYC denied refuses bets', async () => {
        const pending = await api.post('/v1/sessions', {
          player_id: 'p_kyc_pending',
          game_id: 'g',
          currency: 'EUR',
          locale: 'de-DE',
        });
        expect([pending.status, pending.body.code]).toEqual([403, 'KYC_PENDING']);
        const p = await player();
        const s = await api.openSession(p);
        await wallet.seedPlayer({
          brand: 'brand-7',
          player_id: p,
          currency: 'EUR',
          cash: '0',
          region: 'EU',
          kyc: 'denied',
        });
        expect((await api.authorize(s, uniqueId('b'), '1.00')).body.code).toBe('KYC_DENIED');
      });
    });

    describe('bonus and wagering', () => {
      it('debits cash first, then bonus; the win is split in proportion to the stake funding', async () => {
        const p = await player('3.00');
        await wallet.issueBonus({
          brand: 'brand-7',
          player_id: p,
          amount: '10.00',
          wagering_multiplier: 100,
        });
        const s = await api.openSession(p);
        const bet = uniqueId('b');
        const auth = await api.authorize(s, bet, '5.00');
        expect(auth.body.balance).toEqual({ currency: 'EUR', cash: '0.00', bonus: '8.00' });
        await api.settle(bet, '10.00');
        // stake 3.00 cash + 2.00 bonus → win 6.00 cash + 4.00 bonus
        expect(await api.cash(p)).toEqual({ currency: 'EUR', cash: '6.00', bonus: '12.00' });
      });

      it('max bet while a bonus is active → 422 MAX_BET_EXCEEDED with the limit', async () => {
        const s = await api.openSession('p_bonus');
        const r = await api.authorize(s, uniqueId('b'), '10.00');
        expect(r.status).toBe(422);
        expect(r.body).toMatchObject({
          code: 'MAX_BET_EXCEEDED',
          details: { limit: { amount: '5.00', currency: 'EUR' } },
        });
      });

      it('wagering progress by game type; completing it converts the bonus to cash', async () => {
        const p = await player('100.00');
        await wallet.issueBonus({ brand: 'brand-7', player_id: p, amount: '5.00', wagering_multiplier: 2 });
        const s = await api.openSession(p);
        const table = uniqueId('b');
        await api.authorize(s, table, '10.00', { game_type: 'table' });
        await api.settle(table, '0.00');
        const slot = uniqueId('b');
        await api.authorize(s, slot, '9.00', { game_type: 'slots' });
        await api.settle(slot, '0.00');
        const progress = (await outboxEvents(wallet, 'wager.progress.updated')).filter(
          (e) => e.player_id === p,
        );
        expect(
          progress.map((e) => [
            e.payload.contribution_percent,
            e.payload.wagered.amount,
            e.payload.completed,
          ]),
        ).toEqual([
          [10, '1.00', false],
          [100, '10.00', true],
        ]);
        const consumed = (await outboxEvents(wallet, 'bonus.consumed')).find((e) => e.player_id === p);
        expect(consumed?.payload).toMatchObject({
          reason: 'wagering_completed',
          converted: { amount: '5.00' },
        });
        expect(await api.cash(p)).toEqual({ currency: 'EUR', cash: '86.00', bonus: '0.00' });
      });

      it('an expired bonus is removed at its deadline and no longer caps the bet', async () => {
        const p = await player('20.00');
        await wallet.issueBonus({
          brand: 'brand-7',
          player_id: p,
          amount: '7.00',
          max_bet: '1.00',
          expires_at: new Date(clock.now().getTime() + 60_000).toISOString(),
        });
        const s = await api.openSession(p);
        expect((await api.authorize(s, uniqueId('b'), '2.00')).body.code).toBe('MAX_BET_EXCEEDED');
        clock.advanceMinutes(2);
        expect((await api.authorize(s, uniqueId('b'), '2.00')).status).toBe(200);
        expect((await api.cash(p)).bonus).toBe('0.00');
        const consumed = (await outboxEvents(wallet, 'bonus.consumed')).find((e) => e.player_id === p);
        expect(consumed?.payload).toMatchObject({ reason: 'expired', removed: { amount: '7.00' } });
        const issued = (await outboxEvents(wallet, 'bonus.issued')).find((e) => e.player_id === p);
        expect(issued?.payload.max_bet).toEqual({ amount: '1.00', currency: 'EUR' });
      });
    });

    describe('wallet emulator', () => {
      it('debit, credit and rollback on the emulated wallet', async () => {
        const p = await player('10.00');
        const tx1 = uniqueId('tx');
        const debit = await api.post('/wallet/debit', {
          player_id: p,
          transaction_id: tx1,
          amount: { amount: '4.00', currency: 'EUR' },
        });
        expect(debit.body).toMatchObject({ type: 'debit', status: 'completed', balance: { amount: '6.00' } });
        const credit = await api.post('/wallet/credit', {
          player_id: p,
          transaction_id: uniqueId('tx'),
          amount: { amount: '1.00', currency: 'EUR' },
        });
        expect(credit.body.balance.amount).toBe('7.00');
        const rb = await api.post('/wallet/rollback', {
          transaction_id: uniqueId('tx'),
          original_transaction_id: tx1,
        });
        expect(rb.body).toMatchObject({
          type: 'rollback',
          status: 'rolled_back',
          balance: { amount: '11.00' },
        });
        const missing = await api.post('/wallet/rollback', {
          transaction_id: uniqueId('tx'),
          original_transaction_id: 'nope',
        });
        expect(missing.body.code).toBe('TRANSACTION_NOT_FOUND');
      });
    });

    describe('bad input', () => {
      it('is answered 4xx with the error schema and a trace id, never 5xx', async () => {
        const p = await player();
        const s = await api.openSession(p);
        const cases = [
          api.post('/v1/bets/authorize', {
            session_id: s,
            bet_id: 'x',
            round_id: 'r',
            amount: { amount: 2.0, currency: 'EUR' },
          }),
          api.post('/v1/bets/authorize', {
            session_id: s,
            bet_id: 'x',
            round_id: 'r',
            amount: { amount: '2.001', currency: 'EUR' },
          }),
          api.post('/v1/bets/authorize', '{"session_id": '),
          api.post('/v1/bets/settle', { bet_id: 'x' }),
          api.call(
            'POST',
            '/v1/bets/rollback',
            { bet_id: 'x', round_id: 'r' },
            { headers: { 'x-idempotency-key': '' } },
          ),
          api.get('/v1/players/nobody/balance'),
          api.call('GET', '/v1/bets/authorize'),
          api.post(
            '/v1/sessions',
            { player_id: p, game_id: 'g', currency: 'EUR', locale: 'de-DE' },
            { region: 'US' },
          ),
        ];
        const replies = await Promise.all(cases);
        for (const r of replies) {
          expect(r.status).toBeGreaterThanOrEqual(400);
          expect(r.status).toBeLessThan(500);
          expect(r.body).toMatchObject({
            code: expect.any(String),
            message: expect.any(String),
            retryable: false,
          });
          expect(r.body.trace_id).toBe(r.headers['x-trace-id']);
        }
        expect(replies.map((r) => r.body.code)).toEqual([
          'VALIDATION_FAILED',
          'VALIDATION_FAILED',
          'VALIDATION_FAILED',
          'VALIDATION_FAILED',
          'VALIDATION_FAILED',
          'PLAYER_NOT_FOUND',
          'METHOD_NOT_ALLOWED',
          'REGION_MISMATCH',
        ]);
        expect((await api.cash(p)).cash).toBe('100.00');
      });
    });

    describe('audit and reconciliation', () => {
      it('limit, jackpot and RTP changes are hash-chained; tampering breaks the chain', async () => {
        await wallet.setRtpProfile({ brand: 'brand-7', game_id: 'g_audit', profile: { rtp: '96.20' } });
        const before = await wallet.verifyAuditChain();
        expect(before.ok).toBe(true);
        const log = await wallet.auditLog();
        expect(log.map((e) => e.action)).toEqual(
          expect.arrayContaining(['rg_limits.set', 'jackpot_config.set', 'rtp_profile.set']),
        );
        const refused = await wallet.ledger
          .transaction((tx) => tx.exec(`UPDATE wallet_audit SET subject = 'x'`))
          .catch((e: { code?: string }) => e);
        expect((refused as { code?: string }).code).toBe('APPEND_ONLY');
        // Someone with database rights bypasses the trigger: the chain still tells.
        await wallet.ledger.transaction(async (tx) => {
          const sqlite = tx.dialect === 'sqlite';
          await tx.exec(
            sqlite
              ? 'DROP TRIGGER wallet_audit_no_update'
              : 'ALTER TABLE wallet_audit DISABLE TRIGGER wallet_audit_append_only',
          );
          await tx.exec(`UPDATE wallet_audit SET data = '{"rtp":"99.00"}' WHERE action = 'rtp_profile.set'`);
          if (!sqlite) await tx.exec('ALTER TABLE wallet_audit ENABLE TRIGGER wallet_audit_append_only');
        });
        const after = await wallet.verifyAuditChain();
        expect(after.ok).toBe(false);
        expect(after.reason).toMatch(/altered/);
      });

      it('a clean history reconciles; a bet whose state no longer matches its hold and events is reported', async () => {
        const clean = await wallet.reconcile();
        expect(clean.mismatches).toEqual([]);
        const p = await player();
        const s = await api.openSession(p);
        const bet = uniqueId('b');
        await api.authorize(s, bet, '2.00');
        await wallet.ledger.transaction((tx) =>
          tx.exec(`UPDATE wallet_bets SET state = 'settled', parts = 1 WHERE bet_id = ?`, [bet]),
        );
        const report = await wallet.reconcile();
        expect(report.ok).toBe(false);
        expect(report.mismatches.map((m) => m.check).sort()).toEqual([
          'bet_vs_hold',
          'events_vs_money',
          'events_vs_money',
        ]);
        await wallet.ledger.transaction((tx) =>
          tx.exec(`UPDATE wallet_bets SET state = 'authorized', parts = 0 WHERE bet_id = ?`, [bet]),
        );
      });
    });
  });
}
