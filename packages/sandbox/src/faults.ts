/**
 * The sandbox's fault buttons. A fault is one kind of trouble, scoped to a brand and/or provider (or
 * everyone), and time-boxed: it switches itself off at `expires_at`, so a forgotten button never
 * leaves a provider's sandbox broken overnight.
 */
import { randomUUID } from 'node:crypto';
import { errorCatalogue, type ErrorCode } from '@croupier/server';

import { FAULT_KINDS, type FaultKind } from './fault-kinds.ts';

export { FAULT_DESCRIPTIONS, FAULT_KINDS, type FaultKind } from './fault-kinds.ts';

export interface FaultScope {
  brand?: string;
  provider?: string;
}

export interface FaultInput extends FaultScope {
  kind: FaultKind;
  /** Seconds until the fault switches itself off (default 600, at most 86,400). */
  duration_s?: number;
  delay_ms?: number;
  min_ms?: number;
  max_ms?: number;
  mean_ms?: number;
  stddev_ms?: number;
  rate?: number;
  code?: string;
  window?: number;
  skew_ms?: number;
  region?: string;
}

export interface Fault extends FaultInput {
  id: string;
  created_at: string;
  expires_at: string;
}

export class FaultError extends Error {
  constructor(
    readonly code: 'VALIDATION_FAILED' | 'NOT_FOUND',
    message: string,
  ) {
    super(message);
    this.name = 'FaultError';
  }
}

const DEFAULT_DURATION_S = 600;
const MAX_DURATION_S = 86_400;
const MAX_DELAY_MS = 60_000;

/** Turns a request body into a fault, or says exactly which field is wrong. */
export function parseFault(body: unknown): FaultInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new FaultError('VALIDATION_FAILED', 'a fault is a JSON object with at least "kind"');
  }
  const input = body as Record<string, unknown>;
  const kind = input.kind;
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new FaultError('VALIDATION_FAILED', `"kind" must be one of ${FAULT_KINDS.join(', ')}`);
  }
  const fault: FaultInput = { kind: kind as FaultKind };
  for (const field of ['brand', 'provider', 'region', 'code'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
      throw new FaultError('VALIDATION_FAILED', `"${field}" must be a non-empty string`);
    }
    fault[field] = value;
  }
  const numeric = (field: keyof FaultInput, min: number, max: number, integer = true) => {
    const value = input[field];
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw new FaultError('VALIDATION_FAILED', `"${field}" must be a number from ${min} to ${max}`);
    }
    if (integer && !Number.isInteger(value)) {
      throw new FaultError('VALIDATION_FAILED', `"${field}" must be a whole number`);
    }
    (fault as unknown as Record<string, number>)[field] = value;
  };
  numeric('duration_s', 1, MAX_DURATION_S);
  numeric('delay_ms', 0, MAX_DELAY_MS);
  numeric('min_ms', 0, MAX_DELAY_MS);
  numeric('max_ms', 0, MAX_DELAY_MS);
  numeric('mean_ms', 0, MAX_DELAY_MS);
  numeric('stddev_ms', 0, MAX_DELAY_MS);
  numeric('rate', 0, 1, false);
  numeric('window', 2, 100);
  numeric('skew_ms', -MAX_DURATION_S * 1000, MAX_DURATION_S * 1000);
  requireFields(fault);
  return fault;
}

function requireFields(fault: FaultInput): void {
  const missing = (what: string) => {
    throw new FaultError('VALIDATION_FAILED', `a ${fault.kind} fault needs ${what}`);
  };
  switch (fault.kind) {
    case 'latency': {
      const fixed = fault.delay_ms !== undefined;
      const uniform = fault.min_ms !== undefined && fault.max_ms !== undefined;
      const normal = fault.mean_ms !== undefined && fault.stddev_ms !== undefined;
      if (!fixed && !uniform && !normal)
        missing('"delay_ms", or "min_ms" and "max_ms", or "mean_ms" and "stddev_ms"');
      if (uniform && (fault.min_ms as number) > (fault.max_ms as number)) missing('"min_ms" ≤ "max_ms"');
      return;
    }
    case 'error_rate':
      if (fault.rate === undefined) missing('"rate" (0–1)');
      if (!fault.code || !(fault.code in errorCatalogue)) {
        missing(`"code", one of the contract's error codes (e.g. RATE_LIMITED, PLATFORM_DEGRADED)`);
      }
      return;
    case 'outbox_delay':
      if (fault.delay_ms === undefined) missing('"delay_ms"');
      return;
    case 'clock_skew':
      if (fault.skew_ms === undefined) missing('"skew_ms"');
      return;
    case 'region_outage':
      if (!fault.region) missing('"region" (the X-Region that is out, e.g. EU)');
      return;
    default:
      return;
  }
}

/** The live faults; expired ones are dropped on every read. */
export class FaultBoard {
  private readonly faults = new Map<string, Fault>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  add(input: FaultInput): Fault {
    const created = this.now();
    const duration = input.duration_s ?? DEFAULT_DURATION_S;
    const fault: Fault = {
      ...input,
      id: `f_${randomUUID().slice(0, 8)}`,
      created_at: created.toISOString(),
      expires_at: new Date(created.getTime() + duration * 1000).toISOString(),
    };
    this.faults.set(fault.id, fault);
    this.changed();
    return fault;
  }

  remove(id: string): Fault {
    const fault = this.faults.get(id);
    if (!fault) throw new FaultError('NOT_FOUND', `no fault ${id}: it was cleared or has expired`);
    this.faults.delete(id);
    this.changed();
    return fault;
  }

  clear(): number {
    const count = this.faults.size;
    this.faults.clear();
    if (count > 0) this.changed();
    return count;
  }

  list(): Fault[] {
    const now = this.now().getTime();
    let expired = false;
    for (const [id, fault] of this.faults) {
      if (Date.parse(fault.expires_at) <= now) {
        this.faults.delete(id);
        expired = true;
      }
    }
    if (expired) this.changed();
    return [...this.faults.values()];
  }

  /** The newest live fault of a kind whose scope covers the request's brand and provider. */
  active(kind: FaultKind, scope: FaultScope = {}): Fault | undefined {
    return this.list()
      .reverse()
      .find((f) => f.kind === kind && covers(f, scope));
  }

  /** Called after every change (and on expiry), e.g. to resync the degradation flags. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** A fault without a brand covers every brand; with one, only that brand (same for provider). */
export function covers(fault: FaultScope, scope: FaultScope): boolean {
  return (
    (fault.brand === undefined || fault.brand === scope.brand) &&
    (fault.provider === undefined || fault.provider === scope.provider)
  );
}

/** The delay a latency fault adds to one request. */
export function latencyOf(fault: Fault, random: () => number = Math.random): number {
  if (fault.delay_ms !== undefined) return fault.delay_ms;
  if (fault.min_ms !== undefined && fault.max_ms !== undefined) {
    return fault.min_ms + random() * (fault.max_ms - fault.min_ms);
  }
  // Box–Muller; negative draws clamp to zero, since a request cannot arrive before it was sent.
  const u = 1 - random();
  const v = random();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(0, (fault.mean_ms ?? 0) + normal * (fault.stddev_ms ?? 0));
}

export function statusOf(code: string): number {
  return errorCatalogue[code as ErrorCode]?.status ?? 500;
}

export function retryableOf(code: string): boolean {
  return errorCatalogue[code as ErrorCode]?.retryable ?? false;
}
