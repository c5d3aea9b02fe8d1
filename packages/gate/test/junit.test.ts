import path from 'node:path';
import { SaxesParser } from 'saxes';
import { expect, it } from 'vitest';
import { runGate } from '../src/gate.ts';
import { formatReport } from '../src/report/index.ts';

const PAIR = path.resolve(import.meta.dirname, 'fixtures/pairs/multi-response-required-property-removed');

it('the JUnit report stays well-formed when a finding carries characters XML forbids', async () => {
  const report = await runGate(path.join(PAIR, 'base.yaml'), path.join(PAIR, 'head.yaml'), {
    only: 'breaking',
    now: new Date('2026-06-01T00:00:00Z'),
  });
  const finding = report.findings[0];
  if (!finding) throw new Error('the fixture pair has no finding');
  // A description or example pasted from a terminal or a binary can bring these into a message.
  finding.message = 'control \u0001\u001b, lone surrogates \uD800 \uDC00, and <markup> & "quotes"';
  finding.operation = 'GET /bets/\u0002{id}';
  const xml = formatReport(report, 'junit');
  // saxes is a conformant XML 1.0 parser: it rejects what a CI server's parser would reject.
  const errors: string[] = [];
  const parser = new SaxesParser();
  parser.on('error', (error) => errors.push(error.message));
  parser.write(xml).close();
  expect(errors).toEqual([]);
});
