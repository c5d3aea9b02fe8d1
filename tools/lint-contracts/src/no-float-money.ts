/**
 * no-float-money: money is a bigint count of minor units inside and a decimal string on the
 * wire, never a JS number (0.1 + 0.2 !== 0.3, and integers past 2^53 silently round). This
 * scanner reads every `.ts` file under `packages/*\/src` with the TypeScript type checker and
 * reports each place where money is held or produced as a number.
 *
 * What counts as money is decided by name, with the word lists below kept explicit so a
 * reviewer can see exactly what triggers a finding:
 * - a variable, parameter, property, getter or destructured binding whose name is a money name
 *   and whose type (declared or inferred) is `number`, a number literal, a union containing one,
 *   or an array/tuple of them;
 * - a function or method with a money name that returns one of those (also through a Promise);
 * - any call to `parseFloat` / `Number.parseFloat` and any `.toFixed(…)`, unless what it reads is
 *   visibly a duration, count or rate and names no money (`(durationMs / 1000).toFixed(1)`);
 * - `Number(x)`, `parseInt(x)`, `Number.parseInt(x)` and `+x` where `x` has a money name.
 *
 * Escape hatch, for the rare honest number (a float RTP simulation, a chart): put
 * `// money-lint-ignore: <reason>` on the line before the finding. A reason is required.
 *
 * Run: `pnpm lint:money` (exit 1 with the findings, 0 with "no float money in N files"), or
 * `node --import tsx tools/lint-contracts/src/no-float-money.ts <file.ts>…` for given files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/** Words that, anywhere in an identifier, make it a money name (singular and plural). */
export const MONEY_WORDS: readonly string[] = [
  'amount',
  'amounts',
  'balance',
  'balances',
  'stake',
  'stakes',
  'win',
  'wins',
  'winnings',
  'payout',
  'payouts',
  'bet',
  'bets',
  'wager',
  'wagers',
  'cash',
  'bonus',
  'bonuses',
  'credit',
  'credits',
  'debit',
  'debits',
  'jackpot',
  'jackpots',
  'contribution',
  'contributions',
  'deposit',
  'deposits',
  'withdrawal',
  'withdrawals',
  'refund',
  'refunds',
  'money',
  'cents',
];

/**
 * `limit` alone is usually a page size or a rate limit, so it is a money name only next to one
 * of these (or next to a money word: `depositLimit`, `maxBetLimit`).
 */
export const LIMIT_QUALIFIERS: readonly string[] = ['loss', 'losses', 'spend', 'spending'];

/**
 * A name whose last word is one of these is a count, a duration, a ratio or an identifier about
 * money, not money itself: `betCount`, `payoutMs`, `winRate`, `bonusPercent`, `stakeBps`,
 * `jackpotId`, `betLevel`, `winLines`.
 */
export const NOT_MONEY_SUFFIXES: readonly string[] = [
  'count',
  'counts',
  'ms',
  'seconds',
  'secs',
  'minutes',
  'hours',
  'days',
  'percent',
  'pct',
  'bps',
  'rate',
  'rates',
  'ratio',
  'ratios',
  'multiplier',
  'factor',
  'weight',
  'id',
  'ids',
  'index',
  'level',
  'levels',
  'line',
  'lines',
  'spins',
  'round',
  'rounds',
  'attempts',
  'retries',
  'version',
  'size',
  'length',
  'decimals',
  'exponent',
  'digits',
  'precision',
  // latency and throughput statistics: `stats.p95`, `summary.throughputRps`, `durationS`
  'p50',
  'p90',
  'p95',
  'p99',
  'p999',
  'min',
  'max',
  'mean',
  'median',
  'rps',
  's',
  'time',
  'bytes',
];

export type FindingKind =
  | 'variable'
  | 'parameter'
  | 'property'
  | 'return'
  | 'parseFloat'
  | 'toFixed'
  | 'number-conversion';

export interface Finding {
  /** The path as it was passed in. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly kind: FindingKind;
  /** The money name, or the function called (`parseFloat`, `toFixed`, `Number`). */
  readonly name: string;
  readonly message: string;
}

const IGNORE_COMMENT = /\/\/\s*money-lint-ignore:\s*\S/;
const FIX = 'keep money as a bigint Amount (@croupier/money) or a decimal string';

const moneyWords = new Set(MONEY_WORDS);
const limitQualifiers = new Set(LIMIT_QUALIFIERS);
const notMoneySuffixes = new Set(NOT_MONEY_SUFFIXES);

