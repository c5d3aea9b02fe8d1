import type { EventFeed, ReceivedEvent } from '../events/feed.ts';
import { EventSchemas } from '../events/catalogue.ts';
import { latencyStats } from '../load/generator.ts';
import { check, fail, type MoneyOperation, type Scenario, type ScenarioContext, skip } from '../scenario.ts';

const EVENTS_PHASE = 7;

function requireFeed(ctx: ScenarioContext): EventFeed {
  if (!ctx.events) {
    skip('no event source: the target has no /sandbox/events/stream and no --nats URL was given');
  }
  return ctx.events;
}

/** Events of this run (their idempotency key belongs to an operation certify made), deduplicated by event_id. */
function runEvents(ctx: ScenarioContext): {
  unique: ReceivedEvent[];
  duplicates: number;
  all: ReceivedEvent[];
} {
  const keys = new Set(ctx.ledger.moneyOperations.map((op) => op.idempotencyKey));
  const all = requireFeed(ctx)
    .received()
    .filter((r) => keys.has(r.event?.idempotency_key));
  const seen = new Map<string, ReceivedEvent>();
  let duplicates = 0;
  for (const received of all) {
    const id = String(received.event?.event_id);
    if (seen.has(id)) duplicates += 1;
    else seen.set(id, received);
  }
  return { unique: [...seen.values()], duplicates, all };
}

/**
 * Every event of this run that a request of certify caused (money or not: sessions, RG stops, wagering),
 * deduplicated by event_id: the clock checks judge them all.
 */
function attributedEvents(ctx: ScenarioContext): ReceivedEvent[] {
  const keys = new Set([
    ...Object.keys(ctx.ledger.requestWindows),
    ...ctx.ledger.moneyOperations.map((op) => op.idempotencyKey),
  ]);
  const seen = new Map<string, ReceivedEvent>();
  for (const received of requireFeed(ctx).received()) {
    if (!keys.has(received.event?.idempotency_key)) continue;
    const id = String(received.event?.event_id);
    if (!seen.has(id)) seen.set(id, received);
  }
  return [...seen.values()];
}

function missingEvents(ctx: ScenarioContext, operations: MoneyOperation[]): string[] {
  const { unique } = runEvents(ctx);
  const byKey = new Map<string, Set<string>>();
  for (const received of unique) {
    const key = String(received.event.idempotency_key);
    (byKey.get(key) ?? byKey.set(key, new Set()).get(key))?.add(String(received.event.event_type));
  }
  const missing: string[] = [];
  for (const op of operations) {
    for (const type of op.expectedEvents) {
      if (!byKey.get(op.idempotencyKey)?.has(type))
        missing.push(`${type} for ${op.operation} ${op.betId} (key ${op.idempotencyKey}, ${op.scenarioId})`);
    }
  }
  return missing;
}

/** Late events are tolerated: wait up to the lag budget for stragglers before calling an event missing. */
async function awaitEvents(ctx: ScenarioContext, operations: MoneyOperation[]): Promise<string[]> {
  const deadline = Date.now() + ctx.options.eventLagBudgetMs;
  let missing = missingEvents(ctx, operations);
  while (missing.length > 0 && Date.now() < deadline && !ctx.signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    missing = missingEvents(ctx, operations);
  }
  return missing;
}

function emittedScenario(operation: MoneyOperation['operation'], events: string): Scenario {
  return {
    id: `events.${operation}-emitted`,
    category: 'events',
    title: `Every ${operation} emitted ${events}`,
    description: `For each successful ${operation} of the run, the bus carries ${events} with its idempotency key.`,
    expected: 'every expected event arrives within the lag budget (duplicates ignored).',
    covers: ['events.emitted'],
    phase: EVENTS_PHASE,
    timeoutMs: 60_000,
    async run(ctx) {
      requireFeed(ctx);
      const ops = ctx.ledger.moneyOperations.filter((op) => op.operation === operation);
      if (ops.length === 0) skip(`the run made no successful ${operation}`);
      const missing = await awaitEvents(ctx, ops);
      if (missing.length > 0)
        fail(
          `${missing.length} of ${ops.length} ${operation}s lack events: ${missing.slice(0, 5).join('; ')}`,
        );
      ctx.note(`${ops.length} ${operation}s, all with their events`);
    },
  };
}

