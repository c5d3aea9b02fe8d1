import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  BEHAVIOUR_RUN,
  DEFAULT_PROFILE,
  type RequestSigner,
  loadCredentials,
  runCertification,
  writeReports,
} from '@croupier/certify';
import { type RunningSandbox, startSandbox } from '@croupier/sandbox';
import { createSandboxSecurity } from '@croupier/sandbox/secure';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCroupier } from './croupier-process.ts';

const croupier = (...args: string[]) => runCroupier(args, { timeoutMs: 150_000 });

/** The flags of `BEHAVIOUR_RUN`: behaviour is judged here, speed by `pnpm bench`. */
const BEHAVIOUR_FLAGS = [
  '--load-rate',
  String(BEHAVIOUR_RUN.loadRate),
  '--load-duration',
  String(BEHAVIOUR_RUN.loadDurationS),
  '--slo-p95',
  String(BEHAVIOUR_RUN.sloP95Ms),
  '--event-lag-ms',
  String(BEHAVIOUR_RUN.eventLagBudgetMs),
];

/** Every file under `dir`, as text. */
function filesUnder(dir: string): Array<{ file: string; text: string }> {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [{ file, text: readFileSync(file, 'utf8') }];
  });
}

/** The base64 body of a PEM block: what a leaked key would look like, whatever its line breaks. */
const pemBody = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

