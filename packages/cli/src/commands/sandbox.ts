import type { RunningMock, RunningSandbox } from '@croupier/sandbox';
import { FAULT_DESCRIPTIONS, FAULT_KINDS } from '@croupier/sandbox/fault-kinds';
import { type Command, InvalidArgumentError } from 'commander';
import { type AdminFlags, adminOptions, callAdmin, DEFAULT_ADMIN_TOKEN_FILE } from '../sandbox-admin.ts';

const DEFAULT_URL = 'http://127.0.0.1:4020';

interface SandboxFlags {
  port: string;
  mockPort: string;
  host: string;
  mockOnly?: boolean;
  dynamic?: boolean;
  dataDir?: string;
  keepData?: boolean;
  natsUrl?: string;
  secure?: boolean;
  certsDir?: string;
}

const port = (value: string): string => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new InvalidArgumentError('a port is 0–65535 (0 picks a free one)');
  return value;
};

export function registerSandbox(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description(
      'Serve the sandbox on embedded defaults: the Prism mock and the stateful platform (wallet, emulators, faults, console)',
    )
    .option('--port <port>', 'port of the stateful sandbox (0 picks a free one)', port, '4020')
    .option('--mock-port <port>', 'port of the Prism mock (0 picks a free one)', port, '4010')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--mock-only', 'start only the stateless Prism mock')
    .option('--dynamic', 'let Prism generate responses from the schemas instead of the examples')
    .option('--data-dir <dir>', 'where the sandbox keeps its SQLite file', '.croupier/sandbox')
    .option('--keep-data', "keep the previous run's players and bets instead of starting from the seed")
    .option('--nats-url <url>', 'publish events to NATS JetStream (default: in-process bus)')
    .option('--secure', 'turn on mTLS, OAuth2 tokens and body signatures (see `croupier sandbox keys`)')
    .option(
      '--certs-dir <dir>',
      'with --secure: where the CA, server and client certificates are written',
      '.croupier/sandbox/certs',
    )
    .addHelpText(
      'after',
      `
Security is off by default (first contact: no certificates, tokens or signatures); --secure turns
everything on and prints where the credentials are. With --secure the admin side (/sandbox/*, the
console) answers only to the admin token written to <certs-dir>/admin.token; the admin commands
below read it (and the CA) from there, the console asks for it once.

Examples:
  $ croupier sandbox                             # stateful sandbox on :4020, Prism mock on :4010
  $ croupier sandbox --port 0 --mock-port 0      # free ports, printed on start
  $ croupier sandbox --mock-only                 # just the Prism mock
  $ croupier sandbox --secure                    # mTLS + tokens + signatures
  $ croupier sandbox --nats-url nats://127.0.0.1:4222   # events on NATS JetStream too (certify --nats)
  $ curl -s http://127.0.0.1:4020/v1/players/p_demo_1/balance -H 'X-Brand-Id: brand-7' -H 'X-Provider-Id: studio-x' -H 'X-Region: EU' -H 'X-Trace-Id: t-1'
  $ croupier sandbox fault wallet_outage --duration 60
  $ croupier sandbox reset`,
    )
    .action(async (flags: SandboxFlags) => {
      // Listening from the start: a Ctrl-C during start-up still stops everything that came up.
      const stopped = waitForStopSignal();
      const running: Array<RunningMock | RunningSandbox> = [];
      const stopAll = async () => {
        for (const r of running.reverse()) await r.close().catch(() => undefined);
      };
      try {
        process.stdout.write(
          flags.mockOnly
            ? 'starting the Prism mock…\n'
            : 'starting the Prism mock and the stateful sandbox…\n',
        );
        const security =
          flags.secure && !flags.mockOnly
            ? await secureSandbox(flags.certsDir ?? '.croupier/sandbox/certs')
            : undefined;
        // Prism takes seconds to start; the wallet starts beside it rather than after it.
        // Loaded on use, so `croupier --help` and the admin subcommands start fast.
        const { startMock, startSandbox, TEST_PLAYERS } = await import('@croupier/sandbox');
        const [mock, stateful] = await Promise.all([
          startMock({ port: Number(flags.mockPort), host: flags.host, dynamic: flags.dynamic ?? false }).then(
            (m) => {
              running.push(m);
              return m;
            },
          ),
          flags.mockOnly
            ? undefined
            : startSandbox({
                port: Number(flags.port),
                host: flags.host,
                dataDir: flags.dataDir,
                keepData: flags.keepData ?? false,
                natsUrl: flags.natsUrl ?? process.env.NATS_URL,
                ...(security ? { security: security.security } : {}),
              }).then((s) => {
                running.push(s);
                return s;
              }),
        ]);
        process.stdout.write(
          banner(
            mock,
            stateful,
            security,
            TEST_PLAYERS.map((p) => p.player_id + (p.currency !== 'EUR' ? ` (${p.currency})` : '')),
          ),
        );
      } catch (error) {
        await stopAll();
        throw error;
      }
      await stopped;
      process.stdout.write('stopping the sandbox…\n');
      await stopAll();
    });

  adminOptions(
    sandbox
      .command('keys')
      .description(
        'Issue sandbox credentials for a provider from a running --secure sandbox (OAuth2 client, signing keys, client certificate)',
      )
      .option('--url <url>', 'the running sandbox', 'https://127.0.0.1:4020')
      .option('--provider <id>', 'the provider (X-Provider-Id)', 'studio-x')
      .option('--brand <id>', 'the brand (X-Brand-Id)', 'brand-7')
      .option('--region <id>', 'the region (X-Region)', 'EU'),
  )
    .addHelpText(
      'after',
      `
Prints where the credentials JSON was written; pass it to \`croupier certify --credentials\`. Issuing
credentials is an admin call: it reads the sandbox's CA and admin token from .croupier/sandbox/certs/.

Examples:
  $ croupier sandbox keys --provider studio-y
  $ croupier sandbox keys --provider live-studio --brand brand-9 --region UK --url https://127.0.0.1:4020
  $ croupier sandbox keys --provider studio-z --ca .croupier/sandbox/certs/ca.crt.pem --admin-token-file .croupier/sandbox/certs/admin.token`,
    )
    .action(async (flags: AdminFlags & { provider: string; brand: string; region: string }) => {
      const credentials = (await callAdmin(flags, 'POST', '/sandbox/credentials', {
        provider: flags.provider,
        brand: flags.brand,
        region: flags.region,
      })) as { file: string; client_id: string; scopes: string[]; signing: { keyId: string } };
      const tokenFile = flags.adminTokenFile ?? DEFAULT_ADMIN_TOKEN_FILE;
      process.stdout.write(
        [
          `credentials for ${flags.provider} (${flags.brand}, ${flags.region}): ${credentials.file}`,
          `  client id ${credentials.client_id}, scopes ${credentials.scopes.join(' ')}, signing key ${credentials.signing.keyId}`,
          `  certify: croupier certify --target ${flags.url} --credentials ${credentials.file} --admin-token-file ${tokenFile}`,
          '',
        ].join('\n'),
      );
    });

  adminOptions(
    sandbox
      .command('fault')
      .description('Press a fault button on a running sandbox (time-boxed; scoped to a brand or provider)')
      .argument('<kind>', `one of: ${FAULT_KINDS.join(', ')}`)
      .option('--url <url>', 'the running sandbox', DEFAULT_URL),
  )
    .option('--brand <id>', 'only this brand (X-Brand-Id)')
    .option('--provider <id>', 'only this provider (X-Provider-Id)')
    .option('--duration <s>', 'seconds until it switches itself off', '600')
    .option('--delay-ms <ms>', 'latency / outbox_delay: fixed delay')
    .option('--min-ms <ms>', 'latency: uniform distribution lower bound')
    .option('--max-ms <ms>', 'latency: uniform distribution upper bound')
    .option('--mean-ms <ms>', 'latency: normal distribution mean')
    .option('--stddev-ms <ms>', 'latency: normal distribution standard deviation')
    .option('--rate <0..1>', 'error_rate: share of calls refused')
    .option('--code <code>', 'error_rate: the error code to answer (e.g. RATE_LIMITED)')
    .option('--window <n>', 'out_of_order: events reordered per window')
    .option('--skew-ms <ms>', 'clock_skew: shift of occurred_at (negative = past)')
    .option('--region <id>', 'region_outage: the X-Region that is out')
    .addHelpText(
      'after',
      `
${FAULT_KINDS.map((k) => `  ${k.padEnd(20)} ${asFlags(FAULT_DESCRIPTIONS[k])}`).join('\n')}

Examples:
  $ croupier sandbox fault wallet_outage --brand brand-7 --duration 60
  $ croupier sandbox fault latency --min-ms 50 --max-ms 400
  $ croupier sandbox fault error_rate --rate 0.2 --code RATE_LIMITED --provider studio-x
  $ croupier sandbox fault region_outage --region EU
  $ croupier sandbox fault wallet_outage --duration 30 --url https://127.0.0.1:4020   # --secure: CA and admin token from .croupier/sandbox/certs/`,
    )
    .action(async (kind: string, flags: Record<string, string | undefined>) => {
      const numeric = [
        'delay_ms',
        'min_ms',
        'max_ms',
        'mean_ms',
        'stddev_ms',
        'rate',
        'window',
        'skew_ms',
      ] as const;
      const body: Record<string, unknown> = { kind, duration_s: Number(flags.duration) };
      for (const field of numeric) {
        const flag = field.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
        if (flags[flag] !== undefined) body[field] = Number(flags[flag]);
      }
      for (const field of ['brand', 'provider', 'code', 'region'] as const)
        if (flags[field]) body[field] = flags[field];
      const fault = (await callAdmin(flags as unknown as AdminFlags, 'POST', '/sandbox/faults', body)) as {
        id: string;
        expires_at: string;
      };
      process.stdout.write(
        `fault ${fault.id} (${kind}) on until ${fault.expires_at}\n  clear it: croupier sandbox clear ${fault.id}${flags.url && flags.url !== DEFAULT_URL ? ` --url ${flags.url}` : ''}\n`,
      );
    });

  adminOptions(
    sandbox
      .command('faults')
      .description('List the fault buttons that are on')
      .option('--url <url>', 'the running sandbox', DEFAULT_URL),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ croupier sandbox faults --url http://127.0.0.1:4020\n  $ croupier sandbox faults --url https://127.0.0.1:4020 --ca .croupier/sandbox/certs/ca.crt.pem --admin-token-file .croupier/sandbox/certs/admin.token',
    )
    .action(async (flags: AdminFlags) => {
      const { faults } = (await callAdmin(flags, 'GET', '/sandbox/faults')) as {
        faults: Array<Record<string, unknown>>;
      };
      if (faults.length === 0) process.stdout.write('no fault is on\n');
      for (const f of faults) {
        const scope =
          [f.brand && `brand ${f.brand}`, f.provider && `provider ${f.provider}`]
            .filter(Boolean)
            .join(', ') || 'everyone';
        process.stdout.write(`${f.id}  ${String(f.kind).padEnd(20)} ${scope}, until ${f.expires_at}\n`);
      }
    });

  adminOptions(
    sandbox
      .command('clear')
      .description('Switch a fault off (or all of them)')
      .argument('[id]', 'the fault id; none clears every fault')
      .option('--url <url>', 'the running sandbox', DEFAULT_URL),
  )
    .addHelpText(
      'after',
      '\nWith an id (as `croupier sandbox fault` and `faults` print it) only that fault goes.\n\nExamples:\n  $ croupier sandbox clear          # every fault\n  $ croupier sandbox clear --url https://127.0.0.1:4020   # a --secure sandbox, CA and admin token from .croupier/sandbox/certs/',
    )
    .action(async (id: string | undefined, flags: AdminFlags) => {
      await callAdmin(flags, 'DELETE', id ? `/sandbox/faults/${encodeURIComponent(id)}` : '/sandbox/faults');
      process.stdout.write(id ? `fault ${id} is off\n` : 'every fault is off\n');
    });

  const player = sandbox.command('player').description("The sandbox's test players: add your own");
  adminOptions(
    player
      .command('add')
      .description(
        'Create a test player: balances per currency, bonus, KYC status and RG profile (reset removes it)',
      ),
  )
    .option('--id <player_id>', 'the player id (default: a new p_… id)')
    .option('--currency <code>', 'the currency the player plays in', 'EUR')
    .option('--cash <amount>', 'cash in that currency', '100.00')
    .option('--balance <currency=amount...>', 'more cash in other currencies, e.g. USD=20.00')
    .option('--bonus <amount>', 'an active bonus in the playing currency')
    .option('--max-bet <amount>', "the bonus's maximum bet")
    .option('--kyc <status>', 'verified, pending or denied', 'verified')
    .option(
      '--rg <profile>',
      'an RG test profile: clear, self_excluded, loss_limit_daily_5, loss_limit_weekly_20, time_limit_1m, reality_check_1m',
    )
    .option('--region <code>', 'the region the player belongs to', 'EU')
    .option('--url <url>', 'the running sandbox', DEFAULT_URL)
    .addHelpText(
      'after',
      '\nExamples:\n  $ croupier sandbox player add --id p_my_1 --cash 250.00\n  $ croupier sandbox player add --currency USD --cash 50.00 --balance EUR=10.00 --kyc pending\n  $ croupier sandbox player add --bonus 25.00 --max-bet 5.00 --rg loss_limit_daily_5\n  $ croupier sandbox player add --cash 40.00 --url https://127.0.0.1:4020 --admin-token-file .croupier/sandbox/certs/admin.token',
    )
    .action(
      async (flags: {
        id?: string;
        currency: string;
        cash: string;
        balance?: string[];
        bonus?: string;
        maxBet?: string;
        kyc: string;
        rg?: string;
        region: string;
        url: string;
        ca?: string;
        adminTokenFile?: string;
      }) => {
        const balances: Record<string, string> = { [flags.currency]: flags.cash };
        for (const entry of flags.balance ?? []) {
          const [currency, amount] = entry.split('=');
          if (!currency || !amount)
            throw new Error(`--balance takes CURRENCY=AMOUNT, e.g. USD=20.00; got "${entry}"`);
          balances[currency] = amount;
        }
        const created = (await callAdmin(flags, 'POST', '/sandbox/players', {
          ...(flags.id ? { player_id: flags.id } : {}),
          currency: flags.currency,
          balances,
          kyc: flags.kyc,
          region: flags.region,
          ...(flags.rg ? { rg: flags.rg } : {}),
          ...(flags.bonus
            ? { bonus: { amount: flags.bonus, ...(flags.maxBet ? { max_bet: flags.maxBet } : {}) } }
            : {}),
        })) as { player_id: string; balances: Record<string, { cash: string; bonus: string }> };
        const held = Object.entries(created.balances)
          .map(([currency, b]) => `${b.cash} ${currency}${b.bonus !== '0.00' ? ` (+${b.bonus} bonus)` : ''}`)
          .join(', ');
        process.stdout.write(`player ${created.player_id}: ${held}\n`);
      },
    );

  adminOptions(
    sandbox
      .command('reset')
      .description('Start the running sandbox over from its seed (test players, balances; faults off)')
      .option('--url <url>', 'the running sandbox', DEFAULT_URL),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ croupier sandbox reset\n  $ croupier sandbox reset --url https://127.0.0.1:4020 --ca .croupier/sandbox/certs/ca.crt.pem --admin-token-file .croupier/sandbox/certs/admin.token',
    )
    .action(async (flags: AdminFlags) => {
      const result = (await callAdmin(flags, 'POST', '/sandbox/players/reset')) as { players: string[] };
      process.stdout.write(`reset: ${result.players.join(', ')}\n`);
    });
}

