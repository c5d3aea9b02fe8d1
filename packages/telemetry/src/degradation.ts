import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { FeatureFlags, FlagScope } from './feature-flags.ts';
import type { OperationIdOf } from './operations.ts';

/** The flags behind the degradation modes; operators flip them (globally, per brand or per provider). */
export const degradationFlags = {
  /** Stop opening sessions; open sessions keep betting and settling. */
  noNewSessions: 'degrade.no_new_sessions',
  /** Stop promo money: standalone promo wins wait; regular rounds settle as usual. */
  promoOff: 'degrade.promo_off',
  /** Stop jackpots: no contributions are taken, jackpot wins wait; the bets themselves go through. */
  jackpotOff: 'degrade.jackpot_off',
} as const;

export type DegradationMode = keyof typeof degradationFlags;

export type DegradationDecision =
  | {
      allow: true /** Body fields the wallet must apply before processing (e.g. drop a jackpot contribution). */;
      adjust?: Record<string, unknown>;
    }
  | {
      allow: false;
      status: number;
      code: 'NEW_SESSIONS_STOPPED' | 'PLATFORM_DEGRADED';
      retryable: boolean;
      message: string;
    };

const ALLOW: DegradationDecision = { allow: true };

interface OperationBody {
  jackpot_contribution?: unknown;
  win_type?: unknown;
}

/**
 * What a degradation mode means per operation. The rule throughout: money already in play keeps
 * moving. Authorize, settle, rollback, end and reads are never refused for a mode; what a mode stops
 * is new exposure (sessions, promo and jackpot payouts), and a refused payout is answered retryable
 * (PLATFORM_DEGRADED, 503) so the provider retries it once the mode is lifted and nothing is lost.
 */
export class Degradation {
  constructor(private readonly flags: FeatureFlags) {}

  isActive(mode: DegradationMode, scope: FlagScope = {}): boolean {
    return this.flags.isEnabled(degradationFlags[mode], scope);
  }

  /** Active modes for a scope, for /health (`status: degraded`) and dashboards. */
  activeModes(scope: FlagScope = {}): DegradationMode[] {
    return (Object.keys(degradationFlags) as DegradationMode[]).filter((mode) => this.isActive(mode, scope));
  }

  decide(operationId: string, body: unknown, scope: FlagScope = {}): DegradationDecision {
    const request = (body && typeof body === 'object' ? body : {}) as OperationBody;
    switch (operationId) {
      case 'createSession':
        return this.isActive('noNewSessions', scope)
          ? {
              allow: false,
              status: 503,
              code: 'NEW_SESSIONS_STOPPED',
              retryable: false,
              message: 'new sessions are stopped for this brand; open sessions keep playing',
            }
          : ALLOW;
      case 'authorizeBet':
        return request.jackpot_contribution === true && this.isActive('jackpotOff', scope)
          ? { allow: true, adjust: { jackpot_contribution: false } }
          : ALLOW;
      case 'settleBet':
        if (request.win_type === 'promo' && this.isActive('promoOff', scope)) {
          return refusedPayout('promo wins are paused; retry this settlement later, it will be paid');
        }
        if (request.win_type === 'jackpot' && this.isActive('jackpotOff', scope)) {
          return refusedPayout('jackpot wins are paused; retry this settlement later, it will be paid');
        }
        return ALLOW;
      default:
        return ALLOW;
    }
  }
}

function refusedPayout(message: string): DegradationDecision {
  return { allow: false, status: 503, code: 'PLATFORM_DEGRADED', retryable: true, message };
}

export interface DegradationPluginOptions {
  degradation: Degradation;
  operationIdOf: OperationIdOf;
  /** Default: brand from `X-Brand-Id`, provider from `X-Provider-Id`. */
  scopeOf?: (request: FastifyRequest) => FlagScope;
}

const headerScope = (request: FastifyRequest): FlagScope => {
  const brand = request.headers['x-brand-id'];
  const provider = request.headers['x-provider-id'];
  return {
    brand: typeof brand === 'string' ? brand : undefined,
    provider: typeof provider === 'string' ? provider : undefined,
  };
};

async function degradationGuard(fastify: FastifyInstance, options: DegradationPluginOptions): Promise<void> {
  const scopeOf = options.scopeOf ?? headerScope;
  // preHandler: the body is parsed and validated by then, and a refusal still answers the error schema.
  fastify.addHook('preHandler', async (request, reply) => {
    const operationId = options.operationIdOf(request);
    if (!operationId) return;
    const decision = options.degradation.decide(operationId, request.body, scopeOf(request));
    if (!decision.allow) {
      const traceId = request.headers['x-trace-id'];
      return reply.code(decision.status).send({
        code: decision.code,
        message: decision.message,
        retryable: decision.retryable,
        trace_id: typeof traceId === 'string' ? traceId : '',
      });
    }
    if (decision.adjust && request.body && typeof request.body === 'object') {
      Object.assign(request.body as Record<string, unknown>, decision.adjust);
    }
  });
}

/**
 * Applies the degradation modes before the handler: refusals answer the contract's error schema,
 * adjustments are written into the parsed body. The wallet may instead call `decide` itself.
 */
export const degradationPlugin = fp(degradationGuard, {
  fastify: '5.x',
  name: '@croupier/telemetry/degradation',
});
