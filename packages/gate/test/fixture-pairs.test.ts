import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGate } from '../src/gate.ts';

const PAIRS = path.resolve(import.meta.dirname, 'fixtures/pairs');
const NOW = new Date('2026-06-01T00:00:00Z');
const names = readdirSync(PAIRS)
  .filter((n) => existsSync(path.join(PAIRS, n, 'expected.json')))
  .sort();

describe('fixture corpus: each pair raises exactly its labelled set of checks', () => {
  it('has at least 300 pairs over OpenAPI 3.0, 3.1, multi-file refs, AsyncAPI 3 and 2.x', () => {
    expect(names.length).toBeGreaterThanOrEqual(300);
    for (const prefix of ['oas30-', 'oas31-', 'multi-', 'asyncapi3-', 'asyncapi2-'])
      expect(names.some((n) => n.startsWith(prefix))).toBe(true);
  });

  it.each(names)('%s', async (name) => {
    const dir = path.join(PAIRS, name);
    const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as string[];
    // A pair names what compatibility and the deprecation policy raise together; SemVer and lint have their own tests.
    const ids = new Set<string>();
    for (const only of ['breaking', 'deprecation'] as const) {
      const report = await runGate(path.join(dir, 'base.yaml'), path.join(dir, 'head.yaml'), {
        only,
        now: NOW,
      });
      for (const f of report.findings) ids.add(f.id);
    }
    expect([...ids].sort()).toEqual([...expected].sort());
  });
});

describe('`--only breaking` judges compatibility alone', () => {
  it('passes a deprecation without x-sunset, which the full gate reports', async () => {
    const dir = path.join(PAIRS, 'oas30-deprecated-without-sunset');
    const run = (only: 'breaking' | 'deprecation') =>
      runGate(path.join(dir, 'base.yaml'), path.join(dir, 'head.yaml'), { only, now: NOW });
    const breaking = await run('breaking');
    expect(breaking.failed).toBe(false);
    expect(breaking.findings.filter((f) => f.part === 'deprecation')).toEqual([]);
    expect((await run('deprecation')).findings.map((f) => f.id)).toContain('api-deprecated-sunset-missing');
  });
});
