/**
 * Every example line of every `--help` works as written: each runs in a shell, in a scratch project
 * (a git repository holding the contracts), against the servers the examples themselves start
 * (`croupier sandbox`, `--secure`, `--nats-url`), and must exit 0. Long-running examples are started,
 * awaited until their banner, and stopped.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadProfile } from '@croupier/certify';
import {
  croupierCommand,
  freePorts,
  natsJetStream,
  postgres,
  servicesOrSkip,
  takeTurn,
} from '@croupier/test-services';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const exec = promisify(execFile);

interface Example {
  command: string;
  line: string;
}

function helpOf(command: Command): string {
  let help = '';
  command.configureOutput({ writeOut: (text) => (help += text), writeErr: () => {} });
  command.outputHelp();
  return help;
}

/** `$ …` lines from the first "Example(s)" heading of each help on, trailing `# comments` removed. */
function collectExamples(command: Command, name = 'croupier'): Example[] {
  const help = helpOf(command);
  const from = help.search(/^Examples?\b/m);
  const own =
    from === -1
      ? []
      : [...help.slice(from).matchAll(/^\s+\$ (.+)$/gm)].map((m) => ({
          command: name,
          line: (m[1] as string).replace(/\s{2,}#.*$/, '').trim(),
        }));
  return [...own, ...command.commands.flatMap((sub) => collectExamples(sub, `${name} ${sub.name()}`))];
}

/** The players profile printed under certify's help, as a user would save it to players.yaml. */
function playersYaml(program: Command): string {
  const certify = program.commands.find((c) => c.name() === 'certify') as Command;
  const help = helpOf(certify);
  const block = help.slice(help.indexOf('\n', help.indexOf('A players profile (YAML')) + 1);
  return `${block
    .split('\n')
    .filter((line) => line.startsWith('  '))
    .map((line) => line.slice(2))
    .join('\n')}\n`;
}

const LONG_RUNNING = /^croupier (sandbox(\s+--.*)?|wallet serve.*)$|^\S+=\S+ croupier wallet serve/;
const BANNER = /Ctrl-C stops it|^listening \d+/m;
const DEFAULT_PORTS = [4010, 4020, 8080];

// The examples name the default ports, NATS and PostgreSQL.
// Other files (the README test) and other checkouts use the same ports: wait for our turn on them.
const releasePorts = await takeTurn('default-ports');
const ready = await servicesOrSkip(
  [freePorts(DEFAULT_PORTS), natsJetStream, postgres],
  'the --help examples',
);

let work: string;
let env: NodeJS.ProcessEnv;

/** Seconds each example took, printed slowest first: where this file's time goes. */
const took = new Map<string, number>();

/** One example in a shell, the way a user pastes it. */
async function runExample(line: string): Promise<{ code: number; out: string }> {
  const started = performance.now();
  try {
    const { stdout, stderr } = await exec('bash', ['-c', line], {
      cwd: work,
      env,
      timeout: 240_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      out: `${failed.stdout}${failed.stderr}`,
    };
  } finally {
    took.set(line, (took.get(line) ?? 0) + (performance.now() - started) / 1000);
  }
}

/** Starts a long-running example in its own process group and waits for its banner. */
async function startExample(line: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn('bash', ['-c', line], {
    cwd: work,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 120_000;
  while (!BANNER.test(output)) {
    if (child.exitCode !== null) throw new Error(`${line} exited ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) {
      await stopExample(child);
      throw new Error(`${line} printed no banner in 120 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, output: () => output };
}

async function stopExample(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** The examples that can leave a fault switched on: the fault buttons, and certify (its chaos scenarios press them). */
const MAY_LEAVE_A_FAULT = /^croupier (sandbox fault|certify)\b/;

/**
 * Runs examples against a server example that stays up meanwhile; faults are cleared after any that may
 * leave one (a secure sandbox's through its https URL, with the CA and admin token it wrote).
 */
async function withServer(
  server: string,
  lines: string[],
  results: Map<string, { code: number; out: string }>,
) {
  const { child } = await startExample(server);
  const clear = server.includes('--secure')
    ? 'croupier sandbox clear --url https://127.0.0.1:4020'
    : 'croupier sandbox clear';
  try {
    for (const line of lines) {
      results.set(line, await runExample(line));
      if (MAY_LEAVE_A_FAULT.test(line)) await runExample(clear);
    }
  } finally {
    await stopExample(child);
  }
}

/**
 * A certify example "works" when it ran the protocol and judged the target. A latency SLO missed by the
 * load phase is a measurement of this shared 2-core machine at that moment, not of the example: speed is
 * judged by `pnpm bench`, never by a test. Any other failure counts.
 */
function onlySloMissed(line: string, out: string): boolean {
  if (!line.startsWith('croupier certify')) return false;
  const failed = out.split('\n').filter((l) => /^\[\s*\d+\/\d+\] FAIL /.test(l));
  return failed.length > 0 && failed.every((l) => / FAIL load\.[\w-]+ .*over the \d+ ms SLO/.test(l));
}

const program = buildProgram();
const examples = collectExamples(program);

beforeAll(async () => {
  if (!ready) return;
  work = mkdtempSync(path.join(os.tmpdir(), 'croupier-help-examples-'));
  // A scratch project: the contracts in a git repository with a main branch and one commit on top.
  cpSync(path.join(root, 'contracts'), path.join(work, 'contracts'), { recursive: true });
  const bin = path.join(work, '.bin');
  // The gate lints with the project's Spectral ruleset and its custom functions, as in this repository.
  cpSync(path.join(root, '.spectral.yaml'), path.join(work, '.spectral.yaml'));
  cpSync(
    path.join(root, 'tools/lint-contracts/functions'),
    path.join(work, 'tools/lint-contracts/functions'),
    {
      recursive: true,
    },
  );
  // The functions import Spectral's packages, as a project using this ruleset has them installed.
  symlinkSync(path.join(root, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  writeFileSync(path.join(work, 'package.json'), '{ "private": true, "type": "module" }\n');
  writeFileSync(path.join(work, '.gitignore'), '.bin/\n.croupier/\nnode_modules\n');
  await exec('git', ['init', '-q', '-b', 'main'], { cwd: work });
  const git = (...args: string[]) =>
    exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: work });
  await git('add', '.');
  await git('commit', '-qm', 'base');
  await git('commit', '-q', '--allow-empty', '-m', 'head');
  // `croupier` on the PATH, as the installed CLI would be: the built one when dist/ is up to date
  // (a start costs a third of one through tsx, and this file starts it about a hundred times).
  const cli = croupierCommand();
  console.log(`[help-examples] croupier runs from ${cli.from}/`);
  const shim = path.join(bin, 'croupier');
  mkdirSync(bin, { recursive: true });
  const quoted = [process.execPath, ...cli.nodeArgs].map((arg) => `"${arg}"`).join(' ');
  writeFileSync(shim, `#!/bin/sh\nexec ${quoted} "$@"\n`);
  chmodSync(shim, 0o755);
  writeFileSync(path.join(work, 'players.yaml'), playersYaml(program));
  env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
}, 60_000);
afterAll(async () => {
  if (work) rmSync(work, { recursive: true, force: true });
  await releasePorts();
});

describe.skipIf(!ready)('every example of every --help', () => {
  it('finds the examples of every command', () => {
    expect(examples.length).toBeGreaterThan(40);
    const commands = new Set(examples.map((e) => e.command));
    for (const name of ['certify', 'certs', 'codegen', 'gate', 'sandbox', 'sandbox keys', 'wallet serve'])
      expect(commands, name).toContain(`croupier ${name}`);
  });

  it("certify's players profile parses and names only players the sandbox seeds", () => {
    const profile = loadProfile(path.join(work, 'players.yaml'));
    expect(profile.brand).toBe('brand-7');
    expect(profile.expireSession).toMatchObject({ path: '/sandbox/sessions/{session_id}/expire' });
    const seeded = ['p_demo_1', 'p_demo_2', 'p_blocked_rg', 'p_low_balance', 'p_bonus', 'p_kyc_pending'];
    seeded.push('p_kyc_denied', 'p_bonus_expired', 'p_rg_loss', 'p_rg_time');
    for (const player of Object.values(profile.players)) expect(seeded).toContain(player?.id);
  });

  it('each one runs and exits 0 (a certify run may miss only a load latency SLO)', async () => {
    const lines = examples.map((e) => e.line);
    const results = new Map<string, { code: number; out: string }>();
    const servers = {
      plain: 'croupier sandbox',
      secure: 'croupier sandbox --secure',
      nats: 'croupier sandbox --nats-url nats://127.0.0.1:4222',
    };
    for (const server of Object.values(servers)) expect(lines, server).toContain(server);
    const isSecure = (line: string) =>
      line.includes('https://127.0.0.1:4020') || line.startsWith('croupier sandbox keys');
    const isNats = (line: string) => / --nats /.test(line);
    const afterServe = (line: string) => /^croupier wallet (audit|reconcile)/.test(line);
    // Examples that need no server and touch no port (certificates, codegen, the gate, git, openssl) run
    // in a second lane beside the server examples, in their own order (openssl checks what certs wrote).
    const offline = (line: string) => /^(croupier (certs|codegen|gate)\b|openssl |git )/.test(line);
    const offlineLane = (async () => {
      for (const line of lines.filter(offline)) results.set(line, await runExample(line));
    })();

    // Long-running examples on their own, one at a time: each must print its banner. The wallets first,
    // so the audit and reconcile examples find what they wrote.
    for (const line of lines.filter((l) => LONG_RUNNING.test(l) && !Object.values(servers).includes(l))) {
      const started = await startExample(line).then(
        async ({ child, output }) => {
          await stopExample(child);
          return { code: 0, out: output() };
        },
        (error: Error) => ({ code: 1, out: error.message }),
      );
      results.set(line, started);
    }
    for (const line of lines.filter(afterServe)) results.set(line, await runExample(line));
    await withServer(servers.secure, lines.filter(isSecure), results);
    await withServer(servers.nats, lines.filter(isNats), results);
    const rest = lines.filter(
      (l) => !LONG_RUNNING.test(l) && !isSecure(l) && !isNats(l) && !afterServe(l) && !offline(l),
    );
    await withServer(servers.plain, rest, results);
    await offlineLane;
    console.log(
      `[help-examples] slowest: ${[...took]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([line, s]) => `${s.toFixed(1)} s ${line}`)
        .join('\n  ')}`,
    );
    for (const server of Object.values(servers))
      results.set(server, { code: 0, out: 'served the examples above' });

    const failures = lines
      .filter((line) => results.get(line)?.code !== 0 && !onlySloMissed(line, results.get(line)?.out ?? ''))
      .map((line) => {
        const out = results.get(line)?.out ?? '';
        const failed = out.split('\n').filter((l) => /\bFAIL\b/.test(l));
        return `${line}\n    → exit ${results.get(line)?.code ?? 'not run'}: ${[...failed, out.slice(-600)].join('\n')}`;
      });
    expect(failures).toEqual([]);
  }, 1_500_000);
});
