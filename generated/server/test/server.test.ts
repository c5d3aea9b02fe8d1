import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { parse } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  contractPlugin,
  contractSchema,
  errorCatalogue,
  type HandlerContext,
  type Handlers,
  operations,
  type ResponseViolation,
} from '../src/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
type Json = Record<string, any>;
const contract = parse(readFileSync(path.join(repoRoot, 'contracts/openapi/provider-platform.yaml'), 'utf8')) as Json;

function deref(node: any): any {
  if (node && typeof node.$ref === 'string') {
    return deref(node.$ref.slice(2).split('/').reduce((n: Json, k: string) => n[k], contract));
  }
  return node;
}

function firstExample(media: Json | undefined): unknown {
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  const first = Object.values(media.examples ?? {})[0];
  return deref(first)?.value;
}

/** A request and the documented success answer for one operation, from the contract's own examples. */
function exampleFor(operationId: string) {
  const info = operations[operationId as keyof typeof operations];
  const op = contract.paths[info.path][info.method.toLowerCase()];
  const [status, response] = Object.entries(op.responses).find(([s]) => s.startsWith('2'))!;
  const url = info.path.replace(/\{([^}]+)\}/g, (_: string, name: string) => (name.includes('player') ? 'p_demo_1' : 's_456'));
  return {
    info,
    url,
    status: Number(status),
    request: firstExample(op.requestBody?.content?.['application/json']),
    response: firstExample(deref(response).content?.['application/json']),
  };
}

const headers = {
  'x-brand-id': 'brand-7',
  'x-provider-id': 'prov-1',
  'x-region': 'EU',
  'x-idempotency-key': 'bet_r_8c12_1',
  'x-trace-id': 'tr_a1b2',
};

const errorValidator = (() => {
  const ajv = new Ajv2020({ strict: false });
  ajv.addFormat('date-time', true);
  ajv.addSchema(contractSchema);
  return ajv.getSchema(`${contractSchema.$id}#/components/schemas/Error`)!;
})();

let calls: string[];
let violations: ResponseViolation[];
let override: Partial<Record<string, (request: any, context: HandlerContext) => Promise<any>>>;

/** A handler for every operation that answers the contract's example (or what a test overrides). */
function handlers(): Handlers {
  const all: Record<string, unknown> = {};
  for (const operationId of Object.keys(operations)) {
    all[operationId] = async (request: unknown, context: HandlerContext) => {
      calls.push(operationId);
      const custom = override[operationId];
      if (custom) return custom(request, context);
      const example = exampleFor(operationId);
      return { status: example.status, body: example.response };
    };
  }
  return all as unknown as Handlers;
}

async function app(): Promise<FastifyInstance> {
  const fastify = Fastify({ bodyLimit: 64 * 1024 });
  await fastify.register(contractPlugin, {
    handlers: handlers(),
    validateResponses: true,
    onResponseViolation: (v) => violations.push(v),
  });
  return fastify;
}

beforeEach(() => {
  calls = [];
  violations = [];
  override = {};
});

