import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../src/checks/catalogue.ts';
import { CHECK_IDS, type CheckId } from '../src/checks/ids.ts';
import { checkIdsSource } from '../src/checks/ids-source.ts';

describe('check ids', () => {
  it('src/checks/ids.ts is generated from the current catalogue', () => {
    const file = path.resolve(import.meta.dirname, '../src/checks/ids.ts');
    expect(readFileSync(file, 'utf8')).toBe(checkIdsSource());
  });

  it('names every check of the catalogue once', () => {
    expect([...catalogue.keys()].sort()).toEqual([...CHECK_IDS]);
  });

  it('rejects a misspelt id at compile time (pnpm typecheck fails if this line compiles)', () => {
    // @ts-expect-error: 'api-path-remved' is not a check id
    const misspelt: CheckId = 'api-path-remved';
    expect(CHECK_IDS).not.toContain(misspelt);
  });
});
