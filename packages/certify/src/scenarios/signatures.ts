import type { Response } from '../evidence.ts';
import { Platform } from '../platform.ts';
import { check, type Scenario, type ScenarioContext, skip } from '../scenario.ts';
import { expectNoWrite } from './balance-checks.ts';

const REFUSALS = ['UNAUTHORIZED', 'SIGNATURE_INVALID', 'REPLAY_DETECTED', 'TIMESTAMP_OUT_OF_WINDOW'];

/** Asks the target once whether it enforces security: an unsigned balance read must be refused when it does. */
export async function securityEnforced(ctx: ScenarioContext): Promise<boolean> {
  if (ctx.ledger.securityDetected === undefined) {
    const probe = await ctx.http.get(`/v1/players/${ctx.profile.players.main.id}/balance`, {
      unsigned: true,
      label: 'security probe (unsigned)',
    });
    ctx.ledger.securityDetected = probe.status === 401;
  }
  return ctx.ledger.securityDetected;
}

async function requireSigning(ctx: ScenarioContext): Promise<NonNullable<ScenarioContext['signer']>> {
  if (!(await securityEnforced(ctx))) {
    skip(
      'the target accepted an unsigned request: it runs with security off, so signatures cannot be judged',
    );
  }
  if (!ctx.signer) skip('the target enforces signatures but certify has no signer configured for it');
  return ctx.signer;
}

function expectRefused(response: Response, codes: string[] = REFUSALS): void {
  check(
    response.status === 401 && codes.includes(response.json?.code),
    `expected 401 ${codes.join('|')}, got ${response.status} ${response.text.slice(0, 200)}`,
  );
}

async function signedSessionBody(ctx: ScenarioContext) {
  const player = ctx.profile.players.main;
  return {
    player_id: player.id,
    game_id: ctx.profile.gameId,
    currency: player.currency,
    locale: ctx.profile.locale,
  };
}

async function signHeaders(
  ctx: ScenarioContext,
  signer: NonNullable<ScenarioContext['signer']>,
  body: string,
  key: string,
  timestamp?: number,
): Promise<Record<string, string>> {
  const headers: Record<string, string> = {
    'x-brand-id': ctx.profile.brand,
    'x-provider-id': ctx.profile.provider,
    'x-region': ctx.profile.region,
    'content-type': 'application/json',
    'x-idempotency-key': key,
  };
  return {
    ...headers,
    ...(await signer.sign({ method: 'POST', path: '/v1/sessions', body, headers }, { timestamp })),
  };
}

