/**
 * The "delayed outbox" fault. The relay publishes nothing younger than the delay: before each claim
 * it waits until the newest committed row is `delay_ms` old, so every event of a request committed
 * before that claim reaches the bus at least `delay_ms` after its commit, in order, and none is lost.
 * The wait happens outside the claim's transaction, so the wallet keeps writing meanwhile.
 */
import type { OutboxSource, RelayRow } from '@croupier/bus';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DelayedOutbox implements OutboxSource {
  private newestEnqueuedAt = 0;

  constructor(
    private readonly source: OutboxSource,
    private readonly delayMs: () => number,
  ) {}

  async claim(
    limit: number,
    publish: (rows: readonly RelayRow[]) => Promise<readonly bigint[]>,
  ): Promise<{ claimed: number; published: number }> {
    for (;;) {
      const delay = this.delayMs();
      const wait = delay > 0 ? this.newestEnqueuedAt + delay - Date.now() : 0;
      if (wait <= 0) break;
      await sleep(wait);
    }
    return this.source.claim(limit, publish);
  }

  onEnqueued(listener: () => void): () => void {
    const unlisten = this.source.onEnqueued?.(() => {
      this.newestEnqueuedAt = Date.now();
      listener();
    });
    return unlisten ?? (() => undefined);
  }
}
