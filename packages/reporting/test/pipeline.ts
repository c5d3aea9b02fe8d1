import type { EventTransport } from '@croupier/bus';
import { InProcessTransport, OutboxRelay } from '@croupier/bus';
import { openWallet, type RequestScope, SANDBOX_PROVIDER, type Wallet } from '@croupier/wallet';
import { EventStreamConsumer, ReportingStore } from '../src/index.ts';

/** Every test runs on this UTC business day, so the report date never depends on when CI runs. */
export const BUSINESS_DATE = '2025-10-23';
const DAY_START = Date.parse(`${BUSINESS_DATE}T10:00:00.000Z`);

/**
 * Real time, moved to the business day: the wallet stamps occurred_at with it and the consumer
 * stamps the landing with it, so the lag measured is real elapsed time, on a fixed date.
 */
export function businessDayClock(): () => Date {
  const startedAt = Date.now();
  return () => new Date(DAY_START + (Date.now() - startedAt));
}

export const dayWindow = { from: `${BUSINESS_DATE}T00:00:00.000Z`, to: '2025-10-24T00:00:00.000Z' };

/** The real wallet (SQLite in memory) → outbox relay → bus → reporting consumer → DuckDB. */
export interface Pipeline {
  wallet: Wallet & { close(): Promise<void> };
  transport: EventTransport;
  store: ReportingStore;
  consumer: EventStreamConsumer;
  relay: OutboxRelay;
  clock: () => Date;
  /** Resolves once every outbox event has landed in the store. */
  caughtUp(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function openPipeline(
  options: { transport?: EventTransport; subject?: string; durable?: string } = {},
): Promise<Pipeline> {
  const clock = businessDayClock();
  const wallet = await openWallet({ file: ':memory:', clock });
  const transport = options.transport ?? new InProcessTransport();
  const store = await ReportingStore.open();
  const consumer = new EventStreamConsumer(store, transport, {
    clock,
    subject: options.subject,
    durable: options.durable,
  });
  await consumer.start();
  const relay = new OutboxRelay(wallet.ledger.outbox, transport, { pollIntervalMs: 10 });
  relay.start();
  return {
    wallet,
    transport,
    store,
    consumer,
    relay,
    clock,
    async caughtUp(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const outboxCount = (await wallet.ledger.outbox.list({ limit: 1_000_000 })).length;
        const storedCount = await store.receivedCount();
        if (storedCount >= outboxCount && consumer.rejected.length === 0) return;
        if (consumer.rejected.length > 0) throw new Error(`rejected: ${JSON.stringify(consumer.rejected)}`);
        if (Date.now() > deadline) {
          throw new Error(`consumer behind: ${storedCount} of ${outboxCount} outbox events stored`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      await relay.stop();
      await consumer.stop();
      await store.close();
      await wallet.close();
    },
  };
}

let keyCount = 0;
/** A request scope as the generated server builds it from the contract's headers. */
export function scopeOf(brand: string, traceId: string): RequestScope {
  keyCount += 1;
  return {
    brand,
    provider: SANDBOX_PROVIDER,
    region: 'EU',
    traceId,
    idempotencyKey: `k-${process.pid}-${keyCount}`,
  };
}

/** Drives the contract operations the way a provider does, and fails loudly on a non-2xx. */
export class ProviderDriver {
  private readonly sessions = new Map<string, string>();
  constructor(private readonly wallet: Wallet) {}

  private static ok(label: string, reply: { status: number; body: unknown }): Record<string, unknown> {
    if (reply.status >= 300) throw new Error(`${label}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body as Record<string, unknown>;
  }

  async session(brand: string, playerId: string, currency: string): Promise<string> {
    const key = `${brand}/${playerId}`;
    const known = this.sessions.get(key);
    if (known) return known;
    const body = ProviderDriver.ok(
      `session ${key}`,
      await this.wallet.createSession(scopeOf(brand, `tr_session_${playerId}`), {
        player_id: playerId,
        game_id: 'studio:slot_forge_02',
        currency,
        locale: 'de-DE',
      }),
    );
    this.sessions.set(key, String(body.session_id));
    return String(body.session_id);
  }

  async authorize(brand: string, playerId: string, currency: string, betId: string, stake: string) {
    const sessionId = await this.session(brand, playerId, currency);
    return ProviderDriver.ok(
      `authorize ${betId}`,
      await this.wallet.authorizeBet(scopeOf(brand, `tr_${betId}`), {
        session_id: sessionId,
        bet_id: betId,
        round_id: `r_${betId}`,
        amount: { amount: stake, currency },
      }),
    );
  }

  async settle(brand: string, currency: string, betId: string, win: string, final = true) {
    return ProviderDriver.ok(
      `settle ${betId}`,
      await this.wallet.settleBet(scopeOf(brand, `tr_${betId}_settle`), {
        bet_id: betId,
        round_id: `r_${betId}`,
        win: { amount: win, currency },
        final,
      }),
    );
  }

  async rollback(brand: string, betId: string, playerId?: string) {
    return ProviderDriver.ok(
      `rollback ${betId}`,
      await this.wallet.rollbackBet(scopeOf(brand, `tr_${betId}_rollback`), {
        bet_id: betId,
        round_id: `r_${betId}`,
        ...(playerId ? { player_id: playerId } : {}),
      }),
    );
  }
}
