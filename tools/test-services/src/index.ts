/**
 * One "service or skip" rule for every test suite (issue 18, item 15): under CI=true a missing service
 * fails the run, since CI must exercise the real thing; elsewhere the tests skip with one line that names
 * the service and how to start it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { connect } from 'nats';
import pg from 'pg';
import { sharedDir } from './paths.ts';

export { repoRoot, sharedDir } from './paths.ts';

/** Something a suite needs from outside the process, with the way a developer gets it. */
export interface Service {
  /** What is missing, as the skip line and the CI failure name it. */
  readonly name: string;
  /** How to get it: the command or step a developer runs. */
  readonly start: string;
  /** Resolves when the service answers; rejects with the reason it does not. */
  probe(): Promise<void>;
}

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
export const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export const CHROMIUM = '/usr/bin/chromium';

const underCi = () => process.env.CI === 'true';
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Whether `service` is there. Under CI=true a missing one throws; elsewhere it prints one SKIP line
 * (naming `what` is skipped, the service and how to start it) and answers false.
 */
export async function serviceOrSkip(service: Service, what = 'these tests'): Promise<boolean> {
  try {
    await service.probe();
    return true;
  } catch (error) {
    if (underCi())
      throw new Error(`${service.name} is required under CI=true (${reason(error)}); ${service.start}`);
    console.warn(`SKIP ${what}: ${service.name} is not available (${reason(error)}); ${service.start}`);
    return false;
  }
}

/** Every service of `services`, all probed (one SKIP line each that is missing). */
export async function servicesOrSkip(services: readonly Service[], what = 'these tests'): Promise<boolean> {
  const up = await Promise.all(services.map((service) => serviceOrSkip(service, what)));
  return up.every(Boolean);
}

export const postgres: Service = {
  name: `PostgreSQL at ${POSTGRES_URL}`,
  start: 'start it with `pg_ctlcluster <version> main start` (trust auth for root), or set TEST_DATABASE_URL',
  async probe() {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  },
};

export const natsJetStream: Service = {
  name: `NATS JetStream at ${NATS_URL}`,
  start: 'start it with `nats-server -a 127.0.0.1 -p 4222 -js`, or set TEST_NATS_URL',
  async probe() {
    const nc = await connect({ servers: NATS_URL, timeout: 2000 });
    try {
      await (await nc.jetstreamManager()).getAccountInfo();
    } finally {
      await nc.close();
    }
  },
};

export const promtool: Service = {
  name: "Prometheus's promtool",
  start: 'install it with `apt-get install prometheus` (.ci/run does)',
  async probe() {
    const run = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.error?.message ?? `promtool --version exited ${run.status}`);
  },
};

export const chromium: Service = {
  name: `chromium at ${CHROMIUM}`,
  start: 'install it with `apt-get install -y chromium` (.ci/run does; never `npx playwright install`)',
  async probe() {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} does not exist`);
  },
};

/** A file or directory under `../shared` (read-only fixtures CI checks out beside the repository). */
export function shared(relative = 'fixtures'): Service {
  const where = path.join(sharedDir, relative);
  return {
    name: `the shared fixtures at ${where}`,
    start: 'clone shared/ beside the repository (CI does)',
    async probe() {
      if (!existsSync(where)) throw new Error(`${where} does not exist`);
    },
  };
}

/** A file outside the repository that a test reads, such as the brief the rules quote. */
export function file(where: string, start: string): Service {
  return {
    name: where,
    start,
    async probe() {
      if (!existsSync(where)) throw new Error(`${where} does not exist`);
    },
  };
}

export const npmRegistry: Service = {
  name: 'the npm registry',
  start: 'it is the one network dependency of the installed-packages test; check the network or npm config',
  async probe() {
    const ping = spawnSync('npm', ['ping'], { encoding: 'utf8', timeout: 20_000 });
    if (ping.status !== 0) throw new Error(`npm ping failed: ${(ping.stderr ?? '').trim().split('\n')[0]}`);
  },
};

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** Ports that must be free because what is tested names them (the README's and help's default ports). */
export function freePorts(ports: readonly number[]): Service {
  return {
    name: `free ports ${ports.join('/')} on 127.0.0.1`,
    start: 'stop what listens there (a sandbox or wallet left running?)',
    async probe() {
      const free = await Promise.all(ports.map(portFree));
      const busy = ports.filter((_, i) => !free[i]);
      if (busy.length > 0) throw new Error(`taken: ${busy.join(', ')}`);
    },
  };
}

/** A PostgreSQL schema of its own per run, so parallel runs on one database never collide. */
export const freshSchemaName = (prefix = 't') =>
  `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

export { type CroupierCommand, croupierArgv, croupierCommand, distIsFresh, workspaceEntry } from './cli.ts';
export { takeTurn } from './turns.ts';
export { integrationTestFiles, testFiles } from './projects.ts';
