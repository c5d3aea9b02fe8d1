/**
 * The names and meanings of the fault buttons, with no imports: the CLI's `--help` reads them without
 * loading the sandbox.
 */
export const FAULT_KINDS = [
  'latency',
  'error_rate',
  'wallet_outage',
  'duplicate_delivery',
  'out_of_order',
  'outbox_delay',
  'clock_skew',
  'region_outage',
  'no_new_sessions',
  'promo_off',
  'jackpot_off',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** What each button does, for `--help`, the console and `GET /sandbox/faults/kinds`. */
export const FAULT_DESCRIPTIONS: Record<FaultKind, string> = {
  latency:
    'adds latency to contract calls: fixed `delay_ms`, or a distribution `{min_ms, max_ms}` (uniform) or `{mean_ms, stddev_ms}` (normal)',
  error_rate:
    'answers a share `rate` (0–1) of contract calls with the error `code` (its status from the contract)',
  wallet_outage: 'the wallet is down: money operations answer 503 PLATFORM_DEGRADED (retryable)',
  duplicate_delivery: 'every event is delivered twice to sandbox subscribers (same event_id)',
  out_of_order: 'events are held back and delivered in reverse order, `window` at a time (default 3)',
  outbox_delay: 'the outbox relay waits `delay_ms` before publishing each batch',
  clock_skew: 'shifts `occurred_at` of delivered events by `skew_ms` (negative = in the past)',
  region_outage: 'calls with `X-Region: <region>` answer 503 PLATFORM_DEGRADED',
  no_new_sessions: 'new sessions are refused (NEW_SESSIONS_STOPPED); open rounds keep settling',
  promo_off: 'promo wins answer 503 PLATFORM_DEGRADED (retryable); regular rounds settle',
  jackpot_off: 'no jackpot contributions are taken and jackpot wins answer 503 PLATFORM_DEGRADED',
};
