import type { CheckDefinition } from '../model.ts';
import { croupierChecks, levelOverrides } from './croupier.ts';
import { CHECK_IDS, type CheckId } from './ids.ts';
import { openapiChecks } from './openapi/index.ts';

/**
 * Removing an operation, path or parameter is a compatibility change whatever its deprecation said, so
 * `--only breaking` judges it; oasdiff's registry files these under deprecation. Declaring a deprecation
 * (sunset dates, stability levels, headers) stays in the deprecation part, which the full gate runs.
 */
const REMOVAL =
  /-removed-(before-sunset|without-deprecation|with-deprecation|without-sunset)$|^api-sunset-below-stability-period$/;

/** Every check the gate knows, by id. */
export const catalogue: ReadonlyMap<CheckId, CheckDefinition> = new Map(
  [...openapiChecks, ...croupierChecks].map((check) => {
    const override = levelOverrides[check.id];
    const part = REMOVAL.test(check.id) ? 'breaking' : check.part;
    return [check.id as CheckId, { ...check, part, level: override?.level ?? check.level }];
  }),
);

const KNOWN: ReadonlySet<string> = new Set(CHECK_IDS);

/** Narrows a string read from outside (an ignore file, a CLI argument, a composed name) to a check id. */
export function isCheckId(id: string): id is CheckId {
  return KNOWN.has(id);
}

export function definitionOf(id: string): CheckDefinition {
  const check = isCheckId(id) ? catalogue.get(id) : undefined;
  if (!check) throw new Error(`unknown check id ${id}`);
  return check;
}
