import { operations } from '@croupier/server';
import { describe, expect, it } from 'vitest';
import {
  createOperationMatcher,
  loadErrorCatalogue,
  loadOperationSecurity,
  requiredScopes,
  securityErrors,
} from '../src/index.ts';

describe('security reads the contract', () => {
  it("its error codes match the contract's x-error-catalogue", () => {
    const catalogue = loadErrorCatalogue();
    for (const [code, entry] of Object.entries(securityErrors)) {
      expect(catalogue[code], code).toMatchObject({ status: entry.status, retryable: entry.retryable });
    }
  });

  it('scopes per operation come from the document and agree with the generated operations table', () => {
    const fromDocument = loadOperationSecurity();
    expect(Object.keys(fromDocument).sort()).toEqual(Object.keys(operations).sort());
    for (const [id, op] of Object.entries(operations)) {
      expect(fromDocument[id]?.scopes, id).toEqual([...op.scopes]);
      expect(requiredScopes(fromDocument[id]!)).toEqual(requiredScopes(op));
    }
    expect(requiredScopes(fromDocument.authorizeBet!)).toEqual(['bets:write']);
    expect(requiredScopes(fromDocument.getHealth!)).toEqual([]);
  });

  it('matches concrete requests to operations, literal segments first', () => {
    const match = createOperationMatcher(operations);
    expect(match('POST', '/v1/sessions/s_456/end')?.operationId).toBe('endSession');
    expect(match('GET', '/v1/sessions/s_456?x=1')?.operationId).toBe('getSession');
    expect(match('GET', '/v1/players/p_demo_1/balance')?.operationId).toBe('getBalance');
    expect(match('DELETE', '/v1/sessions/s_456')).toBeUndefined();
  });
});
