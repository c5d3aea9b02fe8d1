/**
 * Remembers nonces for the replay window. The in-memory store serves one process; a shared store
 * (Redis `SET key 1 NX EX ttl`, a PostgreSQL unique insert) implements the same one method.
 */
export interface ReplayStore {
  /** True when the nonce was not seen within its ttl (and is now remembered); false on a replay. */
  rememberOnce(nonce: string, ttlSeconds: number): boolean | Promise<boolean>;
}

export class MemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();
  private checks = 0;

  constructor(private readonly now: () => number = Date.now) {}

  rememberOnce(nonce: string, ttlSeconds: number): boolean {
    const at = this.now();
    // Sweeping on every 1024th call keeps memory bounded to about one window of traffic.
    if (++this.checks % 1024 === 0) this.sweep(at);
    const until = this.seen.get(nonce);
    if (until !== undefined && until > at) return false;
    this.seen.set(nonce, at + ttlSeconds * 1000);
    return true;
  }

  sweep(at: number = this.now()): void {
    for (const [nonce, until] of this.seen) if (until <= at) this.seen.delete(nonce);
  }

  get size(): number {
    return this.seen.size;
  }
}
