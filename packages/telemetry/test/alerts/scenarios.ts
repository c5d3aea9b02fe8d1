import { LATENCY_BUCKETS_SECONDS, metricNames, SETTLE_LAG_BUCKETS_SECONDS } from '../../src/index.ts';

/** Synthetic series in promtool's notation: one sample a minute for 30 minutes. */
export const MINUTES = 30;
export const INTERVAL = '1m';

export interface InputSeries {
  series: string;
  values: string;
}

export interface Scenario {
  name: string;
  series: InputSeries[];
  /** The alerts the scenario is about; promtool's unit test expects exactly these to fire at 30m. */
  expectFiring: string[];
}

const labelText = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

/** A counter growing by `perMinute` every minute. */
const counter = (name: string, labels: Record<string, string>, perMinute: number): InputSeries => ({
  series: `${name}${labelText(labels)}`,
  values: `0+${perMinute}x${MINUTES}`,
});

const gauge = (name: string, labels: Record<string, string>, values: string): InputSeries => ({
  series: Object.keys(labels).length ? `${name}${labelText(labels)}` : name,
  values,
});

/** A histogram observing, every minute, `count` values of `seconds` for each pair. */
function histogram(
  name: string,
  labels: Record<string, string>,
  buckets: readonly number[],
  perMinute: Array<[seconds: number, count: number]>,
): InputSeries[] {
  const below = (le: number) => perMinute.filter(([s]) => s <= le).reduce((n, [, c]) => n + c, 0);
  const total = perMinute.reduce((n, [, c]) => n + c, 0);
  return [
    ...buckets.map((le) => counter(`${name}_bucket`, { ...labels, le: String(le) }, below(le))),
    counter(`${name}_bucket`, { ...labels, le: '+Inf' }, total),
    counter(`${name}_count`, labels, total),
  ];
}

const latency = (operation: string, status: string, perMinute: Array<[number, number]>) =>
  histogram(metricNames.requestDuration, { operation, status }, LATENCY_BUCKETS_SECONDS, perMinute);

/** A healthy wallet: fast bets, 0.17% 5xx, drained outbox, consumers seconds behind, a few retries. */
function quiet(): Map<string, InputSeries[]> {
  return new Map<string, InputSeries[]>([
    ['authorize', latency('authorizeBet', '200', [[0.02, 600]])],
    ['authorize-5xx', latency('authorizeBet', '500', [[0.02, 1]])],
    ['settle', latency('settleBet', '200', [[0.03, 600]])],
    ['settle-5xx', []],
    ['outbox', [gauge(metricNames.outboxLag, {}, `2x${MINUTES}`)]],
    ['queue', [gauge(metricNames.queueLag, { consumer: 'reporting' }, `3x${MINUTES}`)]],
    [
      'settle-lag',
      histogram(metricNames.settleLag, { game_type: 'slots' }, SETTLE_LAG_BUCKETS_SECONDS, [[1.5, 100]]),
    ],
    ['duplicates', [counter(metricNames.duplicates, { operation: 'authorizeBet' }, 0.4)]],
    ['mismatches', [counter(metricNames.idempotencyMismatches, { operation: 'settleBet' }, 0)]],
  ]);
}

function scenario(
  name: string,
  expectFiring: string[],
  replace: Record<string, InputSeries[]> = {},
): Scenario {
  const parts = quiet();
  for (const [part, series] of Object.entries(replace)) parts.set(part, series);
  return { name, series: [...parts.values()].flat(), expectFiring };
}

export const scenarios: Scenario[] = [
  scenario('quiet wallet fires nothing', []),
  scenario('a one-minute outbox spike stays under for: 2m', [], {
    outbox: [gauge(metricNames.outboxLag, {}, `2x25 300 2x3`)],
  }),
  scenario(
    'latency breach: one in six authorizes takes 450 ms (p95 over 300 ms, p99 under 500 ms)',
    ['CroupierLatencyP95OverBudget'],
    {
      authorize: latency('authorizeBet', '200', [
        [0.02, 500],
        [0.45, 100],
      ]),
    },
  ),
  scenario(
    'tail latency breach: 20 in 600 settles take 900 ms (p99 only)',
    ['CroupierLatencyP99OverBudget'],
    {
      settle: latency('settleBet', '200', [
        [0.03, 580],
        [0.9, 20],
      ]),
    },
  ),
  scenario('error breach: 3% of settles answer 503', ['CroupierErrorRateHigh'], {
    'settle-5xx': latency('settleBet', '503', [[0.01, 20]]),
  }),
  scenario('lag breach: the outbox relay stopped (lag grows 15 s a minute)', ['CroupierOutboxLagHigh'], {
    outbox: [gauge(metricNames.outboxLag, {}, `0+15x${MINUTES}`)],
  }),
  scenario('lag breach: the reporting consumer falls behind (10 s a minute)', ['CroupierQueueLagHigh'], {
    queue: [gauge(metricNames.queueLag, { consumer: 'reporting' }, `0+10x${MINUTES}`)],
  }),
  scenario('lag breach: slot rounds settle 15 minutes after authorize', ['CroupierSettleLagHigh'], {
    'settle-lag': histogram(metricNames.settleLag, { game_type: 'slots' }, SETTLE_LAG_BUCKETS_SECONDS, [
      [900, 100],
    ]),
  }),
  scenario('duplicate surge: 20 duplicate authorizes a minute', ['CroupierDuplicateSurge'], {
    duplicates: [counter(metricNames.duplicates, { operation: 'authorizeBet' }, 20)],
  }),
  scenario('IDEMPOTENCY_MISMATCH surge: 2 a minute on settle', ['CroupierIdempotencyMismatchSurge'], {
    mismatches: [counter(metricNames.idempotencyMismatches, { operation: 'settleBet' }, 2)],
  }),
];
