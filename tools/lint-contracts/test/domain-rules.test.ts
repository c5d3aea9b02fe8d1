import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { type ContractDiagnostic, formatLintResult, type LintResult, lintContracts } from '../src/index.ts';
import { loadRuleset } from '../src/spectral-run.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const rulesetFile = path.join(repoRoot, '.spectral.yaml');
const fixturesRoot = path.join(repoRoot, 'tools/lint-contracts/test/fixtures/rules');

const DOMAIN_RULES = [
  'croupier-idempotency-key-on-writes',
  'croupier-error-schema',
  'croupier-versioned-paths',
  'croupier-amount-is-decimal-string',
  'croupier-operation-complete',
  'croupier-deprecation-sunset',
  'croupier-event-schema-version',
] as const;

const REAL_CONTRACTS = ['contracts/openapi/provider-platform.yaml', 'contracts/asyncapi/events.yaml'];

const errorsOf = (result: LintResult): ContractDiagnostic[] =>
  result.diagnostics.filter((d) => d.severity === 'error');
const explain = (result: LintResult): string => formatLintResult(result);

/** Every fixture, linted once up front and concurrently: the rule tests then only read results. */
const fixtureResults = new Map<string, LintResult>();

async function fixturesOf(rule: string): Promise<string[]> {
  const entries = await readdir(path.join(fixturesRoot, rule));
  return entries.filter((e) => /^(good|bad).*\.yaml$/.test(e)).map((e) => path.join(fixturesRoot, rule, e));
}

beforeAll(async () => {
  const files = (await Promise.all(DOMAIN_RULES.map(fixturesOf))).flat();
  await Promise.all(
    files.map(async (file) => {
      fixtureResults.set(file, await lintContracts({ root: repoRoot, files: [file] }));
    }),
  );
});

describe('the ruleset', () => {
  it('declares every domain rule at severity error, next to spectral:oas and spectral:asyncapi', async () => {
    const ruleset = await loadRuleset(rulesetFile);
    for (const rule of DOMAIN_RULES) {
      expect(ruleset.rules[rule], `${rule} is missing from .spectral.yaml`).toBeDefined();
      expect(ruleset.rules[rule]?.severity, `${rule} must be an error`).toBe(0);
    }
    expect(ruleset.rules['oas3-schema']).toBeDefined();
    expect(ruleset.rules['asyncapi-3-schema'] ?? ruleset.rules['asyncapi-schema']).toBeDefined();
  });
});

describe.each(DOMAIN_RULES)('%s', (rule) => {
  it('has a good and a bad fixture', async () => {
    const names = (await fixturesOf(rule)).map((f) => path.basename(f));
    expect(names).toContain('good.yaml');
    expect(names).toContain('bad.yaml');
  });

  it('passes every good fixture with no errors', async () => {
    for (const file of (await fixturesOf(rule)).filter((f) => path.basename(f).startsWith('good'))) {
      const result = fixtureResults.get(file)!;
      expect(errorsOf(result), `${path.basename(file)}:\n${explain(result)}`).toEqual([]);
    }
  });

  it('fails every bad fixture with exactly this rule, with a message saying what to do', async () => {
    for (const file of (await fixturesOf(rule)).filter((f) => path.basename(f).startsWith('bad'))) {
      const result = fixtureResults.get(file)!;
      const errors = errorsOf(result);
      expect(errors.length, `${path.basename(file)} should fail:\n${explain(result)}`).toBeGreaterThan(0);
      expect(new Set(errors.map((d) => d.rule)), explain(result)).toEqual(new Set([rule]));
      expect(result.ok).toBe(false);
      for (const error of errors) {
        expect(error.line).toBeGreaterThan(0);
        expect(error.message).toMatch(/: (add|make|move|set|use|give)\b/);
      }
    }
  });
});

describe('the report', () => {
  it('prints `file:line:col severity rule message` lines grouped under each file, and a summary', () => {
    const file = path.join(fixturesRoot, 'croupier-versioned-paths/bad.yaml');
    const text = formatLintResult(fixtureResults.get(file)!);
    const relative = 'tools/lint-contracts/test/fixtures/rules/croupier-versioned-paths/bad.yaml';
    expect(text).toContain(`${relative}\n`);
    expect(text).toMatch(
      new RegExp(
        `^  ${relative.replace(/[.]/g, '\\.')}:13:\\d+ error croupier-versioned-paths Path \`/bets/authorize\``,
        'm',
      ),
    );
    expect(text).toMatch(/✖ 1 contract file\(s\): 2 error\(s\)/);
  });
});

