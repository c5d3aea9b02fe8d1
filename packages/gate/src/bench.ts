/**
 * Benchmarks: the gate on the Twilio release pair (time and MB/s) and on oasdiff's cases, and, for
 * comparison, `@useoptic/optic diff --check` on the same inputs. optic is a devDependency of this
 * benchmark only; it is spawned as a separate process and never used by the gate itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type OasdiffCase, readManifest, runCase } from './conformance/oasdiff.ts';
import { runGate } from './gate.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_SHARED = path.resolve(here, '../../../../shared');

export function twilioPair(sharedDir = DEFAULT_SHARED): [string, string] {
  const dir = path.join(sharedDir, 'fixtures/public-specs/openapi-large');
  return [path.join(dir, 'twilio-api-v2010-2.4.2.yaml'), path.join(dir, 'twilio-api-v2010-2.5.0.yaml')];
}

/** The gate on the Twilio pair (3.2 MB of YAML), best of `runs`. */
export async function benchGate(
  sharedDir = DEFAULT_SHARED,
  runs = 3,
): Promise<{ ms: number; mb_per_s: number; findings: number }> {
  const [base, head] = twilioPair(sharedDir);
  let best = Number.POSITIVE_INFINITY;
  let findings = 0;
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const report = await runGate(base, head, { only: 'breaking' });
    best = Math.min(best, performance.now() - started);
    findings = report.findings.length;
    bytes = report.stats.bytes;
  }
  return { ms: Math.round(best), mb_per_s: Number((bytes / 1e6 / (best / 1000)).toFixed(2)), findings };
}

export interface GateProcessRun {
  /** From spawning the process to its exit: what `croupier gate` costs a CI job, Node start-up included. */
  wallMs: number;
  /** The run itself, inside the process. */
  gateMs: number;
  maxRssMb: number;
  findings: number;
}

/**
 * The gate on the Twilio pair in a fresh process per run (so peak RSS is the run's own), best of `runs`:
 * `full` (compatibility, SemVer, deprecation, lint) or `breaking` (`--only breaking`).
 */
/**
 * What users run: the built JavaScript (`pnpm build`), with the workspace's packages resolved to their
 * dist/ too. Through tsx when there is no build: every module, the lint worker's too, is then transpiled
 * on load, which costs about a second of CPU that an installed gate never pays.
 */
function gateProcessEntry(): string[] {
  return gateProcessRuntime() === 'built JavaScript'
    ? ['--conditions=croupier-dist', path.resolve(here, '../dist/bench-gate-process.js')]
    : ['--import', 'tsx', path.join(here, 'bench-gate-process.ts')];
}

/** Which of the two `runGateProcess` runs; the bench names it beside the figure. */
export function gateProcessRuntime(): 'built JavaScript' | 'tsx' {
  const built = path.resolve(here, '../dist/bench-gate-process.js');
  return existsSync(built) && !here.endsWith(`${path.sep}dist`) ? 'built JavaScript' : 'tsx';
}

export function runGateProcess(
  mode: 'full' | 'breaking',
  sharedDir = DEFAULT_SHARED,
  runs = 1,
): GateProcessRun {
  const [base, head] = twilioPair(sharedDir);
  const repoRoot = path.resolve(here, '../../..');
  let best: GateProcessRun | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, [...gateProcessEntry(), mode, base, head, repoRoot], {
      encoding: 'utf8',
      cwd: repoRoot,
      timeout: 300_000,
    });
    const wallMs = Math.round(performance.now() - started);
    const line = child.stdout?.trim().split('\n').pop();
    if (child.status !== 0 || !line)
      throw new Error(`gate ${mode} run failed (${child.status}): ${(child.stderr ?? '').slice(0, 500)}`);
    const measured = JSON.parse(line) as { ms: number; maxRssMb: number; findings: number };
    const run = { wallMs, gateMs: measured.ms, maxRssMb: measured.maxRssMb, findings: measured.findings };
    if (!best || run.wallMs < best.wallMs) best = run;
  }
  if (!best) throw new Error('runs must be at least 1');
  return best;
}

/**
 * `--only breaking` and the full gate side by side, each in a fresh process, alternating, `rounds` times; the
 * median of each (wall time and peak RSS separately). The box is shared, so one pair of runs says little:
 * alternating puts both modes under the same load, and the median drops the run another job slowed down.
 */
