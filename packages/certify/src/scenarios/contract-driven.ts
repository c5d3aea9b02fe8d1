import type { Contract, Operation } from '../contract.ts';
import { expectError, expectOk, Platform } from '../platform.ts';
import { check, fail, type Scenario, type ScenarioContext, skip } from '../scenario.ts';
import { securityEnforced } from './signatures.ts';

type Json = Record<string, unknown>;

interface Inputs {
  sessionId: string;
  ids: (prefix: string) => string;
  ctx: ScenarioContext;
}

function valueFor(name: string, inputs: Inputs): unknown {
  const { profile } = inputs.ctx;
  switch (name) {
    case 'session_id':
      return inputs.sessionId;
    case 'player_id':
      return profile.players.main.id;
    case 'game_id':
      return profile.gameId;
    case 'locale':
      return profile.locale;
    case 'currency':
      return profile.players.main.currency;
    case 'bet_id':
    case 'round_id':
    case 'transaction_id':
    case 'original_transaction_id':
      return inputs.ids(name.split('_')[0] ?? 'x');
    default:
      return undefined;
  }
}

/** A valid instance of a schema: required properties only, filled from the profile by property name. */
export function generateValid(contract: Contract, raw: Json, inputs: Inputs, name = ''): unknown {
  const schema = contract.resolveSchema(raw);
  if (Array.isArray(schema.allOf)) {
    return generateValid(
      contract,
      { ...(schema.allOf[0] as Json), ...schema, allOf: undefined },
      inputs,
      name,
    );
  }
  const known = valueFor(name, inputs);
  if (known !== undefined) return known;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  if (type === 'object' || schema.properties) {
    if ('amount' in properties && 'currency' in properties) {
      return { amount: '0.01', currency: inputs.ctx.profile.players.main.currency };
    }
    const out: Json = {};
    for (const key of (schema.required ?? []) as string[]) {
      out[key] = generateValid(contract, properties[key] ?? {}, inputs, key);
    }
    return out;
  }
  if (type === 'array') return [];
  if (type === 'boolean') return false;
  if (type === 'integer' || type === 'number') return schema.minimum ?? 0;
  if (typeof schema.pattern === 'string' && schema.pattern.includes('[0-9]')) return '1.00';
  return inputs.ids('v');
}

function wrongTypeFor(contract: Contract, raw: Json): unknown {
  const schema = contract.resolveSchema(raw);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'string' || schema.pattern || schema.enum) return 12345;
  if (type === 'object' || schema.properties || schema.allOf) return 'not-an-object';
  if (type === 'boolean') return 'yes';
  if (type === 'integer' || type === 'number') return 'many';
  return { unexpected: true };
}

function fillPath(op: Operation, inputs: Inputs): string {
  return op.pathTemplate.replace(/\{([^}]+)\}/g, (_m, name: string) =>
    encodeURIComponent(String(valueFor(name, inputs) ?? inputs.ids('x'))),
  );
}

async function prepare(
  ctx: ScenarioContext,
  op: Operation,
): Promise<{ inputs: Inputs; path: string; body?: unknown }> {
  const needsSession =
    op.pathParameters.includes('session_id') ||
    JSON.stringify(op.requestSchemaPointer ? ctx.contract.schemaAt(op.requestSchemaPointer) : {}).includes(
      'session_id',
    );
  const sessionId = needsSession ? await new Platform(ctx).openSession() : 's_unused';
  const inputs: Inputs = { sessionId, ids: (p) => ctx.data.id(p), ctx };
  const body = op.requestSchemaPointer
    ? generateValid(ctx.contract, ctx.contract.schemaAt(op.requestSchemaPointer), inputs)
    : undefined;
  return { inputs, path: fillPath(op, inputs), body };
}

function sandboxOnlyAbsent(op: Operation, status: number, code: unknown): boolean {
  return op.tags.includes('wallet-emulator') || op.tags.includes('responsible-gaming')
    ? status === 404 && code === 'NOT_FOUND'
    : false;
}

/** The sandbox's emulators are rules of the brief: their generated checks are what exercises them. */
function emulatorRule(op: Operation): string[] {
  if (op.tags.includes('wallet-emulator')) return ['sandbox.wallet-emulator'];
  if (op.tags.includes('responsible-gaming')) return ['sandbox.rg-hook'];
  return [];
}

