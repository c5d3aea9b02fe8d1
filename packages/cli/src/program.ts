import { Command } from 'commander';
import { commands } from './commands/index.ts';

/**
 * The CLI only wires packages to the terminal: each command lives in `commands/` and calls a package.
 * A command is listed here only once it works, so `--help` never advertises a stub.
 */
export function buildProgram(): Command {
  const program = new Command('croupier')
    .description(
      'Contracts, codegen, gate, wallet, sandbox and certification for casino provider–platform integrations',
    )
    .showHelpAfterError()
    .addHelpText('after', '\nRun `croupier <command> --help` for the options and examples of each command.');
  for (const register of commands) register(program);
  return program;
}
