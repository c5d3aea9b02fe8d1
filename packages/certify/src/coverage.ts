import type { Contract } from './contract.ts';
import type { Scenario } from './scenario.ts';

/** A rule a certified integration must keep, as the brief or the contract states it. */
export interface Rule {
  id: string;
  /** Where it is stated: a section of the brief (shared/seed/provider-integration.md) or the contract. */
  source: string;
  rule: string;
}

/**
 * Every behaviour rule of the brief and the contract that a target can be tested for. The brief's
 * deliverables (test protocol, SLO report, security summary) are certify's own reports, not rules of
 * the target, so they are not here. A scenario names what it covers in `covers`; the README's table
 * and `croupier certify --list` are read from there.
 */
export const RULES: readonly Rule[] = [
  { id: 'health', source: 'brief §2.3', rule: 'GET /health answers before any credentials' },
  {
    id: 'headers.mandatory',
    source: 'brief §2.2, §10',
    rule: 'X-Brand-Id, X-Region, X-Provider-Id on every call and X-Idempotency-Key on every write; a call without them is refused',
  },
  {
    id: 'headers.trace-id',
    source: 'brief §2.2',
    rule: 'X-Trace-Id is carried end to end (echoed, in events)',
  },
  {
    id: 'security.signatures',
    source: 'brief §2.1, §8',
    rule: 'request bodies are signed; a bad, stale or replayed signature is refused',
  },
  {
    id: 'security.credentials',
    source: 'brief §2.1, §8',
    rule: 'mTLS / OAuth2 client credentials: a call without them is refused',
  },
  {
    id: 'security.scopes',
    source: 'brief §2.1, §8',
    rule: 'a token only reaches the operations its scopes name',
  },
  {
    id: 'tenancy.per-brand',
    source: 'brief §5, §8',
    rule: "a brand never sees another brand's players, sessions or bets",
  },
  {
    id: 'data-residency.region',
    source: 'brief §8; contract REGION_MISMATCH',
    rule: "a call outside the player's region is refused",
  },
  {
    id: 'sandbox.wallet-emulator',
    source: 'brief §3',
    rule: 'wallet emulator /wallet/debit, /wallet/credit, /wallet/rollback, idempotent',
  },
  {
    id: 'sandbox.rg-hook',
    source: 'brief §3',
    rule: 'RG hook /rg/check answers allow or deny with a reason',
  },
  {
    id: 'kyc.pending',
    source: 'brief §3 (fake KYC pending); contract KYC_PENDING',
    rule: 'a player whose KYC is pending cannot play',
  },
  {
    id: 'kyc.denied',
    source: 'brief §3 (fake KYC deny); contract KYC_DENIED',
    rule: 'a player whose KYC was denied cannot play',
  },
  {
    id: 'test-players',
    source: 'brief §3',
    rule: 'test players p_demo_1 (EUR), p_demo_2 (USD), p_blocked_rg (denied), p_low_balance behave as described',
  },
  {
    id: 'session.create',
    source: 'brief §4.1',
    rule: 'a session opens for a player, game, currency and locale',
  },
  {
    id: 'session.expiry',
    source: 'contract SESSION_EXPIRED',
    rule: 'no bet on an expired session; its open rounds still pay out',
  },
  {
    id: 'session.end',
    source: 'contract SESSION_ENDED',
    rule: 'no bet on an ended session; its open rounds still pay out',
  },
  {
    id: 'bet.authorize-hold',
    source: 'brief §4.2',
    rule: 'authorize holds the stake: it leaves the balance at once',
  },
  { id: 'bet.settle', source: 'brief §4.3', rule: 'settle credits the win of an authorized bet once' },
  { id: 'bet.rollback', source: 'brief §6.1', rule: 'rollback returns the stake of an unsettled bet once' },
  {
    id: 'errors.one-schema',
    source: 'brief §4.4',
    rule: 'every error is {code, message, retryable, trace_id}; bad input is a 4xx, never a 5xx',
  },
  {
    id: 'money.exact',
    source: 'contract Money',
    rule: 'amounts are exact decimal strings: no float rounding, no bad format accepted',
  },
  {
    id: 'currency.match',
    source: 'contract CURRENCY_MISMATCH',
    rule: "an amount in another currency than the session's or bet's is refused",
  },
  { id: 'currency.per-player', source: 'brief §3', rule: 'each test currency plays in its own balance' },
  {
    id: 'idempotency.same-answer',
    source: 'brief §6.1, §11',
    rule: 'a request retried with the same X-Idempotency-Key gets the same answer and no second effect',
  },
  {
    id: 'idempotency.other-body',
    source: 'contract IDEMPOTENCY_MISMATCH',
    rule: 'a key reused with another body is refused',
  },
  {
    id: 'out-of-order',
    source: 'brief §3, §6.1',
    rule: 'a settle without authorize fails correctly; a rollback before its authorize voids it',
  },
  {
    id: 'rollback-chains',
    source: 'brief §6.1',
    rule: 'rollback chains hold when the wallet or the network falls',
  },
  { id: 'rg.self-exclusion', source: 'brief §6.1', rule: 'RG stop: a self-excluded player cannot bet' },
  { id: 'rg.loss-limit', source: 'brief §6.1', rule: 'RG stop: a bet over the loss limit is refused' },
  {
    id: 'rg.time-limit',
    source: 'brief §6.1',
    rule: 'RG stop: a bet past the session time limit is refused',
  },
  { id: 'bonus.max-bet', source: 'brief §6.1', rule: 'a stake above the bonus max bet is refused' },
  {
    id: 'bonus.deadline',
    source: 'brief §6.1',
    rule: 'a bonus past its deadline is gone, and with it its limits',
  },
  { id: 'bonus.contribution', source: 'brief §6.1', rule: 'wagering contribution follows the game type' },
  {
    id: 'funds.insufficient',
    source: 'contract INSUFFICIENT_FUNDS',
    rule: 'a stake above the balance is refused with the balance; no overdraft',
  },
  {
    id: 'concurrency.no-lost-update',
    source: 'brief §6.1 (idempotency under load)',
    rule: 'parallel requests neither lose nor double an update',
  },
  { id: 'load.latency', source: 'brief §6.2', rule: 'p95 of bet and settle within the budget' },
  { id: 'load.no-retry-storm', source: 'brief §6.2', rule: 'no storms of retries' },
  {
    id: 'events.emitted',
    source: 'brief §5, §11',
    rule: 'every money movement publishes its events (outbox)',
  },
  {
    id: 'events.schema',
    source: 'brief §5',
    rule: 'events conform to the registered schema of their schema_version',
  },
  {
    id: 'events.duplicates',
    source: 'brief §5',
    rule: 'duplicate and late events: one event_id per fact, redeliveries identical',
  },
  { id: 'events.lag', source: 'brief §6.2', rule: 'events reach consumers within the lag budget' },
  {
    id: 'events.clock',
    source: 'brief §3 (time skew)',
    rule: "an event's occurred_at is the time it happened, within the clock-skew tolerance",
  },
  { id: 'chaos.delivery-doubles', source: 'brief §3, §6.3', rule: 'doubled deliveries change nothing' },
  { id: 'chaos.outbox-delay', source: 'brief §6.3', rule: 'outbox/CDC delays delay events, never lose them' },
  {
    id: 'chaos.time-skew',
    source: 'brief §3',
    rule: 'a skewed platform clock refuses nothing it should accept',
  },
  {
    id: 'chaos.region-outage',
    source: 'brief §6.3',
    rule: 'a region outage answers retryable errors, and retries land once',
  },
  {
    id: 'chaos.wallet-outage',
    source: 'brief §6.1, §11',
    rule: 'during a wallet outage nothing is acknowledged that is not committed',
  },
  { id: 'chaos.partial-settlement', source: 'brief §6.3', rule: 'partial settlements credit each part once' },
  {
    id: 'degradation.no-new-sessions',
    source: 'brief §9, §11',
    rule: '"stop new sessions": new sessions refused, open rounds settle',
  },
  {
    id: 'promo-and-jackpot',
    source: 'brief §3 (aggregator/jackpot)',
    rule: 'promo and jackpot wins without a bet credit once',
  },
];

