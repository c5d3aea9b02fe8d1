import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MSG_ID_HEADER } from '@croupier/bus';
import { afterAll, describe, expect, it } from 'vitest';
import { dailyBrandReport, type EventEnvelope, EventStreamConsumer, ReportingStore } from '../src/index.ts';

let n = 0;
function betAuthorized(
  amount: string,
  currency: string,
  occurredAt = '2025-10-23T23:59:59.999Z',
): EventEnvelope {
  n += 1;
  return {
    event_type: 'bet.authorized',
    schema_version: '1.0.0',
    event_id: `8c0e4f6a-1d2b-4e3c-9a5b-${String(n).padStart(12, '0')}`,
    occurred_at: occurredAt,
    tenant_id: 'brand-big',
    region: 'EU',
    player_id: 'p_whale',
    trace_id: `tr_whale_${n}`,
    payload: {
      session_id: 's_whale',
      round_id: `r_${n}`,
      bet_id: `b_${n}`,
      hold_id: `h_${n}`,
      amount: { amount, currency },
    },
    idempotency_key: `k_${n}`,
  };
}

const message = (event: unknown) => ({
  subject: 'croupier.events.bet.authorized.brand-big.p_whale',
  data: new TextEncoder().encode(JSON.stringify(event)),
  headers: { [MSG_ID_HEADER]: (event as { event_id?: string }).event_id ?? 'none' },
});

describe('ReportingStore', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'croupier-reporting-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps facts in a DuckDB file and still ignores a redelivery after a restart', async () => {
    const file = path.join(dir, 'reporting.duckdb');
    const first = betAuthorized('2.00', 'EUR');
    const store = await ReportingStore.open({ file });
    expect((await store.record(first, () => new Date('2025-10-24T00:00:00.100Z'))).landed).toBe(true);
    await store.close();
    const reopened = await ReportingStore.open({ file });
    expect(await reopened.record(first, () => new Date())).toEqual({ landed: false, lagMs: 0 });
    expect(await reopened.receivedCount()).toBe(1);
    // Filed under the UTC day it occurred on, even though it landed the next day.
    const report = await dailyBrandReport(reopened, { date: '2025-10-23' });
    expect(report.rows).toMatchObject([{ brand: 'brand-big', currency: 'EUR', betCount: 1, stakes: '2.00' }]);
    await reopened.close();
  });

  it('sums exactly past 2^53 and prints each currency with its ISO 4217 exponent', async () => {
    const store = await ReportingStore.open();
    const consumer = new EventStreamConsumer(store);
    // 2 × 90,071,992,547,409.93 EUR: 18,014,398,509,481,986 minor units, beyond a double's integers.
    for (const event of [
      betAuthorized('90071992547409.93', 'EUR'),
      betAuthorized('90071992547409.93', 'EUR'),
      betAuthorized('1500', 'JPY'),
      betAuthorized('1.250', 'BHD'),
    ]) {
      await consumer.handle(message(event));
    }
    const report = await dailyBrandReport(store, { date: '2025-10-23' });
    expect(report.rows.map((r) => [r.currency, r.stakes, r.ggr])).toEqual([
      ['BHD', '1.250', '1.250'],
      ['EUR', '180143985094819.86', '180143985094819.86'],
      ['JPY', '1500', '1500'],
    ]);
    await store.close();
  });

  it('acknowledges and records an event that breaks the contract instead of blocking the stream', async () => {
    const store = await ReportingStore.open();
    const rejected: string[] = [];
    const consumer = new EventStreamConsumer(store, undefined, {
      onRejected: (reason) => rejected.push(reason),
    });
    const floatMoney = { ...betAuthorized('1.00', 'EUR'), payload: { amount: 1.0 } };
    await consumer.handle(message(floatMoney));
    await consumer.handle({ ...message({}), data: new TextEncoder().encode('not json') });
    expect(consumer.rejected).toHaveLength(2);
    expect(rejected[0]).toMatch(/EVENT_VALIDATION_FAILED|must/);
    expect(await store.receivedCount()).toBe(0);
    await store.close();
  });
});
