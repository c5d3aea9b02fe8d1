import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Contract } from '../src/contract.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'certify-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reads a contract split over files: refs to other files, chains of refs, headers beside the response', async () => {
  writeFileSync(
    path.join(dir, 'api.yaml'),
    `openapi: 3.1.0
info: { title: split, version: 2.0.0 }
paths:
  /bets/{bet_id}:
    parameters:
      - $ref: 'parts/parameters.yaml#/BetId'
    get:
      operationId: getBet
      responses:
        '200':
          $ref: 'parts/responses.yaml#/Bet'
`,
  );
  const parts = path.join(dir, 'parts');
  mkdirSync(parts);
  mkdirSync(path.join(dir, 'schemas'));
  writeFileSync(
    path.join(parts, 'parameters.yaml'),
    'BetId: { $ref: "#/Alias" }\nAlias: { name: bet_id, in: path, required: true, schema: { type: string } }\n',
  );
  writeFileSync(
    path.join(parts, 'responses.yaml'),
    `Bet:
  description: the bet
  headers:
    X-Trace-Id: { $ref: '#/TraceHeader' }
  content:
    application/json:
      schema: { $ref: '../schemas/bet.yaml' }
TraceHeader: { required: true, schema: { type: string } }
`,
  );
  writeFileSync(
    path.join(dir, 'schemas/bet.yaml'),
    'type: object\nrequired: [bet_id, stake]\nproperties:\n  bet_id: { type: string }\n  stake: { $ref: "money.yaml" }\n',
  );
  writeFileSync(
    path.join(dir, 'schemas/money.yaml'),
    'type: object\nrequired: [amount]\nproperties:\n  amount: { type: string, pattern: "^[0-9]+\\\\.[0-9]{2}$" }\n',
  );

  const contract = await Contract.load(path.join(dir, 'api.yaml'));
  const op = contract.findOperation('GET', '/bets/b_1');
  expect(op?.pathParameters).toEqual(['bet_id']);
  const response = op?.responses.get('200');
  expect(response?.headers).toEqual([{ name: 'x-trace-id', required: true, schema: { type: 'string' } }]);
  const pointer = response?.schemaPointer ?? '';
  expect(contract.validate(pointer, { bet_id: 'b_1', stake: { amount: '1.00' } })).toEqual([]);
  expect(contract.validate(pointer, { bet_id: 'b_1', stake: { amount: '1' } })).toEqual([
    '/stake/amount must match pattern "^[0-9]+\\.[0-9]{2}$"',
  ]);
});
