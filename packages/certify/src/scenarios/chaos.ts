import type { Fault, FaultControl } from '../chaos/fault-control.ts';
import { expectOk, Platform } from '../platform.ts';
import { check, type Scenario, type ScenarioContext, skip } from '../scenario.ts';
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

function chaos(
  id: string,
  title: string,
  description: string,
  expected: string,
  run: Scenario['run'],
): Scenario {
  return { id, category: 'chaos', title, description, expected, exclusive: true, phase: CHAOS_PHASE, run };
}

export const chaosScenarios: Scenario[] = [
  chaos(
    'chaos.duplicate-deliveries',
    'Duplicate event deliveries',
    'With duplicate delivery on, play a round.',
    'the round settles once (cash +0.50); the events phase sees duplicates only as redeliveries of one event_id.',
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
    'during the outage a retryable 5xx (never a success that is not booked); afterwards the retry credits once: cash -1.00 + 3.00.',
    async (ctx) => {
      const faults = requireFaults(ctx);
      const platform = new Platform(ctx);
      const currency = platform.main.currency;
      const sessionId = await platform.openSession();
      await expectBalanceDelta(platform, platform.main, '2.00', async () => {
        const bet = await platform.authorize({ sessionId, amount: '1.00' });
        expectOk(bet, 'authorize');
        const key = ctx.data.key('settle');
        const id = await faults.set({ kind: 'wallet_outage' });
        try {
          const during = await platform.settle({
            betId: bet.betId,
            roundId: bet.roundId,
            win: '3.00',
            currency,
            key,
          });
          check(
            during.status >= 500 ? during.json?.retryable === true : during.status === 200,
            `during the outage: ${during.status} ${during.text.slice(0, 120)}`,
          );
        } finally {
          await faults.clear(id);
        }
        const after = await platform.settle({
          betId: bet.betId,
          roundId: bet.roundId,
          win: '3.00',
          currency,
          key,
        });
        expectOk(after, 'settle retried after the outage');
      });
    },
  ),
  chaos(
    'chaos.rollback-after-outage',
    'Rollback chain after a failed authorize',
    'The wallet goes down during an authorize; the provider rolls the bet back (retrying) once it is back.',
    'cash ends where it started; a late retry of the authorize is refused.',
    async (ctx) => {
      const faults = requireFaults(ctx);
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const betId = ctx.data.betId();
      const roundId = ctx.data.roundId();
      await expectBalanceDelta(platform, platform.main, '0', async () => {
        const id = await faults.set({ kind: 'wallet_outage' });
        try {
          const during = await platform.authorize({ sessionId, betId, roundId, amount: '1.00' });
          check(during.status >= 500 || during.status === 200, `during the outage: ${during.status}`);
        } finally {
          await faults.clear(id);
        }
        expectOk(await platform.rollback({ betId, roundId }), 'rollback after the outage');
        const late = await platform.authorize({ sessionId, betId, roundId, amount: '1.00' });
        check(late.status === 409, `a late authorize after the rollback answered ${late.status}`);
      });
    },
  ),
  chaos(
    'chaos.clock-skew',
    'Clock skew',
    'With the platform clock 90 s ahead, play a round and read the session.',
    'the round settles once (cash +0.10); nothing is refused for time reasons that are not the contract’s.',
    async (ctx) => {
      requireFaults(ctx);
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      await withFault(ctx, { kind: 'clock_skew', skew_ms: 90_000 }, () =>
        expectBalanceDelta(platform, platform.main, '0.10', () =>
          platform.playRound(sessionId, '0.10', '0.20'),
        ),
      );
    },
  ),
  chaos(
    'chaos.partial-settlement-retries',
    'Partial settlement with every part retried',
    'Stake 1.00; three settle parts (final false, false, true), each sent twice with its key, with duplicate delivery on.',
    'each part credited once: cash -1.00 + 0.30 + 0.30 + 0.40.',
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
];