export function compareGateProcesses(
  sharedDir = DEFAULT_SHARED,
  rounds = 3,
): { breaking: GateProcessRun; full: GateProcessRun; rounds: number } {
  const runs: Record<'breaking' | 'full', GateProcessRun[]> = { breaking: [], full: [] };
  for (let i = 0; i < rounds; i++) {
    runs.breaking.push(runGateProcess('breaking', sharedDir));
    runs.full.push(runGateProcess('full', sharedDir));
  }
  return { breaking: medianRun(runs.breaking), full: medianRun(runs.full), rounds };
}

function medianRun(list: GateProcessRun[]): GateProcessRun {
  const median = (pick: (r: GateProcessRun) => number) => {
    const sorted = list.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  return {
    wallMs: median((r) => r.wallMs),
    gateMs: median((r) => r.gateMs),
    maxRssMb: median((r) => r.maxRssMb),
    findings: list[0]?.findings ?? 0,
  };
}

/** The gate on every oasdiff case: verdict agreement and total time. */
export async function benchGateOnOasdiff(
  sharedDir = DEFAULT_SHARED,
  cases?: OasdiffCase[],
): Promise<{ cases: number; agreed: number; ms: number }> {
  const list = (cases ?? readManifest(sharedDir)).filter((c) => c.breaking !== null);
  const started = performance.now();
  let agreed = 0;
  for (const c of list) if ((await runCase(sharedDir, c)).verdictAgrees) agreed++;
  return { cases: list.length, agreed, ms: Math.round(performance.now() - started) };
}

function opticBin(): string | undefined {
  const bin = path.resolve(here, '../node_modules/.bin/optic');
  return existsSync(bin) ? bin : undefined;
}

/** `optic diff BASE HEAD --check`: breaking when a check fails; undefined when optic could not judge. */
export function opticVerdict(base: string, head: string): { breaking: boolean | undefined; ms: number } {
  const bin = opticBin();
  if (!bin) return { breaking: undefined, ms: 0 };
  const started = performance.now();
  const run = spawnSync(bin, ['diff', base, head, '--check'], {
    encoding: 'utf8',
    env: { ...process.env, OPTIC_TELEMETRY_LEVEL: 'off', CI: 'true' },
    timeout: 120_000,
  });
  const ms = performance.now() - started;
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  if (run.status === 0) return { breaking: false, ms };
  return { breaking: /^\s*x \[/m.test(output) ? true : undefined, ms };
}

/**
 * optic on the first `limit` settled oasdiff cases (about 2-3 s each, so not all 330 by default) and
 * on the Twilio pair, beside the gate on the same cases.
 */
export async function benchOptic(
  sharedDir = DEFAULT_SHARED,
  limit = 40,
): Promise<{
  available: boolean;
  cases: number;
  optic: {
    agreed: number;
    undecided: number;
    ms: number;
    twilio_ms: number;
    twilio_breaking: boolean | undefined;
  };
  gate: { agreed: number; ms: number };
}> {
  const dir = path.join(sharedDir, 'fixtures/oasdiff');
  const list = readManifest(sharedDir)
    .filter((c) => c.breaking !== null)
    .slice(0, limit);
  const available = opticBin() !== undefined;
  let opticAgreed = 0;
  let undecided = 0;
  let opticMs = 0;
  for (const c of available ? list : []) {
    const v = opticVerdict(path.join(dir, c.base), path.join(dir, c.revision));
    opticMs += v.ms;
    if (v.breaking === undefined) undecided++;
    else if (v.breaking === c.breaking) opticAgreed++;
  }
  const gate = await benchGateOnOasdiff(sharedDir, list);
  const twilio = available ? opticVerdict(...twilioPair(sharedDir)) : { breaking: undefined, ms: 0 };
  return {
    available,
    cases: list.length,
    optic: {
      agreed: opticAgreed,
      undecided,
      ms: Math.round(opticMs),
      twilio_ms: Math.round(twilio.ms),
      twilio_breaking: twilio.breaking,
    },
    gate: { agreed: gate.agreed, ms: gate.ms },
  };
}
