import type { Contract } from '../contract.ts';
import type { RunResult } from '../runner.ts';
import type { RequestSigner } from '../scenario.ts';

/** What the run saw of the target's security: the brief's "security summary" deliverable. */
export interface SecuritySummary {
  keys: Array<{ keyId: string; algorithm: string; source: string }>;
  algorithms: string[];
  scopes: Array<{ operationId: string; scopes: string[] }>;
  rotations: Array<{ keyId: string; at?: string; note?: string }>;
  /** Whether the target refused unsigned / unauthenticated requests during the run. */
  enforced?: boolean;
  notes: string[];
}

export function summariseSecurity(
  run: RunResult,
  contract: Contract,
  signer?: RequestSigner,
  supplied: Partial<SecuritySummary> = {},
): SecuritySummary {
  const keys = new Map<string, { keyId: string; algorithm: string; source: string }>();
  if (signer) {
    const described = signer.describe();
    keys.set(described.keyId, {
      keyId: described.keyId,
      algorithm: described.algorithm,
      source: 'certify signer',
    });
  }
  for (const result of run.results) {
    for (const exchange of result.evidence) {
      const keyId = exchange.requestHeaders['x-signature-key-id'];
      const signature = exchange.requestHeaders['x-signature'];
      // The evidence holds only the signature's fingerprint, so the header cannot name the algorithm.
      if (keyId && signature && !keys.has(keyId)) {
        keys.set(keyId, { keyId, algorithm: 'unknown', source: 'request headers' });
      }
    }
  }
  for (const key of supplied.keys ?? []) keys.set(key.keyId, key);
  const algorithms = [
    ...new Set([
      ...[...keys.values()].map((k) => k.algorithm).filter((a) => a !== 'unknown'),
      ...(supplied.algorithms ?? []),
    ]),
  ];
  const scopes = contract.operations
    .filter((op) => op.scopes.length > 0)
    .map((op) => ({ operationId: op.operationId, scopes: op.scopes }));
  const notes = [...(supplied.notes ?? [])];
  if (run.ledger.securityDetected === false)
    notes.push('The target accepted unsigned requests: security is off.');
  if (run.ledger.securityDetected === true)
    notes.push('The target refused unsigned requests: security is on.');
  return {
    keys: [...keys.values()],
    algorithms,
    scopes: supplied.scopes ?? scopes,
    rotations: supplied.rotations ?? [],
    enforced: supplied.enforced ?? run.ledger.securityDetected,
    notes,
  };
}