function perOperation(op: Operation): Scenario[] {
  const scenarios: Scenario[] = [
    {
      id: `contract.${op.operationId}.valid-input`,
      category: 'contract',
      title: `${op.operationId}: generated valid input is accepted`,
      description: `${op.method} ${op.pathTemplate} with a request generated from the contract's schema (required fields, values from the profile).`,
      expected: 'not refused as invalid (no 400), never a 5xx, the answer conforms to the contract.',
      covers: emulatorRule(op),
      async run(ctx) {
        const { path, body } = await prepare(ctx, op);
        const response = await ctx.http.send({ method: op.method, path, body });
        if (sandboxOnlyAbsent(op, response.status, response.json?.code)) {
          ctx.http.violations.length = 0;
          skip(`the target does not offer the sandbox-only ${op.operationId}`);
        }
        check(response.status < 500, `answered ${response.status}`);
        check(response.status !== 400, `valid input refused: ${response.text.slice(0, 240)}`);
        if (response.status >= 300)
          ctx.note(
            `answered ${response.status} ${response.json?.code} (a domain answer, not a validation failure)`,
          );
      },
    },
    {
      id: `contract.${op.operationId}.missing-header`,
      category: 'contract',
      title: `${op.operationId}: each missing required header is refused`,
      description: `${op.method} ${op.pathTemplate} once without each required header (${
        op.headerParameters
          .filter((h) => h.required)
          .map((h) => h.name)
          .join(', ') || 'none'
      }).`,
      expected: 'a 4xx in the error schema each time, never a 5xx.',
      covers: ['headers.mandatory'],
      async run(ctx) {
        const required = op.headerParameters.filter((h) => h.required);
        if (required.length === 0) skip(`${op.operationId} has no required header`);
        const { path, body } = await prepare(ctx, op);
        for (const header of required) {
          const response = await ctx.http.send({ method: op.method, path, body, omitHeaders: [header.name] });
          if (sandboxOnlyAbsent(op, response.status, response.json?.code)) {
            ctx.http.violations.length = 0;
            skip(`the target does not offer the sandbox-only ${op.operationId}`);
          }
          check(
            response.status >= 400 && response.status < 500,
            `without ${header.name}: ${response.status}`,
          );
        }
      },
    },
  ];
  if (op.requestSchemaPointer) {
    scenarios.push({
      id: `contract.${op.operationId}.invalid-input`,
      category: 'contract',
      title: `${op.operationId}: generated invalid input is refused`,
      description: `${op.method} ${op.pathTemplate} with each required field missing, each field of the wrong type, and an array body.`,
      expected: 'a 4xx in the error schema for every variant, never a 2xx or 5xx.',
      covers: ['VALIDATION_FAILED'],
      async run(ctx) {
        const { path, body } = await prepare(ctx, op);
        const schema = ctx.contract.resolveSchema(ctx.contract.schemaAt(op.requestSchemaPointer as string));
        const properties = (schema.properties ?? {}) as Record<string, Json>;
        const valid = body as Json;
        const variants: Array<[string, unknown]> = [['an array body', []]];
        for (const key of (schema.required ?? []) as string[]) {
          const { [key]: _dropped, ...rest } = valid;
          variants.push([`without ${key}`, rest]);
          variants.push([
            `${key} of the wrong type`,
            { ...valid, [key]: wrongTypeFor(ctx.contract, properties[key] ?? {}) },
          ]);
        }
        for (const [what, variant] of variants) {
          const response = await ctx.http.send({ method: op.method, path, body: variant, label: what });
          if (sandboxOnlyAbsent(op, response.status, response.json?.code)) {
            ctx.http.violations.length = 0;
            skip(`the target does not offer the sandbox-only ${op.operationId}`);
          }
          check(response.status < 500, `${what}: answered ${response.status}`);
          check(response.status >= 400, `${what}: accepted with ${response.status}`);
        }
      },
    });
  }
  return scenarios;
}

function methodNotAllowed(pathTemplate: string, defined: string[]): Scenario {
  return {
    id: `contract.method-not-allowed.${pathTemplate.replace(/[{}]/g, '').replace(/^\//, '').replaceAll('/', '.')}`,
    category: 'contract',
    title: `${pathTemplate}: an undefined method gets 405`,
    description: `A method the contract does not define on ${pathTemplate} (it defines ${defined.join(', ')}).`,
    expected: `405 in the error schema with an Allow header listing ${defined.join(', ')}.`,
    covers: ['METHOD_NOT_ALLOWED'],
    async run(ctx) {
      const method = ['DELETE', 'PUT', 'PATCH'].find((m) => !defined.includes(m)) ?? 'TRACE';
      const path = pathTemplate.replace(/\{[^}]+\}/g, () => ctx.data.id('x'));
      const response = await ctx.http.send({
        method,
        path,
        headers: { 'x-idempotency-key': ctx.data.key() },
      });
      if (
        response.status === 404 &&
        response.json?.code === 'NOT_FOUND' &&
        pathTemplate.match(/^\/(wallet|rg)\//)
      ) {
        ctx.http.violations.length = 0;
        skip(`the target does not offer the sandbox-only ${pathTemplate}`);
      }
      check(response.status === 405, `${method} ${pathTemplate} answered ${response.status}`);
      const allow = (response.headers.allow ?? '').toUpperCase().split(/\s*,\s*/);
      for (const m of defined) check(allow.includes(m), `Allow "${response.headers.allow ?? ''}" lacks ${m}`);
    },
  };
}