let schemas: EventSchemas | undefined;

/** Where an event's occurred_at lies relative to the requests that caused it, once any injected skew is taken off. */
interface Timing {
  received: ReceivedEvent;
  occurredMs: number;
  /** The clock skew certify injected that explains this event best (0 when none did). */
  shiftMs: number;
  /** How far occurred_at (shift taken off) lies outside every request window: > 0 after it, < 0 before it. */
  outsideMs: number;
}

/**
 * An event occurred while the request that caused it was in flight: the platform commits, then answers.
 * Judging occurred_at against that window measures the platform's clock against certify's in both
 * directions, which receipt lag alone cannot (a clock running an hour ahead looks like zero lag).
 */
function eventTimings(ctx: ScenarioContext, events: ReceivedEvent[]): Timing[] {
  const windowsByKey = new Map<string, MoneyOperation['windows']>(Object.entries(ctx.ledger.requestWindows));
  for (const op of ctx.ledger.moneyOperations)
    windowsByKey.set(op.idempotencyKey, [...(windowsByKey.get(op.idempotencyKey) ?? []), ...op.windows]);
  const timings: Timing[] = [];
  for (const received of events) {
    const occurredMs = Date.parse(received.event?.occurred_at);
    const windows = windowsByKey.get(received.event?.idempotency_key) ?? [];
    if (!Number.isFinite(occurredMs) || windows.length === 0) continue;
    const shifts = [
      0,
      ...ctx.ledger.injectedSkews
        // The sandbox shifts events as it delivers them, so an event of a request made just before the
        // fault went on, delivered while it was on, carries the shift too: judge by receipt as well.
        .filter(
          (skew) =>
            windows.some((w) => w.toMs >= skew.fromMs && w.fromMs <= skew.toMs) ||
            (received.receivedAtMs >= skew.fromMs && received.receivedAtMs <= skew.toMs + 1000),
        )
        .map((skew) => skew.skewMs),
    ];
    let best: Timing | undefined;
    for (const shiftMs of shifts) {
      const at = occurredMs - shiftMs;
      const outsideMs = windows
        .map((w) => (at < w.fromMs ? at - w.fromMs : at > w.toMs ? at - w.toMs : 0))
        .reduce((a, b) => (Math.abs(b) < Math.abs(a) ? b : a));
      if (!best || Math.abs(outsideMs) < Math.abs(best.outsideMs))
        best = { received, occurredMs, shiftMs, outsideMs };
    }
    if (best) timings.push(best);
  }
  return timings;
}

function describeSkew(t: Timing): string {
  const direction = t.outsideMs > 0 ? 'after' : 'before';
  return `${t.received.event.event_type} ${t.received.event.event_id}: occurred_at ${t.received.event.occurred_at} is ${Math.abs(t.outsideMs)} ms ${direction} its request`;
}

