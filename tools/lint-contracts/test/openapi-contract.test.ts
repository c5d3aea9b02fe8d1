import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin, { type FormatsPlugin } from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const contractFile = path.join(repoRoot, 'contracts/openapi/provider-platform.yaml');
const examplesDir = path.join(repoRoot, 'contracts/examples');
const SCHEMAS_ID = 'urn:croupier:provider-platform:schemas';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats: FormatsPlugin =
  (addFormatsPlugin as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsPlugin as unknown as FormatsPlugin);

type JsonObject = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
}
interface MediaType {
  schema?: JsonObject;
  examples?: Record<string, JsonObject>;
}
interface Response {
  description: string;
  headers?: Record<string, JsonObject>;
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: JsonObject[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, JsonObject>;
}
interface CatalogueEntry {
  status: number;
  retryable: boolean;
  description: string;
}

const doc = parseYaml(readFileSync(contractFile, 'utf8')) as JsonObject & {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonObject> };
  'x-error-catalogue': Record<string, CatalogueEntry>;
};

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);
const operations = Object.entries(doc.paths).flatMap(([route, item]) =>
  Object.entries(item)
    .filter(([method]) => HTTP_METHODS.has(method))
    .map(([method, op]) => ({ route, method, op, label: `${method.toUpperCase()} ${route}` })),
);

function resolvePointer(ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are expected in the contract, got ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, token) => (node as JsonObject)[token], doc);
}

// Follows a chain of `$ref`s to the object they finally point at.
function deref<T>(node: unknown): T {
  let current = node as JsonObject;
  while (typeof current.$ref === 'string') current = resolvePointer(current.$ref) as JsonObject;
  return current as T;
}

// OpenAPI 3.1 component schemas are JSON Schema 2020-12; ajv needs them under one $id with $defs.
function createValidator(): Ajv2020 {
  const defs = JSON.parse(
    JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', '#/$defs/'),
  );
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addSchema({ $id: SCHEMAS_ID, $defs: defs });
  return ajv;
}
const ajv = createValidator();

function validatorFor(schema: JsonObject) {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/components/schemas/')) {
    throw new Error(`media types must reference a named schema, got ${JSON.stringify(schema)}`);
  }
  const validate = ajv.getSchema(`${SCHEMAS_ID}#/$defs/${ref.slice('#/components/schemas/'.length)}`);
  if (!validate) throw new Error(`no compiled schema for ${ref}`);
  return validate;
}

function schemaNamed(name: string) {
  return validatorFor({ $ref: `#/components/schemas/${name}` });
}

function expectValid(schemaName: string, value: unknown): void {
  const validate = schemaNamed(schemaName);
  const ok = validate(value);
  expect(ok, `${schemaName}: ${JSON.stringify(validate.errors)}`).toBe(true);
}

const readExample = (name: string): unknown => JSON.parse(readFileSync(path.join(examplesDir, name), 'utf8'));

function operationById(operationId: string) {
  const found = operations.find(({ op }) => op.operationId === operationId);
  if (!found) throw new Error(`no operation ${operationId}`);
  return found;
}

function requestExample(operationId: string, name: string): unknown {
  const body = operationById(operationId).op.requestBody?.content['application/json'];
  const example = body?.examples?.[name];
  if (!example) throw new Error(`${operationId} has no request example ${name}`);
  return deref<JsonObject>(example).value;
}

function responseExample(operationId: string, status: string, name: string): unknown {
  const response = deref<Response>(operationById(operationId).op.responses[status]);
  const example = response.content?.['application/json']?.examples?.[name];
  if (!example) throw new Error(`${operationId} ${status} has no example ${name}`);
  return deref<JsonObject>(example).value;
}

function parametersOf(op: Operation): Parameter[] {
  return (op.parameters ?? []).map((p) => deref<Parameter>(p));
}

