import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintContracts } from '../src/index.ts';

// A project without a .spectral.yaml (a provider's own repository) is linted with Spectral's own
// rulesets, not refused: the gate's full run there must not fail on a file the project never had.
describe('lint without a project ruleset', () => {
  it('uses spectral:oas and spectral:asyncapi when the project has no .spectral.yaml', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'lint-no-ruleset-'));
    writeFileSync(
      path.join(root, 'api.yaml'),
      'openapi: 3.1.0\ninfo: {title: t, version: 1.0.0}\npaths:\n  /pets:\n    get:\n      responses: {"200": {description: ok}}\n',
    );
    const result = await lintContracts({ root, files: ['api.yaml'] });
    const rules = new Set(result.diagnostics.map((d) => d.rule));
    expect(rules).toContain('operation-operationId');
    expect(rules).toContain('info-contact');
  });

  it('still refuses a ruleset that was named and is missing', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'lint-no-ruleset-'));
    writeFileSync(
      path.join(root, 'api.yaml'),
      'openapi: 3.1.0\ninfo: {title: t, version: 1.0.0}\npaths: {}\n',
    );
    await expect(lintContracts({ root, files: ['api.yaml'], ruleset: 'missing.yaml' })).rejects.toThrow();
  });
});