/** Split `maxBetAmount`, `MAX_BET`, `totalPayoutEUR` into lower-case words. */
export function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}

export function isMoneyName(name: string): boolean {
  const words = wordsOf(name);
  const last = words.at(-1);
  if (last === undefined || notMoneySuffixes.has(last)) return false;
  if (words.some((word) => moneyWords.has(word))) return true;
  return words.includes('limit') && words.some((word) => limitQualifiers.has(word));
}

/** Every finding in `files`, sorted by file then position. Type-checks them as one program. */
export function findFloatMoney(files: readonly string[]): Finding[] {
  const program = ts.createProgram([...files], COMPILER_OPTIONS);
  const checker = program.getTypeChecker();
  const findings: Finding[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (source === undefined) throw new Error(`no-float-money: cannot read ${file}`);
    const lines = source.text.split(/\r?\n/);
    const report = (node: ts.Node, kind: FindingKind, name: string, message: string): void => {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source));
      const previous = start.line > 0 ? (lines[start.line - 1] ?? '') : '';
      if (IGNORE_COMMENT.test(previous)) return;
      const hint = previous.includes('money-lint-ignore')
        ? ' (the money-lint-ignore above needs a reason)'
        : '';
      findings.push({
        file,
        line: start.line + 1,
        column: start.character + 1,
        kind,
        name,
        message: message + hint,
      });
    };
    const visit = (node: ts.Node): void => {
      inspectDeclaration(node, checker, report);
      inspectCall(node, report);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return findings;
}

// Same language settings as tsconfig.base.json; `types: []` keeps @types/* out for speed.
const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  allowImportingTsExtensions: true,
  resolveJsonModule: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
};

type Report = (node: ts.Node, kind: FindingKind, name: string, message: string) => void;

function inspectDeclaration(node: ts.Node, checker: ts.TypeChecker, report: Report): void {
  const declared = declaredName(node);
  if (declared === undefined || !isMoneyName(declared.text)) return;
  const name = declared.text;

  if (isNamedFunction(node)) {
    if (returnsNumber(node, checker)) report(declared.node, 'return', name, returnMessage(name));
    return;
  }
  const type = checker.getTypeAtLocation(declared.node);
  const signature = type.getCallSignatures()[0];
  if (signature !== undefined) {
    // `const payout = (): number => …` is a function: judge what it returns.
    if (isNumberish(checker.getAwaitedType(checker.getReturnTypeOfSignature(signature)), checker)) {
      report(declared.node, 'return', name, returnMessage(name));
    }
    return;
  }
  if (!isNumberish(type, checker)) return;
  const kind: FindingKind = ts.isParameter(node)
    ? 'parameter'
    : ts.isVariableDeclaration(node) || ts.isBindingElement(node)
      ? 'variable'
      : 'property';
  report(declared.node, kind, name, `${kind} "${name}" is a JS number; ${FIX}`);
}

function inspectCall(node: ts.Node, report: Report): void {
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.PlusToken) {
    const operand = moneyNameOf(node.operand);
    if (operand !== undefined) {
      report(node, 'number-conversion', '+', `unary + turns "${operand}" into a JS number; ${FIX}`);
    }
    return;
  }
  if (!ts.isCallExpression(node)) return;
  const callee = calleeName(node.expression);
  if (callee === 'parseFloat' || callee === 'Number.parseFloat') {
    const argument = node.arguments[0];
    if (argument !== undefined && isVisiblyNotMoney(argument)) return;
    report(
      node,
      'parseFloat',
      callee,
      `${callee}() makes a float of a decimal; use parseAmount from @croupier/money`,
    );
  } else if (callee?.endsWith('.toFixed') === true) {
    if (ts.isPropertyAccessExpression(node.expression) && isVisiblyNotMoney(node.expression.expression))
      return;
    report(node, 'toFixed', 'toFixed', `.toFixed() rounds a float; use formatAmount from @croupier/money`);
  } else if (
    callee === 'Number' ||
    callee === 'parseInt' ||
    callee === 'Number.parseInt' ||
    callee === 'globalThis.Number'
  ) {
    const argument = node.arguments[0];
    const moneyName = argument === undefined ? undefined : moneyNameOf(argument);
    if (moneyName !== undefined) {
      report(
        node,
        'number-conversion',
        callee,
        `${callee}(${moneyName}) turns money into a JS number; ${FIX}`,
      );
    }
  }
}

interface DeclaredName {
  readonly node: ts.Node;
  readonly text: string;
}

