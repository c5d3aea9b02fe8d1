/**
 * An empty project outside the workspace with croupier installed the way a provider installs it: the
 * packages packed with \`pnpm pack\` (dist/ only, workspace: ranges replaced) and installed with plain npm.
 * Shared by the installed-packages test and \`pnpm bench\` (the installed CLI's start-up time).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../../..');

/** Every package a provider installs, and what they depend on at run time. */
export const PUBLISHED = [
  'contracts',
  'generated/client',
  'generated/server',
  'generated/events',
  'packages/money',
  'packages/junit',
  'packages/ledger',
  'packages/bus',
  'packages/telemetry',
  'packages/security',
  'packages/wallet',
  'packages/sandbox',
  'packages/certify',
  'packages/gate',
  'tools/codegen',
  'packages/cli',
];

/**
 * Every `@croupier/*` package a published one depends on is published too; a new workspace package
 * that is not would only show up as npm's E404 for a name that exists nowhere but here.
 */
async function assertClosed(): Promise<void> {
  const names = new Map<string, string>();
  const manifests = await Promise.all(
    PUBLISHED.map(async (dir) => {
      const manifest = JSON.parse(await readFile(path.join(repo, dir, 'package.json'), 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
      };
      names.set(manifest.name, dir);
      return manifest;
    }),
  );
  const missing = manifests.flatMap((m) =>
    Object.keys(m.dependencies ?? {})
      .filter((dep) => dep.startsWith('@croupier/') && !names.has(dep))
      .map((dep) => `${m.name} depends on ${dep}`),
  );
  if (missing.length > 0) {
    throw new Error(
      `PUBLISHED in installed-project.ts lacks what published packages need: ${missing.join('; ')}`,
    );
  }
}

/** Packs the built packages (run \`pnpm build\` first) and npm-installs them into a new temporary project. */
export async function installProject(prefix: string): Promise<string> {
  await assertClosed();
  const project = await mkdtemp(path.join(os.tmpdir(), prefix));
  const packs = path.join(project, '.packs');
  await mkdir(packs);
  for (const dir of PUBLISHED) {
    await run('pnpm', ['pack', '--pack-destination', packs], { cwd: path.join(repo, dir) });
  }
  const dependencies: Record<string, string> = {};
  for (const file of await readdir(packs)) {
    const name = `@croupier/${file.replace(/^croupier-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, '')}`;
    dependencies[name] = `file:.packs/${file}`;
  }
  await writeFile(
    path.join(project, 'package.json'),
    JSON.stringify({
      name: 'a-provider',
      private: true,
      type: 'module',
      dependencies,
      devDependencies: { typescript: '~5.9.3', '@types/node': '^20.19.0' },
      allowScripts: { 'better-sqlite3': true },
    }),
  );
  // Compiling better-sqlite3 takes minutes on two cores and tests nothing of ours: the workspace's
  // binary of the same version is copied in instead; another version is rebuilt against Node's headers.
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], {
    cwd: project,
    maxBuffer: 16 * 1024 * 1024,
  });
  const workspaceSqlite = path.dirname(
    createRequire(path.join(repo, 'packages/ledger/package.json')).resolve('better-sqlite3/package.json'),
  );
  const installedSqlite = path.join(project, 'node_modules/better-sqlite3');
  const version = async (dir: string) =>
    (JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const binary = 'build/Release/better_sqlite3.node';
  if (
    (await version(workspaceSqlite)) === (await version(installedSqlite)) &&
    existsSync(path.join(workspaceSqlite, binary))
  ) {
    await mkdir(path.join(installedSqlite, 'build/Release'), { recursive: true });
    await copyFile(path.join(workspaceSqlite, binary), path.join(installedSqlite, binary));
  } else {
    await run('npm', ['rebuild', 'better-sqlite3'], {
      cwd: project,
      env: { ...process.env, npm_config_nodedir: '/usr' },
    });
  }
  return project;
}
