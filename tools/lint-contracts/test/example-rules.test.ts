import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { file, serviceOrSkip } from '@croupier/test-services';
import { type ContractDiagnostic, lintContracts } from '../src/index.ts';

/**
 * `.spectral.yaml` runs spectral:oas's two example rules through a copy of their function that compiles one
 * validator per distinct schema (functions/exampleMatchesSchema.js). Whatever the speed-up, the findings must
 * be Spectral's own: same rule, message, path, line and column, on small documents written to reach each
 * branch and on the 1.5 MB Twilio description (241 findings) when ../shared is there.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(repoRoot, 'tools/lint-contracts/test/fixtures/examples');
const upstream = path.join(fixtures, 'upstream.spectral.yaml');
const twilio = path.resolve(
  repoRoot,
  '../shared/fixtures/public-specs/openapi-large/twilio-api-v2010-2.5.0.yaml',
);
const EXAMPLE_RULES = new Set(['oas3-valid-media-example', 'oas3-valid-schema-example']);

async function exampleFindings(file: string, ruleset?: string): Promise<ContractDiagnostic[]> {
  const result = await lintContracts({ root: repoRoot, files: [file], ...(ruleset ? { ruleset } : {}) });
  return result.diagnostics.filter((d) => EXAMPLE_RULES.has(d.rule));
}

describe('example rules: the repository copy finds exactly what spectral:oas finds', () => {
  it.each(['oas30-examples.yaml', 'oas31-examples.yaml'])('%s', async (name) => {
    const file = path.join(fixtures, name);
    const ours = await exampleFindings(file);
    // The fixtures are written to fail: a copy that found nothing would also "agree" with a broken upstream.
    expect(ours.length).toBeGreaterThanOrEqual(3);
    expect(ours).toEqual(await exampleFindings(file, upstream));
  });

  it('on Twilio 2.5.0 (../shared)', async () => {
    if (
      !(await serviceOrSkip(
        file(twilio, 'clone shared/ beside the repository (CI does)'),
        'the example rules on Twilio',
      ))
    ) {
      return;
    }
    const ours = await exampleFindings(twilio);
    expect(ours.length).toBe(241);
    expect(ours).toEqual(await exampleFindings(twilio, upstream));
  }, 120_000);
});