describe('the brief example bodies', () => {
  const mirrors: [file: string, schema: string, inline: () => unknown][] = [
    ['create-session.request.json', 'CreateSessionRequest', () => requestExample('createSession', 'brief')],
    [
      'create-session.response.json',
      'CreateSessionResponse',
      () => responseExample('createSession', '201', 'created'),
    ],
    ['authorize-bet.request.json', 'AuthorizeBetRequest', () => requestExample('authorizeBet', 'brief')],
    [
      'authorize-bet.response.json',
      'AuthorizeBetResponse',
      () => responseExample('authorizeBet', '200', 'authorized'),
    ],
    ['settle-bet.request.json', 'SettleBetRequest', () => requestExample('settleBet', 'brief')],
    ['settle-bet.response.json', 'SettleBetResponse', () => responseExample('settleBet', '200', 'credited')],
    ['rollback-bet.request.json', 'RollbackBetRequest', () => requestExample('rollbackBet', 'minimal')],
    [
      'rollback-bet.response.json',
      'RollbackBetResponse',
      () => responseExample('rollbackBet', '200', 'rolled_back'),
    ],
    ['error-duplicate.json', 'Error', () => responseExample('authorizeBet', '409', 'duplicate')],
    ['health.response.json', 'Health', () => responseExample('getHealth', '200', 'ok')],
  ];

  it.each(mirrors)('%s validates against %s and mirrors the inline example', (file, schema, inline) => {
    const body = readExample(file);
    expectValid(schema, body);
    expect(body).toEqual(inline());
  });

  it('accepts exactly the brief authorize body, field for field', () => {
    expectValid('AuthorizeBetRequest', {
      session_id: 's_456',
      bet_id: 'b_001',
      round_id: 'r_8c12',
      amount: { amount: '2.00', currency: 'EUR' },
    });
  });

  it('accepts exactly the brief settle body, field for field', () => {
    expectValid('SettleBetRequest', {
      bet_id: 'b_001',
      round_id: 'r_8c12',
      win: { amount: '14.60', currency: 'EUR' },
      bonus_state: { in_bonus: true, freespins_left: 7 },
    });
  });

  it('accepts exactly the brief session body and error body', () => {
    expectValid('CreateSessionRequest', {
      player_id: 'p_demo_1',
      game_id: 'studio:slot_forge_02',
      currency: 'EUR',
      locale: 'de-DE',
    });
    expectValid('Error', {
      code: 'DUPLICATE',
      message: 'Bet already authorized',
      retryable: false,
      trace_id: 'tr_a1b2',
    });
  });

  it('tolerates unknown request fields (forward compatibility) but not on Money', () => {
    const body = readExample('authorize-bet.request.json') as JsonObject;
    expectValid('AuthorizeBetRequest', { ...body, provider_note: 'added in a later minor' });
    expect(
      schemaNamed('AuthorizeBetRequest')({ ...body, amount: { amount: '2.00', currency: 'EUR', scale: 2 } }),
    ).toBe(false);
  });

  it('rejects a request missing a field the brief sends', () => {
    const { round_id: _dropped, ...body } = readExample('authorize-bet.request.json') as JsonObject;
    expect(schemaNamed('AuthorizeBetRequest')(body)).toBe(false);
  });
});