export interface Coverage {
  /** Every error code of the contract's catalogue → the scenarios that exercise it. */
  codes: Map<string, string[]>;
  /** Every rule → the scenarios that exercise it. */
  rules: Map<string, string[]>;
  /** `covers` entries naming neither a catalogued code nor a rule (a typo, or a code the contract dropped). */
  unknown: string[];
}

export function coverage(scenarios: readonly Scenario[], contract: Contract): Coverage {
  const codes = new Map([...contract.errorCatalogue.keys()].map((code) => [code, [] as string[]]));
  const rules = new Map(RULES.map((rule) => [rule.id, [] as string[]]));
  const unknown: string[] = [];
  for (const scenario of scenarios) {
    for (const entry of scenario.covers ?? []) {
      const bucket = codes.get(entry) ?? rules.get(entry);
      if (bucket) bucket.push(scenario.id);
      else unknown.push(`${scenario.id}: ${entry}`);
    }
  }
  return { codes, rules, unknown };
}

/** `code X` / `rule y` for every code or rule no scenario exercises: empty when coverage is complete. */
export function uncovered(found: Coverage): string[] {
  return [
    ...[...found.codes].filter(([, ids]) => ids.length === 0).map(([code]) => `code ${code}`),
    ...[...found.rules].filter(([, ids]) => ids.length === 0).map(([rule]) => `rule ${rule}`),
  ];
}

