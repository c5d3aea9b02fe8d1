/**
 * Model-based test of the bet lifecycle (issue 6): fast-check generates 1,000 random interleavings
 * of authorize / settle / rollback / replays / key reuse with another body / bad input over 50
 * players, runs each against the reference wallet over the contract (Fastify inject) and against a
 * plain reference model (bigint minor units), and after every command compares the touched player's
 * cash and held money with the model. At the end every ledger entry must sum to zero and
 * `reconcile()` must find nothing.
 *
 * One SQLite wallet serves the whole file: the model's balances are cumulative across runs, and each
 * run uses bet ids and idempotency keys of its own.
 */
import { formatAmount, fromMinor, parseAmount } from '@croupier/money';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWallet, type Wallet } from '../src/index.ts';
import { type Caller, type CallOptions, type Reply, TestClock, walletApp } from './harness.ts';

const BRAND = 'brand-7';
const CURRENCY = 'EUR';
const PLAYERS = 50;
const START_CASH = '1000.00';
const RUNS = 1_000;

const minor = (amount: string) => parseAmount(amount, CURRENCY).minor;
const wire = (m: bigint) => formatAmount(fromMinor(m, CURRENCY));
const playerId = (i: number) => `pm_${i}`;

// ---- the reference model -------------------------------------------------------------------------

type BetState = 'refused' | 'authorized' | 'partial' | 'settled' | 'rolled_back' | 'tombstone';
interface ModelBet {
  id: string;
  /** Index of the player, -1 for a bet known only through a rollback (tombstone). */
  player: number;
  stake: bigint;
  state: BetState;
}
type Op = 'authorize' | 'settle' | 'rollback';
interface WireMoney {
  amount: string;
  currency: string;
}
/** The body of an authorize, settle or rollback. */
interface BetBody {
  bet_id: string;
  round_id: string;
  session_id?: string;
  amount?: WireMoney;
  win?: WireMoney;
  final?: boolean;
  reason?: string;
}
interface Logged {
  op: Op;
  body: BetBody;
  key: string;
  player: number;
  status: number;
  raw: string;
  /** The wallet stored this answer under the key (2xx, or a refusal other than 404 / schema 400). */
  stored: boolean;
}
interface Balances {
  cash: bigint[];
  held: bigint[];
}
interface Model {
  run: number;
  bets: ModelBet[];
  byId: Map<string, ModelBet>;
  log: Logged[];
  seq: number;
}
interface Real {
  api: Caller;
  wallet: Wallet;
  sessions: string[];
}

/** The cumulative truth: changed only when the wallet agreed with the model on a command. */
const truth: Balances = { cash: [], held: [] };
/** Players whose last command failed a check; re-read from the wallet before the next run. */
const dirty = new Set<number>();
const counters = {
  commands: 0,
  byName: {} as Record<string, number>,
  /** How often each answer of a well-formed request was seen (coverage of the interesting paths). */
  outcomes: {} as Record<string, number>,
};

const URL_OF: Record<Op, string> = {
  authorize: '/v1/bets/authorize',
  settle: '/v1/bets/settle',
  rollback: '/v1/bets/rollback',
};

interface Expected {
  status: number;
  code?: string;
  /** The answer is stored with the key (a replay gets the same bytes). */
  stored: boolean;
  apply(): void;
}
const refusal = (status: number, code: string, stored = status !== 404): Expected => ({
  status,
  code,
  stored,
  apply() {},
});

