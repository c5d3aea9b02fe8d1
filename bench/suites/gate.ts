import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  benchGate,
  benchGateOnOasdiff,
  benchOptic,
  compareGateProcesses,
  gateProcessRuntime,
  twilioPair,
} from '../../packages/gate/src/bench.ts';
import { readCorpus, runCorpusCase } from '../../packages/gate/src/conformance/corpus.ts';
import { ratio } from '../load.ts';
import { progress, round, sharedDir, sharedPresent } from '../shared.ts';
import type { BenchSuite } from './types.ts';

/** optic takes 2-4 s per oasdiff case and ~17 s on the Twilio pair here, so it sees a prefix of the cases. */
const OPTIC_CASES = 12;
const TWILIO_BYTES_NOTE = 'Twilio 2.4.2 → 2.5.0 (3.2 MB YAML)';

/** The gate beside `@useoptic/optic diff --check` (offline, telemetry off) on the same inputs. */
export const gate: BenchSuite = {
  id: 'gate',
  title: `gate vs optic diff --check: ${TWILIO_BYTES_NOTE} and oasdiff's checker cases`,
  async run() {
    if (!sharedPresent) return [{ metric: 'gate skipped: ../shared fixtures not found', value: 0, unit: '' }];
    progress('gate on the Twilio pair, best of 2');
    const twilio = await benchGate(sharedDir, 2);
    progress(`gate Twilio: ${twilio.ms} ms, ${twilio.mb_per_s} MB/s, ${twilio.findings} breaking findings`);
    // The full gate (with lint) beside `--only breaking`, each in a fresh process, alternating, median of 3:
    // wall time and peak RSS.
    progress(
      `gate on the Twilio pair in its own process (${gateProcessRuntime()}): --only breaking and the full gate with lint, 3 rounds`,
    );
    const processes = compareGateProcesses(sharedDir, 3);
    const { breaking: onlyBreaking, full } = processes;
    progress(
      `gate Twilio process (median of ${processes.rounds}): --only breaking ${onlyBreaking.wallMs} ms, ${onlyBreaking.maxRssMb} MB; full ${full.wallMs} ms, ${full.maxRssMb} MB`,
    );
    const processRows = [
      {
        metric: `gate full run with lint, ${TWILIO_BYTES_NOTE}: wall time, own process on ${gateProcessRuntime()}, median of ${processes.rounds} (goal ≤ 5000 ms; ${full.findings} findings)`,
        value: full.wallMs,
        unit: 'ms',
        baseline: { name: '--only breaking, same pair', value: onlyBreaking.wallMs },
        ratio: ratio(full.wallMs, onlyBreaking.wallMs),
      },
      {
        metric: `gate full run with lint, ${TWILIO_BYTES_NOTE}: peak RSS, median of ${processes.rounds} (goal ≤ 400 MB)`,
        value: full.maxRssMb,
        unit: 'MB',
        baseline: { name: '--only breaking, same pair', value: onlyBreaking.maxRssMb },
        ratio: ratio(full.maxRssMb, onlyBreaking.maxRssMb),
      },
    ];
    const all = await benchGateOnOasdiff(sharedDir);
    progress(`gate on all ${all.cases} settled oasdiff cases: ${all.agreed} agree, ${all.ms} ms`);
    const corpus = readCorpus(sharedDir);
    let corpusAgreed = 0;
    for (const c of corpus) if ((await runCorpusCase(sharedDir, c)).agrees) corpusAgreed++;
    progress(`gate --only breaking on the breaking-change corpus: ${corpusAgreed}/${corpus.length} agree`);
    progress(`optic on the first ${OPTIC_CASES} settled cases and the Twilio pair (~1 min)`);
    // optic writes ci-run-details.json into its working directory: give it a temp one.
    const cwd = process.cwd();
    const temp = await mkdtemp(path.join(os.tmpdir(), 'croupier-bench-optic-'));
    let side: Awaited<ReturnType<typeof benchOptic>>;
    try {
      process.chdir(temp);
      side = await benchOptic(sharedDir, OPTIC_CASES);
    } finally {
      process.chdir(cwd);
      await rm(temp, { recursive: true, force: true });
    }
    const rows = [
      {
        metric: `gate --only breaking on the openapi-diff/libopenapi/asyncapi-diff corpus: verdicts agreeing (${corpusAgreed}/${corpus.length})`,
        value: round((corpusAgreed / corpus.length) * 100, 1),
        unit: '%',
      },
      {
        metric: `gate on all ${all.cases} settled oasdiff cases: verdicts agreeing (${all.agreed}/${all.cases}, ${all.ms} ms)`,
        value: round((all.agreed / all.cases) * 100, 1),
        unit: '%',
      },
    ];
    if (!side.available) {
      return [
        { metric: `gate ${TWILIO_BYTES_NOTE}`, value: twilio.ms, unit: 'ms' },
        { metric: 'gate Twilio throughput', value: twilio.mb_per_s, unit: 'MB/s' },
        ...processRows,
        ...rows,
        { metric: 'optic skipped: @useoptic/optic not installed in packages/gate', value: 0, unit: '' },
      ];
    }
    const opticName = `optic diff --check (breaking: ${String(side.optic.twilio_breaking)})`;
    const sizes = await Promise.all(twilioPair(sharedDir).map((file) => stat(file)));
    const twilioMb = sizes.reduce((sum, s) => sum + s.size, 0) / 1e6;
    const opticMbPerS = twilioMb / (side.optic.twilio_ms / 1000);
    progress(
      `optic: ${side.optic.agreed}/${side.cases} agree (${side.optic.undecided} undecided) in ${side.optic.ms} ms; Twilio ${side.optic.twilio_ms} ms`,
    );
    return [
      {
        metric: `gate ${TWILIO_BYTES_NOTE} (${twilio.findings} breaking findings)`,
        value: twilio.ms,
        unit: 'ms',
        baseline: { name: opticName, value: side.optic.twilio_ms },
        ratio: ratio(twilio.ms, side.optic.twilio_ms),
      },
      {
        metric: 'gate Twilio throughput',
        value: twilio.mb_per_s,
        unit: 'MB/s',
        baseline: { name: 'optic diff --check', value: round(opticMbPerS) },
        ratio: ratio(twilio.mb_per_s, opticMbPerS),
      },
      ...processRows,
      ...rows,
      {
        metric: `verdicts agreeing with oasdiff, first ${side.cases} settled cases`,
        value: round((side.gate.agreed / side.cases) * 100, 1),
        unit: '%',
        baseline: {
          name: `optic diff --check (${side.optic.undecided} undecided)`,
          value: round((side.optic.agreed / side.cases) * 100, 1),
        },
        ratio: ratio(side.gate.agreed, side.optic.agreed),
      },
      {
        metric: `time for the first ${side.cases} settled cases`,
        value: side.gate.ms,
        unit: 'ms',
        baseline: { name: 'optic diff --check (one process per case)', value: side.optic.ms },
        ratio: ratio(side.gate.ms, side.optic.ms),
      },
    ];
  },
};
