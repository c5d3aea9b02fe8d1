import type { RunResult } from '../runner.ts';
import { allLatencies, sloTable } from './slo.ts';

const esc = (text: unknown) =>
  String(text ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

const BINS = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, Number.POSITIVE_INFINITY];
const TIMELINE_LIMIT = 3000;

/** An inline SVG bar chart of latencies in log-spaced bins: no script, no CDN, readable when printed. */
export function latencyHistogramSvg(latencies: number[], sloMs: number): string {
  const counts = BINS.map(() => 0);
  for (const value of latencies) {
    const bin = BINS.findIndex((edge) => value < edge);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  const width = 720;
  const height = 240;
  const pad = { left: 50, bottom: 40, top: 20, right: 10 };
  const barWidth = (width - pad.left - pad.right) / BINS.length;
  const max = Math.max(1, ...counts);
  const labels = BINS.map((edge, i) => (edge === Number.POSITIVE_INFINITY ? `≥${BINS[i - 1]}` : `<${edge}`));
  const bars = counts
    .map((count, i) => {
      const h = ((height - pad.top - pad.bottom) * count) / max;
      const x = pad.left + i * barWidth;
      const y = height - pad.bottom - h;
      const overSlo = (BINS[i - 1] ?? 0) >= sloMs;
      return `<rect class="bar${overSlo ? ' over' : ''}" x="${x + 2}" y="${y}" width="${barWidth - 4}" height="${h}"><title>${labels[i]} ms: ${count}</title></rect><text x="${x + barWidth / 2}" y="${height - pad.bottom + 16}" text-anchor="middle">${esc(labels[i])}</text><text x="${x + barWidth / 2}" y="${y - 4}" text-anchor="middle" class="count">${count || ''}</text>`;
    })
    .join('');
  return `<svg id="latency-histogram" role="img" aria-label="Latency histogram" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#888"/><line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#888"/><text x="${pad.left - 6}" y="${pad.top + 4}" text-anchor="end">${max}</text><text x="${width / 2}" y="${height - 6}" text-anchor="middle">latency (ms), ${latencies.length} requests; red bins are over the ${sloMs} ms budget</text>${bars}</svg>`;
}

/** Longer values (an 8,000-character trace id from an attack probe) are clipped; the full value opens on demand. */
const CLIP_AT = 48;

function clipped(value: unknown): string {
  const text = String(value ?? '');
  if (text.length <= CLIP_AT) return `<code>${esc(text)}</code>`;
  return `<details class="long"><summary><code>${esc(text.slice(0, CLIP_AT))}…</code> <span class="muted">(${text.length} chars)</span></summary><pre>${esc(text)}</pre></details>`;
}

/** The same inside a <summary>, where a nested <details> would not open: the full value is the tooltip. */
function clippedInline(value: unknown): string {
  const text = String(value ?? '');
  if (text.length <= CLIP_AT) return `<code>${esc(text)}</code>`;
  return `<code title="${esc(text)}">${esc(text.slice(0, CLIP_AT))}…</code> <span class="muted">(${text.length} chars)</span>`;
}

function timecode(ms: number): string {
  const minutes = Math.floor(ms / 60000);
  const seconds = ((ms % 60000) / 1000).toFixed(3).padStart(6, '0');
  return `${String(minutes).padStart(2, '0')}:${seconds}`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;padding:24px;color:#1d2330;background:#f6f7f9}
h1{margin:0 0 4px}h2{margin-top:32px;border-bottom:1px solid #d5d9e0;padding-bottom:4px}
.verdict{display:inline-block;padding:4px 12px;border-radius:4px;font-weight:700;color:#fff}
.verdict.pass{background:#1f8a4c}.verdict.fail{background:#c62828}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}th,td{border:1px solid #dde1e7;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
#scenarios-table,.timeline-group table{table-layout:fixed}code{overflow-wrap:anywhere}
.timeline-group{background:#fff;border:1px solid #dde1e7;margin:4px 0;padding:2px 8px}.timeline-group>summary{cursor:pointer}
.verdict.skip{background:#8a6d1f}
th{background:#eef1f5}tr.fail td:first-child{border-left:4px solid #c62828}tr.skip{color:#6b7380}
.pass-t{color:#1f8a4c;font-weight:600}.fail-t{color:#c62828;font-weight:600}.skip-t{color:#6b7380}
code,pre{font-family:ui-monospace,Menlo,monospace;font-size:12px}pre{white-space:pre-wrap;word-break:break-all;max-height:24em;overflow:auto;background:#f1f3f6;padding:6px;margin:4px 0}
svg text{font-size:11px;fill:#333}svg .bar{fill:#3f6fd8}svg .bar.over{fill:#d84a3f}svg .count{fill:#555}
.filters button{margin-right:6px}.muted{color:#6b7380}
`;

const SCRIPT = `
document.querySelectorAll('.filters button').forEach(function(b){b.addEventListener('click',function(){
  var v=b.getAttribute('data-verdict');document.querySelectorAll('#scenarios-table tbody tr').forEach(function(r){
    r.style.display=(v==='all'||r.classList.contains(v))?'':'none';});});});
`;

/** The protocol as one self-contained HTML file: inline CSS, inline SVG, a few lines of inline script. */
export function renderHtml(run: RunResult): string {
  const passed = run.counts.fail === 0;
  const startMs = Date.parse(run.startedAt);
  const categories = Object.entries(run.byCategory)
    .filter(([, c]) => c.pass + c.fail + c.skip > 0)
    .map(
      ([name, c]) => `<tr><td>${esc(name)}</td><td>${c.pass}</td><td>${c.fail}</td><td>${c.skip}</td></tr>`,
    )
    .join('');
  const slo = sloTable(run)
    .map(
      (row) =>
        `<tr><td>${esc(row.indicator)}</td><td>${esc(row.measured)}</td><td>${esc(row.budget)}</td><td class="${row.ok ? 'pass-t' : 'fail-t'}">${row.ok ? 'ok' : 'breach'}</td></tr>`,
    )
    .join('');
  const security = run.securitySummary;
  const scenarios = run.results
    .map((r) => {
      const evidence = r.evidence
        .map(
          (e) =>
            `<details><summary><code>${timecode(e.startedAtMs - startMs)}</code> ${esc(e.method)} ${esc(e.path.slice(0, 120))} → ${esc(e.status ?? e.error)} · ${e.durationMs.toFixed(1)} ms · trace ${clippedInline(e.traceId)}${e.violations.length ? ` · <span class="fail-t">${esc(e.violations.join('; '))}</span>` : ''}</summary><pre>${esc(JSON.stringify(e.requestHeaders))}\n${esc(e.requestBody ?? '')}</pre><pre>${esc(JSON.stringify(e.responseHeaders ?? {}))}\n${esc(e.responseBody ?? '')}</pre></details>`,
        )
        .join('');
      return `<tr class="${r.verdict}" id="s-${esc(r.id)}"><td><code>${esc(r.id)}</code></td><td>${esc(r.category)}</td><td class="${r.verdict}-t">${r.verdict}</td><td><b>${esc(r.title)}</b>${r.reason ? `<div class="${r.verdict}-t">${esc(r.reason)}</div>` : ''}<details class="about"><summary>what it checks${r.notes.length ? `, ${r.notes.length} note${r.notes.length > 1 ? 's' : ''}` : ''}</summary><div class="muted">${esc(r.description)}</div><div>Expected: ${esc(r.expected)}</div>${r.notes.map((n) => `<div class="muted">${esc(n)}</div>`).join('')}</details>${evidence ? `<details><summary>${r.evidence.length} exchanges</summary>${evidence}</details>` : ''}</td><td>${r.durationMs} ms</td></tr>`;
    })
    .join('');
  const exchanges = run.results.flatMap((r) => r.evidence).sort((a, b) => a.startedAtMs - b.startedAtMs);
  const shown = new Set(exchanges.slice(0, TIMELINE_LIMIT));
  // Grouped by scenario and folded: a full run has thousands of exchanges, one long page helps nobody.
  const timeline = run.results
    .map((r) => {
      const rows = r.evidence
        .filter((e) => shown.has(e))
        .map(
          (e) =>
            `<tr><td><code>${timecode(e.startedAtMs - startMs)}</code></td><td>${clipped(e.traceId)}</td><td>${esc(e.method)} ${clipped(e.path.slice(0, 400))}</td><td>${esc(e.status ?? e.error)}</td><td>${e.durationMs.toFixed(1)} ms</td></tr>`,
        )
        .join('');
      if (!rows) return '';
      return `<details class="timeline-group" data-scenario="${esc(r.id)}"><summary><code>${esc(r.id)}</code> · <span class="${r.verdict}-t">${r.verdict}</span> · ${r.evidence.length} exchanges</summary><table><colgroup><col style="width:8em"><col style="width:30%"><col><col style="width:6em"><col style="width:7em"></colgroup><thead><tr><th>timecode</th><th>trace id</th><th>request</th><th>status</th><th>duration</th></tr></thead><tbody>${rows}</tbody></table></details>`;
    })
    .join('');
  const failed = run.results.filter((r) => r.verdict === 'fail');
  const skipped = run.results.filter((r) => r.verdict === 'skip');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Certification protocol — ${esc(run.target)}</title><style>${STYLE}</style></head>
<body>
<h1>Certification protocol</h1>
<p><span class="verdict ${passed ? 'pass' : 'fail'}" id="verdict">${passed ? 'PASSED' : 'FAILED'}</span>${run.counts.skip > 0 ? ` <span class="verdict skip" id="skipped-badge" title="a skip is not a pass: nothing was checked">${run.counts.skip} skipped</span>` : ''}
${run.counts.pass} passed · ${run.counts.fail} failed · ${run.counts.skip} skipped of ${run.counts.total}</p>
<p class="muted">Target <code>${esc(run.target)}</code> · contract ${esc(run.contractVersion)} · brand ${esc(run.identity.brand)} · provider ${esc(run.identity.provider)} · region ${esc(run.identity.region)}<br>
${esc(run.startedAt)} → ${esc(run.finishedAt)} (${(run.durationMs / 1000).toFixed(1)} s) · events: ${esc(run.eventSource ?? 'none')} · faults: ${esc(run.faultSource ?? 'none')}</p>
${failed.length ? `<h2>Failed</h2><ul id="failed-list">${failed.map((r) => `<li><a href="#s-${esc(r.id)}"><code>${esc(r.id)}</code></a> — ${esc(r.reason)}</li>`).join('')}</ul>` : ''}
${skipped.length ? `<h2>Skipped (not checked)</h2><ul id="skipped-list">${skipped.map((r) => `<li><a href="#s-${esc(r.id)}"><code>${esc(r.id)}</code></a> — ${esc(r.reason)}</li>`).join('')}</ul>` : ''}
<h2>Test players</h2>
<p class="muted">${run.players.some((p) => p.source === 'created by certify') ? 'Certify created its own players on the target (the sandbox admin API) and left the seeded players untouched.' : 'The target has no sandbox admin API: certify bet with these players of the profile, so their balances moved.'}</p>
<table id="players-table"><thead><tr><th>role</th><th>player</th><th>currency</th><th>source</th></tr></thead><tbody>${run.players.map((p) => `<tr><td>${esc(p.role)}</td><td>${clipped(p.id)}</td><td>${esc(p.currency)}</td><td>${esc(p.source)}</td></tr>`).join('')}</tbody></table>
<h2>By category</h2>
<table id="category-table"><thead><tr><th>category</th><th>pass</th><th>fail</th><th>skip</th></tr></thead><tbody>${categories}</tbody></table>
<h2>Latency</h2>
${latencyHistogramSvg(allLatencies(run), run.sloP95Ms)}
<h2>SLO</h2>
<table id="slo-table"><thead><tr><th>indicator</th><th>measured</th><th>budget</th><th>status</th></tr></thead><tbody>${slo || '<tr><td colspan="4">no measurements</td></tr>'}</tbody></table>
<h2>Security summary</h2>
<section id="security-summary">
<table id="security-table"><tbody>
<tr><th>enforced</th><td>${security.enforced === undefined ? 'not probed' : security.enforced ? 'yes' : 'no (security off)'}</td></tr>
<tr><th>keys</th><td>${esc(security.keys.map((k) => `${k.keyId} (${k.algorithm}, ${k.source})`).join(', ') || 'none seen')}</td></tr>
<tr><th>algorithms</th><td>${esc(security.algorithms.join(', ') || 'none seen')}</td></tr>
<tr><th>rotations</th><td>${esc(security.rotations.map((r) => `${r.keyId}${r.at ? ` at ${r.at}` : ''}${r.note ? ` (${r.note})` : ''}`).join(', ') || 'none seen')}</td></tr>
<tr><th>scopes</th><td>${security.scopes.map((s) => `<code>${esc(s.operationId)}</code>: ${esc(s.scopes.join(' '))}`).join('<br>')}</td></tr>
${security.notes.map((n) => `<tr><th>note</th><td>${esc(n)}</td></tr>`).join('')}
</tbody></table></section>
<h2>Scenarios</h2>
<p class="filters"><button data-verdict="all">all</button><button data-verdict="fail">failed</button><button data-verdict="skip">skipped</button><button data-verdict="pass">passed</button></p>
<table id="scenarios-table"><colgroup><col style="width:22%"><col style="width:9%"><col style="width:5em"><col><col style="width:6em"></colgroup><thead><tr><th>id</th><th>category</th><th>verdict</th><th>scenario, expectation and evidence</th><th>time</th></tr></thead><tbody>${scenarios}</tbody></table>
<h2>Timeline</h2>
<p class="muted">${exchanges.length} exchanges${exchanges.length > TIMELINE_LIMIT ? `, the first ${TIMELINE_LIMIT} shown (all are in report.json)` : ''}; timecodes from the run start, grouped by scenario (open one to see its exchanges).</p>
<div id="timeline">${timeline}</div>
<script>${SCRIPT}</script>
</body></html>
`;
}
