/**
 * `/sandbox/*`: the buttons and windows of the sandbox — test players, faults, emulators, the event
 * stream, bet ledgers and the request log. Errors use the contract's error schema, so a provider's
 * client reads them the same way it reads the platform's.
 */
import { randomUUID } from 'node:crypto';
import type { EventTransport } from '@croupier/bus';
import { isMoneyError, parseAmount } from '@croupier/money';
import type { RgProfile, Wallet } from '@croupier/wallet';
import { Ajv } from 'ajv';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { adminSchemas } from './admin-schemas.ts';
import { eventStreamRoute } from './event-stream.ts';
import type { EventTap } from './event-tap.ts';
import { FAULT_DESCRIPTIONS, FAULT_KINDS, type FaultBoard, FaultError, parseFault } from './faults.ts';
import type { EmulatorSettings } from './http-faults.ts';
import { jackpotPools, triggerJackpot } from './jackpot.ts';
import type { RequestLog } from './request-log.ts';
import type { SandboxSecurity } from './security.ts';
import { RG_TEST_PROFILES, TEST_PLAYERS } from './test-players.ts';

export interface AdminApiOptions {
  wallet: () => Wallet;
  faults: FaultBoard;
  tap: EventTap;
  requests: RequestLog;
  emulators: EmulatorSettings;
  reset: () => Promise<string[]>;
  transport: EventTransport;
  security?: SandboxSecurity;
  defaults: { brand: string; provider: string; region: string };
}

class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const traceOf = (request: FastifyRequest) => {
  const value = request.headers['x-trace-id'];
  return typeof value === 'string' && value ? value : randomUUID();
};

function fail(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const traceId = traceOf(request);
  if (error instanceof AdminError) {
    return reply
      .code(error.status)
      .send({ code: error.code, message: error.message, retryable: false, trace_id: traceId });
  }
  if (error instanceof FaultError) {
    return reply
      .code(error.code === 'NOT_FOUND' ? 404 : 400)
      .send({ code: error.code, message: error.message, retryable: false, trace_id: traceId });
  }
  const message = error instanceof Error ? error.message : String(error);
  // Wallet admin errors read "CODE: what to do"; they are the caller's mistake, never a crash.
  const coded = /^([A-Z_]+): (.*)$/s.exec(message);
  if (coded) {
    const status = coded[1] === 'PLAYER_NOT_FOUND' ? 404 : coded[1] === 'JACKPOT_EMPTY' ? 409 : 400;
    return reply
      .code(status)
      .send({ code: coded[1], message: coded[2], retryable: false, trace_id: traceId });
  }
  request.log.error(error);
  return reply.code(500).send({ code: 'INTERNAL_ERROR', message, retryable: true, trace_id: traceId });
}

interface NewPlayer {
  player_id: string;
  currency: string;
  balances: Array<{ currency: string; cash: string }>;
  region: string;
  kyc: 'verified' | 'pending' | 'denied';
  rg?: RgProfile;
  bonus?: {
    amount: string;
    options: { max_bet?: string; wagering_multiplier?: number; expires_at?: string };
  };
}

/** Control characters or lone surrogates: what the contract's ids refuse, refused here too. */
const unfitId = (id: string) =>
  id.length === 0 ||
  id.length > 128 ||
  /\p{Cs}/u.test(id) ||
  [...id].some((c) => {
    const n = c.codePointAt(0) ?? 0;
    return n < 0x20 || (n >= 0x7f && n <= 0x9f);
  });

/**
 * `POST /sandbox/players`: `{player_id?, currency?, cash?, balances?: {"EUR": "100.00", ...},
 * kyc?, rg?: profile name | object, region?, bonus?: {amount, max_bet?, wagering_multiplier?, expires_at?}}`.
 * Every amount is checked against its currency here, so a bad one is a 400 naming the field.
 */
