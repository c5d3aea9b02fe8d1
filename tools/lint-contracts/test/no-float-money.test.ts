import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceEntry } from '@croupier/test-services';
import { describe, expect, it } from 'vitest';
import { findFloatMoney, isMoneyName, listPackageSources } from '../src/no-float-money.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(repoRoot, 'tools/lint-contracts/test/fixtures/no-float');
const bad = path.join(fixtures, 'bad.ts');
const good = path.join(fixtures, 'good.ts');
/** `pnpm lint:money`: the built one when dist/ is up to date, else the source through tsx. */
const script = workspaceEntry('tools/lint-contracts', 'no-float-money').nodeArgs;

describe('isMoneyName', () => {
  it.each([
    'amount',
    'balance',
    'maxBet',
    'MAX_BET',
    'totalPayoutEUR',
    'stake_amount',
    'lossLimit',
    'winnings',
  ])('%s is money', (name) => expect(isMoneyName(name)).toBe(true));
  it.each([
    'amountCount',
    'betCount',
    'winRate',
    'payoutMs',
    'bonusPercent',
    'stakeBps',
    'cashoutSeconds',
    'payoutRatio',
    'limit',
    'rateLimit',
    'window',
    'winner',
    'total',
  ])('%s is not money', (name) => expect(isMoneyName(name)).toBe(false));
});

/** The bad fixture's findings, computed once: each scan builds a TypeScript program and its checker. */
let badFindings: ReturnType<typeof findFloatMoney> | undefined;
const findingsOfBad = () => (badFindings ??= findFloatMoney([bad]));

describe('findFloatMoney', () => {
  it('reports every float-money site in the bad fixture, and nothing else', () => {
    const found = findingsOfBad().map(({ line, kind, name }) => `${line} ${kind} ${name}`);
    expect(found).toEqual([
      '2 variable amount',
      '3 variable balance',
      '4 parameter stake',
      '6 property cashBalance',
      '7 property bonusAmounts',
      '8 property lossLimit',
      '11 property totalWin',
      '12 property payout',
      '14 return maxPayout',
      '15 return fetchBalance',
      '16 return jackpotTotal',
      '17 variable winAmount',
      '17 property winAmount',
      '19 parseFloat parseFloat',
      '20 parseFloat Number.parseFloat',
      '21 number-conversion Number',
      '22 number-conversion +',
      '23 number-conversion parseInt',
      '24 toFixed toFixed',
      '26 variable creditMinor',
      '28 variable refundCents',
    ]);
  });

  it('gives file, line, column and an actionable message', () => {
    const [first] = findingsOfBad();
    expect(first).toEqual({
      file: bad,
      line: 2,
      column: 14,
      kind: 'variable',
      name: 'amount',
      message:
        'variable "amount" is a JS number; keep money as a bigint Amount (@croupier/money) or a decimal string',
    });
  });

  it('an ignore comment without a reason does not silence the finding', () => {
    const last = findingsOfBad().at(-1);
    expect(last?.name).toBe('refundCents');
    expect(last?.message).toContain('needs a reason');
  });

  it('passes the good fixture: counts, rates, ids, bigint and string money, a reasoned ignore', () => {
    expect(findFloatMoney([good])).toEqual([]);
  });

  it('passes over the real packages/*/src', () => {
    const files = listPackageSources(repoRoot);
    expect(files.length).toBeGreaterThan(0);
    expect(files.some((file) => file.endsWith(path.join('packages', 'money', 'src', 'amount.ts')))).toBe(
      true,
    );
    expect(findFloatMoney(files)).toEqual([]);
  });
});

describe('CLI', () => {
  function run(args: string[]): { status: number; output: string } {
    try {
      const stdout = execFileSync(process.execPath, [...script, ...args], {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return { status: 0, output: stdout };
    } catch (error) {
      const failed = error as { status: number; stdout: string; stderr: string };
      return { status: failed.status, output: failed.stdout + failed.stderr };
    }
  }

  it('exits 1 with file:line:column findings', () => {
    const { status, output } = run([bad]);
    expect(status).toBe(1);
    expect(output).toContain(
      'tools/lint-contracts/test/fixtures/no-float/bad.ts:4:26 parameter "stake" is a JS number',
    );
    expect(output).toContain('21 float-money finding(s) in 1 file(s)');
  });

  it('exits 0 with a one-line summary', () => {
    const { status, output } = run([good]);
    expect(status).toBe(0);
    expect(output.trim()).toBe('no float money in 1 files');
  });
});
