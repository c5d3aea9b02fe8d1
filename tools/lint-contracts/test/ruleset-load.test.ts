import * as fs from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, type Ruleset, Spectral } from '@stoplight/spectral-core';
import Parsers from '@stoplight/spectral-parsers';
import { bundleAndLoadRuleset } from '@stoplight/spectral-ruleset-bundler/with-loader';
import { describe, expect, it } from 'vitest';
import { directDefinition, loadRulesetFile } from '../src/ruleset-load.ts';

/** The ruleset built without the bundler must be the bundler's: same findings on every fixture and contract. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const rulesetFile = path.join(repoRoot, '.spectral.yaml');

async function documents(): Promise<string[]> {
  const files = ['contracts/openapi/provider-platform.yaml', 'contracts/asyncapi/events.yaml'].map((f) =>
    path.join(repoRoot, f),
  );
  const fixtures = path.join(repoRoot, 'tools/lint-contracts/test/fixtures');
  for (const dir of ['rules', 'examples']) {
    const entries = await readdir(path.join(fixtures, dir), { recursive: true });
    for (const e of entries)
      if (/\.ya?ml$/.test(e) && !e.endsWith('.spectral.yaml')) files.push(path.join(fixtures, dir, e));
  }
  return files.sort();
}

async function findings(ruleset: Ruleset, file: string) {
  const spectral = new Spectral();
  spectral.setRuleset(ruleset);
  const results = await spectral.run(new Document(await readFile(file, 'utf8'), Parsers.Yaml, file));
  return results.map((r) => ({
    code: r.code,
    message: r.message,
    path: r.path,
    range: r.range,
    severity: r.severity,
  }));
}

describe('ruleset built directly from .spectral.yaml', () => {
  it('is built without the bundler for the repository ruleset', async () => {
    expect(await directDefinition(rulesetFile)).toBeDefined();
  });

  it('finds what the bundled ruleset finds', async () => {
    const direct = await loadRulesetFile(rulesetFile);
    const bundled = await bundleAndLoadRuleset(rulesetFile, { fs, fetch });
    expect(Object.keys(direct.rules).sort()).toEqual(Object.keys(bundled.rules).sort());
    const files = await documents();
    expect(files.length).toBeGreaterThan(10);
    for (const file of files)
      expect(await findings(direct, file), file).toEqual(await findings(bundled, file));
  }, 120_000);
});
