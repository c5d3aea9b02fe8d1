/**
 * croupier as a provider installs it: the packages packed into tarballs, installed with plain npm into
 * an empty project outside the workspace (no workspace links, no tsx), and used there from plain Node
 * 20, a strict TypeScript project and the installed CLI. The README's "For providers" blocks run here
 * verbatim. Slow by nature (an npm install), so it is one file sharing one installed project.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { file, npmRegistry, serviceOrSkip, sharedDir } from '@croupier/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installProject } from './installed-project.ts';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../../..');
const BEEXAR = path.join(
  sharedDir,
  'fixtures/public-specs/igaming/beexar-softswiss-wallet-v.2026.03.03.yaml',
);

// The registry is the one network dependency: without it (and outside CI) the file skips, saying why.
const registry = await serviceOrSkip(npmRegistry, 'croupier installed from its tarballs');
const beexar =
  registry &&
  (await serviceOrSkip(
    file(BEEXAR, 'clone shared/ beside the repository (CI does)'),
    'codegen --out standalone',
  ));

let project: string;
const sandboxes: ChildProcess[] = [];

/** The README's "For providers" section: its fenced blocks in order, with the file name a js block is saved as. */
async function providerBlocks(): Promise<Array<{ lang: string; code: string; file?: string }>> {
  const readme = await readFile(path.join(repo, 'README.md'), 'utf8');
  const section = readme.split('\n## For providers\n')[1]?.split('\n## ')[0];
  if (!section) throw new Error('README.md has no "## For providers" section');
  const blocks: Array<{ lang: string; code: string; file?: string }> = [];
  for (const match of section.matchAll(/(?:`([\w.-]+\.mjs)`:\s*\n\s*)?```(\w+)\n([\s\S]*?)```/g)) {
    blocks.push({ lang: match[2]!, code: match[3]!, ...(match[1] ? { file: match[1] } : {}) });
  }
  return blocks;
}

