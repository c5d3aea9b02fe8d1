import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLedger } from '../src/index.ts';
import { ledgerBehaviour } from './ledger.behaviour.ts';

ledgerBehaviour({
  name: 'SQLite',
  propertyRuns: 200,
  async fresh() {
    const dir = mkdtempSync(path.join(tmpdir(), 'croupier-ledger-'));
    const file = path.join(dir, 'ledger.sqlite');
    return {
      open: () => openLedger({ file }),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});
