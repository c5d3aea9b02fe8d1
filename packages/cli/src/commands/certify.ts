import type { ReportFormat } from '@croupier/certify';
import { CATEGORIES } from '@croupier/certify/scenario';
import type { Command } from 'commander';
import { ADMIN_TOKEN_HEADER, readAdminToken } from '../sandbox-admin.ts';

interface CertifyFlags {
  target?: string;
  out?: string;
  only?: string;
  players?: string;
  contract?: string;
  nats?: string;
  eventLagMs: string;
  loadRate?: string;
  loadDuration?: string;
  sloP95: string;
  clockSkewMs: string;
  brand?: string;
  provider?: string;
  region?: string;
  concurrency: string;
  timeout: string;
  security?: boolean;
  strict?: boolean;
  credentials?: string;
  adminTokenFile?: string;
  list?: boolean;
  junit?: boolean;
  json?: boolean;
  md?: boolean;
  html?: boolean;
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, got "${value}"`);
  return n;
}

export function registerCertify(program: Command): void {
  program
    .command('certify')
    .description(
      'Run the certification protocol against any implementation of the contract (HTTP and the bus only) and write the protocol, SLO report and security summary',
    )
    .option(
      '--target <url>',
      'base URL of the implementation under test, e.g. http://127.0.0.1:8080 (required unless --list)',
    )
    .option('--out <dir>', 'run folder for the reports (default certify-runs/<timestamp>)')
    .option(
      '--only <list>',
      `comma-separated scenario ids, id prefixes (idem, error.bad-input) or categories (${CATEGORIES.join(', ')})`,
    )
    .option(
      '--players <file>',
      'JSON/YAML profile naming the test players, currencies and hooks (players.main, .second, .blockedRg, .lowBalance, .bonus, .lossLimit, .timeLimit; expireSession)',
    )
    .option(
      '--contract <file>',
      'OpenAPI document to judge responses by (default contracts/openapi/provider-platform.yaml)',
    )
    .option(
      '--nats <url>',
      "consume events from NATS JetStream (croupier.events.>) instead of the target's /sandbox/events/stream",
    )
    .option('--event-lag-ms <ms>', 'budget for event lag p95, from occurred_at to receipt', '5000')
    .option(
      '--clock-skew-ms <ms>',
      "how far an event's occurred_at may lie outside its request, either way, before the clocks disagree",
      '5000',
    )
    .option('--load-rate <n>', 'open-model arrival rate in rounds per second (default 50, at most 5000)')
    .option('--load-duration <s>', 'seconds each load model runs (default 2, at most 60)')
    .option('--slo-p95 <ms>', 'latency budget for p95 of authorize and settle', '250')
    .option('--brand <id>', 'X-Brand-Id to send (default from the profile: brand-7)')
    .option('--provider <id>', 'X-Provider-Id to send (default from the profile: studio)')
    .option('--region <id>', 'X-Region to send (default from the profile: EU)')
    .option('--concurrency <n>', 'scenarios run at once (exclusive scenarios always run alone)', '4')
    .option('--timeout <ms>', 'per-scenario timeout', '20000')
    .option('--security', 'expect the target to enforce signatures and credentials')
    .option('--strict', 'fail (exit 1) on any skipped scenario too: a skip is not a pass')
    .option(
      '--credentials <file>',
      'credentials JSON from `croupier sandbox keys` (client certificate, OAuth2 client, signing key): sign every request, present the certificate, and expect security to be enforced',
    )
    .option(
      '--admin-token-file <file>',
      "a secure croupier sandbox's admin token (`croupier sandbox --secure` writes .croupier/sandbox/certs/admin.token): certify creates its own players, presses fault buttons, reads the event stream and expires sessions through the admin API with it",
    )
    .option(
      '--list',
      'list the scenarios (id, category, title, and the error codes and rules each covers) and exit without running',
    )
    .option('--junit', 'write junit.xml (when no format flag is given, all four are written)')
    .option('--json', 'write report.json')
    .option('--md', 'write report.md')
    .option('--html', 'write report.html (self-contained: inline CSS and SVG, no network)')
    .addHelpText(
      'after',
      `
The verdict: exit 1 when any scenario failed (the failed ids are printed). A skip is not a pass: the verdict
names every skip ("certification PASSED, 9 skipped: …"), the JUnit XML marks them <skipped/>, and with
--strict any skip fails the run (exit 1). Skips carry their reason: no signer or security off (signatures), no /sandbox/faults (chaos), no event
source (events), no expire-session hook, a non-loopback target (load).

The examples certify the sandbox that \`croupier sandbox\` starts on :4020.

Examples:
  $ croupier certify --target http://127.0.0.1:4020
  $ croupier certify --target http://127.0.0.1:4020 --out certify-runs/today --html --junit
  $ croupier certify --target http://127.0.0.1:4020 --only idempotency,error.bad-input,contract.use-after-free
  $ croupier certify --target http://127.0.0.1:4020 --players players.yaml --brand brand-7 --provider studio-x --region EU
  $ croupier certify --target http://127.0.0.1:4020 --only load --load-rate 20 --load-duration 5 --slo-p95 500
  $ croupier certify --target http://127.0.0.1:4020 --list
With events on NATS JetStream (after \`croupier sandbox --nats-url nats://127.0.0.1:4222\`):
  $ croupier certify --target http://127.0.0.1:4020 --only events --nats nats://127.0.0.1:4222 --event-lag-ms 2000
With mTLS, tokens and signatures (after \`croupier sandbox --secure\`, in the same directory):
  $ croupier certify --target https://127.0.0.1:4020 --credentials .croupier/sandbox/certs/brand-7.EU.studio-x/credentials.json --admin-token-file .croupier/sandbox/certs/admin.token --load-rate 20 --slo-p95 500
(TLS and a signature on every request cost CPU: on a 2-core machine 20 rounds/s is what the load phase can meet.)

Against a croupier sandbox, certify bets with players it creates (POST /sandbox/players) and leaves the
seeded ones untouched; against any other target it uses the profile's players, and the reports name them.

A players profile (YAML; players.yaml, naming the sandbox's seeded players):
  brand: brand-7
  players:
    main: { id: p_demo_1, currency: EUR }
    lowBalance: { id: p_low_balance, currency: EUR, stake: "2.00" }
    bonus: { id: p_bonus, currency: EUR, overMaxBet: "10.00" }
    kycPending: { id: p_kyc_pending, currency: EUR }
    kycDenied: { id: p_kyc_denied, currency: EUR }
    bonusExpired: { id: p_bonus_expired, currency: EUR, overMaxBet: "10.00" }
  otherRegion: APAC
  expireSession: { method: POST, path: "/sandbox/sessions/{session_id}/expire" }
`,
    )
    .action(async (flags: CertifyFlags) => {
      // Certify (undici, ajv, the contract) loads on use, so `croupier --help` starts fast.
      const {
        allScenarios,
        Contract,
        defaultRunFolder,
        loadCredentials,
        loadProfile,
        REPORT_FORMATS,
        runCertification,
        scenarioListing,
        terminalProgress,
        verdictOf,
        writeReports,
      } = await import('@croupier/certify');
      if (flags.list) {
        for (const line of scenarioListing(allScenarios(await Contract.load(flags.contract))))
          process.stdout.write(`${line}\n`);
        return;
      }
      if (!flags.target) {
        throw new Error("required option '--target <url>' not specified (only --list runs without a target)");
      }
      const target = flags.target;
      const profile = loadProfile(flags.players, {
        brand: flags.brand,
        provider: flags.provider,
        region: flags.region,
      });
      const credentials = flags.credentials ? loadCredentials(flags.credentials, target) : undefined;
      const adminToken = flags.adminTokenFile ? readAdminToken(flags.adminTokenFile) : undefined;
      await warnAboutActiveFaults(target, {
        ...(credentials?.tls ? { ca: credentials.tls.ca } : {}),
        ...(adminToken ? { adminToken } : {}),
      });
      const run = await runCertification({
        target,
        contractPath: flags.contract,
        profile,
        only: flags.only
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        natsUrl: flags.nats,
        eventLagBudgetMs: positive(flags.eventLagMs, '--event-lag-ms'),
        clockSkewToleranceMs: positive(flags.clockSkewMs, '--clock-skew-ms'),
        loadRate: flags.loadRate ? positive(flags.loadRate, '--load-rate') : undefined,
        loadDurationS: flags.loadDuration ? positive(flags.loadDuration, '--load-duration') : undefined,
        sloP95Ms: positive(flags.sloP95, '--slo-p95'),
        concurrency: positive(flags.concurrency, '--concurrency'),
        scenarioTimeoutMs: positive(flags.timeout, '--timeout'),
        securityExpected: Boolean(flags.security) || credentials !== undefined,
        ...(adminToken ? { adminToken } : {}),
        ...(credentials
          ? { signer: credentials.signer, ...(credentials.tls ? { tls: credentials.tls } : {}) }
          : {}),
        progress: terminalProgress(process.stdout),
      });
      const chosen = REPORT_FORMATS.filter((f: ReportFormat) => flags[f]);
      const out = flags.out ?? defaultRunFolder();
      const written = writeReports(run, out, chosen.length > 0 ? chosen : REPORT_FORMATS);
      process.stdout.write(`reports: ${Object.values(written).join(', ')}\n`);
      const verdict = verdictOf(run, { strict: Boolean(flags.strict) });
      (verdict.passed ? process.stdout : process.stderr).write(`${verdict.line}\n`);
      if (!verdict.passed) process.exitCode = 1;
    });
}

