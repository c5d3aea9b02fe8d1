import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MSG_ID_HEADER } from '@croupier/bus';
import { seedSandboxPlayers, subjectOf } from '@croupier/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AmlFlag,
  defaultAmlRules,
  draftSuspiciousActivityReports,
  type EventEnvelope,
  runAmlRules,
  stakeVelocityRule,
  writeSarDrafts,
} from '../src/index.ts';
import { dayWindow, openPipeline, type Pipeline, ProviderDriver } from './pipeline.ts';

const crafted = JSON.parse(
  readFileSync(new URL('./fixtures/rapid-cycle.events.json', import.meta.url), 'utf8'),
) as { base: string; events: Array<{ offsetMinutes: number; event: Omit<EventEnvelope, 'occurred_at'> }> };

const BRAND = 'brand-7';
const flaggedBy = (flags: AmlFlag[], ruleId: string) =>
  flags
    .filter((f) => f.ruleId === ruleId)
    .map((f) => f.playerId)
    .sort();

describe('AML rules on the analytics store', () => {
  let pipeline: Pipeline;
  let flags: AmlFlag[];
  let sarDir: string;

  beforeAll(async () => {
    pipeline = await openPipeline();
    const provider = new ProviderDriver(pipeline.wallet);
    const wallet = pipeline.wallet;
    await seedSandboxPlayers(wallet, { brand: BRAND });
    for (const id of ['p_aml_velocity', 'p_aml_steady', 'p_aml_bigwin', 'p_aml_longshot']) {
      await wallet.seedPlayer({ brand: BRAND, player_id: id, currency: 'EUR', cash: '100.00', region: 'EU' });
    }
    let n = 0;
    const round = async (player: string, currency: string, stake: string, win: string) => {
      const betId = `aml-b${++n}`;
      await provider.authorize(BRAND, player, currency, betId, stake);
      await provider.settle(BRAND, currency, betId, win);
    };
    // Quiet players: ordinary play.
    await round('p_demo_1', 'EUR', '2.00', '14.60');
    await round('p_demo_1', 'EUR', '1.00', '0.00');
    await round('p_demo_2', 'USD', '5.00', '12.50');
    for (let i = 0; i < 10; i++) await round('p_aml_steady', 'EUR', '1.00', i % 3 === 0 ? '2.00' : '0.00');
    // Crafted: 25 stakes in seconds; a 2500.00 win on 1.00; a 600× win on 0.10.
    for (let i = 0; i < 25; i++) await round('p_aml_velocity', 'EUR', '1.00', '0.00');
    await round('p_aml_bigwin', 'EUR', '1.00', '2500.00');
    await round('p_aml_longshot', 'EUR', '0.10', '60.00');
    // Crafted: deposit → little play → withdrawal, straight onto the bus as the wallet would publish it.
    const base = Date.parse(crafted.base);
    for (const { offsetMinutes, event } of crafted.events) {
      const envelope = { ...event, occurred_at: new Date(base + offsetMinutes * 60_000).toISOString() };
      await pipeline.transport.publish(
        subjectOf(envelope),
        new TextEncoder().encode(JSON.stringify(envelope)),
        {
          [MSG_ID_HEADER]: envelope.event_id,
        },
      );
    }
    await pipeline.caughtUp();
    for (const { event } of crafted.events) {
      for (let i = 0; !(await pipeline.store.hasEvent(event.event_id)); i++) {
        if (i > 1000) throw new Error(`crafted event ${event.event_id} never landed`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    expect(pipeline.consumer.rejected).toEqual([]);
    flags = await runAmlRules(pipeline.store, defaultAmlRules(), dayWindow);
    sarDir = mkdtempSync(path.join(tmpdir(), 'croupier-sar-'));
  });
  afterAll(async () => {
    await pipeline?.close();
    if (sarDir) rmSync(sarDir, { recursive: true, force: true });
  });

  it('names each rule in the catalogue with an id, thresholds and a reason text', () => {
    expect(defaultAmlRules().map((r) => [r.id, r.name])).toEqual([
      ['AML-VEL-01', 'Stake velocity'],
      ['AML-WIN-01', 'Large win'],
      ['AML-CYC-01', 'Rapid deposit–bet–withdraw cycle'],
    ]);
    for (const rule of defaultAmlRules()) {
      expect(rule.description.length).toBeGreaterThan(40);
      expect(Object.keys(rule.config).length).toBeGreaterThan(0);
    }
  });

  it('stake velocity flags the player with 25 stakes in minutes, not the steady one', () => {
    expect(flaggedBy(flags, 'AML-VEL-01')).toEqual(['p_aml_velocity']);
    const flag = flags.find((f) => f.ruleId === 'AML-VEL-01') as AmlFlag;
    expect(flag).toMatchObject({ brand: BRAND, currency: 'EUR' });
    expect(flag.reason).toBe(
      '25 stakes totalling 25.00 EUR within 10 minutes (thresholds: 20 stakes or 2000.00 EUR)',
    );
    expect(flag.evidence).toHaveLength(25);
    expect(flag.evidence[0]).toMatchObject({ eventType: 'bet.authorized', amount: '1.00', currency: 'EUR' });
    expect(flag.evidence.every((e) => /^tr_aml-b\d+$/.test(e.traceId))).toBe(true);
  });

  it('stake velocity also trips on the total staked, at exactly the threshold', async () => {
    // p_aml_velocity staked 25.00 in seconds; p_aml_patient 60.00 within 10 minutes (two 30.00 bets).
    const byTotal = stakeVelocityRule({ windowMinutes: 10, stakeCount: 1000, stakeTotal: { EUR: '25.00' } });
    expect(flaggedBy(await byTotal.evaluate(pipeline.store, dayWindow), 'AML-VEL-01')).toEqual([
      'p_aml_patient',
      'p_aml_velocity',
    ]);
    const above = stakeVelocityRule({ windowMinutes: 10, stakeCount: 1000, stakeTotal: { EUR: '25.01' } });
    expect(flaggedBy(await above.evaluate(pipeline.store, dayWindow), 'AML-VEL-01')).toEqual([
      'p_aml_patient',
    ]);
    const shorter = stakeVelocityRule({ windowMinutes: 9, stakeCount: 1000, stakeTotal: { EUR: '60.00' } });
    expect(await shorter.evaluate(pipeline.store, dayWindow)).toEqual([]);
  });

  it('large win flags a win over the threshold and a win out of proportion to its stake', () => {
    expect(flaggedBy(flags, 'AML-WIN-01')).toEqual(['p_aml_bigwin', 'p_aml_longshot']);
    const big = flags.find((f) => f.playerId === 'p_aml_bigwin') as AmlFlag;
    expect(big.reason).toBe(
      'won 2500.00 EUR on a stake of 1.00 EUR (thresholds: 1000.00 EUR or 500× the stake)',
    );
    expect(big.evidence.map((e) => [e.eventType, e.amount])).toEqual([
      ['bet.authorized', '1.00'],
      ['bet.settled', '2500.00'],
    ]);
    expect(big.evidence.map((e) => e.traceId)).toEqual([
      expect.stringMatching(/^tr_aml-b\d+$/),
      expect.stringMatching(/^tr_aml-b\d+_settle$/),
    ]);
    const longshot = flags.find((f) => f.playerId === 'p_aml_longshot') as AmlFlag;
    expect(longshot.reason).toContain('won 60.00 EUR on a stake of 0.10 EUR');
  });

  it('rapid cycle flags deposit → little play → withdrawal within the hour, not patient or late players', () => {
    expect(flaggedBy(flags, 'AML-CYC-01')).toEqual(['p_aml_cycle']);
    const cycle = flags.find((f) => f.ruleId === 'AML-CYC-01') as AmlFlag;
    expect(cycle.reason).toBe(
      'deposited 500.00 EUR, staked 5.00 EUR, withdrew 480.00 EUR 20 minutes later ' +
        '(thresholds: staked < 25% and withdrawn ≥ 50% within 60 minutes)',
    );
    expect(cycle.evidence.map((e) => [e.eventType, e.amount, e.traceId])).toEqual([
      ['wallet.credit', '500.00', 'tr_dep_cycle_1'],
      ['bet.authorized', '5.00', 'tr_b_cycle_1'],
      ['wallet.debit', '480.00', 'tr_wd_cycle_1'],
    ]);
  });

  it('leaves quiet players alone', () => {
    const flagged = new Set(flags.map((f) => f.playerId));
    expect([...flagged].sort()).toEqual(['p_aml_bigwin', 'p_aml_cycle', 'p_aml_longshot', 'p_aml_velocity']);
    for (const quiet of ['p_demo_1', 'p_demo_2', 'p_bonus', 'p_aml_steady', 'p_aml_patient', 'p_aml_late']) {
      expect(flagged.has(quiet)).toBe(false);
    }
  });

  it('writes a suspicious-activity report draft per flagged player, as JSON and Markdown', async () => {
    const drafts = draftSuspiciousActivityReports(flags, { window: dayWindow, preparedAt: pipeline.clock() });
    expect(drafts.map((d) => d.playerId).sort()).toEqual([
      'p_aml_bigwin',
      'p_aml_cycle',
      'p_aml_longshot',
      'p_aml_velocity',
    ]);
    const written = await writeSarDrafts(drafts, sarDir);
    expect(written).toHaveLength(8);
    const id = 'SAR-2025-10-23-brand-7-p_aml_cycle';
    const json = JSON.parse(readFileSync(path.join(sarDir, `${id}.json`), 'utf8'));
    expect(json).toMatchObject({
      id,
      status: 'draft',
      brand: BRAND,
      playerId: 'p_aml_cycle',
      traceIds: ['tr_dep_cycle_1', 'tr_b_cycle_1', 'tr_wd_cycle_1'],
      findings: [{ ruleId: 'AML-CYC-01', currency: 'EUR' }],
    });
    expect(json.findings[0].evidence[2]).toMatchObject({ amount: '480.00', eventType: 'wallet.debit' });
    const markdown = readFileSync(path.join(sarDir, `${id}.md`), 'utf8');
    expect(markdown).toContain(`# Suspicious activity report — DRAFT ${id}`);
    expect(markdown).toContain('- **Player:** p_aml_cycle');
    expect(markdown).toContain('## AML-CYC-01 Rapid deposit–bet–withdraw cycle');
    expect(markdown).toContain('| wallet.debit | 480.00 | EUR | withdrawal wd_cycle_1 | tr_wd_cycle_1 |');
  });
});
