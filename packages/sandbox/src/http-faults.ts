/**
 * The fault buttons that act on HTTP calls. They run in `onRequest`, before the body is read, so a
 * refused call never reaches the wallet and leaves no write behind; the refusal is in the contract's
 * error schema with the code's own status, as a real outage would be answered.
 */
import { randomUUID } from 'node:crypto';
import { operations } from '@croupier/server';
import {
  Degradation,
  degradationFlags,
  degradationPlugin,
  FeatureFlags,
  operationIdFromTable,
} from '@croupier/telemetry';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type FaultBoard, type FaultKind, latencyOf, retryableOf, statusOf } from './faults.ts';
import { isAdminPath } from './request-log.ts';

export interface EmulatorSettings {
  /** Extra delay of the wallet emulator (`/wallet/debit|credit|rollback`), in ms. */
  walletDelayMs: number;
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** Money moves here: what a wallet outage takes down. */
const isMoneyPath = (path: string) => path.startsWith('/v1/') || path.startsWith('/wallet/');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function installHttpFaults(
  app: FastifyInstance,
  faults: FaultBoard,
  emulators: EmulatorSettings,
): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    // The route the router matched, not the raw URL: `/%77allet/debit` is the debit, and is faulted as one.
    const path = request.routeOptions.url ?? request.url.split('?')[0] ?? request.url;
    if (isAdminPath(path)) return;
    const scope = { brand: header(request, 'x-brand-id'), provider: header(request, 'x-provider-id') };

    const latency = faults.active('latency', scope);
    if (latency) {
      request.sandboxFault = 'latency';
      await sleep(latencyOf(latency));
    }
    if (path.startsWith('/wallet/') && emulators.walletDelayMs > 0) await sleep(emulators.walletDelayMs);
    if (path === '/health') return;

    const region = header(request, 'x-region');
    const regionOut = faults
      .list()
      .find(
        (f) => f.kind === 'region_outage' && f.region === region && (!f.brand || f.brand === scope.brand),
      );
    if (regionOut) {
      return refuse(
        request,
        reply,
        'region_outage',
        'PLATFORM_DEGRADED',
        `region ${region} is out (sandbox fault ${regionOut.id}); retry later or fail over`,
      );
    }
    if (isMoneyPath(path)) {
      const outage = faults.active('wallet_outage', scope);
      if (outage) {
        return refuse(
          request,
          reply,
          'wallet_outage',
          'PLATFORM_DEGRADED',
          `the wallet is down (sandbox fault ${outage.id}); retry with the same idempotency key`,
        );
      }
    }
    const errors = faults.active('error_rate', scope);
    if (errors && Math.random() < (errors.rate ?? 0)) {
      const code = errors.code ?? 'PLATFORM_DEGRADED';
      return refuse(
        request,
        reply,
        'error_rate',
        code,
        `injected ${code} (sandbox fault ${errors.id}, rate ${errors.rate})`,
      );
    }
  });

  // Degradation modes are the wallet's real ones (telemetry's Degradation), driven by the buttons.
  const flags = new FeatureFlags();
  const sync = () => {
    const live = faults.list();
    const modes: Array<[FaultKind, string]> = [
      ['no_new_sessions', degradationFlags.noNewSessions],
      ['promo_off', degradationFlags.promoOff],
      ['jackpot_off', degradationFlags.jackpotOff],
    ];
    for (const [kind, flag] of modes) {
      flags.define({
        name: flag,
        enabled: false,
        overrides: live
          .filter((f) => f.kind === kind)
          .map((f) => ({
            enabled: true,
            ...(f.brand ? { brand: f.brand } : {}),
            ...(f.provider ? { provider: f.provider } : {}),
            until: f.expires_at,
          })),
      });
    }
  };
  sync();
  faults.onChange(sync);
  await app.register(degradationPlugin, {
    degradation: new Degradation(flags),
    operationIdOf: operationIdFromTable(operations),
  });
}

function refuse(request: FastifyRequest, reply: FastifyReply, fault: string, code: string, message: string) {
  const traceId = header(request, 'x-trace-id') ?? randomUUID();
  request.sandboxFault = fault;
  return reply
    .code(statusOf(code))
    .header('x-trace-id', traceId)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify({ code, message, retryable: retryableOf(code), trace_id: traceId }));
}
