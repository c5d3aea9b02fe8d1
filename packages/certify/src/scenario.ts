import type { CertifyHttp, Exchange } from './evidence.ts';
import type { EventFeed } from './events/feed.ts';
import type { FaultControl } from './chaos/fault-control.ts';
import type { Contract } from './contract.ts';
import type { Profile } from './profile.ts';
import type { TestData } from './test-data.ts';
import type { LoadSummary } from './load/generator.ts';

export const CATEGORIES = [
  'happy-path',
  'idempotency',
  'error-handling',
  'signatures',
  'attacks',
  'edge-cases',
  'concurrency',
  'events',
  'load',
  'chaos',
  'contract',
] as const;
export type Category = (typeof CATEGORIES)[number];

export type Verdict = 'pass' | 'fail' | 'skip';

/** Thrown by a scenario to end it with a verdict other than pass; any other throw is a failure. */
export class ScenarioOutcome extends Error {
  constructor(
    readonly verdict: Exclude<Verdict, 'pass'>,
    message: string,
  ) {
    super(message);
  }
}

export function skip(reason: string): never {
  throw new ScenarioOutcome('skip', reason);
}

export function fail(reason: string): never {
  throw new ScenarioOutcome('fail', reason);
}

export function check(condition: unknown, reason: string): asserts condition {
  if (!condition) fail(reason);
}

/** Signs outgoing requests when the target runs with security on; the security package supplies one. */
export interface RequestSigner {
  /** Algorithms and key ids this signer uses, for the security summary. */
  describe(): { keyId: string; algorithm: string; scopes?: string[] };
  sign(
    request: { method: string; path: string; body: string; headers: Record<string, string> },
    options?: { timestamp?: number },
  ): Record<string, string> | Promise<Record<string, string>>;
  /** The same credentials asking for fewer scopes (scope-enforcement checks); absent when it cannot. */
  withScopes?(scopes: string[]): RequestSigner;
}

/** Facts a run shares between scenarios: what the events phase and the reconciliation check. */
export interface RunLedger {
  /** Money operations that succeeded (first time, not replays), with what their events must carry. */
  moneyOperations: MoneyOperation[];
  loadSummaries: LoadSummary[];
  securityDetected?: boolean;
  /**
   * Clock skews certify injected through the fault API, and when: events of operations made meanwhile
   * may be shifted by the skew, and are judged against it instead of blamed for it.
   */
  injectedSkews: InjectedSkew[];
  /**
   * When each request certify sent with an idempotency key was in flight (answered below 500): any event
   * carrying that key occurred inside one of these windows, whatever the operation (money, session, RG).
   */
  requestWindows: Record<string, Array<{ fromMs: number; toMs: number }>>;
  /** 5xx answers seen outside chaos and load: a contract-conformant target never answers them. */
  serverErrors: Array<{ scenarioId: string; method: string; path: string; status: number; traceId?: string }>;
}

export interface InjectedSkew {
  skewMs: number;
  fromMs: number;
  toMs: number;
}

export interface MoneyOperation {
  scenarioId: string;
  operation: 'authorize' | 'settle' | 'rollback';
  playerId: string;
  betId: string;
  idempotencyKey: string;
  traceId: string;
  /** Every trace id sent with this key: concurrent copies race, and any one of them may be the one that ran. */
  traceIds: string[];
  at: number;
  /** When each successful request with this key was in flight: its events occurred inside one of them. */
  windows: Array<{ fromMs: number; toMs: number }>;
  /** Event types this operation must have emitted. */
  expectedEvents: string[];
}

export interface ScenarioContext {
  readonly scenarioId: string;
  readonly http: CertifyHttp;
  readonly data: TestData;
  readonly profile: Profile;
  readonly contract: Contract;
  readonly ledger: RunLedger;
  readonly events?: EventFeed;
  readonly faults?: FaultControl;
  readonly signer?: RequestSigner;
  readonly options: ScenarioRunOptions;
  readonly signal: AbortSignal;
  /** Records a note shown with the scenario result (why a check passed, a measured number). */
  note(text: string): void;
}

export interface ScenarioRunOptions {
  targetUrl: string;
  sloP95Ms: number;
  loadRate?: number;
  loadDurationS?: number;
  eventLagBudgetMs: number;
  /** How far an event's occurred_at may lie outside its request, either way, before the clocks disagree. */
  clockSkewToleranceMs: number;
  securityExpected: boolean;
  /** Extra headers for the target's sandbox admin hooks (a secure sandbox's admin token), never for contract calls. */
  adminHeaders?: Record<string, string>;
  /** Client certificate and CA for an mTLS target (the load generator opens its own connections). */
  tls?: TlsMaterial;
}

/** PEM text: the CA to trust and, for mTLS, the client certificate and key. */
export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface Scenario {
  id: string;
  category: Category;
  title: string;
  description: string;
  expected: string;
  /**
   * Error codes of the contract's catalogue and rule ids (coverage.ts RULES) this scenario exercises:
   * the README's coverage table and `croupier certify --list` are read from here.
   */
  covers?: readonly string[];
  /** Exclusive scenarios run alone: they assert exact balances that a concurrent scenario would disturb. */
  exclusive?: boolean;
  /** Scenarios in a later phase run after every earlier one finished (events check what the others did). */
  phase?: number;
  timeoutMs?: number;
  run(ctx: ScenarioContext): Promise<void>;
}

export interface ScenarioResult {
  id: string;
  category: Category;
  title: string;
  description: string;
  expected: string;
  verdict: Verdict;
  reason?: string;
  notes: string[];
  startedAt: string;
  durationMs: number;
  evidence: Exchange[];
  contractViolations: string[];
}
