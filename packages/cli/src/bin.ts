#!/usr/bin/env node
import { buildProgram } from './program.ts';

// `pnpm -w croupier …` runs the root script in the repository root; relative paths still mean the
// directory the command was typed in (INIT_CWD), as they do for the installed `croupier`.
if (process.env.npm_lifecycle_event === 'croupier' && process.env.INIT_CWD)
  process.chdir(process.env.INIT_CWD);

const program = buildProgram();
program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`croupier: ${message}\n`);
  process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
});
