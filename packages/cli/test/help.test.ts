import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.ts';

describe('croupier --help', () => {
  it('lists every registered command with a description and an example in its own help', () => {
    const program = buildProgram();
    for (const command of program.commands) {
      expect(command.description(), `${command.name()} needs a description`).not.toBe('');
      let help = '';
      command.configureOutput({ writeOut: (text) => (help += text), writeErr: () => {} });
      command.outputHelp();
      expect(help, `${command.name()} --help needs an example`).toMatch(/Examples?:/);
    }
  });
});