describe('money on the wire', () => {
  // Parsed from text so the test sees what a provider sending `2.00` as a number really puts on the wire.
  const withAmount = (raw: string): unknown =>
    JSON.parse(
      `{"session_id":"s_456","bet_id":"b_001","round_id":"r_8c12","amount":{"amount":${raw},"currency":"EUR"}}`,
    );

  it('rejects amount 2.00 as a JSON number', () => {
    const validate = schemaNamed('AuthorizeBetRequest');
    expect(validate(withAmount('2.00'))).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('/amount/amount');
  });

  it.each([
    '"-2.00"',
    '"2e2"',
    '"02.00"',
    '"2."',
    '".5"',
    '"2,00"',
    '" 2.00"',
    '""',
    '"1.0000000000000000000"',
  ])('rejects the decimal string %s', (raw) => {
    expect(schemaNamed('AuthorizeBetRequest')(withAmount(raw))).toBe(false);
  });

  it.each([
    '"0"',
    '"2"',
    '"2.00"',
    '"14.60"',
    '"0.000000000000000001"',
    '"123456789012345678901234567890.5"',
  ])('accepts the decimal string %s', (raw) => {
    expectValid('AuthorizeBetRequest', withAmount(raw));
  });

  it('rejects a lower-case or too-short currency code', () => {
    expect(schemaNamed('Money')({ amount: '2.00', currency: 'eur' })).toBe(false);
    expect(schemaNamed('Money')({ amount: '2.00', currency: 'EU' })).toBe(false);
    expectValid('Money', { amount: '0.0001', currency: 'USDT' });
  });

  it('declares no `type: number` anywhere in the document', () => {
    const numberTyped: string[] = [];
    // Arrays are walked like objects: their keys are the indexes.
    const walk = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      for (const [key, child] of Object.entries(node)) {
        const isNumberType =
          key === 'type' && (child === 'number' || (Array.isArray(child) && child.includes('number')));
        if (isNumberType) numberTyped.push(at);
        walk(child, `${at}/${key}`);
      }
    };
    walk(doc, '#');
    expect(numberTyped).toEqual([]);
  });
});

