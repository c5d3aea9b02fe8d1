import path from 'node:path';
import { Document, type ISpectralDiagnostic, type Ruleset, Spectral } from '@stoplight/spectral-core';
import Parsers from '@stoplight/spectral-parsers';
import { type ContractDiagnostic, severityName } from './diagnostics.ts';
import { displayPath } from './contract-files.ts';
import { loadRulesetFile } from './ruleset-load.ts';

// spectral-parsers is CommonJS whose re-exports Node cannot see as named ESM exports, hence the default import.
// Building the ruleset is a fixed cost of a run (ruleset-load.ts); one build per ruleset file serves every
// document and every call in the process.
const rulesets = new Map<string, Promise<Ruleset>>();

export function loadRuleset(rulesetFile: string): Promise<Ruleset> {
  let ruleset = rulesets.get(rulesetFile);
  if (ruleset === undefined) {
    ruleset = loadRulesetFile(rulesetFile);
    ruleset.catch(() => rulesets.delete(rulesetFile));
    rulesets.set(rulesetFile, ruleset);
  }
  return ruleset;
}

function toDiagnostic(root: string, documentFile: string, d: ISpectralDiagnostic): ContractDiagnostic {
  return {
    file: displayPath(root, d.source ?? documentFile),
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    severity: severityName(d.severity),
    rule: String(d.code),
    message: d.message,
    path: [...d.path],
  };
}

/** Lints one document with the ruleset; `$ref`s are resolved relative to the document's own path. */
export async function runSpectral(
  root: string,
  rulesetFile: string,
  file: string,
  text: string,
): Promise<ContractDiagnostic[]> {
  const spectral = new Spectral();
  spectral.setRuleset(await loadRuleset(rulesetFile));
  const absolute = path.resolve(root, file);
  const document = /\.json$/i.test(file)
    ? new Document(text, Parsers.Json, absolute)
    : new Document(text, Parsers.Yaml, absolute);
  const results = await spectral.run(document);
  return results.map((d) => toDiagnostic(root, absolute, d));
}
