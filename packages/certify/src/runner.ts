import { Agent, getGlobalDispatcher, request, setGlobalDispatcher } from 'undici';
import { setMaxListeners } from 'node:events';
import { CertifyHttp, type TargetIdentity } from './evidence.ts';
import type { FaultControl } from './chaos/fault-control.ts';
import { HttpFaultControl } from './chaos/fault-control.ts';
import { Contract } from './contract.ts';
import type { EventFeed } from './events/feed.ts';
import { NatsEventFeed } from './events/nats.ts';
import { SseEventFeed } from './events/sse.ts';
import { provisionPlayers, type RunPlayer } from './own-players.ts';
import { DEFAULT_PROFILE, type Profile } from './profile.ts';
import { type ProgressSink, silentProgress } from './progress.ts';
import {
  type Category,
  CATEGORIES,
  type RequestSigner,
  type TlsMaterial,
  type RunLedger,
  type Scenario,
  type ScenarioContext,
  ScenarioOutcome,
  type ScenarioResult,
  type ScenarioRunOptions,
} from './scenario.ts';
import { replayDifferences } from './replays.ts';
import { adminHeaders, adminRefusal } from './sandbox-admin.ts';
import { allScenarios } from './scenarios/index.ts';
import { TestData } from './test-data.ts';
import type { SecuritySummary } from './reports/security-summary.ts';
import { summariseSecurity } from './reports/security-summary.ts';

export interface CertifyOptions {
  target: string;
  contractPath?: string;
  profile?: Profile;
  /** Scenario ids, id prefixes or categories; empty runs everything. */
  only?: string[];
  concurrency?: number;
  scenarioTimeoutMs?: number;
  /** `nats://…` for a JetStream consumer; otherwise the target's SSE stream is used when it has one. */
  natsUrl?: string;
  events?: EventFeed | false;
  faults?: FaultControl | false;
  signer?: RequestSigner;
  /**
   * The admin token of a secure croupier sandbox (`croupier sandbox --secure` writes it to admin.token):
   * sent only on calls to its admin API, which create the run's players, press fault buttons, stream
   * events and expire sessions. Without it a secure sandbox refuses those and the scenarios needing them skip.
   */
  adminToken?: string;
  /** CA, client certificate and key (PEM) for an https/mTLS target, e.g. from `loadCredentials`. */
  tls?: TlsMaterial;
  sloP95Ms?: number;
  loadRate?: number;
  loadDurationS?: number;
  eventLagBudgetMs?: number;
  /** Event occurred_at vs its request, either way, in ms (default 5000). */
  clockSkewToleranceMs?: number;
  /** The target is expected to enforce signatures and credentials (unsigned requests must be refused). */
  securityExpected?: boolean;
  progress?: ProgressSink;
  scenarios?: Scenario[];
  /** Extra data the security engineer's tooling hands in; merged into the report's security summary. */
  securitySummary?: Partial<SecuritySummary>;
}

export interface RunResult {
  target: string;
  contractFile: string;
  contractVersion: string;
  identity: TargetIdentity;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  results: ScenarioResult[];
  counts: { pass: number; fail: number; skip: number; total: number };
  byCategory: Record<string, { pass: number; fail: number; skip: number }>;
  ledger: RunLedger;
  eventSource?: string;
  faultSource?: string;
  sloP95Ms: number;
  securitySummary: SecuritySummary;
  /** The players the run bet with, by role, and whether certify created them on the target. */
  players: RunPlayer[];
}

export function selectScenarios(scenarios: Scenario[], only: string[] = []): Scenario[] {
  if (only.length === 0) return scenarios;
  return scenarios.filter((scenario) =>
    only.some(
      (selector) =>
        selector === scenario.category || scenario.id === selector || scenario.id.startsWith(`${selector}.`),
    ),
  );
}

/** Event clocks may disagree with certify's by this much either way before `events.clock-skew` fails. */
export const DEFAULT_CLOCK_SKEW_TOLERANCE_MS = 5000;

