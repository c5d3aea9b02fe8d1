import type { Fault, FaultControl } from '../chaos/fault-control.ts';
import { addDecimals, sameDecimal, subtractDecimals } from '@croupier/money';
import type { Response } from '../evidence.ts';
import { expectError, expectOk, Platform } from '../platform.ts';
import type { TestPlayer } from '../profile.ts';
import { check, fail, type Scenario, type ScenarioContext, skip } from '../scenario.ts';
import { expectBalanceDelta } from './balance-checks.ts';

const CHAOS_PHASE = 5;

function requireFaults(ctx: ScenarioContext): FaultControl {
  if (!ctx.faults) skip('the target has no fault API (GET /sandbox/faults did not answer 200)');
  return ctx.faults;
}

async function withFault<T>(ctx: ScenarioContext, fault: Fault, act: () => Promise<T>): Promise<T> {
  const faults = requireFaults(ctx);
  const id = await faults.set(fault);
  ctx.note(`fault ${fault.kind} on (${id})`);
  try {
    return await act();
  } finally {
    await faults.clear(id);
  }
}

/**
 * A success answered while a fault was on. The contract allows it only if it was committed: after the
 * fault, its effect is in the balance and in the bet's ledger, and a retry with its key replays it.
 */
interface Acknowledged {
  /** What was acknowledged, for the failure message ("settle b_x during wallet_outage"). */
  what: string;
  answer: Response;
  /** The cash movement the acknowledged operation made (negative for a stake). */
  cash: string;
  /** The same request with the same key: must answer 200 (the runner compares the bodies). */
  retry(): Promise<Response>;
  /** An operation on the same bet, under a new key, that the committed one forbids (a second settle or authorize, a settle after a rollback): 409. */
  probe(): Promise<Response>;
}

/** Chaos scenarios call this once a fault is cleared: every 200 seen during it must have been real. */
async function confirmAcknowledged(
  ctx: ScenarioContext,
  platform: Platform,
  player: TestPlayer,
  cashWithoutThem: string,
  acknowledged: Acknowledged[],
): Promise<void> {
  if (acknowledged.length === 0) return;
  const expected = acknowledged.reduce(
    (cash, ack) =>
      ack.cash.startsWith('-') ? subtractDecimals(cash, ack.cash.slice(1)) : addDecimals(cash, ack.cash),
    cashWithoutThem,
  );
  const after = await platform.balance(player);
  if (!sameDecimal(after.cash, expected)) {
    fail(
      `acknowledged but not committed: ${acknowledged.map((a) => `${a.what} answered 200 ${a.answer.text.slice(0, 120)}`).join('; ')}; after the fault cash is ${after.cash}, expected ${expected}`,
    );
  }
  for (const ack of acknowledged) {
    const probe = await ack.probe();
    check(
      probe.status === 409,
      `acknowledged but not in the bet's ledger: ${ack.what} answered 200 during the fault, yet the same operation under a new key answered ${probe.status} ${probe.text.slice(0, 160)}`,
    );
    expectOk(await ack.retry(), `retry of ${ack.what} with its key`);
  }
  const retried = await platform.balance(player);
  check(
    sameDecimal(retried.cash, expected),
    `retries of acknowledged requests moved cash ${expected} → ${retried.cash}`,
  );
  ctx.note(`${acknowledged.length} success(es) during the fault, each committed and replayed`);
}

/** During a fault a money call answers a retryable error (nothing done) or a success (then it is checked). */
function duringFault(response: Response, what: string): boolean {
  if (response.status === 200) return true;
  check(
    response.status >= 500 && response.json?.retryable === true,
    `${what}: ${response.status} ${response.text.slice(0, 160)} (a retryable 5xx or a committed 200 expected)`,
  );
  return false;
}

/**
 * A round whose settle meets the fault: authorize 1.00, the fault on, settle 3.00 (key k), the fault
 * off, every acknowledged success confirmed, then the settle retried with k, and the answers given
 * before and after the fault replayed once more (a store the fault wiped would answer anew).
 */
