import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadDocument } from '../src/load/document.ts';
import { listDeprecations } from '../src/deprecations.ts';
import { runGate } from '../src/gate.ts';
import { checkChangeset } from '../src/policy/changeset.ts';
import { formatReport } from '../src/report/index.ts';

const PAIRS = path.resolve(import.meta.dirname, 'fixtures/pairs');
const pair = (name: string): [string, string] => [
  path.join(PAIRS, name, 'base.yaml'),
  path.join(PAIRS, name, 'head.yaml'),
];
const NOW = new Date('2026-06-01T00:00:00Z');
const ids = (r: { findings: Array<{ id: string; suppressed?: unknown }> }) =>
  r.findings.filter((f) => !f.suppressed).map((f) => f.id);

/** Writes a variant of a fixture pair's head with `edit` applied, in a fresh directory. */
function variant(
  name: string,
  edit: (head: Record<string, any>, base: Record<string, any>) => void,
): [string, string] {
  const dir = mkdtempSync(path.join(tmpdir(), 'gate-policy-'));
  const [b, h] = pair(name);
  const base = parse(readFileSync(b, 'utf8'));
  const head = parse(readFileSync(h, 'utf8'));
  edit(head, base);
  writeFileSync(path.join(dir, 'base.yaml'), stringify(base));
  writeFileSync(path.join(dir, 'head.yaml'), stringify(head));
  return [path.join(dir, 'base.yaml'), path.join(dir, 'head.yaml')];
}

describe('SemVer', () => {
  it('fails when info.version is not bumped as far as the change needs', async () => {
    const r = await runGate(...pair('oas30-optional-request-field-added'), { only: 'semver', now: NOW });
    expect(r.neededBump).toBe('minor');
    expect(ids(r)).toEqual(['semver-bump-too-small']);
    expect(r.failed).toBe(true);
  });
  it('passes with a minor bump for an additive change, and asks for patch on docs-only changes', async () => {
    const minor = await runGate(
      ...variant('oas30-optional-request-field-added', (h) => {
        h.info.version = '1.1.0';
      }),
      { only: 'semver', now: NOW },
    );
    expect(minor.failed).toBe(false);
    const docs = await runGate(...pair('oas30-description-only'), { only: 'semver', now: NOW });
    expect(docs.neededBump).toBe('patch');
    expect(ids(docs)).toEqual(['semver-bump-too-small']);
  });
  it('asks for a minor release for a deprecation (with or without its sunset) and a major one for a removal before the sunset', async () => {
    const withoutSunset = await runGate(...pair('multi-deprecated-without-sunset'), {
      only: 'semver',
      now: NOW,
    });
    expect(withoutSunset.neededBump).toBe('minor');
    const withSunset = await runGate(...pair('multi-deprecated-with-sunset-and-headers'), {
      only: 'semver',
      now: NOW,
    });
    expect(withSunset.neededBump).toBe('minor');
    const removed = await runGate(...pair('multi-operation-removed-before-sunset'), {
      only: 'semver',
      now: NOW,
    });
    expect(removed.neededBump).toBe('major');
  });
  it('fails a breaking change inside /v1 outright, even with a major bump', async () => {
    const r = await runGate(
      ...variant('oas30-path-removed', (h) => {
        h.info.version = '2.0.0';
      }),
      { only: 'semver', now: NOW },
    );
    expect(ids(r)).toEqual(['semver-breaking-in-major-prefix']);
    expect(r.findings[0]?.message).toMatch(/\/v2/);
  });
  it('reports a decreasing version', async () => {
    const r = await runGate(
      ...variant('oas30-optional-request-field-added', (h) => {
        h.info.version = '0.9.0';
      }),
      { only: 'semver', now: NOW },
    );
    expect(ids(r)).toEqual(['semver-version-decreased']);
  });
});

describe('changesets', () => {
  const repo = (files: Record<string, string>) => {
    const root = mkdtempSync(path.join(tmpdir(), 'gate-changeset-'));
    mkdirSync(path.join(root, '.changeset'));
    writeFileSync(path.join(root, '.changeset/config.json'), '{}');
    for (const [name, text] of Object.entries(files))
      writeFileSync(path.join(root, '.changeset', name), text);
    return root;
  };
  it('requires a changeset of at least the needed level', () => {
    expect(checkChangeset(repo({}), 'minor').problem?.id).toBe('changeset-missing');
    expect(
      checkChangeset(repo({ 'a.md': '---\n"@croupier/contracts": patch\n---\n\nfix docs\n' }), 'minor')
        .problem?.id,
    ).toBe('changeset-level-too-low');
    expect(
      checkChangeset(repo({ 'a.md': '---\n"@croupier/contracts": minor\n---\n\nadd field\n' }), 'minor')
        .problem,
    ).toBeUndefined();
    expect(checkChangeset(repo({}), 'none').problem).toBeUndefined();
  });
  it('is part of the gate when a repository root is given', async () => {
    const r = await runGate(
      ...variant('oas30-optional-request-field-added', (h) => {
        h.info.version = '1.1.0';
      }),
      { only: 'semver', now: NOW, repoRoot: repo({}) },
    );
    expect(ids(r)).toEqual(['changeset-missing']);
  });
});