let dir: string;
let plain: RunningSandbox;
let secure: RunningSandbox;
let credentialsFile: string;
let adminTokenFile: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'croupier-cli-certify-'));
  plain = await startSandbox({ port: 0, dataDir: path.join(dir, 'plain') });
  const created = await createSandboxSecurity({ certsDir: path.join(dir, 'certs') });
  const { security, summary } = created;
  credentialsFile = /(\S+credentials\.json)/.exec(summary)?.[1] as string;
  adminTokenFile = created.adminTokenFile;
  secure = await startSandbox({ port: 0, dataDir: path.join(dir, 'secure'), security });
}, 60_000);
afterAll(async () => {
  await plain?.close();
  await secure?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('croupier certify: the verdict', () => {
  it('names every skip in a PASSED verdict, marks them skipped in the JUnit, and fails them under --strict', async () => {
    // Security is off in a plain sandbox: every signature scenario skips.
    const out = path.join(dir, 'verdict');
    const lenient = await croupier('certify', '--target', plain.url, '--only', 'happy,sig', '--out', out);
    expect(lenient.code, lenient.out).toBe(0);
    const line = /certification PASSED, (\d+) skipped: (.*)/.exec(lenient.out);
    expect(line, lenient.out).not.toBeNull();
    const skipped = (line?.[2] ?? '').split(', ');
    expect(skipped.length).toBe(Number(line?.[1]));
    expect(skipped.length).toBeGreaterThanOrEqual(7);
    expect(skipped.every((id) => id.startsWith('sig.'))).toBe(true);
    const junit = readFileSync(path.join(out, 'junit.xml'), 'utf8');
    expect(junit.match(/<skipped message="[^"]+"\/>/g)?.length).toBe(skipped.length);
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toContain(`PASSED, ${skipped.length} skipped`);

    const strict = await croupier(
      'certify',
      '--target',
      plain.url,
      '--only',
      'happy,sig',
      '--out',
      path.join(dir, 'verdict-strict'),
      '--strict',
    );
    expect(strict.code, strict.out).toBe(1);
    expect(strict.out).toMatch(/certification FAILED \(--strict: skips are failures\), \d+ skipped: sig\./);
  }, 120_000);
});

describe('croupier certify --credentials: no secret in any report, log or request log', () => {
  const adminToken = () => readFileSync(adminTokenFile, 'utf8').trim();

  /** The sandbox's request log, read through its admin API as its operator would. */
  async function requestLog(): Promise<string> {
    const credentials = loadCredentials(credentialsFile, secure.url);
    const agent = new Agent({ connect: { ca: credentials.tls?.ca } });
    try {
      const answer = await request(`${secure.url}/sandbox/requests?limit=2000`, {
        dispatcher: agent,
        headers: { 'x-croupier-admin-token': adminToken() },
      });
      expect(answer.statusCode).toBe(200);
      return await answer.body.text();
    } finally {
      await agent.close();
    }
  }

  function fileSecrets(): Record<string, string> {
    const credentials = loadCredentials(credentialsFile, secure.url);
    return {
      'client secret': credentials.file.client_secret,
      'signing key': pemBody(credentials.file.signing.privateKeyPem),
      ...(credentials.tls?.key ? { 'TLS client key': pemBody(credentials.tls.key) } : {}),
      'sandbox admin token': adminToken(),
    };
  }

  function expectNoneIn(artefacts: Array<{ file: string; text: string }>, secrets: Record<string, string>) {
    const leaks: string[] = [];
    for (const { file, text } of artefacts) {
      const flat = text.replace(/\\n|\s+/g, '');
      for (const [name, value] of Object.entries(secrets)) {
        if (value.length >= 16 && (text.includes(value) || flat.includes(value)))
          leaks.push(`${name} in ${file}`);
      }
    }
    expect([...new Set(leaks)]).toEqual([]);
  }

  it('as a user runs it: the four reports, the run folder, the output and the request log hold no credential', async () => {
    const out = path.join(dir, 'secure-cli');
    const run = await croupier(
      'certify',
      '--target',
      secure.url,
      '--credentials',
      credentialsFile,
      '--admin-token-file',
      adminTokenFile,
      '--out',
      out,
      ...BEHAVIOUR_FLAGS,
    );
    expect(run.out).toMatch(/certification (PASSED|FAILED)/);
    const artefacts = [
      ...filesUnder(out),
      { file: 'croupier certify output', text: run.out },
      { file: 'GET /sandbox/requests', text: await requestLog() },
    ];
    expect(artefacts.map((a) => path.basename(a.file))).toEqual(
      expect.arrayContaining(['junit.xml', 'report.json', 'report.md', 'report.html']),
    );
    expectNoneIn(artefacts, fileSecrets());
    // Whatever token or signature certify sent, none is a bearer JWT in the reports; fingerprints stand in.
    const jwt = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}/;
    for (const { file, text } of artefacts) expect(jwt.exec(text)?.[0], file).toBeUndefined();
    const report = readFileSync(path.join(out, 'report.json'), 'utf8');
    expect(report).toMatch(/"authorization": "Bearer sha256:[0-9a-f]{8}"/);
    expect(report).toMatch(/"x-signature": "sha256:[0-9a-f]{8}"/);
    // The admin token went with the expire-session hook: a fingerprint stands in for it too.
    expect(report).toMatch(/"x-croupier-admin-token": "sha256:[0-9a-f]{8}"/);
  }, 180_000);

  it('no token or X-Signature value certify actually sent appears in any report or the request log', async () => {
    const credentials = loadCredentials(credentialsFile, secure.url);
    const sent = new Set<string>();
    const recording = (signer: RequestSigner): RequestSigner => ({
      describe: () => signer.describe(),
      ...(signer.withScopes
        ? { withScopes: (scopes: string[]) => recording(signer.withScopes?.(scopes) ?? signer) }
        : {}),
      async sign(req, options) {
        const headers = await signer.sign(req, options);
        for (const [name, value] of Object.entries(headers)) {
          if (name.toLowerCase() === 'authorization') sent.add(value.replace(/^Bearer /, ''));
          if (name.toLowerCase() === 'x-signature') sent.add(value);
        }
        return headers;
      },
    });
    const run = await runCertification({
      target: secure.url,
      profile: DEFAULT_PROFILE,
      signer: recording(credentials.signer),
      ...(credentials.tls ? { tls: credentials.tls } : {}),
      adminToken: adminToken(),
      securityExpected: true,
      ...BEHAVIOUR_RUN,
    });
    const out = path.join(dir, 'secure-api');
    writeReports(run, out);
    expect(sent.size).toBeGreaterThan(10);
    const secrets = Object.fromEntries([...sent].map((value, i) => [`sent credential #${i}`, value]));
    expectNoneIn([...filesUnder(out), { file: 'GET /sandbox/requests', text: await requestLog() }], {
      ...secrets,
      ...fileSecrets(),
    });
  }, 180_000);
});
