// `pnpm --filter @croupier/gate bench [optic-case-limit]`: the gate and optic side by side.
import { benchGate, benchGateOnOasdiff, benchOptic } from './bench.ts';

const limit = Number(process.argv[2] ?? 40);
const twilio = await benchGate();
process.stdout.write(
  `gate   Twilio 2.4.2→2.5.0: ${twilio.ms} ms, ${twilio.mb_per_s} MB/s, ${twilio.findings} findings\n`,
);
const all = await benchGateOnOasdiff();
process.stdout.write(`gate   oasdiff cases: ${all.agreed}/${all.cases} verdicts agree, ${all.ms} ms\n`);
const optic = await benchOptic(undefined, limit);
if (!optic.available) process.stdout.write('optic  not installed (devDependency @useoptic/optic)\n');
else {
  process.stdout.write(`first ${optic.cases} settled oasdiff cases:\n`);
  process.stdout.write(`  gate   ${optic.gate.agreed}/${optic.cases} agree, ${optic.gate.ms} ms\n`);
  process.stdout.write(
    `  optic  ${optic.optic.agreed}/${optic.cases} agree (${optic.optic.undecided} undecided), ${optic.optic.ms} ms\n`,
  );
  process.stdout.write(
    `Twilio: gate ${twilio.ms} ms | optic ${optic.optic.twilio_ms} ms (breaking: ${String(optic.optic.twilio_breaking)})\n`,
  );
}