export function contractScenarios(contract: Contract): Scenario[] {
  const perOp = contract.operations.flatMap(perOperation);
  const paths = [...new Set(contract.operations.map((op) => op.pathTemplate))];
  const methods = paths.map((p) =>
    methodNotAllowed(
      p,
      contract.operations.filter((op) => op.pathTemplate === p).map((op) => op.method),
    ),
  );
  return [
    ...perOp,
    ...methods,
    {
      id: 'contract.use-after-free',
      category: 'contract',
      title: 'A rolled-back bet cannot be settled',
      description: 'Authorize, roll back, then settle the same bet.',
      expected: '409 ALREADY_ROLLED_BACK; no credit.',
      covers: ['ALREADY_ROLLED_BACK', 'bet.rollback'],
      exclusive: true,
      async run(ctx) {
        const platform = new Platform(ctx);
        const sessionId = await platform.openSession();
        const bet = await platform.authorize({ sessionId, amount: '0.20' });
        expectOk(bet, 'authorize');
        expectOk(await platform.rollback({ betId: bet.betId, roundId: bet.roundId }), 'rollback');
        const before = await platform.balance();
        const settled = await platform.settle({
          betId: bet.betId,
          roundId: bet.roundId,
          win: '9.00',
          currency: platform.main.currency,
        });
        expectError(settled, 409, ['ALREADY_ROLLED_BACK', 'BET_ROLLED_BACK']);
        const after = await platform.balance();
        check(
          after.cash === before.cash,
          `a settle after rollback moved cash ${before.cash} → ${after.cash}`,
        );
      },
    },
    {
      id: 'contract.session-retrievable',
      category: 'contract',
      title: 'A created session is retrievable',
      description: 'createSession, then getSession with the returned id.',
      expected: '200 with the same session_id, player, game, currency and expires_at.',
      covers: ['session.create'],
      async run(ctx) {
        const platform = new Platform(ctx);
        const created = await platform.createSession();
        expectOk(created, 'createSession');
        const read = await ctx.http.get(`/v1/sessions/${created.json.session_id}`);
        check(read.status === 200, `getSession answered ${read.status}`);
        for (const field of ['session_id', 'expires_at'] as const) {
          check(
            read.json[field] === created.json[field],
            `${field}: created ${created.json[field]}, read ${read.json[field]}`,
          );
        }
        check(read.json.game_id === ctx.profile.gameId, `game_id ${read.json.game_id}`);
      },
    },
    {
      id: 'contract.unauthenticated-refused',
      category: 'contract',
      title: 'Requests without credentials are refused when security is on',
      description: 'An unsigned createSession and getBalance.',
      expected: '401 each when the target enforces security; skipped when it runs with security off.',
      covers: ['UNAUTHORIZED', 'security.credentials'],
      async run(ctx) {
        if (!(await securityEnforced(ctx)))
          skip('the target runs with security off (an unsigned request was accepted)');
        const response = await ctx.http.get(`/v1/players/${ctx.profile.players.main.id}/balance`, {
          unsigned: true,
        });
        check(response.status === 401, `an unsigned read answered ${response.status}`);
      },
    },
    {
      id: 'contract.unknown-path',
      category: 'contract',
      title: 'An unknown path answers 404 in the error schema',
      description: 'GET /v1/certify-does-not-exist.',
      expected: '404 NOT_FOUND in the error schema with X-Trace-Id.',
      covers: ['NOT_FOUND', 'errors.one-schema'],
      async run(ctx) {
        const response = await ctx.http.get('/v1/certify-does-not-exist');
        expectError(response, 404, 'NOT_FOUND');
      },
    },
    {
      id: 'contract.no-5xx',
      category: 'contract',
      title: 'No 5xx anywhere in the run',
      description: 'Every response of every scenario (outside chaos and load, where outages are injected).',
      expected: 'no status ≥ 500.',
      covers: ['errors.one-schema'],
      phase: 9,
      async run(ctx) {
        const errors = ctx.ledger.serverErrors;
        if (errors.length > 0) {
          fail(
            `${errors.length} 5xx answers: ${errors
              .slice(0, 5)
              .map((e) => `${e.scenarioId} ${e.method} ${e.path} → ${e.status} (${e.traceId})`)
              .join('; ')}`,
          );
        }
      },
    },
  ];
}