/** What the wallet must answer to a well-formed request, and the change it makes to the model. */
function expectFor(m: Model, op: Op, body: BetBody, player: number): Expected {
  const bet = m.byId.get(body.bet_id);
  if (op === 'authorize') {
    if (bet?.state === 'tombstone') return refusal(409, 'BET_ROLLED_BACK');
    if (bet && bet.state !== 'refused') return refusal(409, 'DUPLICATE');
    const stake = minor(body.amount!.amount);
    if (stake > truth.cash[player]!) {
      return {
        status: 402,
        code: 'INSUFFICIENT_FUNDS',
        stored: true,
        apply() {
          if (!bet) addBet(m, { id: body.bet_id, player, stake, state: 'refused' });
        },
      };
    }
    return {
      status: 200,
      stored: true,
      apply() {
        truth.cash[player]! -= stake;
        truth.held[player]! += stake;
        if (bet) Object.assign(bet, { player, stake, state: 'authorized' });
        else addBet(m, { id: body.bet_id, player, stake, state: 'authorized' });
      },
    };
  }
  if (op === 'settle') {
    if (!bet || bet.state === 'refused') return refusal(404, 'BET_NOT_FOUND');
    if (bet.state === 'settled') return refusal(409, 'ALREADY_SETTLED');
    if (bet.state === 'rolled_back' || bet.state === 'tombstone') return refusal(409, 'ALREADY_ROLLED_BACK');
    const win = minor(body.win!.amount);
    const final = body.final !== false;
    return {
      status: 200,
      stored: true,
      apply() {
        truth.cash[bet.player]! += win;
        if (final) {
          truth.held[bet.player]! -= bet.stake;
          bet.state = 'settled';
        } else bet.state = 'partial';
      },
    };
  }
  // rollback
  if (!bet || bet.state === 'refused') {
    return {
      status: 200,
      stored: true,
      apply() {
        if (bet) Object.assign(bet, { player: -1, stake: 0n, state: 'tombstone' });
        else addBet(m, { id: body.bet_id, player: -1, stake: 0n, state: 'tombstone' });
      },
    };
  }
  if (bet.state === 'settled' || bet.state === 'partial') return refusal(409, 'ALREADY_SETTLED');
  if (bet.state === 'rolled_back' || bet.state === 'tombstone') return refusal(409, 'ALREADY_ROLLED_BACK');
  return {
    status: 200,
    stored: true,
    apply() {
      truth.cash[bet.player]! += bet.stake;
      truth.held[bet.player]! -= bet.stake;
      bet.state = 'rolled_back';
    },
  };
}

function addBet(m: Model, bet: ModelBet): void {
  m.bets.push(bet);
  m.byId.set(bet.id, bet);
}

// ---- talking to the wallet -----------------------------------------------------------------------

async function send(api: Caller, op: Op, body: unknown, key: string | null): Promise<Reply> {
  const reply = await api.post(URL_OF[op], body, key === null ? {} : { key });
  // Never a 5xx, whatever the input.
  expect(reply.status, `${op} ${JSON.stringify(body)} → ${reply.raw}`).toBeLessThan(500);
  return reply;
}

/** The touched players' cash (over the contract) and held money equal the model's. */
async function checkPlayers(r: Real, players: Iterable<number>): Promise<void> {
  for (const p of new Set(players)) {
    if (p < 0) continue;
    const balance = await r.api.get(`/v1/players/${playerId(p)}/balance`);
    expect(balance.status).toBe(200);
    expect(balance.body.balances[0], `player ${playerId(p)} cash`).toEqual({
      currency: CURRENCY,
      cash: wire(truth.cash[p]!),
      bonus: '0.00',
    });
    const all = await r.wallet.balances(BRAND, playerId(p));
    expect(all[CURRENCY]?.held, `player ${playerId(p)} held`).toBe(wire(truth.held[p]!));
  }
}

/** Sends a well-formed request, checks the answer against the model, applies it, logs it. */
async function execute(
  m: Model,
  r: Real,
  op: Op,
  body: BetBody,
  player: number,
  key: string,
  logged?: Logged,
): Promise<void> {
  const expected = expectFor(m, op, body, player);
  const touched = [player, m.byId.get(body.bet_id)?.player ?? -1];
  for (const p of touched) if (p >= 0) dirty.add(p);
  const reply = await send(r.api, op, body, key);
  expect(
    { status: reply.status, code: reply.body.code },
    `${op} ${JSON.stringify(body)} → ${reply.raw}`,
  ).toEqual({ status: expected.status, code: expected.code });
  expected.apply();
  const outcome = `${op} ${reply.status}${expected.code ? ` ${expected.code}` : ''}`;
  counters.outcomes[outcome] = (counters.outcomes[outcome] ?? 0) + 1;
  await checkPlayers(r, touched);
  for (const p of touched) dirty.delete(p);
  const entry: Logged = {
    op,
    body,
    key,
    player,
    status: reply.status,
    raw: reply.raw,
    stored: expected.stored,
  };
  if (logged) Object.assign(logged, entry);
  else m.log.push(entry);
}

const nextKey = (m: Model, label: string) => `mk-${m.run}-${++m.seq}-${label}`;
const freshBet = (m: Model, label: string) => `mb_${m.run}_${++m.seq}_${label}`;