/**
 * A fault button left on (say, the tour's 120 s latency) slows or fails a run with no hint why:
 * when the target is a croupier sandbox with faults on, say so before starting. Any other target,
 * or one that cannot be asked, is left alone.
 */
async function warnAboutActiveFaults(
  target: string,
  access: { ca?: string; adminToken?: string },
): Promise<void> {
  const { Agent, request } = await import('undici');
  const dispatcher = access.ca ? new Agent({ connect: { ca: access.ca } }) : undefined;
  try {
    const response = await request(new URL('/sandbox/faults', target), {
      headers: access.adminToken ? { [ADMIN_TOKEN_HEADER]: access.adminToken } : {},
      headersTimeout: 2000,
      bodyTimeout: 2000,
      ...(dispatcher ? { dispatcher } : {}),
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      return;
    }
    const body = (await response.body.json()) as {
      faults?: Array<{ id: string; kind: string; expires_at?: string }>;
    };
    const faults = body.faults ?? [];
    if (faults.length === 0) return;
    process.stderr.write(
      `warning: ${faults.length} fault button(s) are on at ${target}: ${faults
        .map((f) => `${f.kind} (${f.id}${f.expires_at ? `, until ${f.expires_at}` : ''})`)
        .join(
          ', ',
        )}; results will show them. \`croupier sandbox clear --url ${target}\` switches them off.\n`,
    );
  } catch {
    // Not a sandbox, not reachable yet, or TLS we cannot speak here: certify itself will say.
  } finally {
    await dispatcher?.close();
  }
}
