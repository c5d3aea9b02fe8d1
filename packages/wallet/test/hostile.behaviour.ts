import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_AMOUNT_MINOR, MAX_BALANCE_MINOR, type Wallet } from '../src/index.ts';
import { type Caller, type Reply, TestClock, uniqueId, walletApp, freshPlayer } from './harness.ts';
import type { WalletStore } from './wallet.behaviour.ts';

/**
 * A hostile provider, generated: every class of input that once reached the books as a 500, a
 * collision or a green light is thrown at the wallet in many instances, on every store. Each
 * refusal must be the contract's error body, never a 5xx, and must move no money.
 */
/** C0, DEL or C1: what the contract's Identifier pattern refuses. */
const isControl = (text: string) =>
  [...text].some((c) => {
    const n = c.codePointAt(0) ?? 0;
    return n < 0x20 || (n >= 0x7f && n <= 0x9f);
  });

export function hostileBehaviour(store: WalletStore): void {
  describe(`hostile input on ${store.name}`, () => {
    const clock = new TestClock();
    let wallet: Wallet;
    let api: Caller;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      const opened = await store.open(clock);
      wallet = opened.wallet;
      dispose = opened.dispose;
      api = await walletApp(wallet);
    });
    afterAll(async () => {
      // After everything below, the books must still agree with themselves.
      if (wallet) {
        const report = await wallet.reconcile();
        expect(report.mismatches).toEqual([]);
        expect(report.ok).toBe(true);
      }
      await api?.app.close();
      await dispose?.();
    });

    const player = (cash?: string, extra?: Parameters<typeof freshPlayer>[2]) =>
      freshPlayer(wallet, cash, extra);
    const books = (p: string) => wallet.balances('brand-7', p);

    function expectRefusal(reply: Reply, status: number, code?: string) {
      expect(reply.status, reply.raw).toBe(status);
      expect(Object.keys(reply.body).sort()).toEqual(
        expect.arrayContaining(['code', 'message', 'retryable', 'trace_id']),
      );
      if (code) expect(reply.body.code, reply.raw).toBe(code);
    }

    /** Every write of the contract with a valid body for `p` (and an open session and bet where needed). */
    async function writes(p: string) {
      const s = await api.openSession(p);
      const bet = uniqueId('b');
      expect((await api.authorize(s, bet, '1.00')).status).toBe(200);
      const debit = uniqueId('tx');
      expect(
        (
          await api.post('/wallet/debit', {
            player_id: p,
            transaction_id: debit,
            amount: { amount: '1.00', currency: 'EUR' },
          })
        ).status,
      ).toBe(200);
      return {
        '/v1/sessions': { player_id: p, game_id: 'studio:slot_forge_02', currency: 'EUR', locale: 'de-DE' },
        '/v1/bets/authorize': {
          session_id: s,
          bet_id: uniqueId('b'),
          round_id: 'r_1',
          amount: { amount: '1.00', currency: 'EUR' },
        },
        '/v1/bets/settle': { bet_id: bet, round_id: `r_${bet}`, win: { amount: '1.00', currency: 'EUR' } },
        '/v1/bets/rollback': { bet_id: bet, round_id: `r_${bet}` },
        '/wallet/debit': {
          player_id: p,
          transaction_id: uniqueId('tx'),
          amount: { amount: '1.00', currency: 'EUR' },
        },
        '/wallet/credit': {
          player_id: p,
          transaction_id: uniqueId('tx'),
          amount: { amount: '1.00', currency: 'EUR' },
        },
        '/wallet/rollback': { player_id: p, transaction_id: uniqueId('tx'), original_transaction_id: debit },
        '/rg/check': { player_id: p, amount: { amount: '1.00', currency: 'EUR' } },
      } as Record<string, Record<string, unknown>>;
    }

    it('refuses nesting deeper than the limit with 400 on every write, moving nothing (class 3)', async () => {
      const p = await player();
      const bodies = await writes(p);
      const before = await books(p);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...Object.keys(bodies)),
          // Up to ~9,000 levels: the deepest that still fits the 64 KiB body limit.
          fc.integer({ min: 33, max: 9_000 }),
          fc.constantFrom('[', '{"a":'),
          async (path, depth, open) => {
            const close = open === '[' ? ']' : '}';
            const deep = `${open.repeat(depth)}0${close.repeat(depth)}`;
            const body = JSON.stringify(bodies[path]).replace(/^\{/, `{"x_unknown":${deep},`);
            const reply = await api.post(path, body);
            expectRefusal(reply, 400, 'VALIDATION_FAILED');
            expect(reply.body.message).toContain('deeper than');
          },
        ),
        { numRuns: 40 },
      );
      expect(await books(p)).toEqual(before);
    });

    const badCharacter = fc.oneof(
      fc.integer({ min: 0, max: 0x1f }),
      fc.integer({ min: 0x7f, max: 0x9f }),
      fc.integer({ min: 0xd800, max: 0xdfff }),
    );

    it('refuses ids with control characters or lone surrogates on every id field (class 4)', async () => {
      const p = await player();
      const bodies = await writes(p);
      const before = await books(p);
      const idFields = Object.entries(bodies).flatMap(([path, body]) =>
        Object.keys(body)
          .filter((k) => /_id$/.test(k))
          .map((field) => ({ path, field })),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...idFields),
          badCharacter,
          fc.nat({ max: 8 }),
          async ({ path, field }, code, at) => {
            const body = { ...bodies[path] };
            const id = String(body[field]);
            const cut = Math.min(at, id.length);
            body[field] = id.slice(0, cut) + String.fromCharCode(code) + id.slice(cut);
            const reply = await api.post(path, JSON.stringify(body));
            expectRefusal(reply, 400, 'VALIDATION_FAILED');
          },
        ),
        { numRuns: 120 },
      );
      expect(await books(p)).toEqual(before);
    });

    it('refuses control characters in path ids and never answers 5xx for any escaped byte (class 4)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 0xff }),
          fc.constantFrom('/v1/players/%/balance', '/v1/sessions/%'),
          async (byte, template) => {
            const escaped = `%${byte.toString(16).padStart(2, '0').toUpperCase()}`;
            const reply = await api.get(template.replace('%', `p${escaped}1`));
            expect(reply.status, reply.raw).toBeLessThan(500);
            if (byte < 0x20 || byte === 0x7f) expect(reply.status, reply.raw).toBe(400);
          },
        ),
        { numRuns: 150 },
      );
      for (const lone of ['%ED%A0%80', '%ED%BF%BF', '%C0%80']) {
        const reply = await api.get(`/v1/players/p${lone}/balance`);
        expect(reply.status, reply.raw).toBe(400);
      }
    });

    it('keeps well-formed Unicode ids exact and distinct: two ids never share a bet (class 4)', async () => {
      const p = await player('1000.00');
      const s = await api.openSession(p);
      const seen = new Set<string>();
      await fc.assert(
        fc.asyncProperty(
          fc
            .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
            .filter((text) => !isControl(text) && text.length <= 128),
          async (suffix) => {
            const betId = `b_${suffix}`;
            if (seen.has(betId)) return;
            seen.add(betId);
            const auth = await api.authorize(s, betId, '0.01');
            expect(auth.status, auth.raw).toBe(200);
            expect(auth.body.bet_id).toBe(betId);
            const settle = await api.settle(betId, '0.00');
            expect(settle.status, settle.raw).toBe(200);
            const again = await api.rollback(betId);
            expectRefusal(again, 409, 'ALREADY_SETTLED');
          },
        ),
        { numRuns: 60 },
      );
      const ledger = await api.get(`/v1/players/${p}/balance`);
      expect(ledger.status).toBe(200);
    });

    const decimal = (minor: bigint) => `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
    const beyondLargestAmount = fc.bigInt({ min: MAX_AMOUNT_MINOR + 1n, max: 10n ** 40n }).map(decimal);

    it('refuses amounts past the largest amount with 400 on every money write (class 5)', async () => {
      const p = await player();
      const s = await api.openSession(p);
      const bet = uniqueId('b');
      expect((await api.authorize(s, bet, '1.00')).status).toBe(200);
      const before = await books(p);
      await fc.assert(
        fc.asyncProperty(
          beyondLargestAmount,
          fc.constantFrom('authorize', 'settle', 'debit', 'credit', 'rg', 'rollback'),
          async (amount, op) => {
            const money = { amount, currency: 'EUR' };
            const reply =
              op === 'authorize'
                ? await api.authorize(s, uniqueId('b'), amount)
                : op === 'settle'
                  ? await api.settle(bet, amount)
                  : op === 'rollback'
                    ? await api.rollback(bet, { amount: money })
                    : op === 'rg'
                      ? await api.post('/rg/check', { player_id: p, amount: money })
                      : await api.post(`/wallet/${op}`, {
                          player_id: p,
                          transaction_id: uniqueId('tx'),
                          amount: money,
                        });
            expectRefusal(reply, 400, 'VALIDATION_FAILED');
            expect(reply.body.message).toMatch(/exceeds the maximum|maxLength|must/);
          },
        ),
        { numRuns: 60 },
      );
      expect(await books(p)).toEqual(before);
    });

    it('accepts the largest amount itself and refuses a credit past the largest balance (class 5)', async () => {
      const rich = await player(decimal(MAX_BALANCE_MINOR - 100n));
      const before = await books(rich);
      const win = await api.post('/wallet/credit', {
        player_id: rich,
        transaction_id: uniqueId('tx'),
        amount: { amount: '1.01', currency: 'EUR' },
      });
      expectRefusal(win, 400, 'VALIDATION_FAILED');
      expect(win.body.message).toContain('largest balance');
      expect(await books(rich)).toEqual(before);
      const upToTheLimit = await api.post('/wallet/credit', {
        player_id: rich,
        transaction_id: uniqueId('tx'),
        amount: { amount: '1.00', currency: 'EUR' },
      });
      expect(upToTheLimit.status, upToTheLimit.raw).toBe(200);
      expect(upToTheLimit.body.balance.amount).toBe(decimal(MAX_BALANCE_MINOR));

      const s = await api.openSession(rich);
      const bet = uniqueId('b');
      expect((await api.authorize(s, bet, decimal(MAX_AMOUNT_MINOR))).status).toBe(200);
      const settle = await api.settle(bet, decimal(MAX_AMOUNT_MINOR + 1n));
      expectRefusal(settle, 400, 'VALIDATION_FAILED');
      const overflow = await api.settle(bet, decimal(MAX_AMOUNT_MINOR));
      expect(overflow.status, overflow.raw).toBe(200);
      const past = uniqueId('b');
      expect((await api.authorize(s, past, '0.01')).status).toBe(200);
      const tooMuch = await api.settle(past, '0.02');
      expectRefusal(tooMuch, 400, 'VALIDATION_FAILED');
      expect((await books(rich)).EUR?.held).toBe('0.01');
    });

    it('keeps house accounts and loss-limit sums exact past 64 bits, so books still reconcile (class 5)', async () => {
      // Ten players at the largest balance put the brand's deposits account at -10^19 minor units,
      // past what a 64-bit integer holds; its sum must stay exact and every read must still answer.
      const whales: string[] = [];
      for (let i = 0; i < 10; i++) whales.push(await player(decimal(MAX_BALANCE_MINOR)));
      const totals = await wallet.ledger.verifyTotals();
      expect(
        totals.ok,
        JSON.stringify(totals.currencies, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
      ).toBe(true);
      const limited = await player(decimal(MAX_BALANCE_MINOR), { rg: { loss_limits: { day: '1.00' } } });
      const s = await api.openSession(limited);
      for (let i = 0; i < 3; i++) {
        const bet = uniqueId('b');
        const auth = await api.authorize(s, bet, '0.50');
        expect(auth.status, auth.raw).toBe(200);
        expect((await api.settle(bet, '0.50')).status).toBe(200);
      }
      const check = await api.post('/rg/check', {
        player_id: limited,
        amount: { amount: '1.00', currency: 'EUR' },
      });
      expect(check.status, check.raw).toBe(200);
      expect(whales).toHaveLength(10);
    });

    it('validates a rollback amount like any other and refuses one that disagrees with the bet (class 6)', async () => {
      const p = await player();
      const s = await api.openSession(p);
      const malformed = fc.oneof(
        fc.constantFrom('2.001', '9'.repeat(64), '-1.00', '1e2', '', ' 2.00', '2.00 ', '0x10', '２.00'),
        beyondLargestAmount,
      );
      const disagreeing = fc
        .integer({ min: 0, max: 100_000 })
        .filter((n) => n !== 200)
        .map((n) => decimal(BigInt(n)));
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.record({ amount: malformed, known: fc.boolean() }),
            fc.record({ amount: disagreeing, known: fc.constant(true) }),
          ),
          async ({ amount, known }) => {
            const bet = uniqueId('b');
            if (known) expect((await api.authorize(s, bet, '2.00')).status).toBe(200);
            const before = await books(p);
            const reply = await api.rollback(bet, { amount: { amount, currency: 'EUR' } });
            expectRefusal(reply, 400, 'VALIDATION_FAILED');
            expect(await books(p)).toEqual(before);
            if (known) {
              const right = await api.rollback(bet, { amount: { amount: '2.00', currency: 'EUR' } });
              expect(right.status, right.raw).toBe(200);
            } else {
              // Refused input left no tombstone: the bet can still be authorized.
              expect((await api.authorize(s, bet, '2.00')).status).toBe(200);
            }
          },
        ),
        { numRuns: 60 },
      );
    });

    it('names the field and the rule when an amount is a JSON number (class 9)', async () => {
      const p = await player();
      const s = await api.openSession(p);
      await fc.assert(
        fc.asyncProperty(fc.double({ min: 0, max: 1e6, noNaN: true }), async (amount) => {
          const reply = await api.post('/v1/bets/authorize', {
            session_id: s,
            bet_id: uniqueId('b'),
            round_id: 'r',
            amount: { amount, currency: 'EUR' },
          });
          expectRefusal(reply, 400, 'VALIDATION_FAILED');
          expect(reply.body.message).toContain('/amount/amount must be a decimal string such as "2.00"');
        }),
        { numRuns: 20 },
      );
    });

    it("refuses a promo win that borrows another player's session or names another bet's player (class 10)", async () => {
      const a = await player();
      const b = await player();
      const sessionOfB = await api.openSession(b);
      const before = { a: await books(a), b: await books(b) };
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('promo', 'jackpot'), async (winType) => {
          const reply = await api.settle(uniqueId('b'), '5.00', {
            win_type: winType,
            player_id: a,
            session_id: sessionOfB,
          });
          expectRefusal(reply, 404, 'PLAYER_NOT_FOUND');
        }),
        { numRuns: 10 },
      );
      const bet = uniqueId('b');
      expect((await api.authorize(sessionOfB, bet, '1.00')).status).toBe(200);
      expectRefusal(await api.settle(bet, '3.00', { player_id: a }), 404, 'PLAYER_NOT_FOUND');
      expect(await books(a)).toEqual(before.a);
      expect((await api.settle(bet, '3.00', { player_id: b })).status).toBe(200);
    });

    it('keeps the region on the wallet emulator and the RG stop light (class 11)', async () => {
      const p = await player();
      const bodies = await writes(p);
      const before = await books(p);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('/wallet/debit', '/wallet/credit', '/wallet/rollback', '/rg/check'),
          fc.constantFrom('US', 'UK', 'LATAM', 'eu'),
          async (path, region) => {
            const reply = await api.post(path, bodies[path], { region });
            expectRefusal(reply, 403, 'REGION_MISMATCH');
          },
        ),
        { numRuns: 30 },
      );
      expect(await books(p)).toEqual(before);
    });

    it('answers the RG stop light only for the player, in their currency and their own session (class 12)', async () => {
      const p = await player('100.00', { rg: { loss_limits: { day: '0.50' } } });
      const other = await player();
      const otherSession = await api.openSession(other);
      const deny = await api.post('/rg/check', { player_id: p, amount: { amount: '1.00', currency: 'EUR' } });
      expect(deny.body.decision).toBe('deny');
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('USD', 'GBP', 'JPY', 'BTC'), async (currency) => {
          const amount = currency === 'JPY' ? '100' : '1.00';
          const reply = await api.post('/rg/check', { player_id: p, amount: { amount, currency } });
          expect(reply.body.decision, reply.raw).toBeUndefined();
          expect(reply.status, reply.raw).toBeGreaterThanOrEqual(400);
          expect(reply.status).toBeLessThan(500);
        }),
        { numRuns: 10 },
      );
      expectRefusal(
        await api.post('/rg/check', { player_id: p, amount: { amount: '1.00', currency: 'ZZZ' } }),
        400,
        'VALIDATION_FAILED',
      );
      expectRefusal(
        await api.post('/rg/check', { player_id: p, session_id: otherSession }),
        404,
        'PLAYER_NOT_FOUND',
      );
      expectRefusal(
        await api.post('/rg/check', { player_id: p, session_id: 's_never_opened' }),
        404,
        'SESSION_NOT_FOUND',
      );
    });

    it("refuses a wallet rollback that names another player than the original's (class 13)", async () => {
      const a = await player();
      const b = await player();
      const debit = uniqueId('tx');
      expect(
        (
          await api.post('/wallet/debit', {
            player_id: a,
            transaction_id: debit,
            amount: { amount: '7.00', currency: 'EUR' },
          })
        ).status,
      ).toBe(200);
      const before = { a: await books(a), b: await books(b) };
      const reply = await api.post('/wallet/rollback', {
        player_id: b,
        transaction_id: uniqueId('tx'),
        original_transaction_id: debit,
      });
      expectRefusal(reply, 404, 'TRANSACTION_NOT_FOUND');
      expect({ a: await books(a), b: await books(b) }).toEqual(before);
      const right = await api.post('/wallet/rollback', {
        player_id: a,
        transaction_id: uniqueId('tx'),
        original_transaction_id: debit,
      });
      expect(right.status, right.raw).toBe(200);
    });
  });
}