describe('every operation', () => {
  it('has the operations of the design', () => {
    expect(operations.map(({ op }) => op.operationId).sort()).toEqual(
      [
        'authorizeBet',
        'checkResponsibleGaming',
        'createSession',
        'endSession',
        'getBalance',
        'getHealth',
        'getSession',
        'rollbackBet',
        'settleBet',
        'walletCredit',
        'walletDebit',
        'walletRollback',
      ].sort(),
    );
  });

  it.each(operations)('$label has operationId, tags, summary and description', ({ op }) => {
    expect(op.operationId).toMatch(/^[a-z][A-Za-z]+$/);
    expect(op.tags?.length).toBeGreaterThan(0);
    expect(op.summary).toBeTruthy();
    expect(op.description).toBeTruthy();
  });

  it.each(operations)('$label has a valid example for its request body and every response', ({ op }) => {
    const media: [where: string, MediaType | undefined][] = [];
    if (op.requestBody) media.push(['request', op.requestBody.content['application/json']]);
    for (const [status, response] of Object.entries(op.responses)) {
      media.push([status, deref<Response>(response).content?.['application/json']]);
    }
    for (const [where, content] of media) {
      expect(content?.schema, `${where} has a schema`).toBeDefined();
      const examples = Object.entries(content?.examples ?? {});
      expect(examples.length, `${where} has examples`).toBeGreaterThan(0);
      const validate = validatorFor(content?.schema as JsonObject);
      for (const [name, example] of examples) {
        const ok = validate(deref<JsonObject>(example).value);
        expect(ok, `${where} example ${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
  });

  it.each(operations)('$label answers every 4xx/5xx with the Error schema and X-Trace-Id', ({ op }) => {
    for (const [status, ref] of Object.entries(op.responses)) {
      const response = deref<Response>(ref);
      expect(response.headers?.['X-Trace-Id'], `${status} carries X-Trace-Id`).toBeDefined();
      if (!/^[45]/.test(status)) continue;
      expect(Object.keys(response.content ?? {})).toEqual(['application/json']);
      expect(response.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Error' });
      if (status === '429') expect(deref<JsonObject>(response.headers?.['Retry-After']).required).toBe(true);
    }
  });

  it.each(operations)('$label uses error examples whose code belongs to the response status', ({ op }) => {
    const catalogue = doc['x-error-catalogue'];
    for (const [status, ref] of Object.entries(op.responses)) {
      if (!/^[45]/.test(status)) continue;
      const examples = deref<Response>(ref).content?.['application/json']?.examples ?? {};
      for (const [name, example] of Object.entries(examples)) {
        const body = deref<JsonObject>(example).value as { code: string; retryable: boolean };
        const entry = catalogue[body.code];
        expect(entry, `${status} ${name}: ${body.code} is catalogued`).toBeDefined();
        expect(String(entry?.status), `${status} ${name}: ${body.code}`).toBe(status);
        expect(body.retryable, `${status} ${name}: ${body.code} retryable`).toBe(entry?.retryable);
      }
    }
  });

  it.each(operations.filter(({ method }) => method !== 'get'))(
    '$label requires X-Idempotency-Key',
    ({ op }) => {
      const key = parametersOf(op).find((p) => p.in === 'header' && p.name === 'X-Idempotency-Key');
      expect(key?.required).toBe(true);
    },
  );

  it.each(operations.filter(({ route }) => route !== '/health'))(
    '$label requires X-Brand-Id, X-Region and X-Provider-Id',
    ({ op }) => {
      const required = parametersOf(op)
        .filter((p) => p.in === 'header' && p.required)
        .map((p) => p.name);
      expect(required).toEqual(expect.arrayContaining(['X-Brand-Id', 'X-Region', 'X-Provider-Id']));
    },
  );

  it('requires the scopes of the design, with mTLS, on every operation but /health', () => {
    const scopes = Object.fromEntries(operations.map(({ op }) => [op.operationId, op.security]));
    const both = (scope: string) => [{ mtls: [], oauth2: [scope] }];
    expect(scopes).toEqual({
      getHealth: [],
      createSession: both('sessions:write'),
      getSession: both('sessions:read'),
      endSession: both('sessions:write'),
      authorizeBet: both('bets:write'),
      settleBet: both('settlements:write'),
      rollbackBet: both('bets:write'),
      getBalance: both('balances:read'),
      walletDebit: both('bets:write'),
      walletCredit: both('bets:write'),
      walletRollback: both('bets:write'),
      checkResponsibleGaming: both('bets:write'),
    });
  });

  it('documents the error responses authorize can produce', () => {
    expect(Object.keys(operationById('authorizeBet').op.responses).sort()).toEqual(
      [
        '200',
        '400',
        '401',
        '402',
        '403',
        '404',
        '409',
        '410',
        '413',
        '415',
        '422',
        '429',
        '500',
        '503',
      ].sort(),
    );
  });
});

describe('the error catalogue', () => {
  const enumCodes = (doc.components.schemas.ErrorCode as { enum: string[] }).enum;
  const catalogue = doc['x-error-catalogue'];

  it('lists exactly the ErrorCode enum', () => {
    expect(Object.keys(catalogue).sort()).toEqual([...enumCodes].sort());
    expect(new Set(enumCodes).size).toBe(enumCodes.length);
  });

  it.each(Object.entries(catalogue))(
    '%s has an error status, retryability and a description',
    (_code, entry) => {
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      expect(typeof entry.retryable).toBe('boolean');
      expect(entry.description.length).toBeGreaterThan(10);
    },
  );

  it('keeps the statuses and retryability of the design', () => {
    const summary = Object.fromEntries(
      Object.entries(catalogue).map(([code, e]) => [code, `${e.status}${e.retryable ? 'r' : ''}`]),
    );
    expect(summary).toMatchObject({
      VALIDATION_FAILED: '400',
      DUPLICATE: '409',
      IDEMPOTENCY_MISMATCH: '409',
      BET_ROLLED_BACK: '409',
      INSUFFICIENT_FUNDS: '402',
      SESSION_EXPIRED: '410',
      RATE_LIMITED: '429r',
      INTERNAL_ERROR: '500r',
      PLATFORM_DEGRADED: '503r',
      NEW_SESSIONS_STOPPED: '503',
    });
  });
});