export const signatureScenarios: Scenario[] = [
  {
    id: 'sig.missing-signature',
    category: 'signatures',
    title: 'Unsigned request refused',
    description: 'A createSession without X-Signature headers.',
    expected: '401 UNAUTHORIZED or SIGNATURE_INVALID.',
    covers: ['UNAUTHORIZED', 'security.signatures'],
    async run(ctx) {
      await requireSigning(ctx);
      const body = await signedSessionBody(ctx);
      expectRefused(await ctx.http.post('/v1/sessions', body, { unsigned: true }));
    },
  },
  {
    id: 'sig.tampered-body',
    category: 'signatures',
    title: 'Body changed after signing',
    description: 'A correctly signed createSession whose body is altered in transit.',
    expected: '401 SIGNATURE_INVALID.',
    covers: ['SIGNATURE_INVALID', 'security.signatures'],
    async run(ctx) {
      const signer = await requireSigning(ctx);
      const body = JSON.stringify(await signedSessionBody(ctx));
      const headers = await signHeaders(ctx, signer, body, ctx.data.key());
      const tampered = body.replace(ctx.profile.locale, 'en-GB');
      expectRefused(
        await ctx.http.send({
          method: 'POST',
          path: '/v1/sessions',
          rawBody: tampered,
          headers,
          unsigned: true,
        }),
        ['SIGNATURE_INVALID'],
      );
    },
  },
  {
    id: 'sig.tampered-signature',
    category: 'signatures',
    title: 'Signature bytes altered',
    description: 'A signature with one character flipped.',
    expected: '401 SIGNATURE_INVALID.',
    covers: ['SIGNATURE_INVALID', 'security.signatures'],
    async run(ctx) {
      const signer = await requireSigning(ctx);
      const body = JSON.stringify(await signedSessionBody(ctx));
      const headers = await signHeaders(ctx, signer, body, ctx.data.key());
      const signature = headers['x-signature'] ?? '';
      const last = signature.at(-3) === 'A' ? 'B' : 'A';
      headers['x-signature'] = `${signature.slice(0, -3)}${last}${signature.slice(-2)}`;
      expectRefused(
        await ctx.http.send({ method: 'POST', path: '/v1/sessions', rawBody: body, headers, unsigned: true }),
        ['SIGNATURE_INVALID'],
      );
    },
  },
  {
    id: 'sig.replayed-signature',
    category: 'signatures',
    title: 'Captured request replayed under a new key',
    description:
      'The exact signed request sent again with another idempotency key is not possible without re-signing, so the same signed bytes are resent verbatim.',
    expected: '401 REPLAY_DETECTED, or the stored answer without a second effect.',
    covers: ['REPLAY_DETECTED', 'security.signatures'],
    async run(ctx) {
      const signer = await requireSigning(ctx);
      const body = JSON.stringify(await signedSessionBody(ctx));
      const headers = await signHeaders(ctx, signer, body, ctx.data.key());
      const first = await ctx.http.send({
        method: 'POST',
        path: '/v1/sessions',
        rawBody: body,
        headers,
        unsigned: true,
      });
      check(first.status === 201, `the signed request answered ${first.status}`);
      const replay = await ctx.http.send({
        method: 'POST',
        path: '/v1/sessions',
        rawBody: body,
        headers,
        unsigned: true,
      });
      if (replay.status === 401) expectRefused(replay, ['REPLAY_DETECTED']);
      else check(replay.text === first.text, 'a replayed signed request produced a new effect');
    },
  },
  {
    id: 'sig.stale-timestamp',
    category: 'signatures',
    title: 'Signature timestamp outside the window',
    description: 'A request signed with a timestamp one hour old.',
    expected: '401 TIMESTAMP_OUT_OF_WINDOW.',
    covers: ['TIMESTAMP_OUT_OF_WINDOW', 'security.signatures'],
    async run(ctx) {
      const signer = await requireSigning(ctx);
      const body = JSON.stringify(await signedSessionBody(ctx));
      const headers = await signHeaders(
        ctx,
        signer,
        body,
        ctx.data.key(),
        Math.floor(Date.now() / 1000) - 3600,
      );
      expectRefused(
        await ctx.http.send({ method: 'POST', path: '/v1/sessions', rawBody: body, headers, unsigned: true }),
        ['TIMESTAMP_OUT_OF_WINDOW', 'SIGNATURE_INVALID'],
      );
    },
  },
  {
    id: 'sig.unknown-key-id',
    category: 'signatures',
    title: 'Signature under an unknown key id',
    description: 'X-Signature-Key-Id names a key the platform never issued.',
    expected: '401 SIGNATURE_INVALID or UNAUTHORIZED.',
    covers: ['SIGNATURE_INVALID', 'security.signatures'],
    async run(ctx) {
      const signer = await requireSigning(ctx);
      const body = JSON.stringify(await signedSessionBody(ctx));
      const headers = await signHeaders(ctx, signer, body, ctx.data.key());
      headers['x-signature-key-id'] = 'certify-unknown-key';
      expectRefused(
        await ctx.http.send({ method: 'POST', path: '/v1/sessions', rawBody: body, headers, unsigned: true }),
      );
    },
  },
  {
    id: 'sig.unauthenticated-balance',
    category: 'signatures',
    title: 'Unauthenticated read refused',
    description: 'GET balance without any credentials or signature.',
    expected: '401 when security is on.',
    covers: ['UNAUTHORIZED', 'security.credentials'],
    async run(ctx) {
      await requireSigning(ctx);
      const platform = new Platform(ctx);
      expectRefused(await ctx.http.get(`/v1/players/${platform.main.id}/balance`, { unsigned: true }));
    },
  },
  {
    id: 'sig.scope-enforced',
    category: 'signatures',
    title: 'A token without bets:write cannot bet',
    description:
      'A session opened with the full credentials, then an authorize signed with a token asking for every scope but bets:write.',
    expected: '403 FORBIDDEN_SCOPE; no debit.',
    covers: ['FORBIDDEN_SCOPE', 'security.scopes'],
    exclusive: true,
    async run(ctx) {
      const signer = await requireSigning(ctx);
      if (!signer.withScopes) skip('the configured signer cannot ask for narrower scopes');
      const scopes = (signer.describe().scopes ?? []).filter((scope) => scope !== 'bets:write');
      if (scopes.length === 0) skip('the credentials hold no scope besides bets:write');
      const narrow = signer.withScopes(scopes);
      const platform = new Platform(ctx);
      const sessionId = await platform.openSession();
      const body = JSON.stringify({
        session_id: sessionId,
        bet_id: ctx.data.betId(),
        round_id: ctx.data.roundId(),
        amount: { amount: '0.10', currency: platform.main.currency },
      });
      const headers: Record<string, string> = {
        'x-brand-id': ctx.profile.brand,
        'x-provider-id': ctx.profile.provider,
        'x-region': ctx.profile.region,
        'content-type': 'application/json',
        'x-idempotency-key': ctx.data.key('bet'),
      };
      const signed = await narrow.sign({ method: 'POST', path: '/v1/bets/authorize', body, headers });
      await expectNoWrite(platform, platform.main, async () => {
        const response = await ctx.http.send({
          method: 'POST',
          path: '/v1/bets/authorize',
          rawBody: body,
          headers: { ...headers, ...signed },
          unsigned: true,
        });
        check(
          response.status === 403 && response.json?.code === 'FORBIDDEN_SCOPE',
          `expected 403 FORBIDDEN_SCOPE, got ${response.status} ${response.text.slice(0, 200)}`,
        );
      });
    },
  },
];
