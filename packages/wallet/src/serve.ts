import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { OutboxRelay, openTransport } from '@croupier/bus';
import type { FastifyInstance } from 'fastify';
import type { WalletConfig } from './config.ts';
import { seedSandboxPlayers } from './seed.ts';
import { createWalletServer, type WalletServerOptions } from './server.ts';
import { openWallet, type Wallet } from './wallet.ts';

export interface ServeOptions {
  port: number;
  host?: string;
  /** PostgreSQL URL; else the SQLite `file`. */
  databaseUrl?: string;
  /** SQLite file (default `.croupier/wallet.sqlite` under the working directory). */
  file?: string;
  /** NATS URL: events go to JetStream; else to the in-process bus. */
  natsUrl?: string;
  seed?: boolean;
  config?: WalletConfig;
  security?: WalletServerOptions['security'];
  logger?: WalletServerOptions['logger'];
  /** Interval of the expiry and idempotency-retention sweep (default 60 s; 0 turns it off). */
  sweepIntervalMs?: number;
}

export interface ServingWallet {
  wallet: Wallet;
  app: FastifyInstance;
  port: number;
  url: string;
  relay: OutboxRelay;
  /** Stops accepting, finishes in-flight requests, stops the relay, closes the bus and the database. */
  close(): Promise<void>;
}

/** Opens the store, the wallet, the HTTP server and the outbox relay, and starts listening. */
export async function serveWallet(options: ServeOptions): Promise<ServingWallet> {
  let file = options.file;
  if (!options.databaseUrl) {
    file ??= path.resolve('.croupier', 'wallet.sqlite');
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  }
  const wallet = await openWallet({ url: options.databaseUrl, file, config: options.config });
  const transport = await openTransport({ natsUrl: options.natsUrl });
  const relay = new OutboxRelay(wallet.ledger.outbox, transport, { onError: () => undefined });
  const app = await createWalletServer({ wallet, security: options.security, logger: options.logger });
  try {
    if (options.seed) await seedSandboxPlayers(wallet);
    relay.start();
    await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    await relay.stop().catch(() => undefined);
    await transport.close().catch(() => undefined);
    await wallet.close();
    throw error;
  }
  const sweepEvery = options.sweepIntervalMs ?? 60_000;
  const sweeper =
    sweepEvery > 0 ? setInterval(() => void wallet.sweep().catch(() => undefined), sweepEvery) : undefined;
  sweeper?.unref();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closing: Promise<void> | undefined;
  return {
    wallet,
    app,
    port,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    relay,
    close() {
      closing ??= (async () => {
        if (sweeper) clearInterval(sweeper);
        await app.close();
        await relay.stop();
        await transport.close();
        await wallet.close();
      })();
      return closing;
    },
  };
}
