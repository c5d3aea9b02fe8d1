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

describe('croupier sandbox fault --help', () => {
  it("names this command's flags for each fault, without Markdown backticks", async () => {
    const { croupier } = await import('./croupier-process.ts');
    const { out } = await croupier('sandbox', 'fault', '--help');
    expect(out).not.toContain('`');
    expect(out).toContain('fixed --delay-ms');
    expect(out).toContain('--min-ms/--max-ms');
    expect(out).toContain('shifts occurred_at of delivered events by --skew-ms');
  });
});