async function settleThroughFault(ctx: ScenarioContext, fault: Fault, during?: (settle: Response) => void) {
  const faults = requireFaults(ctx);
  const platform = new Platform(ctx);
  const player = platform.main;
  const currency = player.currency;
  const sessionId = await platform.openSession();
  const before = await platform.balance(player);
  const bet = await platform.authorize({ sessionId, amount: '1.00' });
  expectOk(bet, 'authorize');
  const key = ctx.data.key('settle');
  const settle = (withKey = key) =>
    platform.settle({ betId: bet.betId, roundId: bet.roundId, win: '3.00', currency, key: withKey });
  const acknowledged: Acknowledged[] = [];
  const id = await faults.set(fault);
  ctx.note(`fault ${fault.kind} on (${id})`);
  try {
    const answer = await settle();
    during?.(answer);
    if (duringFault(answer, `settle during ${fault.kind}`)) {
      acknowledged.push({
        what: `settle ${bet.betId} during ${fault.kind}`,
        answer,
        cash: '3.00',
        retry: () => settle(),
        probe: () => settle(ctx.data.key('settle')),
      });
    }
  } finally {
    await faults.clear(id);
  }
  await confirmAcknowledged(ctx, platform, player, subtractDecimals(before.cash, '1.00'), acknowledged);
  expectOk(await settle(), `settle retried after ${fault.kind}`);
  // Answers given before the fault must replay unchanged after it (the runner compares them).
  const { betId, roundId, key: betKey } = bet;
  expectOk(
    await platform.authorize({ sessionId, betId, roundId, key: betKey, amount: '1.00' }),
    'authorize replayed after the fault',
  );
  expectOk(await settle(), `settle replayed again after ${fault.kind}`);
  const after = await platform.balance(player);
  check(
    sameDecimal(after.cash, addDecimals(before.cash, '2.00')),
    `cash ${before.cash} → ${after.cash}, expected +2.00 (stake 1.00, win 3.00 credited once)`,
  );
}

function chaos(
  id: string,
  title: string,
  description: string,
  expected: string,
  covers: string[],
  run: Scenario['run'],
): Scenario {
  return {
    id,
    category: 'chaos',
    title,
    description,
    expected,
    covers,
    exclusive: true,
    phase: CHAOS_PHASE,
    run,
  };
}