/**
 * Options for a run that judges behaviour only (CI, tests of an implementation): short load phases and
 * latency and lag budgets no loaded CI machine can miss. Speed is measured by `pnpm bench`, not here.
 */
export const BEHAVIOUR_RUN = {
  loadDurationS: 0.5,
  loadRate: 40,
  sloP95Ms: 5_000,
  eventLagBudgetMs: 10_000,
} as const satisfies Partial<CertifyOptions>;

/** `id: reason` of every scenario with this verdict, for a report line or an assertion. */
export function verdictLines(run: RunResult, verdict: ScenarioResult['verdict']): string[] {
  return run.results.filter((r) => r.verdict === verdict).map((r) => `${r.id}: ${r.reason}`);
}

export interface Verdict {
  /** Whether the run counts as a pass: nothing failed, and under `strict` nothing skipped either. */
  passed: boolean;
  /** The one line a user reads: "certification PASSED", "… PASSED, 9 skipped: …" or "… FAILED: ids". */
  line: string;
}

/**
 * The run's verdict. A skip is not a pass: a run with skips says so in the verdict itself and names
 * them, and `strict` (CI gates, certification sign-off) fails on any skip.
 */
export function verdictOf(run: RunResult, options: { strict?: boolean } = {}): Verdict {
  const ids = (verdict: ScenarioResult['verdict']) =>
    run.results.filter((r) => r.verdict === verdict).map((r) => r.id);
  const failed = ids('fail');
  const skipped = ids('skip');
  const skips = skipped.length > 0 ? `${skipped.length} skipped: ${skipped.join(', ')}` : '';
  if (failed.length > 0)
    return {
      passed: false,
      line: `certification FAILED: ${failed.join(', ')}${skips ? `; ${skips}` : ''}`,
    };
  if (skipped.length === 0) return { passed: true, line: 'certification PASSED' };
  if (options.strict)
    return { passed: false, line: `certification FAILED (--strict: skips are failures), ${skips}` };
  return { passed: true, line: `certification PASSED, ${skips}` };
}

/** Runs the certification protocol against one target and returns every verdict with its evidence. */
export async function runCertification(options: CertifyOptions): Promise<RunResult> {
  if (!options.tls) return certify(options);
  // Every HTTP exchange of the run (scenarios, event stream, fault buttons) goes through one TLS agent.
  const previous = getGlobalDispatcher();
  const agent = new Agent({ connect: options.tls });
  setGlobalDispatcher(agent);
  try {
    return await certify(options);
  } finally {
    setGlobalDispatcher(previous);
    await agent.close();
  }
}

