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
  it('has at least 120 pairs over OpenAPI 3.0, 3.1, multi-file refs and AsyncAPI 3', () => {
    expect(names.length).toBeGreaterThanOrEqual(120);
    for (const prefix of ['oas30-', 'oas31-', 'multi-', 'asyncapi3-'])
      expect(names.some((n) => n.startsWith(prefix))).toBe(true);
  });

  it.each(names)('%s', async (name) => {
    const dir = path.join(PAIRS, name);
    const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as string[];
    const report = await runGate(path.join(dir, 'base.yaml'), path.join(dir, 'head.yaml'), {
      only: 'breaking',
      now: NOW,
    });
    expect([...new Set(report.findings.map((f) => f.id))].sort()).toEqual([...expected].sort());
  });
});
