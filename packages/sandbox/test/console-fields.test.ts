import { describe, expect, it } from 'vitest';
import { COMMON_FAULT_PARAMS, FAULT_PARAMS } from '../src/console.ts';

// A placeholder that is a bare value ("500") reads as the field's value; the fault then starts
// without it. Each one says it is an example, or what an empty field means.
describe('console fault fields', () => {
  it('no placeholder reads as a value', () => {
    const bare = Object.entries({ ...FAULT_PARAMS, common: COMMON_FAULT_PARAMS }).flatMap(([kind, params]) =>
      params
        .filter((p) => p.placeholder !== undefined && !/^e\.g\. |when empty$/.test(p.placeholder))
        .map((p) => `${kind}.${p.name}: "${p.placeholder}"`),
    );
    expect(bare).toEqual([]);
  });
});