async function certify(options: CertifyOptions): Promise<RunResult> {
  const started = Date.now();
  const contract = await Contract.load(options.contractPath);
  const requestedProfile = options.profile ?? DEFAULT_PROFILE;
  const identity: TargetIdentity = {
    brand: requestedProfile.brand,
    provider: requestedProfile.provider,
    region: requestedProfile.region,
  };
  const progress = options.progress ?? silentProgress;
  const ledger: RunLedger = {
    moneyOperations: [],
    loadSummaries: [],
    serverErrors: [],
    injectedSkews: [],
    requestWindows: {},
  };
  const selected = selectScenarios(options.scenarios ?? allScenarios(contract), options.only);
  const baseHeaders = {
    'x-brand-id': identity.brand,
    'x-provider-id': identity.provider,
    'x-region': identity.region,
  };

  await ensureReachable(options.target);
  const admin = adminHeaders(baseHeaders, options.adminToken);
  const refused = await adminRefusal(options.target, admin);
  if (refused !== undefined) {
    progress.warn(
      `the target's sandbox admin API answered ${refused}${options.adminToken ? ' to the admin token given' : ''}: certify plays with the profile's players, and scenarios needing fault buttons, its event stream or the expire-session hook skip. For a secure croupier sandbox pass --admin-token-file .croupier/sandbox/certs/admin.token`,
    );
  }
  const { profile, players } = await provisionPlayers(options.target, admin, requestedProfile);
  const wantsEvents = selected.some((s) => s.category === 'events');
  let events: EventFeed | undefined;
  if (options.events) events = options.events;
  else if (options.events !== false && wantsEvents) {
    if (options.natsUrl) {
      events = new NatsEventFeed(options.natsUrl);
      try {
        await events.start();
      } catch (error) {
        progress.warn(`events: cannot consume from ${options.natsUrl}: ${(error as Error).message}`);
        events = undefined;
      }
    } else {
      events = await SseEventFeed.connect(options.target, admin);
    }
  }
  if (events && options.events) await events.start();
  const faults =
    options.faults === false
      ? undefined
      : (options.faults ??
        (selected.some((s) => s.category === 'chaos')
          ? await HttpFaultControl.probe(options.target, admin)
          : undefined));

  const runOptions: ScenarioRunOptions = {
    targetUrl: options.target,
    sloP95Ms: options.sloP95Ms ?? 250,
    loadRate: options.loadRate,
    loadDurationS: options.loadDurationS,
    eventLagBudgetMs: options.eventLagBudgetMs ?? 5000,
    clockSkewToleranceMs: options.clockSkewToleranceMs ?? DEFAULT_CLOCK_SKEW_TOLERANCE_MS,
    securityExpected: options.securityExpected ?? false,
    ...(options.adminToken ? { adminHeaders: adminHeaders({}, options.adminToken) } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  };

  progress.start(selected.length, options.target);
  const results: ScenarioResult[] = [];
  const indexOf = new Map(selected.map((scenario, index) => [scenario, index]));
  const execute = async (scenario: Scenario) => {
    const result = await runScenario(scenario, indexOf.get(scenario) ?? 0, {
      contract,
      profile,
      identity,
      ledger,
      events,
      faults,
      signer: options.signer,
      runOptions,
      timeoutMs: scenario.timeoutMs ?? options.scenarioTimeoutMs ?? 20_000,
    });
    results.push(result);
    for (const exchange of result.evidence) {
      if (!exchange.idempotencyKey || exchange.status === undefined || exchange.status >= 500) continue;
      const window = {
        fromMs: exchange.startedAtMs,
        toMs: exchange.startedAtMs + Math.ceil(exchange.durationMs),
      };
      const windows = ledger.requestWindows[exchange.idempotencyKey] ?? [];
      windows.push(window);
      ledger.requestWindows[exchange.idempotencyKey] = windows;
    }
    if (scenario.category !== 'chaos' && scenario.category !== 'load') {
      for (const exchange of result.evidence) {
        if ((exchange.status ?? 0) >= 500) {
          ledger.serverErrors.push({
            scenarioId: result.id,
            method: exchange.method,
            path: exchange.path,
            status: exchange.status ?? 0,
            traceId: exchange.traceId,
          });
        }
      }
    }
    progress.scenarioDone(result);
  };

  const phases = [...new Set(selected.map((s) => s.phase ?? 0))].sort((a, b) => a - b);
  for (const phase of phases) {
    const inPhase = selected.filter((s) => (s.phase ?? 0) === phase);
    await runBounded(
      inPhase.filter((s) => !s.exclusive),
      options.concurrency ?? 4,
      execute,
    );
    for (const scenario of inPhase.filter((s) => s.exclusive)) await execute(scenario);
  }
  await events?.close();

  const order = new Map(selected.map((s, i) => [s.id, i]));
  results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const counts = { pass: 0, fail: 0, skip: 0, total: results.length };
  const byCategory: RunResult['byCategory'] = {};
  for (const category of CATEGORIES) byCategory[category] = { pass: 0, fail: 0, skip: 0 };
  for (const result of results) {
    counts[result.verdict] += 1;
    const tally = byCategory[result.category as Category] ?? { pass: 0, fail: 0, skip: 0 };
    tally[result.verdict] += 1;
    byCategory[result.category] = tally;
  }
  const finished = Date.now();
  const run: RunResult = {
    target: options.target,
    contractFile: contract.file,
    contractVersion: contract.version,
    identity,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - started,
    results,
    counts,
    byCategory,
    ledger,
    eventSource: events?.name,
    faultSource: faults ? 'sandbox fault API' : undefined,
    sloP95Ms: runOptions.sloP95Ms,
    securitySummary: { keys: [], algorithms: [], scopes: [], rotations: [], notes: [] },
    players,
  };
  run.securitySummary = summariseSecurity(run, contract, options.signer, options.securitySummary);
  progress.finish(run);
  return run;
}

/** One clear error instead of a hundred identical failures when nothing listens at the target. */
async function ensureReachable(target: string): Promise<void> {
  try {
    const response = await request(new URL('/health', target), { headersTimeout: 5000, bodyTimeout: 5000 });
    await response.body.dump();
  } catch (error) {
    throw Object.assign(
      new Error(`target ${target} is unreachable (${(error as Error).message}): start it or fix --target`),
      { code: 'TARGET_UNREACHABLE' },
    );
  }
}

async function runBounded<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(workers);
}

