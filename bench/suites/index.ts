import { baselineHttp } from './baseline-http.ts';
import { certifyLoad } from './certify-load.ts';
import { cliStartup } from './cli-startup.ts';
import { codegen } from './codegen.ts';
import { gate } from './gate.ts';
import { outbox } from './outbox.ts';
import { outboxMillion } from './outbox-million.ts';
import { sandbox } from './sandbox.ts';
import { sessionsMemory } from './sessions-memory.ts';
import type { BenchSuite } from './types.ts';
import { wallet } from './wallet.ts';

/** In the order they run; each suite measures its own baseline in the same run. */
export const suites: BenchSuite[] = [
  baselineHttp,
  cliStartup,
  codegen,
  gate,
  wallet,
  outbox,
  outboxMillion,
  sessionsMemory,
  sandbox,
  certifyLoad,
];
