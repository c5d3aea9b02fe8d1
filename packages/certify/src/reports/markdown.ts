import type { RunResult } from '../runner.ts';
import { sloTable } from './slo.ts';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const ICON = { pass: '✅ pass', fail: '❌ fail', skip: '⏭ skip' } as const;

export function renderMarkdown(run: RunResult): string {
  const lines = [
    `# Certification protocol — ${run.target}`,
    '',
    `Contract ${run.contractVersion} (${run.contractFile}); brand ${run.identity.brand}, provider ${run.identity.provider}, region ${run.identity.region}.`,
    `Run ${run.startedAt} → ${run.finishedAt} (${(run.durationMs / 1000).toFixed(1)} s). Events: ${run.eventSource ?? 'none'}. Faults: ${run.faultSource ?? 'none'}.`,
    '',
    `**${run.counts.fail === 0 ? (run.counts.skip === 0 ? 'PASSED' : `PASSED, ${run.counts.skip} skipped`) : 'FAILED'}** — ${run.counts.pass} passed, ${run.counts.fail} failed, ${run.counts.skip} skipped of ${run.counts.total}.`,
    '',
  ];
  const failed = run.results.filter((r) => r.verdict === 'fail');
  if (failed.length > 0) {
    lines.push('## Failed scenarios', '');
    for (const r of failed) lines.push(`- \`${r.id}\` — ${cell(r.reason ?? '')}`);
    lines.push('');
  }
  const skipped = run.results.filter((r) => r.verdict === 'skip');
  if (skipped.length > 0) {
    lines.push('## Skipped scenarios (not passed: nothing was checked)', '');
    for (const r of skipped) lines.push(`- \`${r.id}\` — ${cell(r.reason ?? '')}`);
    lines.push('');
  }
  const created = run.players.some((p) => p.source === 'created by certify');
  lines.push(
    '## Test players',
    '',
    created
      ? 'Certify created its own players on the target (the sandbox admin API) and left the seeded players untouched; these stay until `croupier sandbox reset`.'
      : 'The target has no sandbox admin API: certify bet with these players of the profile, so their balances moved.',
    '',
    '| role | player | currency | source |',
    '|---|---|---|---|',
  );
  for (const p of run.players) lines.push(`| ${p.role} | \`${cell(p.id)}\` | ${p.currency} | ${p.source} |`);
  lines.push('');
  lines.push('## By category', '', '| category | pass | fail | skip |', '|---|---|---|---|');
  for (const [category, c] of Object.entries(run.byCategory)) {
    if (c.pass + c.fail + c.skip > 0) lines.push(`| ${category} | ${c.pass} | ${c.fail} | ${c.skip} |`);
  }
  lines.push('', '## SLO', '', '| indicator | measured | budget | ok |', '|---|---|---|---|');
  for (const row of sloTable(run))
    lines.push(
      `| ${cell(row.indicator)} | ${cell(row.measured)} | ${cell(row.budget)} | ${row.ok ? '✅' : '❌'} |`,
    );
  const s = run.securitySummary;
  lines.push('', '## Security summary', '');
  lines.push(`- enforced: ${s.enforced === undefined ? 'not probed' : s.enforced ? 'yes' : 'no'}`);
  lines.push(`- keys: ${s.keys.map((k) => `${k.keyId} (${k.algorithm})`).join(', ') || 'none seen'}`);
  lines.push(`- algorithms: ${s.algorithms.join(', ') || 'none seen'}`);
  lines.push(
    `- rotations: ${s.rotations.map((r) => `${r.keyId}${r.at ? ` at ${r.at}` : ''}`).join(', ') || 'none seen'}`,
  );
  lines.push(`- scopes: ${s.scopes.map((x) => `${x.operationId}: ${x.scopes.join(' ')}`).join('; ')}`);
  for (const note of s.notes) lines.push(`- ${note}`);
  lines.push(
    '',
    '## Scenarios',
    '',
    '| id | verdict | title | expected | reason / notes | trace ids |',
    '|---|---|---|---|---|---|',
  );
  for (const r of run.results) {
    const traces = r.evidence
      .slice(0, 4)
      .map((e) => e.traceId)
      .join(' ');
    lines.push(
      `| \`${r.id}\` | ${ICON[r.verdict]} | ${cell(r.title)} | ${cell(r.expected)} | ${cell([r.reason, ...r.notes].filter(Boolean).join('; '))} | ${traces}${r.evidence.length > 4 ? ' …' : ''} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
