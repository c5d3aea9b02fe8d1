import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { validateAsyncApi } from './asyncapi-validate.ts';
import { defaultContractFiles, displayPath, isAsyncApiDocument } from './contract-files.ts';
import { type ContractDiagnostic, dedupe, type LintResult, sortDiagnostics } from './diagnostics.ts';
import { SPECTRAL_DEFAULT_RULESET } from './ruleset-load.ts';
import { runSpectral } from './spectral-run.ts';

export type { ContractDiagnostic, LintResult, Severity } from './diagnostics.ts';
export { formatLintResult } from './report.ts';
export { CONTRACT_DIRECTORIES, defaultContractFiles } from './contract-files.ts';

export interface LintContractsOptions {
  /** Repository root: holds `.spectral.yaml`, and relative `files` are resolved against it. */
  root: string;
  /** Documents to lint; defaults to `contracts/openapi/*.yaml` and `contracts/asyncapi/*.yaml`. */
  files?: string[];
  /** Ruleset file; defaults to `<root>/.spectral.yaml`, or Spectral's own rulesets when there is none. */
  ruleset?: string;
}

/**
 * Lints contract documents in-process: Spectral with the repository ruleset on each, plus the
 * AsyncAPI parser's validation on AsyncAPI documents. Never throws for findings, only for a missing
 * file or a broken ruleset.
 */
export async function lintContracts(options: LintContractsOptions): Promise<LintResult> {
  const root = path.resolve(options.root);
  const projectRuleset = path.resolve(root, '.spectral.yaml');
  const rulesetFile = options.ruleset
    ? path.resolve(root, options.ruleset)
    : existsSync(projectRuleset)
      ? projectRuleset
      : SPECTRAL_DEFAULT_RULESET;
  const files = options.files ?? (await defaultContractFiles(root));

  const perFile = await Promise.all(
    files.map(async (file): Promise<ContractDiagnostic[]> => {
      const absolute = path.resolve(root, file);
      const text = await readFile(absolute, 'utf8');
      const spectral = runSpectral(root, rulesetFile, absolute, text);
      const asyncapi = isAsyncApiDocument(text) ? validateAsyncApi(root, absolute) : Promise.resolve([]);
      return [...(await spectral), ...(await asyncapi)];
    }),
  );

  const diagnostics = sortDiagnostics(dedupe(perFile.flat()));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  return {
    files: files.map((file) => displayPath(root, path.resolve(root, file))),
    diagnostics,
    errors,
    warnings,
    ok: errors === 0,
  };
}
