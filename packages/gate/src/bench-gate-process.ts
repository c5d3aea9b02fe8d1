/**
 * One gate run in its own process, for the benchmark's wall time and peak RSS: `full` is every part
 * (compatibility, SemVer, deprecation/sunset, lint of the head with the repository ruleset), `breaking` is
 * `--only breaking`. Prints one JSON line: {ms, maxRssMb, findings}. Run by `runGateProcess` in bench.ts.
 */
import { runGate } from './gate.ts';

const [mode, base, head, repoRoot] = process.argv.slice(2);
if (!base || !head || !repoRoot || (mode !== 'full' && mode !== 'breaking')) {
  process.stderr.write('usage: bench-gate-process.ts full|breaking BASE HEAD REPO_ROOT\n');
  process.exit(2);
}
const started = performance.now();
const report = await runGate(base, head, {
  repoRoot,
  changeset: false,
  ...(mode === 'full' ? { lint: true } : { only: 'breaking' as const }),
});
process.stdout.write(
  `${JSON.stringify({
    ms: Math.round(performance.now() - started),
    // resourceUsage reports kilobytes.
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    findings: report.findings.length,
  })}\n`,
);