/** A bet of this run still open, one in any state (by index), or a bet id nobody has seen. */
type BetPick = { open: number } | { known: number } | { ghost: true };
const resolveBet = (m: Model, pick: BetPick): { id: string; bet?: ModelBet } => {
  const open = m.bets.filter((b) => b.state === 'authorized' || b.state === 'partial');
  if ('open' in pick && open.length > 0) {
    const bet = open[pick.open % open.length]!;
    return { id: bet.id, bet };
  }
  if (!('ghost' in pick) && m.bets.length > 0) {
    const known = 'known' in pick ? pick.known : pick.open;
    const bet = m.bets[known % m.bets.length]!;
    return { id: bet.id, bet };
  }
  return { id: freshBet(m, 'ghost') };
};

function tally(command: object): void {
  counters.commands++;
  const name = command.constructor.name.replace(/Cmd$/, '');
  counters.byName[name] = (counters.byName[name] ?? 0) + 1;
}

// ---- the commands ---------------------------------------------------------------------------------

type StakeSpec = { exact: number } | 'zero' | 'all' | { over: number };

class AuthorizeCmd implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly player: number,
    readonly stake: StakeSpec,
    readonly reuse: number | null,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    tally(this);
    const cash = truth.cash[this.player]!;
    const s = this.stake;
    const stake =
      s === 'zero' ? 0n : s === 'all' ? cash : 'exact' in s ? BigInt(s.exact) : cash + BigInt(s.over);
    const betId =
      this.reuse !== null && m.bets.length > 0
        ? m.bets[this.reuse % m.bets.length]!.id
        : freshBet(m, `p${this.player}`);
    const body = {
      session_id: r.sessions[this.player]!,
      bet_id: betId,
      round_id: `r_${betId}`,
      amount: { amount: wire(stake), currency: CURRENCY },
    };
    await execute(m, r, 'authorize', body, this.player, nextKey(m, 'auth'));
  }
  toString = () => `authorize(p${this.player}, ${JSON.stringify(this.stake)}, reuse=${this.reuse})`;
}

class SettleCmd implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: BetPick,
    readonly win: number,
    readonly final: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    tally(this);
    const { id, bet } = resolveBet(m, this.pick);
    const body = {
      bet_id: id,
      round_id: `r_${id}`,
      win: { amount: wire(BigInt(this.win)), currency: CURRENCY },
      ...(this.final ? {} : { final: false }),
    };
    await execute(m, r, 'settle', body, bet?.player ?? -1, nextKey(m, 'settle'));
  }
  toString = () => `settle(${JSON.stringify(this.pick)}, ${this.win}, final=${this.final})`;
}

class RollbackCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: BetPick) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    tally(this);
    const { id, bet } = resolveBet(m, this.pick);
    const body = { bet_id: id, round_id: `r_${id}` };
    await execute(m, r, 'rollback', body, bet?.player ?? -1, nextKey(m, 'rb'));
  }
  toString = () => `rollback(${JSON.stringify(this.pick)})`;
}

/** The provider's retry: the same key and the same body. */
class ReplayCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly index: number) {}
  check = (m: Readonly<Model>) => m.log.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    tally(this);
    const original = m.log[this.index % m.log.length]!;
    if (!original.stored) {
      // Not stored (404 before the bet exists): the retry is a new attempt, judged on today's state.
      await execute(m, r, original.op, original.body, original.player, original.key, original);
      return;
    }
    const touched = [original.player, m.byId.get(original.body.bet_id)?.player ?? -1];
    for (const p of touched) if (p >= 0) dirty.add(p);
    const reply = await send(r.api, original.op, original.body, original.key);
    expect(reply.status).toBe(original.status);
    expect(reply.raw, `replay of ${original.op} ${original.key}`).toBe(original.raw);
    await checkPlayers(r, touched);
    for (const p of touched) dirty.delete(p);
  }
  toString = () => `replay(${this.index})`;
}

/** The same key with another body: 409 IDEMPOTENCY_MISMATCH, nothing changes. */
class MismatchCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly index: number) {}
  check = (m: Readonly<Model>) => m.log.some((l) => l.stored);
  async run(m: Model, r: Real): Promise<void> {
    tally(this);
    const stored = m.log.filter((l) => l.stored);
    const original = stored[this.index % stored.length]!;
    const body = structuredClone(original.body);
    if (original.op === 'authorize') body.amount!.amount = wire(minor(body.amount!.amount) + 1n);
    else if (original.op === 'settle') body.win!.amount = wire(minor(body.win!.amount) + 1n);
    else body.reason = 'another body';
    const touched = [original.player, m.byId.get(body.bet_id)?.player ?? -1];
    const reply = await send(r.api, original.op, body, original.key);
    expect([reply.status, reply.body.code]).toEqual([409, 'IDEMPOTENCY_MISMATCH']);
    await checkPlayers(r, touched);
  }
  toString = () => `mismatch(${this.index})`;
}