describe('generated Fastify plugin', () => {
  it('routes every operation of the contract to its handler and answers the documented status', async () => {
    const fastify = await app();
    for (const operationId of Object.keys(operations)) {
      const example = exampleFor(operationId);
      const response = await fastify.inject({
        method: example.info.method as 'GET',
        url: example.url,
        headers,
        ...(example.request !== undefined ? { payload: example.request as Json } : {}),
      });
      expect(response.statusCode, `${operationId}: ${response.body}`).toBe(example.status);
      expect(response.headers['x-trace-id']).toBe('tr_a1b2');
    }
    expect(calls.sort()).toEqual(Object.keys(operations).sort());
    expect(violations).toEqual([]);
  });

  it('answers an invalid body 400 VALIDATION_FAILED in the error schema and never calls the handler', async () => {
    const fastify = await app();
    const { request } = exampleFor('authorizeBet');
    const bad = { ...(request as Json), amount: { amount: 2, currency: 'EUR' } };
    const response = await fastify.inject({ method: 'POST', url: '/v1/bets/authorize', headers, payload: bad });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(errorValidator(body)).toBe(true);
    expect(body).toMatchObject({ code: 'VALIDATION_FAILED', retryable: false, trace_id: 'tr_a1b2' });
    expect(body.details.errors[0]).toMatchObject({ in: 'body', path: '/amount/amount' });

    const missingHeader = await fastify.inject({
      method: 'POST',
      url: '/v1/bets/authorize',
      headers: Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'x-brand-id')),
      payload: request as Json,
    });
    expect(missingHeader.statusCode).toBe(400);
    expect(missingHeader.json().details.errors[0].in).toBe('headers');
    expect(calls).toEqual([]);
  });

  it('catches a handler answering a body that violates the response schema', async () => {
    override.authorizeBet = async () => ({ status: 200, body: { status: 'authorized' } });
    override.getHealth = async () => ({ status: 299, body: {} });
    const fastify = await app();
    const { request } = exampleFor('authorizeBet');
    const response = await fastify.inject({ method: 'POST', url: '/v1/bets/authorize', headers, payload: request as Json });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ code: 'INTERNAL_ERROR', trace_id: 'tr_a1b2' });
    expect(violations[0]).toMatchObject({ operationId: 'authorizeBet', status: 200 });
    expect(JSON.stringify(violations[0]?.errors)).toContain('hold_id');

    const undocumented = await fastify.inject({ method: 'GET', url: '/health' });
    expect(undocumented.statusCode).toBe(500);
    expect(violations[1]).toMatchObject({ operationId: 'getHealth', status: 299 });
  });

  it('answers unknown routes, wrong methods, media types, sizes and malformed JSON in the error schema', async () => {
    const fastify = await app();
    const { request } = exampleFor('authorizeBet');
    const cases = [
      { inject: { method: 'GET', url: '/v1/nothing-here' }, status: 404, code: 'NOT_FOUND' },
      { inject: { method: 'DELETE', url: '/v1/bets/authorize' }, status: 405, code: 'METHOD_NOT_ALLOWED' },
      {
        inject: { method: 'POST', url: '/v1/bets/authorize', headers: { ...headers, 'content-type': 'text/plain' }, payload: 'x' },
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      {
        inject: { method: 'POST', url: '/v1/bets/authorize', headers: { ...headers, 'content-type': 'application/xml' }, payload: '<x/>' },
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      {
        inject: { method: 'POST', url: '/v1/bets/authorize', headers, payload: { ...(request as Json), pad: 'x'.repeat(100_000) } },
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      },
      {
        inject: { method: 'POST', url: '/v1/bets/authorize', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"bet_id":' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ];
    for (const c of cases) {
      const response = await fastify.inject(c.inject as never);
      expect(response.statusCode, JSON.stringify(c.inject).slice(0, 80)).toBe(c.status);
      const body = response.json();
      expect(errorValidator(body), JSON.stringify(body)).toBe(true);
      expect(body.code).toBe(c.code);
      expect(response.headers['x-trace-id']).toBe(body.trace_id);
    }
    const wrongMethod = await fastify.inject({ method: 'DELETE', url: '/v1/bets/authorize' });
    expect(wrongMethod.headers.allow).toBe('POST');
    expect(calls).toEqual([]);
  });

  it('exports the operation table with generated scopes and the error catalogue', () => {
    expect(operations.authorizeBet).toMatchObject({ method: 'POST', path: '/v1/bets/authorize', scopes: ['bets:write'] });
    expect(operations.getHealth.security).toEqual([]);
    expect(errorCatalogue.RATE_LIMITED).toMatchObject({ status: 429, retryable: true });
    expect(errorCatalogue.DUPLICATE).toMatchObject({ status: 409, retryable: false });
  });

  it('makes a missing handler a compile error', async () => {
    const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
    const args = [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
    args.push('--allowImportingTsExtensions', '--skipLibCheck', '--types', 'node', path.join(here, 'missing-handler.fixture.ts'));
    const result = await promisify(execFile)(process.execPath, args).then(
      () => ({ stdout: '' }),
      (error: { stdout: string }) => error,
    );
    expect(result.stdout).toMatch(/missing-handler\.fixture\.ts\(7,14\): error TS2322/);
    expect(result.stdout).toContain("Property 'authorizeBet' is missing");
  });
});