function declaredName(node: ts.Node): DeclaredName | undefined {
  if (
    ts.isVariableDeclaration(node) ||
    ts.isParameter(node) ||
    ts.isBindingElement(node) ||
    ts.isPropertyDeclaration(node) ||
    ts.isPropertySignature(node) ||
    ts.isPropertyAssignment(node) ||
    ts.isGetAccessorDeclaration(node) ||
    isNamedFunction(node)
  ) {
    const name = node.name;
    if (
      name !== undefined &&
      (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name))
    ) {
      return { node: name, text: name.text.replace(/^#/, '') };
    }
  }
  return undefined;
}

function isNamedFunction(
  node: ts.Node,
): node is ts.FunctionDeclaration | ts.MethodDeclaration | ts.MethodSignature {
  return ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isMethodSignature(node);
}

function returnsNumber(node: ts.SignatureDeclaration, checker: ts.TypeChecker): boolean {
  const signature = checker.getSignatureFromDeclaration(node);
  if (signature === undefined) return false;
  return isNumberish(checker.getAwaitedType(checker.getReturnTypeOfSignature(signature)), checker);
}

function returnMessage(name: string): string {
  return `function "${name}" returns a JS number; ${FIX}`;
}

/** number, a number literal (not an enum member), a union with one, or an array/tuple of them. */
function isNumberish(type: ts.Type | undefined, checker: ts.TypeChecker): boolean {
  if (type === undefined) return false;
  if (type.isUnion()) return type.types.some((member) => isNumberish(member, checker));
  if (type.flags & ts.TypeFlags.EnumLiteral) return false;
  if (type.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return true;
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    return checker
      .getTypeArguments(type as ts.TypeReference)
      .some((element) => isNumberish(element, checker));
  }
  return false;
}

/**
 * True when the expression names a duration, count or rate (`durationMs / 1000`,
 * `sampleRate`) and nothing that is money: then `.toFixed()` or `parseFloat` is honest.
 */
function isVisiblyNotMoney(expression: ts.Expression): boolean {
  const names: string[] = [];
  const collect = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) names.push(node.text);
    ts.forEachChild(node, collect);
  };
  collect(expression);
  if (names.some(isMoneyName)) return false;
  return names.some((name) => notMoneySuffixes.has(wordsOf(name).at(-1) ?? ''));
}

/** `parseFloat`, `Number.parseFloat`, `x.toFixed` (receiver collapsed to `x`). */
function calleeName(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) {
    const receiver = ts.isIdentifier(expression.expression) ? expression.expression.text : 'x';
    return `${receiver}.${expression.name.text}`;
  }
  return undefined;
}

/** The money name an expression reads: `amount`, `bet.stake`, `body['balance']`. */
function moneyNameOf(expression: ts.Expression): string | undefined {
  let name: string | undefined;
  if (ts.isIdentifier(expression)) name = expression.text;
  else if (ts.isPropertyAccessExpression(expression)) name = expression.name.text;
  else if (ts.isElementAccessExpression(expression) && ts.isStringLiteral(expression.argumentExpression)) {
    name = expression.argumentExpression.text;
  }
  return name !== undefined && isMoneyName(name) ? name : undefined;
}

/** Every `.ts` (not `.d.ts`) file under `<root>/packages/*\/src`, sorted. */
export function listPackageSources(root: string): string[] {
  const packages = path.join(root, 'packages');
  const files: string[] = [];
  for (const entry of readdirSync(packages, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const src = path.join(packages, entry.name, 'src');
    for (const file of walk(src)) files.push(file);
  }
  return files.sort();
}

function walk(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

export function formatFinding(finding: Finding, relativeTo: string): string {
  return `${path.relative(relativeTo, finding.file)}:${finding.line}:${finding.column} ${finding.message}`;
}

function main(argv: readonly string[]): number {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const files = argv.length > 0 ? argv.map((file) => path.resolve(file)) : listPackageSources(root);
  for (const file of files) readFileSync(file); // fail loudly on a bad path before type-checking
  const findings = findFloatMoney(files);
  if (findings.length === 0) {
    console.log(`no float money in ${files.length} files`);
    return 0;
  }
  for (const finding of findings) console.error(formatFinding(finding, process.cwd()));
  const fileCount = new Set(findings.map((finding) => finding.file)).size;
  console.error(
    `\n${findings.length} float-money finding(s) in ${fileCount} file(s). Fix them, or mark an honest number ` +
      'with "// money-lint-ignore: <reason>" on the line before.',
  );
  return 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
