import { type EventTransport, JetStreamTransport } from '@croupier/bus';
import { seedSandboxPlayers } from '@croupier/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyBrandReport, formatLag, lagSummary } from '../src/index.ts';
import { NATS_URL, natsJetStream, serviceOrSkip } from '@croupier/test-services';
import { BUSINESS_DATE, openPipeline, type Pipeline, ProviderDriver } from './pipeline.ts';

const runId = `r${process.pid}x${Date.now().toString(36)}`;
// A stream and subject prefix of this run only: JetStream refuses two streams over the same
// subjects, and parallel runs must not read each other's events.
const stream = `CROUPIER_REPORTING_${runId.toUpperCase()}`;
const prefix = `${runId}`;

const jetstream = (await serviceOrSkip(natsJetStream, 'reporting on NATS JetStream'))
  ? await JetStreamTransport.connect({ servers: NATS_URL, stream, subjects: [`${prefix}.>`] })
  : null;

/** The wallet publishes `croupier.events.…`; this run's stream captures them under its prefix. */
function prefixed(transport: JetStreamTransport): EventTransport {
  return {
    publish: (subject, data, headers) => transport.publish(`${prefix}.${subject}`, data, headers),
    subscribe: (pattern, handler, options) => transport.subscribe(`${prefix}.${pattern}`, handler, options),
  };
}

describe.skipIf(!jetstream)('daily brand report over NATS JetStream', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    const js = jetstream as JetStreamTransport;
    pipeline = await openPipeline({ transport: prefixed(js), durable: `reporting_${runId}` });
    await seedSandboxPlayers(pipeline.wallet);
    const provider = new ProviderDriver(pipeline.wallet);
    for (let i = 1; i <= 5; i++) {
      await provider.authorize('brand-7', 'p_demo_1', 'EUR', `js-b${i}`, '1.50');
      await provider.settle('brand-7', 'EUR', `js-b${i}`, i === 3 ? '6.00' : '0.00');
    }
    await provider.authorize('brand-7', 'p_demo_2', 'USD', 'js-b6', '2.00');
    await provider.rollback('brand-7', 'js-b6');
    await pipeline.caughtUp(20_000);
  });
  afterAll(async () => {
    await pipeline?.close();
    await jetstream?.deleteStream().catch(() => undefined);
    await jetstream?.close();
  });

  it('lands every wallet event through JetStream and reports the same totals', async () => {
    const report = await dailyBrandReport(pipeline.store, { date: BUSINESS_DATE });
    expect(
      report.rows.map((r) => [r.brand, r.currency, r.betCount, r.stakes, r.wins, r.rollbacks, r.ggr]),
    ).toEqual([
      ['brand-7', 'EUR', 5, '7.50', '6.00', '0.00', '1.50'],
      ['brand-7', 'USD', 1, '2.00', '0.00', '2.00', '0.00'],
    ]);
    const summary = await lagSummary(pipeline.store);
    console.log(`[reporting] NATS JetStream: ${formatLag(summary)}`);
    expect(summary.eventCount).toBe((await pipeline.wallet.ledger.outbox.list({ limit: 100_000 })).length);
    expect(summary.withinBudget).toBe(true);
  });
});