interface ScenarioEnvironment {
  contract: Contract;
  profile: Profile;
  identity: TargetIdentity;
  ledger: RunLedger;
  events?: EventFeed;
  faults?: FaultControl;
  signer?: RequestSigner;
  runOptions: ScenarioRunOptions;
  timeoutMs: number;
}

async function runScenario(
  scenario: Scenario,
  index: number,
  env: ScenarioEnvironment,
): Promise<ScenarioResult> {
  const controller = new AbortController();
  // Concurrency scenarios put dozens of requests on one signal; that is intended, not a leak.
  setMaxListeners(200, controller.signal);
  const http = new CertifyHttp(
    env.runOptions.targetUrl,
    scenario.id,
    env.identity,
    env.contract,
    env.signer,
    controller.signal,
  );
  const notes: string[] = [];
  const ctx: ScenarioContext = {
    scenarioId: scenario.id,
    http,
    data: new TestData(index),
    profile: env.profile,
    contract: env.contract,
    ledger: env.ledger,
    events: env.events,
    faults: env.faults,
    signer: env.signer,
    options: env.runOptions,
    signal: controller.signal,
    note: (text) => notes.push(text),
  };
  const startedAt = Date.now();
  let verdict: ScenarioResult['verdict'] = 'pass';
  let reason: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      scenario.run(ctx),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new ScenarioOutcome('fail', `timed out after ${env.timeoutMs} ms`));
        }, env.timeoutMs);
      }),
    ]);
  } catch (error) {
    if (error instanceof ScenarioOutcome) {
      verdict = error.verdict;
      reason = error.message;
    } else {
      verdict = 'fail';
      reason = error instanceof Error ? error.message : String(error);
    }
  } finally {
    clearTimeout(timer);
  }
  // A replay that answers differently fails the scenario whatever it checked itself: every key sent twice is judged.
  const replays = verdict === 'skip' ? [] : replayDifferences(http.exchanges);
  if (replays.length > 0) {
    const listed = replays.slice(0, 3).join('; ');
    reason = reason ? `${reason}; replay: ${listed}` : `replay differs: ${listed}`;
    verdict = 'fail';
  }
  // A contract violation fails the scenario even when its own checks passed: every response is judged.
  if (verdict !== 'skip' && http.violations.length > 0) {
    const listed = http.violations.slice(0, 5).join('; ');
    reason = reason ? `${reason}; contract: ${listed}` : `contract violation: ${listed}`;
    verdict = 'fail';
  }
  return {
    id: scenario.id,
    category: scenario.category,
    title: scenario.title,
    description: scenario.description,
    expected: scenario.expected,
    verdict,
    reason,
    notes,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Date.now() - startedAt,
    evidence: http.exchanges,
    contractViolations: http.violations,
  };
}