async function sh(command: string, env: Record<string, string> = {}) {
  return run('bash', ['-c', command], {
    cwd: project,
    env: { ...process.env, ...env },
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** `npx croupier sandbox --port 0 …` from the installed CLI; resolves with the URL it prints. */
function startSandbox(...flags: string[]): Promise<string> {
  const child = spawn('npx', ['croupier', 'sandbox', '--port', '0', '--mock-port', '0', ...flags], {
    cwd: project,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  sandboxes.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no sandbox URL within 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /sandbox \(stateful wallet\):\s+(\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}:\n${output}`)));
  });
}

async function stopSandbox(child: ChildProcess) {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
}

beforeAll(async () => {
  if (!registry) return;
  // turbo rebuilds only what changed: after CI's build step this is a cache hit.
  await run('pnpm', ['build'], { cwd: repo, maxBuffer: 64 * 1024 * 1024 });
  project = await installProject('croupier-provider-');
}, 600_000);

afterAll(async () => {
  for (const child of sandboxes) await stopSandbox(child);
  if (project) await rm(project, { recursive: true, force: true, maxRetries: 5 });
});

describe.skipIf(!registry)('croupier installed from its tarballs with plain npm', () => {
  it('links nothing back into the workspace and ships built JavaScript', async () => {
    const cli = path.join(project, 'node_modules/@croupier/cli');
    const manifest = JSON.parse(await readFile(path.join(cli, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(manifest.bin.croupier).toBe('./dist/bin.js');
    expect(Object.values(manifest.dependencies).join(' ')).not.toMatch(/workspace:/);
    const { stdout } = await sh('readlink -f node_modules/@croupier/client');
    expect(stdout.trim().startsWith(repo)).toBe(false);
  });

  it('npx croupier --help, certify --help and gate --help run, with no runner line', async () => {
    for (const args of ['--help', 'certify --help', 'gate --help']) {
      const { stdout } = await sh(`npx croupier ${args}`);
      expect(stdout).toMatch(/^Usage: croupier/);
    }
  });

  it("the README's provider section: a plain Node script settles a bet against the installed sandbox", async () => {
    const blocks = await providerBlocks();
    const plain = blocks.find((b) => b.file === 'bet.mjs');
    expect(plain, 'bet.mjs block').toBeDefined();
    await writeFile(path.join(project, 'bet.mjs'), plain!.code);
    const url = await startSandbox();
    const command = blocks.find((b) => b.lang === 'sh' && b.code.trim() === 'node bet.mjs');
    const { stdout } = await sh(command!.code, { SANDBOX_URL: url });
    expect(stdout).toMatch(/settled b_\S+: credited/);
    const certify = blocks.find((b) => b.code.includes('croupier certify'));
    const report = await sh(certify!.code, { SANDBOX_URL: url });
    expect(report.stdout).toMatch(/passed/i);
  });

  it('the same in secure mode, in at most ten lines of provider code with the credentials file', async () => {
    const blocks = await providerBlocks();
    const secure = blocks.find((b) => b.file === 'secure-bet.mjs');
    expect(secure, 'secure-bet.mjs block').toBeDefined();
    expect(secure!.code.trim().split('\n').length).toBeLessThanOrEqual(10);
    await writeFile(path.join(project, 'secure-bet.mjs'), secure!.code);
    const url = await startSandbox('--secure');
    expect(url).toMatch(/^https:/);
    const command = blocks.find((b) => b.lang === 'sh' && b.code.trim() === 'node secure-bet.mjs');
    const { stdout } = await sh(command!.code, { SANDBOX_URL: url });
    expect(stdout).toMatch(/settled b_\S+: credited/);
  });

  it('a strict TypeScript project compiles against the types, with node16 and with bundler resolution', {
    timeout: 90_000,
  }, async () => {
    const dir = path.join(project, 'strict');
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, 'main.ts'),
      [
        "import { ApiError, createClient, type ClientCredentials } from '@croupier/client';",
        "import type { components } from '@croupier/client';",
        "import { operations } from '@croupier/server';",
        "import { eventCatalogue } from '@croupier/events';",
        "import { parseAmount, formatAmount } from '@croupier/money';",
        "import { runGate } from '@croupier/gate';",
        "import { runCertification } from '@croupier/certify';",
        "import { createSigner } from '@croupier/security';",
        "import { openapiContract } from '@croupier/contracts';",
        '',
        "const credentials: ClientCredentials = { client_id: 'c', client_secret: 's' };",
        "const client = createClient({ baseUrl: 'https://127.0.0.1:4020', credentials, signWith: 'hmac-sha256' });",
        "const settle: components['schemas']['SettleBetRequest'] = { bet_id: 'b', round_id: 'r', win: { amount: '1.00', currency: 'EUR' } };",
        'export async function main(): Promise<string> {',
        '  try {',
        '    const { body } = await client.settleBet({ body: settle });',
        '    return body.status;',
        '  } catch (error) {',
        '    if (error instanceof ApiError) return error.code;',
        '    throw error;',
        '  }',
        '}',
        "export const amount = formatAmount(parseAmount('2.50', 'EUR'));",
        'export const used = [operations, eventCatalogue, runGate, runCertification, createSigner, openapiContract];',
        '',
      ].join('\n'),
    );
    const configs: string[] = [];
    for (const [module, moduleResolution] of [
      ['node16', 'node16'],
      ['esnext', 'bundler'],
    ]) {
      configs.push(`strict/tsconfig.${moduleResolution}.json`);
      await writeFile(
        path.join(project, configs.at(-1)!),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module,
            moduleResolution,
            strict: true,
            exactOptionalPropertyTypes: true,
            noUncheckedIndexedAccess: true,
            skipLibCheck: true,
            noEmit: true,
            types: ['node'],
          },
          include: ['main.ts'],
        }),
      );
    }
    // One `tsc -b` checks both projects, each with its own options, reading the installed packages'
    // declarations once for the two (a `tsc -p` each read them twice). It writes a .tsbuildinfo per
    // project it checked: both must be there, and it must print nothing.
    const result = await sh(`npx tsc -b ${configs.join(' ')}`).catch((error: { stdout: string }) => error);
    expect(result.stdout, result.stdout).toBe('');
    for (const config of configs)
      expect(existsSync(path.join(project, config.replace(/\.json$/, '.tsbuildinfo'))), config).toBe(true);
  });

  it.skipIf(!beexar)(
    'croupier codegen --out writes packages that build standalone with npm install && npm run build',
    async () => {
      await sh(`npx croupier codegen --openapi '${BEEXAR}' --out beexar`);
      await Promise.all(
        ['client', 'server'].map(async (pkg) => {
          const dir = path.join(project, 'beexar', pkg);
          await run('bash', ['-c', 'npm install --no-audit --no-fund --prefer-offline && npm run build'], {
            cwd: dir,
            timeout: 150_000,
          });
          const { stdout } = await run(
            process.execPath,
            [
              '--input-type=module',
              '-e',
              'console.log(Object.keys(await import("./dist/index.js")).join(" "))',
            ],
            { cwd: dir },
          );
          expect(stdout.trim().split(' ')).toContain('operations');
        }),
      );
    },
    180_000,
  );
});
