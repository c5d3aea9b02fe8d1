// Runs only `croupier gate` (the full CLI also loads the sandbox, which costs seconds per spawn in tests).
import { createRequire } from 'node:module';
import path from 'node:path';
import { registerGate } from '../../cli/src/commands/gate.ts';

const requireFromCli = createRequire(path.resolve(import.meta.dirname, '../../cli/package.json'));
type Program = Parameters<typeof registerGate>[0];
const { Command } = requireFromCli('commander') as { Command: new (name: string) => Program };
const program = new Command('croupier');
registerGate(program);
await program.parseAsync(process.argv);