/** The README's coverage table, as markdown, from the scenarios at hand. */
export function coverageTable(scenarios: readonly Scenario[], contract: Contract): string {
  const { codes, rules } = coverage(scenarios, contract);
  const list = (ids: string[]) =>
    ids.length === 0
      ? '**none**'
      : compact(ids)
          .map((id) => `\`${id}\``)
          .join(', ');
  const lines = [
    '| error code | status | scenarios |',
    '|---|---|---|',
    ...[...codes].map(
      ([code, ids]) => `| \`${code}\` | ${contract.errorCatalogue.get(code)?.status ?? ''} | ${list(ids)} |`,
    ),
    '',
    '| rule | source | scenarios |',
    '|---|---|---|',
    ...RULES.map(
      (rule) => `| \`${rule.id}\`: ${rule.rule} | ${rule.source} | ${list(rules.get(rule.id) ?? [])} |`,
    ),
  ];
  return lines.join('\n');
}

/**
 * Generated scenarios come one per operation or path: three or more of a kind are written once with a
 * `*` and their count (`contract.*.missing-header` ×13), so a table row stays readable.
 */
export function compact(ids: readonly string[]): string[] {
  const patterns = new Map<string, string[]>();
  for (const id of ids) {
    const parts = id.split('.');
    if (parts.length < 3) continue;
    for (const key of patternsOf(parts)) patterns.set(key, [...(patterns.get(key) ?? []), id]);
  }
  const out: string[] = [];
  const done = new Set<string>();
  for (const id of ids) {
    if (done.has(id)) continue;
    const parts = id.split('.');
    const group = patternsOf(parts)
      .map((key) => [key, patterns.get(key) ?? []] as const)
      .filter(([, members]) => parts.length >= 3 && members.length >= 3)
      .sort((a, b) => b[1].length - a[1].length)[0];
    if (!group) {
      out.push(id);
      done.add(id);
      continue;
    }
    const [key, members] = group;
    const fresh = members.filter((member) => !done.has(member));
    for (const member of fresh) done.add(member);
    out.push(`${key} ×${fresh.length}`);
  }
  return out;
}

/** `a.b.*`, `a.b.c.*`, … and `a.*.z`: the shapes generated ids share. */
function patternsOf(parts: string[]): string[] {
  if (parts.length < 3) return [];
  const prefixes = parts.slice(2).map((_, i) => `${parts.slice(0, i + 2).join('.')}.*`);
  return [...prefixes, `${parts[0]}.*.${parts.at(-1)}`];
}

/** `croupier certify --list`: one line per scenario (id, category, title), then what it covers. */
export function scenarioListing(scenarios: readonly Scenario[]): string[] {
  return scenarios.map((s) => {
    const line = `${s.id.padEnd(56)} ${s.category.padEnd(15)} ${s.title}`;
    return s.covers?.length ? `${line}\n${' '.repeat(57)}covers: ${s.covers.join(', ')}` : line;
  });
}
