/**
 * Retry policy of the generated client: exponential backoff with full jitter, bounded by a cap, and a
 * retry budget so that a failing dependency sees at most a small fraction of extra traffic.
 */

export interface BackoffPolicy {
  /** First retry waits up to this long. */
  baseDelayMs: number;
  /** No single wait is longer than this. */
  maxDelayMs: number;
  /** `[0, 1)`; injectable so tests can pin the jitter. */
  random: () => number;
}

/** Full jitter (AWS architecture blog): `random(0, min(cap, base * 2^attempt))`; spreads synchronized clients apart. */
export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(policy.random() * ceiling);
}

export interface RetryBudgetOptions {
  /** Each request earns this many retry tokens: 0.1 lets retries add at most 10% to the load. */
  ratio?: number;
  /** Tokens earned per second regardless of traffic, so a quiet client can still retry. */
  floorPerSecond?: number;
  /** The bucket never holds more than this, so a long quiet period cannot fund a burst. */
  maxTokens?: number;
  now?: () => number;
}

/**
 * A token bucket shared by every call of one client (Finagle's and gRPC's retry throttling). When it is
 * empty a retryable failure is returned to the caller instead of retried: no retry storm.
 */
export class RetryBudget {
  private tokens: number;
  private last: number;
  private readonly ratio: number;
  private readonly floorPerSecond: number;
  private readonly maxTokens: number;
  private readonly now: () => number;

  constructor(options: RetryBudgetOptions = {}) {
    this.ratio = options.ratio ?? 0.1;
    this.floorPerSecond = options.floorPerSecond ?? 1;
    this.maxTokens = options.maxTokens ?? 10;
    this.now = options.now ?? Date.now;
    this.tokens = this.maxTokens;
    this.last = this.now();
  }

  /** Called once per call (not per attempt). */
  recordRequest(): void {
    this.refill();
    this.tokens = Math.min(this.maxTokens, this.tokens + this.ratio);
  }

  /** Spends one token when there is one; `false` means "do not retry". */
  tryRetry(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  get available(): number {
    return this.tokens;
  }

  private refill(): void {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.maxTokens, this.tokens + elapsedSeconds * this.floorPerSecond);
  }
}
