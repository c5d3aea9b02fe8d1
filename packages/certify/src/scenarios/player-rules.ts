import { decimalUnits, sameDecimal } from '@croupier/money';
import type { ReceivedEvent } from '../events/feed.ts';
import type { Response } from '../evidence.ts';
import { expectError, expectOk, Platform } from '../platform.ts';
import type { Profile, TestPlayer } from '../profile.ts';
import { check, fail, type Scenario, type ScenarioContext, skip } from '../scenario.ts';
import { expectNoWrite } from './balance-checks.ts';

type PlayerRole = keyof Profile['players'];

/** The wager.progress.updated event of each bet, waiting up to the lag budget for them to arrive. */
async function awaitProgress(
  ctx: ScenarioContext,
  received: () => ReceivedEvent[],
  betIds: string[],
): Promise<Map<string, ReceivedEvent['event']>> {
  const deadline = Date.now() + ctx.options.eventLagBudgetMs;
  const found = new Map<string, ReceivedEvent['event']>();
  while (!ctx.signal.aborted) {
    for (const { event } of received()) {
      if (event?.event_type === 'wager.progress.updated' && betIds.includes(event.payload?.bet_id))
        found.set(event.payload.bet_id, event);
    }
    if (found.size === betIds.length || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return found;
}

/**
 * The profile's player for a rule, or a skip that says which profile entry is missing. A player the
 * target does not know skips too: the rule cannot be judged without it, and a skip is reported, never
 * counted as a pass.
 */
function playerFor<R extends PlayerRole>(ctx: ScenarioContext, role: R): NonNullable<Profile['players'][R]> {
  const player = ctx.profile.players[role];
  if (!player) skip(`the profile names no players.${role}`);
  return player as NonNullable<Profile['players'][R]>;
}

function skipWhenAbsent(
  ctx: ScenarioContext,
  response: Response,
  player: TestPlayer,
  role: PlayerRole,
): void {
  if (response.status === 404 && response.json?.code === 'PLAYER_NOT_FOUND') {
    // The player is test data the target may not seed; its absence is not a finding.
    ctx.http.violations.length = 0;
    skip(`the target has no ${player.id} (players.${role} in the profile): seed it or name another player`);
  }
}

/**
 * A player-level stop (KYC, RG, region) refuses play with `code`: either at session creation, or at
 * the first bet, with no money moved.
 */
function stopScenario(options: {
  id: string;
  role: PlayerRole;
  code: string;
  title: string;
  covers: string[];
}): Scenario {
  const { id, role, code } = options;
  return {
    id,
    category: 'error-handling',
    title: options.title,
    description: `createSession, then (if a session opens) an authorize, by the players.${role} test player.`,
    expected: `403 ${code} at session creation or at authorize; no debit.`,
    covers: options.covers,
    async run(ctx) {
      const player = playerFor(ctx, role);
      const platform = new Platform(ctx);
      const session = await platform.createSession(player);
      skipWhenAbsent(ctx, session, player, role);
      if (session.status === 403) {
        expectError(session, 403, code);
        ctx.note('refused at session creation');
        return;
      }
      expectOk(session, `createSession for ${player.id}`);
      await expectNoWrite(platform, player, async () => {
        const bet = await platform.authorize({ sessionId: session.json.session_id, player, amount: '1.00' });
        expectError(bet, 403, code);
      });
    },
  };
}

export const playerRuleScenarios: Scenario[] = [
  stopScenario({
    id: 'error.kyc-pending',
    role: 'kycPending',
    code: 'KYC_PENDING',
    title: 'KYC pending: no play',
    covers: ['KYC_PENDING', 'kyc.pending'],
  }),
  stopScenario({
    id: 'error.kyc-denied',
    role: 'kycDenied',
    code: 'KYC_DENIED',
    title: 'KYC denied: no play',
    covers: ['KYC_DENIED', 'kyc.denied'],
  }),
  {
    id: 'error.region-mismatch',
    category: 'error-handling',
    title: "A request outside the player's region",
    description:
      "The main player's createSession, and an authorize on their open session, sent with the profile's otherRegion as X-Region.",
    expected: '403 REGION_MISMATCH both times (data residency); no debit.',
    covers: ['REGION_MISMATCH', 'data-residency.region'],
    exclusive: true,
    async run(ctx) {
      const platform = new Platform(ctx);
      const elsewhere = { headers: { 'x-region': ctx.profile.otherRegion } };
      const player = platform.main;
      const session = await ctx.http.post(
        '/v1/sessions',
        {
          player_id: player.id,
          game_id: ctx.profile.gameId,
          currency: player.currency,
          locale: ctx.profile.locale,
        },
        { label: 'createSession (other region)', ...elsewhere },
      );
      expectError(session, 403, 'REGION_MISMATCH');
      const sessionId = await platform.openSession();
      await expectNoWrite(platform, player, async () => {
        expectError(
          await platform.authorize({ sessionId, amount: '1.00', send: elsewhere }),
          403,
          'REGION_MISMATCH',
        );
      });
    },
  },
  {
    id: 'error.bonus-expired',
    category: 'error-handling',
    title: 'An expired bonus: its money is gone, its max bet no longer applies',
    description:
      'The players.bonusExpired test player (a bonus whose deadline passed) stakes more than that bonus allowed, paid from cash.',
    expected:
      'the stake is accepted (the expired bonus sets no max bet), the bonus balance reads 0, and the rollback returns the stake.',
    covers: ['bonus.deadline'],
    exclusive: true,
    async run(ctx) {
      const player = playerFor(ctx, 'bonusExpired');
      const platform = new Platform(ctx);
      const session = await platform.createSession(player);
      skipWhenAbsent(ctx, session, player, 'bonusExpired');
      expectOk(session, `createSession for ${player.id}`);
      const bet = await platform.authorize({
        sessionId: session.json.session_id,
        player,
        amount: player.overMaxBet,
        extra: { game_type: 'slots' },
      });
      check(
        bet.status === 200,
        `a ${player.overMaxBet} stake after the bonus expired answered ${bet.status} ${bet.text.slice(0, 200)}: an expired bonus still limits the bet`,
      );
      const balance = await platform.balance(player);
      check(sameDecimal(balance.bonus, '0'), `bonus balance ${balance.bonus} after the bonus expired`);
      expectOk(await platform.rollback({ betId: bet.betId, roundId: bet.roundId, player }), 'rollback');
    },
  },
  {
    id: 'error.wallet-rollback-unknown-transaction',
    category: 'error-handling',
    title: 'Wallet emulator: reversing a transaction that never was',
    description: '/wallet/rollback naming an original_transaction_id the wallet never saw.',
    expected: '404 TRANSACTION_NOT_FOUND; skipped when the target has no wallet emulator.',
    covers: ['TRANSACTION_NOT_FOUND', 'sandbox.wallet-emulator'],
    async run(ctx) {
      const response = await ctx.http.post(
        '/wallet/rollback',
        {
          player_id: ctx.profile.players.main.id,
          transaction_id: ctx.data.id('tx'),
          original_transaction_id: ctx.data.id('tx_none'),
        },
        { label: 'walletRollback' },
      );
      if (response.status === 404 && response.json?.code === 'NOT_FOUND') {
        ctx.http.violations.length = 0;
        skip('the target offers no wallet emulator (/wallet/rollback is sandbox-only)');
      }
      expectError(response, 404, 'TRANSACTION_NOT_FOUND');
    },
  },
  {
    id: 'events.wagering-contribution',
    category: 'events',
    title: 'Bonus wagering counts each bet by its game type',
    description:
      'The players.bonus test player plays a slots round and a table round (stake 1.00, win 1.00 each); their wager.progress.updated events are read from the bus.',
    expected:
      "one wager.progress.updated per round naming the bet's own game_type, contributed = stake × contribution_percent (to the cent), wagered growing by exactly what was contributed.",
    covers: ['bonus.contribution'],
    exclusive: true,
    timeoutMs: 30_000,
    async run(ctx) {
      const feed = ctx.events;
      if (!feed) skip('no event source: wagering progress is only visible on the bus');
      const player = playerFor(ctx, 'bonus');
      const platform = new Platform(ctx);
      const session = await platform.createSession(player);
      skipWhenAbsent(ctx, session, player, 'bonus');
      expectOk(session, `createSession for ${player.id}`);
      const rounds: Array<{ gameType: string; betId: string }> = [];
      for (const gameType of ['slots', 'table']) {
        const bet = await platform.authorize({
          sessionId: session.json.session_id,
          player,
          amount: '1.00',
          extra: { game_type: gameType },
        });
        expectOk(bet, `${gameType} authorize`);
        expectOk(
          await platform.settle({
            betId: bet.betId,
            roundId: bet.roundId,
            win: '1.00',
            currency: player.currency,
            player,
          }),
          `${gameType} settle`,
        );
        rounds.push({ gameType, betId: bet.betId });
      }
      const progress = await awaitProgress(
        ctx,
        feed.received.bind(feed),
        rounds.map((r) => r.betId),
      );
      let previous: { bonus: string; wagered: bigint } | undefined;
      for (const round of rounds) {
        const event = progress.get(round.betId);
        if (!event) fail(`no wager.progress.updated for the ${round.gameType} bet ${round.betId}`);
        const payload = event.payload;
        check(
          payload.game_type === round.gameType,
          `wager.progress.updated ${event.event_id} counts the ${round.gameType} bet as ${payload.game_type}`,
        );
        const stake = decimalUnits('1.00');
        const contributed = decimalUnits(String(payload.contributed?.amount));
        const exact = (stake * BigInt(payload.contribution_percent)) / 100n;
        // The percentage is rounded to whole percent on the wire; the amount may carry the unrounded rate.
        const slack = stake / 200n + decimalUnits('0.01');
        check(
          contributed >= exact - slack && contributed <= exact + slack,
          `wager.progress.updated ${event.event_id}: contributed ${payload.contributed?.amount} for a 1.00 ${round.gameType} stake at ${payload.contribution_percent} %`,
        );
        const wagered = decimalUnits(String(payload.wagered?.amount));
        if (previous && previous.bonus === payload.bonus_id)
          check(
            wagered === previous.wagered + contributed,
            `wager.progress.updated ${event.event_id}: wagered ${payload.wagered?.amount} does not grow by the ${payload.contributed?.amount} contributed`,
          );
        previous = { bonus: String(payload.bonus_id), wagered };
        ctx.note(`${round.gameType}: ${payload.contribution_percent} % → ${payload.contributed?.amount}`);
      }
    },
  },
];
