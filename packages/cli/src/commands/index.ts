import type { Command } from 'commander';
import { registerCerts } from './certs.ts';
import { registerCertify } from './certify.ts';
import { registerCodegen } from './codegen.ts';
import { registerGate } from './gate.ts';
import { registerSandbox } from './sandbox.ts';
import { registerWallet } from './wallet.ts';

/** Each entry adds one subcommand. Keep one file per command; keep the list sorted. */
export const commands: Array<(program: Command) => void> = [
  registerCerts,
  registerCertify,
  registerCodegen,
  registerGate,
  registerSandbox,
  registerWallet,
];