export const eventScenarios: Scenario[] = [
  {
    id: 'events.source-connected',
    category: 'events',
    title: 'An event source is connected',
    description: 'The sandbox stream or a NATS JetStream consumer was listening during the run.',
    expected: 'a source, and at least one event of this run received on it.',
    covers: ['events.emitted'],
    phase: EVENTS_PHASE,
    async run(ctx) {
      const feed = requireFeed(ctx);
      ctx.note(`source: ${feed.name}; ${feed.received().length} events received`);
      if (ctx.ledger.moneyOperations.length > 0)
        await awaitEvents(ctx, ctx.ledger.moneyOperations.slice(0, 1));
      check(runEvents(ctx).all.length > 0, 'no event of this run arrived');
    },
  },
  emittedScenario('authorize', 'bet.authorized and wallet.debit'),
  emittedScenario('settle', 'bet.settled (and wallet.credit for a win)'),
  emittedScenario('rollback', 'bet.rolled_back'),
  {
    id: 'events.schema-valid',
    category: 'events',
    title: 'Every event conforms to its schema',
    description: 'Each event of the run validated against contracts/schemas/events/<type>/<version>.json.',
    expected: 'no violations.',
    covers: ['events.schema'],
    phase: EVENTS_PHASE,
    async run(ctx) {
      const { unique } = runEvents(ctx);
      if (unique.length === 0) skip('no events of this run to validate');
      schemas ??= new EventSchemas();
      const bad = unique.flatMap(
        (r) => schemas?.validate(r.event).map((v) => `${r.event.event_type} ${r.event.event_id}: ${v}`) ?? [],
      );
      if (bad.length > 0) fail(`${bad.length} violations: ${bad.slice(0, 5).join('; ')}`);
      ctx.note(`${unique.length} events valid`);
    },
  },
  {
    id: 'events.unique-event-id',
    category: 'events',
    title: 'event_id is unique; redeliveries are identical',
    description:
      'Events sharing an event_id must be byte-for-byte the same event (a redelivery), never two facts.',
    expected: 'no event_id carries two different events; duplicates are counted and tolerated.',
    covers: ['events.duplicates'],
    phase: EVENTS_PHASE,
    async run(ctx) {
      const { all, duplicates } = runEvents(ctx);
      if (all.length === 0) skip('no events of this run');
      const byId = new Map<string, string>();
      for (const received of all) {
        const id = String(received.event.event_id);
        const body = JSON.stringify(received.event);
        const earlier = byId.get(id);
        if (earlier !== undefined && earlier !== body) fail(`event_id ${id} names two different events`);
        byId.set(id, body);
      }
      ctx.note(`${duplicates} duplicate deliveries deduplicated`);
    },
  },
  {
    id: 'events.no-doubled-facts',
    category: 'events',
    title: 'One fact, one event',
    description:
      'Per (event_type, idempotency_key) at most one distinct event_id: a retried request must not publish again.',
    expected: 'no fact published twice under different event ids.',
    covers: ['events.duplicates', 'idempotency.same-answer'],
    phase: EVENTS_PHASE,
    async run(ctx) {
      const { unique } = runEvents(ctx);
      if (unique.length === 0) skip('no events of this run');
      const facts = new Map<string, number>();
      for (const r of unique) {
        // Partial settlements publish several bet.settled under one bet, each with its own key: keyed by key.
        // One request may move money for two reasons (a stake, and the expired bonus it forfeits): keyed by reason too.
        const fact = `${r.event.event_type} ${r.event.idempotency_key}${r.event.payload?.reason ? ` ${r.event.payload.reason}` : ''}`;
        facts.set(fact, (facts.get(fact) ?? 0) + 1);
      }
      const doubled = [...facts].filter(([, n]) => n > 1);
      if (doubled.length > 0)
        fail(
          `published more than once: ${doubled
            .slice(0, 5)
            .map(([f, n]) => `${f} ×${n}`)
            .join('; ')}`,
        );
    },
  },
  {
    id: 'events.trace-and-key',
    category: 'events',
    title: "Events carry their request's trace_id, idempotency_key and player",
    description: 'Each event matched to the operation that caused it.',
    expected: "trace_id equals the request's X-Trace-Id and player_id the operation's player.",
    covers: ['headers.trace-id', 'tenancy.per-brand'],
    phase: EVENTS_PHASE,
    async run(ctx) {
      const { unique } = runEvents(ctx);
      if (unique.length === 0) skip('no events of this run');
      // One key value may serve several operations (keys are scoped per operation): any of them may match.
      const byKey = new Map<string, MoneyOperation[]>();
      for (const op of ctx.ledger.moneyOperations)
        byKey.set(op.idempotencyKey, [...(byKey.get(op.idempotencyKey) ?? []), op]);
      const wrong: string[] = [];
      for (const r of unique) {
        const ops = byKey.get(r.event.idempotency_key) ?? [];
        if (ops.length === 0) continue;
        const traceIds = ops.flatMap((op) => op.traceIds);
        if (!traceIds.includes(r.event.trace_id))
          wrong.push(
            `${r.event.event_type} ${r.event.event_id}: trace_id ${r.event.trace_id}, requests ${traceIds.join(' ')}`,
          );
        // A tombstone (rollback before any bet) may not know its player: only its trace is judged.
        const tombstone = r.event.payload?.tombstone === true;
        if (!tombstone && !ops.some((op) => op.playerId === r.event.player_id))
          wrong.push(
            `${r.event.event_type} ${r.event.event_id}: player_id ${r.event.player_id}, expected ${ops[0]?.playerId}`,
          );
      }
      if (wrong.length > 0) fail(`${wrong.length} mismatches: ${wrong.slice(0, 5).join('; ')}`);
    },
  },
  {
    id: 'events.lag-budget',
    category: 'events',
    title: 'Event lag within budget, never negative',
    description:
      'Lag from occurred_at to receipt by certify, over every event of the run (a skew certify injected taken off).',
    expected:
      'p95 lag within the budget (--event-lag-ms, default 5000 ms); no event received before it occurred by more than the clock-skew tolerance (default 5000 ms).',
    covers: ['events.lag', 'events.clock'],
    phase: EVENTS_PHASE,
    async run(ctx) {
      const unique = attributedEvents(ctx);
      if (unique.length === 0) skip('no events of this run');
      const shifts = new Map(eventTimings(ctx, unique).map((t) => [t.received, t.shiftMs]));
      const lags = unique
        .map((r) => ({ r, lag: r.receivedAtMs - (Date.parse(r.event.occurred_at) - (shifts.get(r) ?? 0)) }))
        .filter(({ lag }) => Number.isFinite(lag));
      const tolerance = ctx.options.clockSkewToleranceMs;
      const future = lags.filter(({ lag }) => lag < -tolerance);
      if (future.length > 0)
        fail(
          `${future.length} events received before they occurred (lag below -${tolerance} ms): ${future
            .slice(0, 5)
            .map(({ r, lag }) => `${r.event.event_type} ${r.event.event_id} lag ${lag} ms`)
            .join('; ')}`,
        );
      const stats = latencyStats(lags.map(({ lag }) => Math.max(0, lag)));
      ctx.note(
        `lag p50 ${stats.p50.toFixed(0)} ms, p95 ${stats.p95.toFixed(0)} ms, max ${stats.max.toFixed(0)} ms over ${stats.count} events`,
      );
      check(
        stats.p95 <= ctx.options.eventLagBudgetMs,
        `lag p95 ${stats.p95.toFixed(0)} ms over the ${ctx.options.eventLagBudgetMs} ms budget`,
      );
    },
  },
  {
    id: 'events.clock-skew',
    category: 'events',
    title: "Event clocks agree with certify's",
    description:
      "Each event's occurred_at against the time its request was in flight (the platform commits before it answers); a skew certify injected is taken off.",
    expected:
      'every occurred_at inside its request, give or take the clock-skew tolerance (default 5000 ms either way); the events outside it are named.',
    covers: ['events.clock'],
    phase: EVENTS_PHASE,
    async run(ctx) {
      const timings = eventTimings(ctx, attributedEvents(ctx));
      if (timings.length === 0) skip('no events of this run matched to a request');
      const tolerance = ctx.options.clockSkewToleranceMs;
      const skewed = timings.filter((t) => Math.abs(t.outsideMs) > tolerance);
      if (skewed.length > 0)
        fail(
          `${skewed.length} of ${timings.length} events beyond the ${tolerance} ms clock-skew tolerance: ${skewed
            .slice(0, 5)
            .map(describeSkew)
            .join('; ')}`,
        );
      const worst = timings.reduce((a, b) => (Math.abs(b.outsideMs) > Math.abs(a.outsideMs) ? b : a));
      ctx.note(`${timings.length} events within ±${tolerance} ms; worst ${worst.outsideMs} ms`);
    },
  },
];