type BadKind = 'precision' | 'exponent' | 'negative' | 'number' | 'currency' | 'no-key' | 'no-brand';
const BAD_AMOUNT: Partial<Record<BadKind, unknown>> = {
  precision: { amount: '2.001', currency: CURRENCY },
  exponent: { amount: '1e3', currency: CURRENCY },
  negative: { amount: '-1', currency: CURRENCY },
  number: { amount: 2, currency: CURRENCY },
  currency: { amount: '2.00', currency: 'eur' },
};

/** Malformed requests: a 4xx, and no money moves. */
class BadInputCmd implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly op: Op,
    readonly kind: BadKind,
    readonly player: number,
    readonly pick: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    tally(this);
    const amount = BAD_AMOUNT[this.kind] ?? { amount: '2.00', currency: CURRENCY };
    let body: Record<string, unknown>;
    let touched = this.player;
    let expectedStatus = 400;
    if (this.op === 'authorize') {
      const id = freshBet(m, 'bad');
      body = { session_id: r.sessions[this.player]!, bet_id: id, round_id: `r_${id}`, amount };
    } else {
      // Aim at a bet still open so the amount, not the bet's state, is what is wrong.
      const open = m.bets.filter((b) => b.state === 'authorized' || b.state === 'partial');
      const bet = open.length > 0 ? open[this.pick % open.length] : undefined;
      const id = bet?.id ?? freshBet(m, 'badghost');
      touched = bet?.player ?? -1;
      if (this.op === 'settle') {
        body = { bet_id: id, round_id: `r_${id}`, win: amount };
        // A well-formed but over-precise win of a bet never seen: the bet is looked up first.
        if (!bet && this.kind === 'precision') expectedStatus = 404;
      } else {
        body = { bet_id: id, round_id: `r_${id}`, amount };
        // A rollback's optional amount is informative and not parsed: only schema errors apply.
        if (this.kind === 'precision') return;
      }
    }
    const options: CallOptions =
      this.kind === 'no-key'
        ? { headers: { 'x-idempotency-key': '' } }
        : this.kind === 'no-brand'
          ? { key: nextKey(m, 'bad'), headers: { 'x-brand-id': '' } }
          : { key: nextKey(m, 'bad') };
    const reply = await r.api.post(URL_OF[this.op], body, options);
    expect(reply.status, `${this.op}/${this.kind} ${JSON.stringify(body)} → ${reply.raw}`).toBe(
      expectedStatus,
    );
    await checkPlayers(r, [touched]);
  }
  toString = () => `bad(${this.op}, ${this.kind}, p${this.player}, ${this.pick})`;
}

// ---- generators ------------------------------------------------------------------------------------

const player = fc.integer({ min: 0, max: PLAYERS - 1 });
const betPick: fc.Arbitrary<BetPick> = fc.oneof(
  { weight: 4, arbitrary: fc.nat(1_000).map((open) => ({ open })) },
  { weight: 3, arbitrary: fc.nat(1_000).map((known) => ({ known })) },
  { weight: 1, arbitrary: fc.constant({ ghost: true as const }) },
);
const stake: fc.Arbitrary<StakeSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((exact) => ({ exact })) },
  { weight: 1, arbitrary: fc.constant('zero' as const) },
  { weight: 1, arbitrary: fc.constant('all' as const) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 10_000 }).map((over) => ({ over })) },
);
const win = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10_000 }));

