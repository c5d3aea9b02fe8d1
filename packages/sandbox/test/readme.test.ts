import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { croupierArgv, freePorts, serviceOrSkip, takeTurn } from '@croupier/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DEFAULT_PORTS = [4010, 4020];

// The README's curl lines name the sandbox's default ports.
// The help examples (and other checkouts) use the same ports: wait for our turn on them.
const releasePorts = await takeTurn('default-ports');
const free = await serviceOrSkip(freePorts(DEFAULT_PORTS), 'the README curl test');

/** The first ```sh block after a heading of the README, one command per line. */
async function readmeCurlLines(heading = '## First calls'): Promise<string[]> {
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

/** The lines in one bash session (variables carry over), with each line's exit status and output. */
async function runLines(
  lines: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Array<{ line: string; status: number; text: string }>> {
  const script = lines.map((line, i) => `${line}\nprintf '\\n<<<%d:%d>>>\\n' ${i} $?`).join('\n');
  const file = path.join(dir, `readme-${randomUUID()}.sh`);
  await writeFile(file, script);
  const { stdout } = await promisify(execFile)('bash', [file], { cwd, env, timeout: 90_000 });
  return lines.map((line, i) => {
    const marker = new RegExp(`<<<${i}:(\\d+)>>>`).exec(stdout);
    const before = stdout.slice(0, marker?.index ?? 0);
    const previous = i === 0 ? -1 : stdout.indexOf(`<<<${i - 1}:`);
    const text = before.slice(previous === -1 ? 0 : before.indexOf('>>>', previous) + 3).trim();
    return { line, status: Number(marker?.[1] ?? -1), text };
  });
}

/** `croupier` as the monorepo runs it (`pnpm croupier …`), for a project directory outside the repository. */
function startCroupier(args: string[], cwd: string): { child: ChildProcess; output: () => string } {
  const started = spawn(process.execPath, ['--import', tsxLoader, cliBin, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  started.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  started.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child: started, output: () => text };
}
const tsxLoader = pathToFileURL(path.join(root, 'node_modules/tsx/dist/esm/index.mjs')).href;
const cliBin = path.join(root, 'packages/cli/src/bin.ts');

let dir: string;
let child: ChildProcess;
let output = '';
beforeAll(async () => {
  if (!free) return;
  dir = await mkdtemp(path.join(os.tmpdir(), 'croupier-readme-'));
  // The README's main command (`pnpm croupier sandbox`) on the default ports; the built CLI when it is up to date.
  const [node, args] = croupierArgv('sandbox', '--data-dir', dir);
  child = spawn(node, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 90_000;
  while (!output.includes('Ctrl-C stops it.')) {
    if (child.exitCode !== null) throw new Error(`croupier sandbox exited ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) throw new Error(`croupier sandbox did not come up in 90 s: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 120_000);
afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
  await releasePorts();
});

describe.skipIf(!free)('the README, verbatim', () => {
  it('the main command prints both sandboxes, security off, and a first curl', () => {
    expect(output).toContain('mock (Prism, stateless):     http://127.0.0.1:4010');
    expect(output).toContain('sandbox (stateful wallet):   http://127.0.0.1:4020');
    expect(output).toContain('security off');
    expect(output).toMatch(/curl -s http:\/\/127\.0\.0\.1:4020\//);
  });

  it('every curl line of "First calls" works as written', async () => {
    const lines = await readmeCurlLines();
    expect(lines.length).toBeGreaterThanOrEqual(10);
    // One bash session (SESSION carries over), with a marker and the exit status after each line.
    const results = await runLines(lines, root);
    for (const r of results) expect(r.status, r.line).toBe(0);
    const answer = (fragment: string) => results.find((r) => r.line.includes(fragment))?.text ?? '';
    expect(answer('4010/health')).toContain('"status"');
    expect(answer('4020/health')).toContain('"status":"ok"');
    expect(answer('t-readme-1')).toContain('"cash":"100.00"');
    expect(answer('/v1/bets/authorize')).toContain('"status":"authorized"');
    expect(answer('/v1/bets/settle')).toContain('"status":"credited"');
    expect(answer('/ledger')).toContain('"trace_id":"t-readme-3"');
    expect(answer('"kind":"wallet_outage"')).toContain('"id":"f_');
    expect(answer('t-readme-5')).toContain('"code":"PLATFORM_DEGRADED"');
    expect(answer('-X DELETE')).toContain('"cleared":1');
    expect(answer('requests?trace_id')).toContain('/v1/bets/authorize');
    expect(answer('schema-registry')).toContain('bet.settled-value');
    for (const r of results.filter((r) => r.text !== ''))
      expect(() => JSON.parse(r.text), r.line).not.toThrow();
  }, 90_000);

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('stopping the sandbox');
  }, 30_000);
});

describe.skipIf(!free)('the README, verbatim: the admin side of --secure', () => {
  it('refuses the admin API without the admin token and answers it, and the CLI, with it', async () => {
    // A project directory of its own: `--secure` writes .croupier/sandbox/certs/ where it runs.
    const project = await mkdtemp(path.join(os.tmpdir(), 'croupier-readme-secure-'));
    const bin = path.join(project, '.bin');
    await mkdir(bin);
    await writeFile(
      path.join(bin, 'pnpm'),
      `#!/bin/sh\n[ "$1" = croupier ] || exit 127\nshift\nexec "${process.execPath}" --import "${tsxLoader}" "${cliBin}" "$@"\n`,
      { mode: 0o755 },
    );
    const secure = startCroupier(['sandbox', '--secure'], project);
    try {
      const deadline = Date.now() + 90_000;
      while (!secure.output().includes('Ctrl-C stops it.')) {
        if (secure.child.exitCode !== null) throw new Error(`sandbox --secure exited: ${secure.output()}`);
        if (Date.now() > deadline) throw new Error(`sandbox --secure did not come up: ${secure.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const token = (
        await readFile(path.join(project, '.croupier/sandbox/certs/admin.token'), 'utf8')
      ).trim();
      expect(secure.output()).toContain('.croupier/sandbox/certs/admin.token (sha256:');
      expect(secure.output()).not.toContain(token);

      const lines = await readmeCurlLines('### The admin side in secure mode');
      expect(lines.length).toBe(5);
      const results = await runLines(lines, project, { ...process.env, PATH: `${bin}:${process.env.PATH}` });
      for (const r of results) expect(r.status, `${r.line}\n${r.text}`).toBe(0);
      const [refused, answered, pressed, listed, cleared] = results.map((r) => r.text);
      expect(JSON.parse(refused ?? '')).toMatchObject({ code: 'UNAUTHORIZED', retryable: false });
      expect(JSON.parse(answered ?? '')).toEqual({ faults: [] });
      expect(pressed).toMatch(/fault f_\w+ \(wallet_outage\) on until/);
      expect(listed).toMatch(/f_\w+ {2}wallet_outage/);
      expect(cleared).toContain('every fault is off');
      for (const r of results) expect(r.text).not.toContain(token);
    } finally {
      const exited = new Promise((resolve) => secure.child.once('exit', resolve));
      secure.child.kill('SIGTERM');
      await exited;
      await rm(project, { recursive: true, force: true });
    }
  }, 150_000);
});