describe('sunset clock and deprecation windows', () => {
  const removal = (sunset: string) =>
    variant('oas30-path-removed', (_h, b) => {
      Object.assign(b.paths['/v1/bets/{betId}'].get, { deprecated: true, 'x-sunset': sunset });
    });
  it('allows a removal only once the injected clock passes x-sunset', async () => {
    const files = removal('2026-07-01');
    expect(ids(await runGate(...files, { only: 'breaking', now: NOW }))).toEqual([
      'api-path-removed-before-sunset',
    ]);
    expect(ids(await runGate(...files, { only: 'breaking', now: new Date('2026-07-02T00:00:00Z') }))).toEqual(
      ['api-path-removed-with-deprecation'],
    );
  });
  it('enforces the minimum deprecation period of the stability level', async () => {
    const files = variant('oas30-deprecated-with-sunset-and-headers', (h) => {
      h.paths['/v1/bets/{betId}'].get['x-sunset'] = '2026-07-01';
    });
    const r = await runGate(...files, { only: 'deprecation', now: NOW, minSunsetDays: { stable: 90 } });
    expect(ids(r)).toEqual(['api-sunset-date-too-small']);
    expect(
      ids(await runGate(...files, { only: 'deprecation', now: NOW, minSunsetDays: { stable: 10 } })),
    ).toEqual(['endpoint-deprecated-with-sunset']);
  });
  it('lists deprecated items with days to sunset', async () => {
    const [, head] = pair('oas30-deprecated-with-sunset-and-headers');
    const items = listDeprecations(await loadDocument(head), NOW);
    expect(items).toEqual([
      expect.objectContaining({
        kind: 'operation',
        name: 'GET /v1/bets/{betId}',
        sunset: '2099-12-31',
        line: expect.any(Number),
      }),
    ]);
    expect(items[0]?.daysToSunset).toBeGreaterThan(26_000);
  });
});

describe('ignore file', () => {
  const withIgnore = (entry: Record<string, unknown>) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gate-ignore-'));
    const file = path.join(dir, '.croupier-gate-ignore.yaml');
    writeFileSync(file, stringify([entry]));
    return file;
  };
  it('suppresses a named finding on a named path until it expires, then reports the entry', async () => {
    const entry = {
      id: 'api-path-removed-without-deprecation',
      path: 'GET /v1/bets/{betId}',
      reason: 'never shipped to partners',
      expires: '2026-12-31',
    };
    const live = await runGate(...pair('oas30-path-removed'), {
      only: 'breaking',
      now: NOW,
      ignoreFile: withIgnore(entry),
    });
    expect(live.failed).toBe(false);
    expect(live.findings[0]?.suppressed?.reason).toBe('never shipped to partners');
    const expired = await runGate(...pair('oas30-path-removed'), {
      only: 'breaking',
      now: NOW,
      ignoreFile: withIgnore({ ...entry, expires: '2026-01-01' }),
    });
    expect(ids(expired).sort()).toEqual(['api-path-removed-without-deprecation', 'ignore-entry-expired']);
    expect(expired.failed).toBe(true);
  });
  it('rejects an entry without a reason', async () => {
    const r = await runGate(...pair('oas30-path-removed'), {
      only: 'breaking',
      now: NOW,
      ignoreFile: withIgnore({ id: 'x', path: '*', expires: '2030-01-01' }),
    });
    expect(ids(r)).toContain('ignore-entry-invalid');
  });
});

describe('--fail-on and reporters', () => {
  it('fails on warnings only when asked', async () => {
    const files = pair('oas30-param-removed');
    expect((await runGate(...files, { only: 'breaking', now: NOW })).failed).toBe(false);
    expect((await runGate(...files, { only: 'breaking', now: NOW, failOn: 'warning' })).failed).toBe(true);
  });
  it('renders every format with ids, pointers and lines', async () => {
    const r = await runGate(...pair('multi-response-required-property-removed'), {
      only: 'breaking',
      now: NOW,
    });
    const f = r.findings[0];
    expect(f?.base?.file).toMatch(/base\.schemas\.yaml$/);
    expect(f?.base?.pointer).toBe('/Bet/properties/status');
    expect(f?.base?.line).toBeGreaterThan(0);
    expect(formatReport(r, 'github')).toMatch(
      /^::error file=[^,]+,line=\d+,title=response-required-property-removed::/m,
    );
    expect(formatReport(r, 'junit')).toMatch(
      /<testsuites name="croupier gate"[^>]*>[\s\S]*<failure type="error"/,
    );
    expect(formatReport(r, 'markdown')).toMatch(
      /may not merge[\s\S]*\| 🛑 \| `response-required-property-removed` \|/,
    );
    expect(JSON.parse(formatReport(r, 'json')).counts.error).toBe(
      r.findings.filter((x) => x.level === 'error').length,
    );
    expect(formatReport(r, 'text')).toMatch(
      /Compatibility \(\d+\)[\s\S]*base: .*base\.schemas\.yaml:\d+#\/Bet\/properties\/status/,
    );
  });
});
