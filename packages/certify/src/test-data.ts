import { randomBytes } from 'node:crypto';

/** A tag per run keeps ids unique across runs against the same long-lived target. */
export const RUN_TAG = randomBytes(3).toString('hex');

/** Fresh ids for one scenario, so no two scenarios (or runs) ever share a bet, round or key. */
export class TestData {
  private counter = 0;
  private readonly stem: string;

  constructor(scenarioIndex: number, runTag: string = RUN_TAG) {
    this.stem = `${runTag}${scenarioIndex.toString(36)}`;
  }

  id(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.stem}_${this.counter.toString(36)}`;
  }

  betId(): string {
    return this.id('b');
  }

  roundId(): string {
    return this.id('r');
  }

  key(prefix = 'ik'): string {
    return this.id(prefix);
  }
}
