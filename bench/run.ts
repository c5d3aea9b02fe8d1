// `pnpm bench`: every benchmark, each figure beside a baseline measured in the same run.
// Writes bench/results.json (for machines) and bench/results.md (for people), and prints the table.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suites } from './suites/index.ts';
import type { BenchRow } from './suites/types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const started = Date.now();
const rows: BenchRow[] = [];
const failures: string[] = [];

for (const suite of suites) {
  if (only.length > 0 && !only.includes(suite.id)) continue;
  process.stdout.write(`\n▶ ${suite.id}: ${suite.title}\n`);
  const t0 = Date.now();
  try {
    const produced = await suite.run();
    for (const row of produced) {
      rows.push({ suite: suite.id, ...row });
      process.stdout.write(`  ${formatRow(row)}\n`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    failures.push(`${suite.id}: ${message}`);
    process.stdout.write(`  ✗ ${message}\n`);
  }
  process.stdout.write(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
}

const results = {
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
  started_at: new Date(started).toISOString(),
  duration_s: Math.round((Date.now() - started) / 1000),
  rows,
  failures,
};
await writeFile(path.join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
await writeFile(path.join(here, 'results.md'), toMarkdown(rows, failures, results.duration_s));
process.stdout.write(`\n${toMarkdown(rows, failures, results.duration_s)}`);
if (failures.length > 0) process.exitCode = 1;

function formatRow(row: Omit<BenchRow, 'suite'>): string {
  const baseline = row.baseline ? ` | ${row.baseline.name}: ${row.baseline.value} ${row.unit}` : '';
  const r = row.ratio !== undefined ? ` | ratio ${row.ratio}` : '';
  return `${row.metric}: ${row.value} ${row.unit}${baseline}${r}`;
}

function toMarkdown(list: BenchRow[], failed: string[], seconds: number): string {
  const lines = [
    `# croupier benchmarks (${new Date(started).toISOString()}, ${seconds} s, Node ${process.version})`,
    '',
    '| suite | metric | ours | baseline | baseline value | ratio |',
    '|---|---|---|---|---|---|',
    ...list.map(
      (row) =>
        `| ${row.suite} | ${row.metric} | ${row.value} ${row.unit} | ${row.baseline?.name ?? ''} | ${
          row.baseline ? `${row.baseline.value} ${row.unit}` : ''
        } | ${row.ratio ?? ''} |`,
    ),
  ];
  if (failed.length > 0) lines.push('', '## Failed', '', ...failed.map((line) => `- ${line}`));
  return `${lines.join('\n')}\n`;
}
