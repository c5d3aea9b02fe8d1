import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GateReport, Part, ReportFormat } from '@croupier/gate';
import { REPORT_FORMATS } from '@croupier/gate/report';
import { type Command, Option } from 'commander';

interface GateFlags {
  base?: string;
  only?: Part;
  failOn: 'error' | 'warning';
  format: ReportFormat;
  deprecations?: boolean;
  listChecks?: boolean;
  ignoreFile?: string;
  changeset: boolean;
  lint: boolean;
  verbose?: boolean;
  now?: string;
}

export function registerGate(program: Command): void {
  program
    .command('gate')
    .description(
      'Decide whether a contract change may merge: breaking changes, SemVer, deprecation/sunset, lint',
    )
    .argument('[files...]', 'BASE HEAD, or with --base the head contract file(s)')
    .option(
      '--base <ref>',
      'read the base from git at this ref (the contract directory is materialised from the tree)',
    )
    .addOption(
      new Option(
        '--only <part>',
        'run one part alone (breaking: compatibility only, as `oasdiff breaking`; the sunset policy is the deprecation part)',
      ).choices(['breaking', 'lint', 'semver', 'deprecation']),
    )
    .addOption(
      new Option('--fail-on <level>', 'lowest level that blocks the merge')
        .choices(['error', 'warning'])
        .default('error'),
    )
    .addOption(new Option('--format <format>', 'report format').choices(REPORT_FORMATS).default('text'))
    .option(
      '--deprecations',
      'list deprecated operations, parameters and properties of HEAD with days to sunset',
    )
    .option('--list-checks', 'print the catalogue of checks and exit')
    .option('--ignore-file <file>', 'accepted findings (default: <repo>/.croupier-gate-ignore.yaml)')
    .option('--no-changeset', 'do not require a .changeset entry')
    .option('--no-lint', 'do not lint the head document')
    .option('--verbose', 'show informational findings in text output')
    .option('--now <date>', 'judge sunset dates as of this day (YYYY-MM-DD)')
    .addHelpText(
      'after',
      `
Exit status: 0 may merge, 1 may not, 2 usage or parse error (file, line and reason on stderr), or a document
the gate will not judge (an AsyncAPI version other than 2.x and 3.x).

Examples:
  $ croupier gate --base main contracts/openapi/provider-platform.yaml
  $ croupier gate --base HEAD~1 contracts/openapi/provider-platform.yaml --only breaking
  $ croupier gate --base main --format github          # every contract, as CI annotations
  $ croupier gate --base main --format markdown > comment.md
  $ git show main:contracts/openapi/provider-platform.yaml > base.yaml
  $ croupier gate base.yaml contracts/openapi/provider-platform.yaml   # BASE HEAD as two files
  $ croupier gate --deprecations contracts/openapi/provider-platform.yaml
  $ croupier gate --list-checks`,
    )
    .exitOverride((error) => {
      process.exit(error.exitCode === 0 ? 0 : 2);
    })
    .action(async (files: string[], flags: GateFlags) => {
      // The gate (Spectral, the walkers) loads on use, so `croupier --help` starts fast.
      const { GateError } = await import('@croupier/gate');
      try {
        process.exitCode = await runCommand(files, flags);
      } catch (error) {
        if (error instanceof GateError) {
          // Most gate messages already start with file:line; add it only when the message lacks it.
          const where = error.file ? `${error.file}:${error.line ?? 1}: ` : '';
          const located = where !== '' && !error.message.startsWith(error.file ?? '') ? where : '';
          process.stderr.write(`croupier gate: ${error.code} ${located}${error.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw error;
      }
    });
}

async function runCommand(files: string[], flags: GateFlags): Promise<number> {
  const { catalogue, formatReport, GateError, listDeprecations, loadDocument, materialiseFromGit, runGate } =
    await import('@croupier/gate');
  if (flags.listChecks) {
    for (const c of [...catalogue.values()].sort(
      (a, b) => a.area.localeCompare(b.area) || a.id.localeCompare(b.id),
    )) {
      process.stdout.write(`${c.id.padEnd(58)} ${c.level.padEnd(7)} ${c.area.padEnd(12)} ${c.doc}\n`);
    }
    return 0;
  }
  const now = flags.now ? new Date(`${flags.now}T00:00:00Z`) : new Date();
  if (Number.isNaN(now.getTime())) throw new GateError('USAGE_ERROR', `--now ${flags.now} is not YYYY-MM-DD`);
  if (flags.deprecations) {
    const file = files.at(-1);
    if (!file) throw new GateError('USAGE_ERROR', '--deprecations needs a contract file');
    const items = listDeprecations(await loadDocument(file), now);
    if (items.length === 0) {
      process.stdout.write(`nothing is deprecated in ${path.relative(process.cwd(), file) || file}\n`);
    }
    for (const item of items) {
      const days =
        item.daysToSunset === undefined
          ? 'no sunset'
          : item.daysToSunset < 0
            ? `sunset passed ${-item.daysToSunset} day(s) ago: may be removed`
            : `${item.daysToSunset} day(s) to sunset`;
      process.stdout.write(
        `${item.kind.padEnd(9)} ${item.name}  ${item.sunset ?? '-'}  (${days})  ${path.relative(process.cwd(), item.file)}:${item.line ?? 1}\n`,
      );
    }
    return 0;
  }
  const repoRoot = findRepoRoot();
  const pairs: Array<[string, string]> = [];
  if (flags.base) {
    const heads = files.length > 0 ? files : defaultContracts(repoRoot);
    for (const head of heads) {
      try {
        pairs.push([materialiseFromGit(repoRoot, flags.base, head), head]);
      } catch (error) {
        if (error instanceof GateError && /does not exist at/.test(error.message)) {
          process.stderr.write(`croupier gate: ${head} is new since ${flags.base}; nothing to compare\n`);
          continue;
        }
        throw error;
      }
    }
  } else {
    if (files.length !== 2)
      throw new GateError('USAGE_ERROR', 'give BASE and HEAD files, or --base <git ref> [files...]');
    pairs.push([files[0] as string, files[1] as string]);
  }
  try {
    return await judgePairs(pairs, flags, now, repoRoot, { formatReport, runGate });
  } finally {
    // The base trees written from git are ours to remove, pass or fail.
    if (flags.base) {
      for (const [base] of pairs) {
        const top = path.relative(tmpdir(), base).split(path.sep)[0];
        if (top?.startsWith('croupier-gate-base-'))
          rmSync(path.join(tmpdir(), top), { recursive: true, force: true });
      }
    }
  }
}

async function judgePairs(
  pairs: Array<[string, string]>,
  flags: GateFlags,
  now: Date,
  repoRoot: string,
  gate: Pick<typeof import('@croupier/gate'), 'formatReport' | 'runGate'>,
): Promise<number> {
  const { formatReport, runGate } = gate;
  let failed = false;
  const reports: GateReport[] = [];
  for (const [base, head] of pairs) {
    const report = await runGate(base, head, {
      now,
      failOn: flags.failOn,
      repoRoot,
      changeset: flags.changeset,
      lint: flags.lint && (flags.only === undefined || flags.only === 'lint'),
      ...(flags.only ? { only: flags.only } : {}),
      ...(flags.ignoreFile ? { ignoreFile: flags.ignoreFile } : {}),
    });
    reports.push(report);
    failed ||= report.failed;
    if (flags.format !== 'json')
      process.stdout.write(formatReport(report, flags.format, { verbose: flags.verbose ?? false }));
  }
  if (flags.format === 'json')
    process.stdout.write(
      reports.length === 1
        ? formatReport(reports[0] as GateReport, 'json')
        : `[${reports.map((r) => formatReport(r, 'json')).join(',')}]\n`,
    );
  return failed ? 1 : 0;
}

function findRepoRoot(): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return process.cwd();
  }
}

function defaultContracts(root: string): string[] {
  return ['contracts/openapi', 'contracts/asyncapi'].flatMap((dir) => {
    const abs = path.join(root, dir);
    return existsSync(abs)
      ? readdirSync(abs)
          .filter((f) => /\.ya?ml$/.test(f))
          .map((f) => path.join(abs, f))
      : [];
  });
}