function newPlayerInput(body: Record<string, unknown>, defaultRegion: string): NewPlayer {
  const bad = (message: string) => new AdminError(400, 'VALIDATION_FAILED', message);
  const playerId = body.player_id ?? `p_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  if (typeof playerId !== 'string' || unfitId(playerId)) {
    throw bad('"player_id" must be 1–128 characters without control characters');
  }
  const balancesInput = body.balances ?? { [String(body.currency ?? 'EUR')]: body.cash ?? '100.00' };
  if (!balancesInput || typeof balancesInput !== 'object' || Array.isArray(balancesInput)) {
    throw bad('"balances" maps a currency to a decimal string, e.g. {"EUR": "100.00", "USD": "20.00"}');
  }
  const balances = Object.entries(balancesInput as Record<string, unknown>).map(([currency, cash]) => {
    try {
      parseAmount(String(cash), currency);
    } catch (error) {
      if (isMoneyError(error)) throw bad(`"balances.${currency}": ${error.message}`);
      throw error;
    }
    if (typeof cash !== 'string')
      throw bad(`"balances.${currency}" must be a decimal string such as "100.00"`);
    return { currency, cash };
  });
  if (balances.length === 0) throw bad('"balances" needs at least one currency');
  const currency =
    typeof body.currency === 'string' ? body.currency : (balances[0] as { currency: string }).currency;
  if (!balances.some((b) => b.currency === currency)) balances.unshift({ currency, cash: '0' });
  balances.sort((a, b) => (a.currency === currency ? -1 : b.currency === currency ? 1 : 0));
  const kyc = body.kyc ?? 'verified';
  if (kyc !== 'verified' && kyc !== 'pending' && kyc !== 'denied') {
    throw bad('"kyc" must be verified, pending or denied');
  }
  const region = body.region ?? defaultRegion;
  if (typeof region !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/.test(region)) {
    throw bad('"region" must be a region code such as "EU"');
  }
  let rg: RgProfile | undefined;
  if (typeof body.rg === 'string') {
    rg = RG_TEST_PROFILES[body.rg];
    if (!rg)
      throw bad(`"rg" must be one of ${Object.keys(RG_TEST_PROFILES).join(', ')}, or an RG profile object`);
  } else if (body.rg && typeof body.rg === 'object') {
    rg = body.rg as RgProfile;
  } else if (body.rg !== undefined) {
    throw bad('"rg" is a test profile name or an RG profile object');
  }
  let bonus: NewPlayer['bonus'];
  if (body.bonus !== undefined) {
    const b = body.bonus as Record<string, unknown>;
    if (!b || typeof b !== 'object' || typeof b.amount !== 'string') {
      throw bad('"bonus" is {"amount": "25.00", "max_bet"?: "5.00", "wagering_multiplier"?: 10}');
    }
    for (const [field, value] of [
      ['amount', b.amount],
      ['max_bet', b.max_bet],
    ] as const) {
      if (value === undefined) continue;
      try {
        parseAmount(String(value), currency);
      } catch (error) {
        if (isMoneyError(error)) throw bad(`"bonus.${field}": ${error.message}`);
        throw error;
      }
    }
    const multiplier = b.wagering_multiplier;
    if (
      multiplier !== undefined &&
      (typeof multiplier !== 'number' || !Number.isInteger(multiplier) || multiplier < 0)
    ) {
      throw bad('"bonus.wagering_multiplier" must be a whole number');
    }
    // A deadline in the past is allowed on purpose: it makes a player with an already-expired bonus.
    const expiresAt = b.expires_at;
    if (expiresAt !== undefined && (typeof expiresAt !== 'string' || Number.isNaN(Date.parse(expiresAt)))) {
      throw bad('"bonus.expires_at" must be an ISO 8601 timestamp such as "2000-01-01T00:00:00.000Z"');
    }
    bonus = {
      amount: b.amount,
      options: {
        ...(typeof b.max_bet === 'string' ? { max_bet: b.max_bet } : {}),
        ...(typeof multiplier === 'number' ? { wagering_multiplier: multiplier } : {}),
        ...(typeof expiresAt === 'string' ? { expires_at: new Date(expiresAt).toISOString() } : {}),
      },
    };
  }
  return {
    player_id: playerId,
    currency,
    balances,
    region,
    kyc,
    ...(rg ? { rg } : {}),
    ...(bonus ? { bonus } : {}),
  };
}

/** An optional whole-number query parameter; anything else is the caller's 400, not a silent default. */
function wholeNumber(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value) || Number(value) < min) {
    throw new AdminError(
      400,
      'VALIDATION_FAILED',
      `"${name}" must be a whole number ≥ ${min}, got "${value}"`,
    );
  }
  return Number(value);
}

const objectBody = (request: FastifyRequest): Record<string, unknown> => {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new AdminError(400, 'VALIDATION_FAILED', 'the body must be a JSON object');
  }
  return body as Record<string, unknown>;
};

/** `body/kind must be one of latency, error_rate, …`: the field, then a rule a person can act on. */
function schemaError(
  error: { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> },
  dataVar: string,
): string {
  const field = `${dataVar}${error.instancePath}`;
  if (error.keyword === 'enum') {
    return `${field} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  }
  if (error.keyword === 'additionalProperties') {
    return `${field} has "${String(error.params.additionalProperty)}", which is not a field of this call`;
  }
  return `${field} ${error.message ?? 'is not valid'}`;
}