/**
 * The fault descriptions are written for the admin API (`delay_ms`, `{min_ms, max_ms}`); in a terminal
 * they name this command's flags instead (--delay-ms, --min-ms/--max-ms), without Markdown backticks.
 */
const FAULT_FLAGS = new Set([
  'delay_ms',
  'min_ms',
  'max_ms',
  'mean_ms',
  'stddev_ms',
  'rate',
  'code',
  'window',
  'skew_ms',
]);
const flag = (name: string) => (FAULT_FLAGS.has(name) ? `--${name.replace(/_/g, '-')}` : name);

function asFlags(description: string): string {
  return description
    .replace(/`\{([a-z_]+), ([a-z_]+)\}`/g, (_m, a: string, b: string) => `${flag(a)}/${flag(b)}`)
    .replace(/`([a-z_]+)`/g, (_m, name: string) => flag(name))
    .replace(/`/g, '');
}

async function secureSandbox(certsDir: string) {
  const { createSandboxSecurity } = await import('@croupier/sandbox/secure');
  return createSandboxSecurity({ certsDir });
}

function banner(
  mock: RunningMock,
  stateful: RunningSandbox | undefined,
  security: { summary: string; credentialsFile: string } | undefined,
  players: readonly string[],
): string {
  const lines = [
    stateful && security
      ? 'croupier sandbox is up with security ON (mTLS, OAuth2 tokens, signed bodies)'
      : 'croupier sandbox is up (security off: no mTLS, tokens or signatures needed for first contact)',
    `  mock (Prism, stateless):     ${mock.url}`,
  ];
  if (stateful) {
    lines.push(
      `  sandbox (stateful wallet):   ${stateful.url}`,
      `  console:                     ${stateful.url}/console${security ? ' (asks once for the admin token)' : ''}`,
      `  admin API:                   ${stateful.url}/sandbox${security ? ' (admin token only, see below)' : ''}`,
      `  schema registry:             ${stateful.url}/schema-registry/subjects`,
      `  test players (brand-7):      ${players.join(', ')} (croupier sandbox player add makes more)`,
    );
    if (security) {
      lines.push(
        '',
        security.summary.replace('https://127.0.0.1:<port>', stateful.url),
        '',
        'Call it from your code (npm install @croupier/client): the client does mTLS, the token and signatures',
        "  import { createClient } from '@croupier/client';",
        `  const client = createClient({ baseUrl: '${stateful.url}', credentials: '${security.credentialsFile}' });`,
        "  const { body } = await client.getBalance({ path: { player_id: 'p_demo_1' } });",
      );
    }
  }
  lines.push('', 'Try:', `  curl -s ${mock.url}/health`);
  if (stateful && !security) {
    lines.push(
      `  curl -s ${stateful.url}/v1/players/p_demo_1/balance -H 'X-Brand-Id: brand-7' -H 'X-Provider-Id: studio-x' -H 'X-Region: EU' -H 'X-Trace-Id: t-1'`,
    );
  }
  lines.push('', 'Ctrl-C stops it.', '');
  return lines.join('\n');
}

function waitForStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