describe('the Spectral CLI', () => {
  it('reads .spectral.yaml and reports the same errors as the in-process lint', async () => {
    const file = path.join(fixturesRoot, 'croupier-amount-is-decimal-string/bad-asyncapi.yaml');
    const cli = path.join(repoRoot, 'node_modules/.bin/spectral');
    // The CLI exits 1 when it finds errors; its JSON report is on stdout either way.
    const { stdout } = await promisify(execFile)(cli, ['lint', '-f', 'json', '--quiet', file], {
      cwd: repoRoot,
    }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    const fromCli = (
      JSON.parse(stdout) as Array<{ code: string; severity: number; range: { start: { line: number } } }>
    )
      .filter((d) => d.severity === 0)
      .map((d) => `${d.code}@${d.range.start.line + 1}`);
    const inProcess = errorsOf(fixtureResults.get(file)!).map((d) => `${d.rule}@${d.line}`);
    expect(fromCli.length).toBeGreaterThan(0);
    expect(new Set(fromCli)).toEqual(new Set(inProcess));
  });
});

const contractsPresent = REAL_CONTRACTS.every((f) => existsSync(path.join(repoRoot, f)));
if (!contractsPresent) {
  console.warn(
    `[lint-contracts] skipping the real-contract checks: ${REAL_CONTRACTS.join(' and ')} not found yet.`,
  );
}

describe.skipIf(!contractsPresent)('the real contracts', () => {
  it('lint with zero errors', async () => {
    const result = await lintContracts({ root: repoRoot });
    expect(result.files).toEqual(expect.arrayContaining(REAL_CONTRACTS));
    expect(errorsOf(result), explain(result)).toEqual([]);
  });

  // Guards against a vacuous pass: the rules must actually reach the real documents, including the
  // event JSON Schemas behind the AsyncAPI payload $refs.
  describe('with a violation planted in a copy', () => {
    let copyRoot = '';
    let result: LintResult;

    beforeAll(async () => {
      copyRoot = await mkdtemp(path.join(tmpdir(), 'croupier-lint-'));
      await cp(path.join(repoRoot, 'contracts'), path.join(copyRoot, 'contracts'), { recursive: true });

      const openapiFile = path.join(copyRoot, REAL_CONTRACTS[0]!);
      const openapi = YAML.parse(await readFile(openapiFile, 'utf8'));
      const authorize = openapi.paths['/v1/bets/authorize'].post;
      authorize.parameters = authorize.parameters.filter(
        (p: { $ref?: string; name?: string }) => !/idempotency/i.test(p.$ref ?? p.name ?? ''),
      );
      openapi.paths['/sessions'] = openapi.paths['/v1/sessions'];
      delete openapi.paths['/v1/sessions'];
      await writeFile(openapiFile, YAML.stringify(openapi));

      const moneyFile = path.join(copyRoot, 'contracts/schemas/events/money/1.0.0.json');
      const money = JSON.parse(await readFile(moneyFile, 'utf8'));
      money.properties.amount = { type: 'number' };
      await writeFile(moneyFile, JSON.stringify(money, null, 2));

      const envelopeFile = path.join(copyRoot, 'contracts/schemas/events/envelope/1.0.0.json');
      const envelope = JSON.parse(await readFile(envelopeFile, 'utf8'));
      envelope.required = envelope.required.filter((name: string) => name !== 'schema_version');
      await writeFile(envelopeFile, JSON.stringify(envelope, null, 2));
      for (const eventType of await readdir(path.join(copyRoot, 'contracts/schemas/events'))) {
        for (const version of await readdir(path.join(copyRoot, 'contracts/schemas/events', eventType))) {
          const file = path.join(copyRoot, 'contracts/schemas/events', eventType, version);
          const schema = JSON.parse(await readFile(file, 'utf8'));
          if (!Array.isArray(schema.required)) continue;
          schema.required = schema.required.filter((name: string) => name !== 'schema_version');
          await writeFile(file, JSON.stringify(schema, null, 2));
        }
      }

      result = await lintContracts({ root: copyRoot, ruleset: rulesetFile });
    });

    afterAll(async () => {
      if (copyRoot !== '') await rm(copyRoot, { recursive: true, force: true });
    });

    it('finds the missing idempotency key and the unversioned path in the OpenAPI document', () => {
      const rules = errorsOf(result)
        .filter((d) => d.file === REAL_CONTRACTS[0])
        .map((d) => d.rule);
      expect(rules, explain(result)).toContain('croupier-idempotency-key-on-writes');
      expect(rules, explain(result)).toContain('croupier-versioned-paths');
    });

    it('finds the float amount and the missing schema_version through the event schema $refs', () => {
      const errors = errorsOf(result);
      expect(
        errors.some(
          (d) => d.rule === 'croupier-amount-is-decimal-string' && d.file.endsWith('money/1.0.0.json'),
        ),
        explain(result),
      ).toBe(true);
      expect(
        errors.some((d) => d.rule === 'croupier-event-schema-version'),
        explain(result),
      ).toBe(true);
    });
  });
});
