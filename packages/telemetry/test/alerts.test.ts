import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promtool as promtoolService, serviceOrSkip } from '@croupier/test-services';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { metricNames } from '../src/index.ts';
import { INTERVAL, MINUTES, scenarios } from './alerts/scenarios.ts';

/**
 * The SLO alert rules, judged by Prometheus's own `promtool` (Debian's `prometheus` package, which
 * `.ci/run` installs) rather than by an evaluator of our own: `ops/prometheus/croupier-alerts.test.yaml`
 * holds the unit tests, and this file keeps them in step with the readable scenarios.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const rulesFile = path.join(repoRoot, 'ops/prometheus/croupier-alerts.yaml');
const promtoolTestFile = path.join(repoRoot, 'ops/prometheus/croupier-alerts.test.yaml');

interface AlertRule {
  alert: string;
  expr: string;
}
interface PromtoolTest {
  name: string;
  interval: string;
  input_series: Array<{ series: string; values: string }>;
  alert_rule_test: Array<{
    eval_time: string;
    alertname: string;
    exp_alerts: Array<{ exp_labels: Record<string, string>; exp_annotations?: Record<string, string> }>;
  }>;
}

const rules = (
  parseYaml(readFileSync(rulesFile, 'utf8')) as { groups: Array<{ rules: AlertRule[] }> }
).groups.flatMap((g) => g.rules);
const unitTests = (parseYaml(readFileSync(promtoolTestFile, 'utf8')) as { tests: PromtoolTest[] }).tests;
const firingIn = (test: PromtoolTest) =>
  test.alert_rule_test.filter((t) => t.exp_alerts.length > 0).map((t) => t.alertname);

const hasPromtool = await serviceOrSkip(promtoolService, 'the promtool rule tests');

describe('SLO alert rules', () => {
  it('use exactly the metric names @croupier/telemetry exports', () => {
    const known = new Set<string>(Object.values(metricNames));
    const used = rules.flatMap((r) => [...r.expr.matchAll(/croupier_[a-z_]+/g)].map((m) => m[0]));
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(known, name).toContain(name.replace(/_(bucket|count|sum)$/, ''));
  });

  it('cover latency, errors, outbox/queue/settle lag and the duplicate surges', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual([
      'CroupierDuplicateSurge',
      'CroupierErrorRateHigh',
      'CroupierIdempotencyMismatchSurge',
      'CroupierLatencyP95OverBudget',
      'CroupierLatencyP99OverBudget',
      'CroupierOutboxLagHigh',
      'CroupierQueueLagHigh',
      'CroupierSettleLagHigh',
    ]);
  });

  it("promtool's unit tests are the scenarios: same series, every rule asked at the end, the expected alerts firing", () => {
    expect(unitTests.map((t) => t.name)).toEqual(scenarios.map((s) => s.name));
    for (const scenario of scenarios) {
      const test = unitTests.find((t) => t.name === scenario.name) as PromtoolTest;
      expect(test.interval).toBe(INTERVAL);
      expect(test.input_series, scenario.name).toEqual(scenario.series);
      expect(test.alert_rule_test.map((t) => t.alertname).sort()).toEqual(rules.map((r) => r.alert).sort());
      expect(new Set(test.alert_rule_test.map((t) => t.eval_time))).toEqual(new Set([`${MINUTES}m`]));
      expect(firingIn(test).sort(), scenario.name).toEqual([...scenario.expectFiring].sort());
    }
  });

  it('name the breaching operation, consumer or game type in the alert', () => {
    const expected = (name: string) =>
      unitTests.flatMap((t) => t.alert_rule_test).find((t) => t.alertname === name && t.exp_alerts.length > 0)
        ?.exp_alerts[0];
    expect(expected('CroupierLatencyP95OverBudget')?.exp_labels).toEqual({
      operation: 'authorizeBet',
      severity: 'page',
      slo: 'latency',
    });
    expect(expected('CroupierQueueLagHigh')?.exp_annotations?.summary).toContain('reporting');
    expect(expected('CroupierSettleLagHigh')?.exp_labels.game_type).toBe('slots');
    expect(expected('CroupierDuplicateSurge')?.exp_labels.operation).toBe('authorizeBet');
  });

  it.skipIf(!hasPromtool)(
    'promtool check rules and test rules pass (skipped here: promtool not installed; apt-get install prometheus)',
    () => {
      const check = spawnSync('promtool', ['check', 'rules', rulesFile], { encoding: 'utf8' });
      expect(check.status, `${check.stdout}\n${check.stderr}`).toBe(0);
      const result = spawnSync('promtool', ['test', 'rules', promtoolTestFile], { encoding: 'utf8' });
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    },
  );
});
