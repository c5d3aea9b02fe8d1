/**
 * `/sandbox/*`: the buttons and windows of the sandbox — test players, faults, emulators, the event
 * stream, bet ledgers and the request log. Errors use the contract's error schema, so a provider's
 * client reads them the same way it reads the platform's.
 */
import { randomUUID } from 'node:crypto';
import type { EventTransport } from '@croupier/bus';
import type { RgProfile, Wallet } from '@croupier/wallet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EventTap, TappedEvent } from './event-tap.ts';
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
          'GET /sandbox/players, POST /sandbox/players/reset, PUT /sandbox/players/{id}/kyc, PUT /sandbox/players/{id}/rg',
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
      handle(async (request) => {
        const brand = brandOf(request);
        const players = [];
        for (const seed of TEST_PLAYERS) {
          const player = await options.wallet().player(brand, seed.player_id);
          if (!player) continue;
          players.push({
            ...seed,
            kyc: player.kyc_status,
            region: player.region,
            balances: await options.wallet().balances(brand, seed.player_id),
          });
        }
        return { brand, players, rg_profiles: Object.keys(RG_TEST_PROFILES) };
      }),
    );
    app.post(
      '/players/reset',
      handle(async () => ({ reset: true, players: await options.reset() })),
    );
    app.put<{ Params: { id: string } }>(
      '/players/:id/kyc',
      handle(async (request) => {
        const status = objectBody(request).status;
        if (status !== 'verified' && status !== 'pending' && status !== 'denied') {
          throw new AdminError(400, 'VALIDATION_FAILED', '"status" must be verified, pending or denied');
        }
        const { id } = request.params as { id: string };
        await options.wallet().setKycStatus(brandOf(request), id, status);
        return { player_id: id, kyc: status };
      }),
    );
    app.put<{ Params: { id: string } }>(
      '/players/:id/rg',
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
      handle(async (request, reply) => reply.code(201).send(faults.add(parseFault(request.body)))),
    );
    app.delete(
      '/faults',
      handle(async () => ({ cleared: faults.clear() })),
    );
    app.delete<{ Params: { id: string } }>(
      '/faults/:id',
      handle(async (request, reply) => {
        faults.remove((request.params as { id: string }).id);
        return reply.code(204).send();
      }),
    );

    // ── events ──────────────────────────────────────────────────────────────────────────────────
    app.get(
      '/events',
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
    // Unnamed messages, so a plain EventSource `onmessage` hears every one; the type is in the envelope.
    const streams = new Set<import('node:http').ServerResponse>();
    app.addHook('onClose', async () => {
      for (const res of streams) res.end();
      streams.clear();
    });
    app.get('/events/stream', (request, reply) => {
      const topic = (request.query as { topic?: string }).topic;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-trace-id': traceOf(request),
      });
      res.write(': connected to the croupier sandbox event stream\n\n');
      streams.add(res);
      const unsubscribe = tap.onEvent((e: TappedEvent) => {
        if (topic !== undefined && e.topic !== topic) return;
        res.write(`id: ${e.seq}\ndata: ${JSON.stringify(e.event)}\n\n`);
      });
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      request.raw.on('close', () => {
        clearInterval(keepAlive);
        unsubscribe();
        streams.delete(res);
      });
    });
    app.post<{ Params: { topic: string } }>(
      '/topics/:topic',
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
      handle(async (request, reply) => {
        const issue = options.security?.issueCredentials;
        if (!issue) {
          throw new AdminError(
            409,
            'SECURITY_OFF',
            'this sandbox runs with security off; start it with `croupier sandbox --secure`',
          );
        }
        const body = objectBody(request);
        const text = (field: string) => {
          const value = body[field];
          if (value === undefined) return undefined;
          if (typeof value !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(value)) {
            throw new AdminError(
              400,
              'VALIDATION_FAILED',
              `"${field}" must be 1–64 of letters, digits, _ . -`,
            );
          }
          return value;
        };
        const provider = text('provider');
        if (!provider)
          throw new AdminError(
            400,
            'VALIDATION_FAILED',
            '"provider" names the provider the credentials are for',
          );
        const brand = text('brand');
        const region = text('region');
        return reply
          .code(201)
          .send(issue({ provider, ...(brand ? { brand } : {}), ...(region ? { region } : {}) }));
      }),
    );

    // ── ledger and request log ─────────────────────────────────────────────────────────────────
    app.get<{ Params: { bet_id: string } }>(
      '/bets/:bet_id/ledger',
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
      handle(async (request) => {
        const delay = objectBody(request).delay_ms;
        if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > 60_000) {
          throw new AdminError(400, 'VALIDATION_FAILED', '"delay_ms" must be a whole number from 0 to 60000');
        }
        emulators.walletDelayMs = delay;
        return { delay_ms: delay };
      }),
    );
    app.get(
      '/jackpot',
      handle(async (request) => ({
        brand: brandOf(request),
        pools: await jackpotPools(options.wallet(), brandOf(request)),
      })),
    );
    app.put(
      '/jackpot',
      handle(async (request) => {
        const body = objectBody(request);
        if (typeof body.percent !== 'string') {
          throw new AdminError(400, 'VALIDATION_FAILED', '"percent" is a decimal string, e.g. "1.5"');
        }
        const gameId = typeof body.game_id === 'string' ? body.game_id : undefined;
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
      handle(async (request) => {
        const body = objectBody(request);
        if (typeof body.player_id !== 'string')
          throw new AdminError(400, 'VALIDATION_FAILED', '"player_id" names the winner');
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
