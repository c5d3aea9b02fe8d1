import type { Command } from 'commander';

interface StoreOptions {
  databaseUrl?: string;
  file?: string;
}

const DEFAULT_FILE = '.croupier/wallet.sqlite';

function storeOptions(command: Command): Command {
  return command
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL; else the SQLite file)')
    .option('--file <path>', `SQLite file when no PostgreSQL URL is given (default ${DEFAULT_FILE})`);
}

// The wallet (and its database drivers) loads on use, so `croupier --help` starts fast.
const openStore = async (options: StoreOptions) =>
  (await import('@croupier/wallet')).openWallet({
    url: options.databaseUrl ?? process.env.DATABASE_URL,
    file: options.file ?? DEFAULT_FILE,
  });

/**
 * Opens a wallet that must already exist: audit verification and reconciliation of a wrong path
 * would otherwise create an empty database and report it clean. Missing → message, exit 2.
 */
async function openExistingStore(options: StoreOptions) {
  const wallet = await import('@croupier/wallet');
  const where = { url: options.databaseUrl ?? process.env.DATABASE_URL, file: options.file ?? DEFAULT_FILE };
  const missing = await wallet.missingWalletStore(where);
  if (missing) {
    process.stderr.write(`croupier: WALLET_NOT_FOUND: ${missing}\n`);
    process.exitCode = 2;
    return undefined;
  }
  return openStore(options);
}

export function registerWallet(program: Command): void {
  const wallet = program
    .command('wallet')
    .description('The reference wallet: serve it, verify its audit chain, reconcile its ledger')
    .addHelpText(
      'after',
      `
Examples:
  $ croupier wallet serve --port 8080 --seed
  $ DATABASE_URL=postgres://root@127.0.0.1:5432/test croupier wallet serve --port 8080
  $ croupier wallet audit verify
  $ croupier wallet reconcile`,
    );

  storeOptions(
    wallet
      .command('serve')
      .description('Serve the wallet over HTTP (SQLite by default; PostgreSQL and NATS when configured)')
      .option('--port <port>', 'port to listen on (0 picks a free one)', '8080')
      .option('--host <host>', 'interface to listen on', '127.0.0.1')
      .option('--nats-url <url>', 'publish events to NATS JetStream (default: $NATS_URL; else in-process)')
      .option('--seed', 'seed the sandbox test players (p_demo_1, p_low_balance, p_bonus, …) under brand-7'),
  )
    .addHelpText(
      'after',
      `
Prints "listening <port>" on a line of its own once serving. SIGTERM or Ctrl-C stops accepting,
finishes in-flight requests, stops the outbox relay and closes the database.

Examples:
  $ croupier wallet serve --port 0 --seed
  $ croupier wallet serve --port 8080 --database-url postgres://root@127.0.0.1:5432/test --nats-url nats://127.0.0.1:4222`,
    )
    .action(
      async (options: StoreOptions & { port: string; host: string; natsUrl?: string; seed?: boolean }) => {
        const { serveWallet } = await import('@croupier/wallet');
        const serving = await serveWallet({
          port: Number(options.port),
          host: options.host,
          databaseUrl: options.databaseUrl ?? process.env.DATABASE_URL,
          file: options.file,
          natsUrl: options.natsUrl ?? process.env.NATS_URL,
          seed: options.seed ?? false,
        });
        process.stdout.write(`listening ${serving.port}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', () => resolve());
          process.once('SIGINT', () => resolve());
        });
        await serving.close();
        process.stdout.write('stopped\n');
      },
    );

  const audit = wallet
    .command('audit')
    .description('The hash-chained audit log of limit, RTP and jackpot changes');
  storeOptions(audit.command('verify').description('Recompute the audit chain; exit 1 when it is broken'))
    .addHelpText(
      'after',
      '\nExamples:\n  $ croupier wallet audit verify\n  $ croupier wallet audit verify --file .croupier/wallet.sqlite',
    )
    .action(async (options: StoreOptions) => {
      const store = await openExistingStore(options);
      if (!store) return;
      try {
        const result = await store.verifyAuditChain();
        if (result.ok) process.stdout.write(`audit chain ok (${result.entries} entries)\n`);
        else {
          process.stdout.write(`audit chain BROKEN at entry ${result.brokenAt}: ${result.reason}\n`);
          process.exitCode = 1;
        }
      } finally {
        await store.close();
      }
    });

  storeOptions(
    wallet
      .command('reconcile')
      .description(
        'Compare ledger totals, balances, bets vs holds and outbox events vs money; exit 1 on any mismatch',
      ),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ croupier wallet reconcile\n  $ croupier wallet reconcile --database-url postgres://root@127.0.0.1:5432/test',
    )
    .action(async (options: StoreOptions) => {
      const store = await openExistingStore(options);
      if (!store) return;
      try {
        const report = await store.reconcile();
        for (const m of report.mismatches)
          process.stdout.write(`MISMATCH ${m.check} ${m.subject}: ${m.message}\n`);
        process.stdout.write(
          `${report.ok ? 'reconciled' : `${report.mismatches.length} mismatch(es)`}: ${report.checked.betCount} bets, ${report.checked.eventCount} events\n`,
        );
        if (!report.ok) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}
