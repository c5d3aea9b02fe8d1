/**
 * The stateful sandbox: the reference wallet on SQLite, served through the generated contract plugin,
 * with the emulators, test players, fault buttons, event tap, schema registry, request log and the
 * console around it. It holds no wallet logic: every money rule is the wallet's.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type EventTransport, OutboxRelay, openTransport } from '@croupier/bus';
import { eventSchemasDir } from '@croupier/contracts';
import {
  createWalletServer,
  openWallet,
  SANDBOX_BRAND,
  SANDBOX_PROVIDER,
  SANDBOX_REGION,
  seedSandboxPlayers,
  type Wallet,
} from '@croupier/wallet';
import type { FastifyInstance } from 'fastify';
import { adminRoutes } from './admin-api.ts';
import { createAdminGuard } from './admin-guard.ts';
import { consoleRoutes } from './console.ts';
import { DelayedOutbox } from './delayed-outbox.ts';
import { EventTap, TEST_TOPIC_PREFIX, WALLET_EVENTS_SUBJECT } from './event-tap.ts';
import { FaultBoard } from './faults.ts';
import { type EmulatorSettings, installHttpFaults } from './http-faults.ts';
import { RequestLog } from './request-log.ts';
import { loadSchemaRegistry, schemaRegistryRoutes } from './schema-registry.ts';
import type { SandboxSecurity } from './security.ts';

export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Where the SQLite file lives (default `.croupier/sandbox` under the working directory). */
  dataDir?: string;
  /** Keep the previous run's data instead of starting from the seed. */
  keepData?: boolean;
  /** Events to NATS JetStream instead of the in-process bus. */
  natsUrl?: string;
  /** mTLS, tokens and signatures (`croupier sandbox --secure`). Absent: first-contact mode. */
  security?: SandboxSecurity;
  /** Directory of the event schemas served by the registry. */
  schemasDir?: string;
}

export interface RunningSandbox {
  url: string;
  port: number;
  app: FastifyInstance;
  faults: FaultBoard;
  tap: EventTap;
  requests: RequestLog;
  emulators: EmulatorSettings;
  /** The wallet in use now (a reset replaces it). */
  wallet(): Wallet;
  /** Starts over from the seed: a fresh store with the test players, faults cleared. */
  reset(): Promise<string[]>;
  close(): Promise<void>;
}

interface WalletStack {
  wallet: Wallet & { close(): Promise<void> };
  relay: OutboxRelay;
  seeded: string[];
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = path.resolve(options.dataDir ?? path.join('.croupier', 'sandbox'));
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'sandbox.sqlite');
  if (!options.keepData) removeStore(file);

  const faults = new FaultBoard();
  const emulators: EmulatorSettings = { walletDelayMs: 0 };
  // The tap also listens to the schema registry's test topics: on JetStream the stream must carry them.
  const transport = await openTransport({
    natsUrl: options.natsUrl,
    subjects: [WALLET_EVENTS_SUBJECT, `${TEST_TOPIC_PREFIX}.>`],
  });
  const tap = new EventTap(transport, faults);
  await tap.start();
  const requests = new RequestLog();

  const openStack = async (): Promise<WalletStack> => {
    const wallet = await openWallet({ file });
    const seeded = await seedSandboxPlayers(wallet);
    const outboxDelay = () => faults.list().find((f) => f.kind === 'outbox_delay')?.delay_ms ?? 0;
    const relay = new OutboxRelay(new DelayedOutbox(wallet.ledger.outbox, outboxDelay), transport, {
      pollIntervalMs: 50,
      onError: () => undefined,
    });
    relay.start();
    return { wallet, relay, seeded };
  };
  let stack = await openStack();
  const closeStack = async (old: WalletStack) => {
    await old.relay.stop();
    await old.wallet.close();
  };

  // The handlers read the wallet through this view, so a reset swaps the store under a running server.
  const current = new Proxy({} as Wallet, {
    get: (_target, property) => {
      const value = Reflect.get(stack.wallet, property);
      return typeof value === 'function' ? value.bind(stack.wallet) : value;
    },
  });

  const tls = options.security?.tls;
  const app = await createWalletServer({
    wallet: current,
    bodyLimit: 64 * 1024,
    // Client certificates are asked for but checked per operation by the security plugin: the console
    // and admin API need none (they need the admin token instead, see admin-guard.ts).
    ...(tls
      ? { https: { key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: false } }
      : {}),
    security: async (instance) => {
      requests.install(instance);
      await installHttpFaults(instance, faults, emulators);
      if (options.security) await options.security.install(instance);
    },
  });

  let resetting: Promise<string[]> | undefined;
  const reset = () => {
    resetting ??= (async () => {
      try {
        faults.clear();
        emulators.walletDelayMs = 0;
        const old = stack;
        await closeStack(old);
        removeStore(file);
        stack = await openStack();
        return stack.seeded;
      } finally {
        resetting = undefined;
      }
    })();
    return resetting;
  };

  const schemas = loadSchemaRegistry(options.schemasDir ?? eventSchemasDir);
  await app.register(schemaRegistryRoutes(schemas), { prefix: '/schema-registry' });
  // In secure mode the admin side answers only to the admin token (or a console session opened with it).
  const admin = options.security?.admin;
  const guard = admin ? createAdminGuard(admin.token) : undefined;
  const refuseStrangers = guard ? await guard.install(app) : undefined;
  await app.register(
    async (scope) => {
      if (refuseStrangers) scope.addHook('onRequest', refuseStrangers);
      await scope.register(
        adminRoutes({
          wallet: () => current,
          faults,
          tap,
          requests,
          emulators,
          reset,
          transport: transport as EventTransport,
          security: options.security,
          defaults: { brand: SANDBOX_BRAND, provider: SANDBOX_PROVIDER, region: SANDBOX_REGION },
        }),
      );
    },
    { prefix: '/sandbox' },
  );
  await app.register(consoleRoutes(guard ? { guard } : {}));

  try {
    await app.listen({ port: options.port ?? 0, host });
  } catch (error) {
    await tap.stop();
    await closeStack(stack);
    await transport.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const scheme = options.security?.tls ? 'https' : 'http';
  let closing: Promise<void> | undefined;
  return {
    url: `${scheme}://${host}:${port}`,
    port,
    app,
    faults,
    tap,
    requests,
    emulators,
    wallet: () => current,
    reset,
    close() {
      closing ??= (async () => {
        await app.close();
        await tap.stop();
        await closeStack(stack);
        await transport.close();
      })();
      return closing;
    },
  };
}

function removeStore(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) rmSync(file + suffix, { force: true });
  }
}
