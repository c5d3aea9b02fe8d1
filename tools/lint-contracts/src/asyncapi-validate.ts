import path from 'node:path';
import type { Parser } from '@asyncapi/parser';
import { type ContractDiagnostic, severityName } from './diagnostics.ts';
import { displayPath } from './contract-files.ts';

// Loading @asyncapi/parser costs ~1.2 s of CPU (its models and Spectral rulesets), so only a run that meets
// an AsyncAPI document pays for it; linting one OpenAPI document never does.
let parser: Promise<{ parser: Parser; fromFile: typeof import('@asyncapi/parser').fromFile }> | undefined;

/**
 * The AsyncAPI validator proper: @asyncapi/parser checks the document against the spec's JSON Schema,
 * resolves every `$ref` and parses the payload schemas. Its own recommendations duplicate spectral:asyncapi,
 * so only its errors are kept.
 */
export async function validateAsyncApi(root: string, file: string): Promise<ContractDiagnostic[]> {
  parser ??= import('@asyncapi/parser').then(({ fromFile, Parser }) => ({ parser: new Parser(), fromFile }));
  const loaded = await parser;
  const absolute = path.resolve(root, file);
  const { document, diagnostics } = await loaded.fromFile(loaded.parser, absolute).parse();
  const errors: ContractDiagnostic[] = diagnostics
    .filter((d) => d.severity === 0)
    .map((d) => ({
      file: displayPath(root, d.source ?? absolute),
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      severity: severityName(d.severity),
      rule: String(d.code),
      message: d.message,
      path: [...d.path],
    }));
  if (document === undefined && errors.length === 0) {
    errors.push({
      file: displayPath(root, absolute),
      line: 1,
      column: 1,
      severity: 'error',
      rule: 'asyncapi-parser',
      message:
        '@asyncapi/parser could not parse this document and gave no reason: run `npx asyncapi validate` on it.',
      path: [],
    });
  }
  return errors;
}
