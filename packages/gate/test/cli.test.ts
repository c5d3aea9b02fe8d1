import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { croupierCommand } from '@croupier/test-services';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './shared.ts';

const PAIRS = path.resolve(import.meta.dirname, 'fixtures/pairs');
const BIN = path.resolve(import.meta.dirname, 'gate-cli-entry.ts');
// Resolved here, not from the child's cwd (a temp git repo has no node_modules).
const TSX = import.meta.resolve('tsx');
/**
 * The built CLI when dist/ is up to date (a start without tsx's compile costs about half the CPU),
 * else only `croupier gate` through tsx (the full CLI's sources are more for tsx to compile).
 */
const built = croupierCommand();
const gateCommand = built.from === 'dist' ? [...built.nodeArgs] : ['--import', TSX, BIN];

function croupier(args: string[], cwd = repoRoot) {
  const run = spawnSync(process.execPath, [...gateCommand, 'gate', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}
const pair = (name: string) => [path.join(PAIRS, name, 'base.yaml'), path.join(PAIRS, name, 'head.yaml')];

describe('croupier gate', () => {
  it('exits 0 when the change may merge and 1 when it may not', () => {
    expect(croupier([...pair('oas30-optional-request-field-added'), '--only', 'breaking']).code).toBe(0);
    const failed = croupier([...pair('oas30-path-removed'), '--only', 'breaking', '--format', 'github']);
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/^::error file=.*,line=\d+,title=api-path-removed-without-deprecation::/m);
  }, 30_000);

  it('lints the head in a full run (off the main thread when run under tsx)', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', TSX, BIN, 'gate', ...pair('oas30-identical'), '--format', 'json', '--no-changeset'],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', VITEST: '' } },
    );
    const report = JSON.parse(run.stdout) as {
      findings: Array<{ id: string; part: string; message: string }>;
    };
    const lint = report.findings.filter((f) => f.part === 'lint');
    expect(lint.length).toBeGreaterThan(0);
    expect(lint.some((f) => f.message.startsWith('lint skipped'))).toBe(false);
  }, 120_000);

  it('judges AsyncAPI 2.x (a removed payload field fails) and refuses versions it cannot read', () => {
    expect(croupier([...pair('asyncapi2-received-field-removed'), '--only', 'breaking']).code).toBe(1);
    expect(croupier([...pair('asyncapi2-identical'), '--only', 'breaking']).code).toBe(0);
    const dir = mkdtempSync(path.join(tmpdir(), 'gate-cli-'));
    const v1 = path.join(dir, 'v1.yaml');
    writeFileSync(v1, 'asyncapi: 1.2.0\ninfo: {title: t, version: "1.0.0"}\ntopics: {}\n');
    const refused = croupier([v1, v1, '--only', 'breaking']);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/UNSUPPORTED_DOCUMENT .*v1\.yaml:1: AsyncAPI 1\.2\.0 is not supported/);
  }, 30_000);

  it('exits 2 with file, line and reason on a parse error or bad usage', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gate-cli-'));
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, 'openapi: 3.0.3\ninfo:\n  title: x\n  version: [1.0\npaths: {}\n');
    const parse = croupier([pair('oas30-identical')[0] as string, broken]);
    expect(parse.code).toBe(2);
    expect(parse.err).toMatch(/PARSE_ERROR .*broken\.yaml:\d+: /);
    expect(croupier(['--format', 'pdf', 'a', 'b']).code).toBe(2);
  }, 30_000);

  it('lists the check catalogue', () => {
    const run = croupier(['--list-checks']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^api-path-removed-without-deprecation\s+error\s+paths\s+/m);
    expect(run.out).toMatch(/^event-server-removed\s+error\s+events\s+/m);
  });

  it('reads a multi-file base from git with --base', () => {
    const repo = mkdtempSync(path.join(tmpdir(), 'gate-git-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    git('config', 'user.email', 'gate@example.test');
    git('config', 'user.name', 'gate test');
    mkdirSync(path.join(repo, 'contracts/openapi'), { recursive: true });
    const src = path.join(PAIRS, 'multi-response-required-property-removed');
    cpSync(path.join(src, 'base.yaml'), path.join(repo, 'contracts/openapi/api.yaml'));
    cpSync(path.join(src, 'base.schemas.yaml'), path.join(repo, 'contracts/openapi/base.schemas.yaml'));
    git('add', '.');
    git('commit', '-qm', 'base');
    // The head keeps the file names of the base; only the schema file changes.
    writeFileSync(
      path.join(repo, 'contracts/openapi/base.schemas.yaml'),
      readFileSync(path.join(src, 'head.schemas.yaml')),
    );
    const run = croupier(
      ['--base', 'HEAD', 'contracts/openapi/api.yaml', '--only', 'breaking', '--format', 'json'],
      repo,
    );
    expect(run.code).toBe(1);
    // Bet is returned by GET 200 and POST 201: one finding per response that breaks.
    const found = JSON.parse(run.out).findings as Array<{ id: string; operation: string }>;
    expect(found.map((f) => `${f.id} ${f.operation}`).sort()).toEqual([
      'response-required-property-removed GET /v1/bets/{betId}',
      'response-required-property-removed POST /v1/bets',
    ]);
  }, 30_000);
});
