import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openWallet } from '../src/index.ts';
import { raceBehaviour } from './races.behaviour.ts';

raceBehaviour({
  name: 'SQLite (one file)',
  async prepare() {
    const dir = mkdtempSync(path.join(tmpdir(), 'croupier-races-'));
    const file = path.join(dir, 'wallet.db');
    return {
      processOptions: { file },
      open: () => openWallet({ file }),
      async dispose() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
