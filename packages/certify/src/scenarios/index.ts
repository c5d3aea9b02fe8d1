import type { Contract } from '../contract.ts';
import type { Scenario } from '../scenario.ts';
import { attackScenarios } from './attacks.ts';
import { chaosScenarios } from './chaos.ts';
import { concurrencyScenarios } from './concurrency.ts';
import { contractScenarios } from './contract-driven.ts';
import { edgeCaseScenarios } from './edge-cases.ts';
import { errorHandlingScenarios } from './error-handling.ts';
import { eventScenarios } from './events.ts';
import { happyPathScenarios } from './happy-path.ts';
import { idempotencyScenarios } from './idempotency.ts';
import { loadScenarios } from './load.ts';
import { playerRuleScenarios } from './player-rules.ts';
import { signatureScenarios } from './signatures.ts';

/** The whole protocol, in report order. Contract-driven checks are generated from the contract at hand. */
export function allScenarios(contract: Contract): Scenario[] {
  return [
    ...happyPathScenarios,
    ...idempotencyScenarios,
    ...errorHandlingScenarios,
    ...playerRuleScenarios,
    ...signatureScenarios,
    ...attackScenarios,
    ...edgeCaseScenarios,
    ...concurrencyScenarios,
    ...contractScenarios(contract),
    ...chaosScenarios,
    ...loadScenarios,
    ...eventScenarios,
  ];
}