/** One compiler for every admin route; `strict: false` lets schemas carry annotations. */
const adminAjv = new Ajv({ allErrors: false, strict: false });

export function adminRoutes(options: AdminApiOptions) {
  const { faults, tap, requests, emulators } = options;
  const brandOf = (request: FastifyRequest) => {
    const query = request.query as { brand?: string };
    const header = request.headers['x-brand-id'];
    return query.brand ?? (typeof header === 'string' && header ? header : options.defaults.brand);
  };

  return async (app: FastifyInstance) => {
    // Every answer carries X-Trace-Id, as the platform's do: a provider's tooling correlates admin calls too.
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-trace-id', traceOf(request));
    });

    // Buttons are pressed with or without a body (`curl -X POST …/reset -H 'content-type: application/json'`).
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      const text = String(body);
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        done(Object.assign(new Error('the body is not valid JSON'), { statusCode: 400 }), undefined);
      }
    });
    // Route schemas are checked as written: no type coercion ("5" is not 5), nothing removed or defaulted.
    app.setValidatorCompiler(({ schema }) => adminAjv.compile(schema));
    app.setSchemaErrorFormatter(
      (errors, dataVar) => new Error(errors.map((e) => schemaError(e, dataVar)).join('; ')),
    );
    // A button pressed without a body is an empty object, so a schema of optional fields accepts it.
    app.addHook('preValidation', async (request) => {
      if (request.body === undefined && (request.method === 'POST' || request.method === 'PUT')) {
        request.body = {};
      }
    });
    // Admin calls are plain JSON; a bad body is the caller's 400, in the error schema.
    app.setErrorHandler((error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status >= 400 && status < 500) {
        return reply.code(status).send({
          code:
            status === 415
              ? 'UNSUPPORTED_MEDIA_TYPE'
              : status === 413
                ? 'PAYLOAD_TOO_LARGE'
                : 'VALIDATION_FAILED',
          message: error instanceof Error ? error.message : String(error),
          retryable: false,
          trace_id: traceOf(request),
        });
      }
      return fail(request, reply, error);
    });

    const handle =
      <T>(work: (request: FastifyRequest, reply: FastifyReply) => Promise<T>) =>
      async (request: FastifyRequest, reply: FastifyReply) => {
        try {
          return await work(request, reply);
        } catch (error) {
          return fail(request, reply, error);
        }
      };

    app.get('/', async () => ({
      sandbox: 'croupier',
      defaults: options.defaults,
      endpoints: {
        players:
          'GET /sandbox/players, POST /sandbox/players, POST /sandbox/players/reset, PUT /sandbox/players/{id}/kyc, PUT /sandbox/players/{id}/rg',
        sessions: 'POST /sandbox/sessions/{id}/expire',
        faults:
          'GET /sandbox/faults, GET /sandbox/faults/kinds, POST /sandbox/faults, DELETE /sandbox/faults/{id}, DELETE /sandbox/faults',
        events: 'GET /sandbox/events, GET /sandbox/events/stream (SSE), POST /sandbox/topics/{topic}',
        ledger: 'GET /sandbox/bets/{bet_id}/ledger',
        requests: 'GET /sandbox/requests?trace_id=',
        emulators: 'GET|PUT /sandbox/emulators/wallet',
        jackpot: 'GET|PUT /sandbox/jackpot, POST /sandbox/jackpot/trigger',
        registry: 'GET /schema-registry/subjects',
      },
    }));

    // ── test players ────────────────────────────────────────────────────────────────────────────
    app.get(
      '/players',
      { schema: adminSchemas.listPlayers },
      handle(async (request) => {
        const brand = brandOf(request);
        const seeded = new Map(TEST_PLAYERS.map((p) => [p.player_id, p]));
        const players = [];
        for (const player of await options.wallet().listPlayers(brand)) {
          players.push({
            player_id: player.player_id,
            currency: player.currency,
            purpose: seeded.get(player.player_id)?.purpose ?? 'created with POST /sandbox/players',
            seeded: seeded.has(player.player_id),
            kyc: player.kyc_status,
            region: player.region,
            balances: await options.wallet().balances(brand, player.player_id),
          });
        }
        // The seeded players in their documented order, then the ones created here, oldest first.
        const rank = (id: string) => TEST_PLAYERS.findIndex((p) => p.player_id === id) >>> 0;
        players.sort((a, b) => rank(a.player_id) - rank(b.player_id));
        return { brand, players, rg_profiles: Object.keys(RG_TEST_PROFILES) };
      }),
    );
    app.post(
      '/players',
      { schema: adminSchemas.createPlayer },
      handle(async (request, reply) => {
        const brand = brandOf(request);
        const input = newPlayerInput(objectBody(request), options.defaults.region);
        const wallet = options.wallet();
        if (await wallet.player(brand, input.player_id)) {
          throw new AdminError(
            409,
            'DUPLICATE',
            `player ${input.player_id} already exists in brand ${brand}`,
          );
        }
        // The playing currency first: a player opens sessions in the currency it was created with.
        const [first, ...others] = input.balances;
        await wallet.seedPlayer({
          brand,
          player_id: input.player_id,
          currency: input.currency,
          cash: first?.cash ?? '0',
          region: input.region,
          kyc: input.kyc,
          ...(input.rg ? { rg: input.rg } : {}),
          ...(input.bonus ? { bonus: input.bonus.amount, bonusOptions: input.bonus.options } : {}),
        });
        for (const extra of others)
          await wallet.creditCash(brand, input.player_id, extra.currency, extra.cash);
        reply.code(201);
        return {
          player_id: input.player_id,
          currency: input.currency,
          region: input.region,
          kyc: input.kyc,
          ...(input.rg ? { rg: input.rg } : {}),
          balances: await wallet.balances(brand, input.player_id),
        };
      }),
    );
    app.post(
      '/players/reset',
      handle(async () => ({ reset: true, players: await options.reset() })),
    );
    app.put<{ Params: { id: string }; Body: { status: 'verified' | 'pending' | 'denied' } }>(
      '/players/:id/kyc',
      { schema: adminSchemas.setKyc },
      handle(async (request) => {
        const { status } = request.body as { status: 'verified' | 'pending' | 'denied' };
        const { id } = request.params as { id: string };
        await options.wallet().setKycStatus(brandOf(request), id, status);
        return { player_id: id, kyc: status };
      }),
    );
    app.put<{ Params: { id: string } }>(
      '/players/:id/rg',
      { schema: adminSchemas.setRg },
      handle(async (request) => {
        const body = objectBody(request);
        let profile: RgProfile;
        if (typeof body.profile === 'string') {
          const named = RG_TEST_PROFILES[body.profile];
          if (!named) {
            throw new AdminError(
              400,
              'VALIDATION_FAILED',
              `"profile" must be one of ${Object.keys(RG_TEST_PROFILES).join(', ')}, or an RG profile object`,
            );
          }
          profile = named;
        } else if (body.profile && typeof body.profile === 'object') {
          profile = body.profile as RgProfile;
        } else {
          throw new AdminError(
            400,
            'VALIDATION_FAILED',
            '"profile" is a test profile name or an RG profile object',
          );
        }
        const { id } = request.params as { id: string };
        const brand = brandOf(request);
        if (!(await options.wallet().player(brand, id)))
          throw new AdminError(404, 'PLAYER_NOT_FOUND', `no player ${id} in brand ${brand}`);
        await options.wallet().setRgProfile(brand, id, profile);
        return { player_id: id, rg: profile };
      }),
    );
    app.post<{ Params: { id: string } }>(
      '/sessions/:id/expire',
      { schema: adminSchemas.expireSession },
      handle(async (request) => {
        const { id } = request.params as { id: string };
        await options.wallet().expireSession(brandOf(request), id);
        return { session_id: id, status: 'expired' };
      }),
    );

    // ── faults ──────────────────────────────────────────────────────────────────────────────────
    app.get('/faults', async () => ({ faults: faults.list() }));
    app.get('/faults/kinds', async () => ({
      kinds: FAULT_KINDS.map((kind) => ({ kind, description: FAULT_DESCRIPTIONS[kind] })),
    }));
    app.post(
      '/faults',
      { schema: adminSchemas.addFault },
      handle(async (request, reply) => reply.code(201).send(faults.add(parseFault(request.body)))),
    );
    app.delete(
      '/faults',
      handle(async () => ({ cleared: faults.clear() })),
    );
    app.delete<{ Params: { id: string } }>(
      '/faults/:id',
      { schema: adminSchemas.removeFault },
      handle(async (request, reply) => {
        faults.remove((request.params as { id: string }).id);
        return reply.code(204).send();
      }),
    );

    // ── events ──────────────────────────────────────────────────────────────────────────────────
    app.get(
      '/events',
      { schema: adminSchemas.recentEvents },
      handle(async (request) => {
        const q = request.query as {
          topic?: string;
          trace_id?: string;
          player_id?: string;
          after?: string;
          limit?: string;
        };
        return {
          events: tap.recent({
            topic: q.topic,
            traceId: q.trace_id,
            playerId: q.player_id,
            after: wholeNumber(q.after, 'after', 0),
            limit: wholeNumber(q.limit, 'limit', 1),
          }),
        };
      }),
    );
    eventStreamRoute(app, tap, traceOf);
    app.post<{ Params: { topic: string } }>(
      '/topics/:topic',
      { schema: adminSchemas.publishTest },
      handle(async (request, reply) => {
        const { topic } = request.params as { topic: string };
        const subject = await tap.publishTest(topic, objectBody(request)).catch((error: Error) => {
          throw new AdminError(400, 'VALIDATION_FAILED', error.message.replace(/^VALIDATION_FAILED: /, ''));
        });
        return reply.code(202).send({ topic, subject });
      }),
    );

    // ── credentials (only with --secure) ────────────────────────────────────────────────────────
    app.post(
      '/credentials',
      { schema: adminSchemas.issueCredentials },
      handle(async (request, reply) => {
        const issue = options.security?.issueCredentials;
        if (!issue) {
          throw new AdminError(
            409,
            'SECURITY_OFF',
            'this sandbox runs with security off; start it with `croupier sandbox --secure`',
          );
        }
        const { provider, brand, region } = request.body as {
          provider: string;
          brand?: string;
          region?: string;
        };
        return reply
          .code(201)
          .send(issue({ provider, ...(brand ? { brand } : {}), ...(region ? { region } : {}) }));
      }),
    );

    // ── ledger and request log ─────────────────────────────────────────────────────────────────
    app.get<{ Params: { bet_id: string } }>(
      '/bets/:bet_id/ledger',
      { schema: adminSchemas.betLedger },
      handle(async (request) => {
        const { bet_id } = request.params as { bet_id: string };
        const entries = await options.wallet().betLedger(brandOf(request), bet_id);
        if (entries.length === 0)
          throw new AdminError(404, 'BET_NOT_FOUND', `no bet ${bet_id} in brand ${brandOf(request)}`);
        return { bet_id, entries };
      }),
    );
    app.get(
      '/requests',
      { schema: adminSchemas.searchRequests },
      handle(async (request) => {
        const q = request.query as { trace_id?: string; limit?: string };
        return {
          requests: requests.search({ traceId: q.trace_id, limit: wholeNumber(q.limit, 'limit', 1) }),
        };
      }),
    );

    // ── emulators ───────────────────────────────────────────────────────────────────────────────
    app.get('/emulators/wallet', async () => ({ delay_ms: emulators.walletDelayMs }));
    app.put(
      '/emulators/wallet',
      { schema: adminSchemas.setWalletDelay },
      handle(async (request) => {
        const delay = (request.body as { delay_ms: number }).delay_ms;
        emulators.walletDelayMs = delay;
        return { delay_ms: delay };
      }),
    );
    app.get(
      '/jackpot',
      { schema: adminSchemas.jackpotPools },
      handle(async (request) => ({
        brand: brandOf(request),
        pools: await jackpotPools(options.wallet(), brandOf(request)),
      })),
    );
    app.put(
      '/jackpot',
      { schema: adminSchemas.setJackpot },
      handle(async (request) => {
        const body = request.body as { percent: string; game_id?: string };
        const gameId = body.game_id;
        await options.wallet().setJackpotConfig({
          brand: brandOf(request),
          percent: body.percent,
          ...(gameId ? { game_id: gameId } : {}),
        });
        return { brand: brandOf(request), game_id: gameId ?? '*', percent: body.percent };
      }),
    );
    app.post(
      '/jackpot/trigger',
      { schema: adminSchemas.triggerJackpot },
      handle(async (request) => {
        const body = request.body as { player_id: string };
        const result = await triggerJackpot(options.wallet(), {
          brand: brandOf(request),
          provider: options.defaults.provider,
          region: options.defaults.region,
          playerId: body.player_id,
          traceId: traceOf(request),
        });
        return result;
      }),
    );
  };
}