const commands = fc.commands(
  [
    fc
      .tuple(player, stake, fc.option(fc.nat(1_000), { freq: 8 }))
      .map(([p, s, reuse]) => new AuthorizeCmd(p, s, reuse)),
    fc.tuple(player, stake).map(([p, s]) => new AuthorizeCmd(p, s, null)),
    fc
      .tuple(betPick, win, fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)))
      .map(([b, w, f]) => new SettleCmd(b, w, f)),
    betPick.map((b) => new RollbackCmd(b)),
    fc.nat(1_000).map((i) => new ReplayCmd(i)),
    fc.nat(1_000).map((i) => new MismatchCmd(i)),
    fc
      .tuple(
        fc.constantFrom<Op>('authorize', 'settle', 'rollback'),
        fc.constantFrom<BadKind>(
          'precision',
          'exponent',
          'negative',
          'number',
          'currency',
          'no-key',
          'no-brand',
        ),
        player,
        fc.nat(1_000),
      )
      .map(([op, kind, p, i]) => new BadInputCmd(op, kind, p, i)),
  ],
  { maxCommands: 25, size: 'medium' },
);

// ---- the test ---------------------------------------------------------------------------------------

describe('wallet model: random interleavings against a reference model', () => {
  const clock = new TestClock();
  let wallet: Wallet & { close(): Promise<void> };
  let real: Real;

  beforeAll(async () => {
    wallet = await openWallet({ file: ':memory:', clock: clock.now });
    const api = await walletApp(wallet);
    const sessions: string[] = [];
    for (let i = 0; i < PLAYERS; i++) {
      await wallet.seedPlayer({
        brand: BRAND,
        region: 'EU',
        player_id: playerId(i),
        currency: CURRENCY,
        cash: START_CASH,
      });
      truth.cash[i] = minor(START_CASH);
      truth.held[i] = 0n;
      sessions.push(await api.openSession(playerId(i), CURRENCY));
    }
    real = { api, wallet, sessions };
  });
  afterAll(async () => {
    await real?.api.app.close();
    await wallet?.close();
  });

  it(`${RUNS} runs of authorize/settle/rollback/replay/mismatch/bad input on ${PLAYERS} players match the model; the ledger sums to zero`, async () => {
    let run = 0;
    let deposits = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        // A run that failed a check left players out of step: take the wallet's word for them.
        for (const p of dirty) {
          const b = (await wallet.balances(BRAND, playerId(p)))[CURRENCY]!;
          truth.cash[p] = minor(b.cash);
          truth.held[p] = minor(b.held);
        }
        dirty.clear();
        // Players the runs have drained get a deposit (an admin credit the model knows about), so
        // later runs still see stakes that fit as well as stakes that do not.
        for (let p = 0; p < PLAYERS; p++) {
          if (truth.cash[p]! >= minor('100.00')) continue;
          await wallet.seedPlayer({
            brand: BRAND,
            region: 'EU',
            player_id: playerId(p),
            currency: CURRENCY,
            cash: START_CASH,
          });
          truth.cash[p]! += minor(START_CASH);
          deposits++;
        }
        const model: Model = { run: ++run, bets: [], byId: new Map(), log: [], seq: 0 };
        await fc.asyncModelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: RUNS },
    );
    const totals = await wallet.ledger.verifyTotals();
    expect(totals.currencies.every((c) => c.sum === 0n)).toBe(true);
    expect(totals.ok).toBe(true);
    const sum = await wallet.ledger.transaction((tx) =>
      tx.query<{ total: bigint | null }>(`SELECT SUM(amount) AS total FROM ledger_entries`),
    );
    expect(BigInt(sum[0]?.total ?? 0)).toBe(0n);
    const report = await wallet.reconcile();
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
    // Every player's final balance, not only the touched ones.
    await checkPlayers(
      real,
      Array.from({ length: PLAYERS }, (_, i) => i),
    );
    console.log(
      `wallet model: ${run} runs, ${counters.commands} commands executed (${JSON.stringify(counters.byName)}), ${deposits} top-up deposits, ` +
        `${report.checked.betCount} bets, ${report.checked.eventCount} events, ${Date.now() - started} ms; ` +
        `answers: ${JSON.stringify(counters.outcomes)}`,
    );
    // Every interesting path was taken at least once.
    for (const outcome of [
      'authorize 200',
      'authorize 402 INSUFFICIENT_FUNDS',
      'authorize 409 DUPLICATE',
      'authorize 409 BET_ROLLED_BACK',
      'settle 200',
      'settle 404 BET_NOT_FOUND',
      'settle 409 ALREADY_SETTLED',
      'settle 409 ALREADY_ROLLED_BACK',
      'rollback 200',
      'rollback 409 ALREADY_SETTLED',
      'rollback 409 ALREADY_ROLLED_BACK',
    ]) {
      expect(counters.outcomes[outcome], outcome).toBeGreaterThan(0);
    }
  }, 120_000);
});