export const chaosScenarios: Scenario[] = [
  chaos(
    'chaos.duplicate-deliveries',
    'Duplicate event deliveries',
    'With duplicate delivery on, play a round.',
    'the round settles once (cash +0.50); the events phase sees duplicates only as redeliveries of one event_id.',
    ['chaos.delivery-doubles', 'events.duplicates'],
    async (ctx) => {
      requireFaults(ctx);
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      await withFault(ctx, { kind: 'duplicate_delivery' }, () =>
        expectBalanceDelta(platform, platform.main, '0.50', () =>
          platform.playRound(sessionId, '0.50', '1.00'),
        ),
      );
    },
  ),
  chaos(
    'chaos.outbox-delay',
    'Outbox delay',
    'With a 300 ms outbox delay, play a round.',
    'the round settles once; its events arrive late but arrive (checked in the events phase).',
    ['chaos.outbox-delay'],
    async (ctx) => {
      requireFaults(ctx);
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      await withFault(ctx, { kind: 'outbox_delay', delay_ms: 300 }, () =>
        expectBalanceDelta(platform, platform.main, '0.20', () =>
          platform.playRound(sessionId, '0.30', '0.50'),
        ),
      );
    },
  ),
  chaos(
    'chaos.wallet-outage-mid-round',
    'Wallet outage between authorize and settle',
    'Authorize; the wallet goes down; the settle is retried with the same key until the wallet is back.',
    'during the outage a retryable 5xx, or a 200 that is committed: after the outage it is in the balance, the bet is settled (a new-key settle gets 409) and a retry replays it byte for byte. The win is credited once: cash -1.00 + 3.00.',
    ['PLATFORM_DEGRADED', 'chaos.wallet-outage', 'rollback-chains', 'idempotency.same-answer'],
    (ctx) => settleThroughFault(ctx, { kind: 'wallet_outage' }),
  ),
  chaos(
    'chaos.rollback-after-outage',
    'Rollback chain after a failed authorize',
    'The wallet goes down during an authorize; the provider rolls the bet back (retrying) once it is back.',
    'an authorize acknowledged during the outage is committed (stake taken, a new-key authorize gets 409, a retry replays it); cash ends where it started; a late retry of the authorize is refused.',
    ['PLATFORM_DEGRADED', 'chaos.wallet-outage', 'rollback-chains'],
    async (ctx) => {
      const faults = requireFaults(ctx);
      const platform = new Platform(ctx);
      const player = platform.main;
      const sessionId = await platform.openSession();
      const betId = ctx.data.betId();
      const roundId = ctx.data.roundId();
      const key = ctx.data.key('bet');
      const authorize = (withKey = key) =>
        platform.authorize({ sessionId, betId, roundId, key: withKey, amount: '1.00' });
      await expectBalanceDelta(platform, player, '0', async () => {
        const before = await platform.balance(player);
        const acknowledged: Acknowledged[] = [];
        const id = await faults.set({ kind: 'wallet_outage' });
        try {
          const answer = await authorize();
          if (duringFault(answer, 'authorize during wallet_outage')) {
            acknowledged.push({
              what: `authorize ${betId} during wallet_outage`,
              answer,
              cash: '-1.00',
              retry: () => authorize(),
              probe: () => authorize(ctx.data.key('bet')),
            });
          }
        } finally {
          await faults.clear(id);
        }
        await confirmAcknowledged(ctx, platform, player, before.cash, acknowledged);
        expectOk(await platform.rollback({ betId, roundId }), 'rollback after the outage');
        const late = await authorize(ctx.data.key('bet'));
        check(late.status === 409, `a late authorize after the rollback answered ${late.status}`);
      });
    },
  ),
  chaos(
    'chaos.rollback-during-outage',
    'Wallet outage during a rollback',
    'Authorize 1.00; the wallet goes down; the provider sends the rollback, and retries it with its key once the wallet is back.',
    'during the outage a retryable 5xx, or a 200 that is committed: the stake is back, the bet is void (a settle gets 409) and a retry replays it. The stake returns once: cash ends where it started.',
    ['PLATFORM_DEGRADED', 'chaos.wallet-outage', 'rollback-chains'],
    async (ctx) => {
      const faults = requireFaults(ctx);
      const platform = new Platform(ctx);
      const player = platform.main;
      const sessionId = await platform.openSession();
      await expectBalanceDelta(platform, player, '0', async () => {
        const bet = await platform.authorize({ sessionId, amount: '1.00' });
        expectOk(bet, 'authorize');
        const afterStake = await platform.balance(player);
        const key = ctx.data.key('rb');
        const rollback = () => platform.rollback({ betId: bet.betId, roundId: bet.roundId, key });
        const acknowledged: Acknowledged[] = [];
        const id = await faults.set({ kind: 'wallet_outage' });
        try {
          const answer = await rollback();
          if (duringFault(answer, 'rollback during wallet_outage')) {
            acknowledged.push({
              what: `rollback ${bet.betId} during wallet_outage`,
              answer,
              cash: '1.00',
              retry: rollback,
              probe: () =>
                platform.settle({
                  betId: bet.betId,
                  roundId: bet.roundId,
                  win: '5.00',
                  currency: player.currency,
                }),
            });
          }
        } finally {
          await faults.clear(id);
        }
        await confirmAcknowledged(ctx, platform, player, afterStake.cash, acknowledged);
        expectOk(await rollback(), 'rollback retried after the outage');
        expectOk(await rollback(), 'rollback replayed again');
      });
    },
  ),
  chaos(
    'chaos.clock-skew',
    'Clock skew',
    'With the platform clock 90 s ahead, play a round and read the session.',
    'the round settles once (cash +0.10); nothing is refused for time reasons that are not the contract’s.',
    ['chaos.time-skew'],
    async (ctx) => {
      requireFaults(ctx);
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const skew = { skewMs: 90_000, fromMs: Date.now(), toMs: Number.POSITIVE_INFINITY };
      // The events phase must not blame the target for a skew certify injected: it judges these events against it.
      ctx.ledger.injectedSkews.push(skew);
      try {
        await withFault(ctx, { kind: 'clock_skew', skew_ms: skew.skewMs }, () =>
          expectBalanceDelta(platform, platform.main, '0.10', () =>
            platform.playRound(sessionId, '0.10', '0.20'),
          ),
        );
      } finally {
        skew.toMs = Date.now();
      }
    },
  ),
  chaos(
    'chaos.partial-settlement-retries',
    'Partial settlement with every part retried',
    'Stake 1.00; three settle parts (final false, false, true), each sent twice with its key, with duplicate delivery on.',
    'each part credited once: cash -1.00 + 0.30 + 0.30 + 0.40.',
    ['chaos.partial-settlement', 'idempotency.same-answer'],
    async (ctx) => {
      requireFaults(ctx);
      const platform = new Platform(ctx);
      const currency = platform.main.currency;
      const sessionId = await platform.openSession();
      await withFault(ctx, { kind: 'duplicate_delivery' }, () =>
        expectBalanceDelta(platform, platform.main, '0', async () => {
          const bet = await platform.authorize({ sessionId, amount: '1.00' });
          expectOk(bet, 'authorize');
          for (const [win, final] of [
            ['0.30', false],
            ['0.30', false],
            ['0.40', true],
          ] as const) {
            const key = ctx.data.key('settle');
            for (let attempt = 0; attempt < 2; attempt++) {
              expectOk(
                await platform.settle({
                  betId: bet.betId,
                  roundId: bet.roundId,
                  win,
                  currency,
                  key,
                  extra: { final },
                }),
                `part ${win}`,
              );
            }
          }
        }),
      );
    },
  ),
  chaos(
    'chaos.region-outage',
    'Region outage mid-round',
    "The target's region goes down (every call with its X-Region fails) between authorize and settle; the settle is retried once it is back.",
    'during the outage 503 PLATFORM_DEGRADED (retryable), or a 200 that is committed and replays; afterwards the retry credits once: cash -1.00 + 3.00.',
    ['PLATFORM_DEGRADED', 'chaos.region-outage'],
    (ctx) => settleThroughFault(ctx, { kind: 'region_outage', region: ctx.profile.region }),
  ),
  chaos(
    'chaos.internal-error-retried',
    'Internal errors, then a retry with the same key',
    'Every call fails with 500 INTERNAL_ERROR while a settle is sent; the settle is retried with its key afterwards.',
    'during the fault 500 INTERNAL_ERROR with retryable true (nothing done) or a committed 200; the retry credits once: cash -1.00 + 3.00.',
    ['INTERNAL_ERROR', 'idempotency.same-answer'],
    (ctx) =>
      settleThroughFault(ctx, { kind: 'error_rate', rate: 1, code: 'INTERNAL_ERROR' }, (answer) => {
        if (answer.status !== 200) expectError(answer, 500, 'INTERNAL_ERROR');
      }),
  ),
  chaos(
    'chaos.no-new-sessions',
    'Operator stops new sessions',
    'A round is open; the operator presses "stop new sessions"; a new session is asked for and the open round is settled.',
    '503 NEW_SESSIONS_STOPPED (not retryable) for the new session; the open round settles (cash -0.50 + 1.00); sessions open again once the switch is off.',
    ['NEW_SESSIONS_STOPPED', 'degradation.no-new-sessions'],
    async (ctx) => {
      const faults = requireFaults(ctx);
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      await expectBalanceDelta(platform, platform.main, '0.50', async () => {
        const bet = await platform.authorize({ sessionId, amount: '0.50' });
        expectOk(bet, 'authorize');
        const id = await faults.set({ kind: 'no_new_sessions' });
        try {
          expectError(await platform.createSession(), 503, 'NEW_SESSIONS_STOPPED');
          const settled = await platform.settle({
            betId: bet.betId,
            roundId: bet.roundId,
            win: '1.00',
            currency: platform.main.currency,
          });
          expectOk(settled, 'settle of an open round while new sessions are stopped');
        } finally {
          await faults.clear(id);
        }
      });
      await platform.openSession();
    },
  ),
];
