import type { CheckDefinition } from '../model.ts';
import { croupierChecks } from './croupier.ts';
import { openapiChecks } from './openapi/index.ts';

/** Every check the gate knows, by id. */
export const catalogue: ReadonlyMap<string, CheckDefinition> = new Map(
  [...openapiChecks, ...croupierChecks].map((check) => [check.id, check]),
);

export function definitionOf(id: string): CheckDefinition {
  const check = catalogue.get(id);
  if (!check) throw new Error(`unknown check id ${id}`);
  return check;
}
