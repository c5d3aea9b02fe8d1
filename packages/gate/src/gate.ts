/**
 * One gate run: load base and head, judge compatibility (OpenAPI or AsyncAPI), apply the ignore file,
 * derive the SemVer bump and check the declared one, the /vN prefix rule and the changeset, lint the head,
 * and decide whether the change may merge.
 */
import path from 'node:path';
import { compareAsyncApi } from './asyncapi/compare.ts';
import { GateError } from './errors.ts';
import { type LoadedDocument, loadDocument } from './load/document.ts';
import { LEVEL_RANK, type Finding, type Level, type Part } from './model.ts';
import type { CompareOptions } from './openapi/context.ts';
import { compareOpenApi } from './openapi/compare.ts';
import { checkChangeset } from './policy/changeset.ts';
import { applyIgnores, readIgnoreFile } from './policy/ignore.ts';
import { type Bump, BUMP_RANK, bumpBetween, isDecrease, neededBump, parseSemver } from './policy/semver.ts';
import { startLint } from './lint.ts';

export interface GateOptions extends CompareOptions {
  /** Run one part alone; `breaking` judges compatibility only, as `oasdiff breaking` does. */
  only?: Part;
  /** The lowest level that blocks the merge (default error). */
  failOn?: 'error' | 'warning';
  /** Repository root: enables the changeset check, the default ignore file and lint. */
  repoRoot?: string;
  /** Defaults to `<repoRoot>/.croupier-gate-ignore.yaml`. */
  ignoreFile?: string;
  changeset?: boolean;
  lint?: boolean;
  /** Path prefix that carries the major version; a breaking change under it must move to the next one. */
  majorPrefix?: RegExp;
}

export interface GateReport {
  base: string;
  head: string;
  kind: 'openapi' | 'asyncapi';
  findings: Finding[];
  neededBump: Bump;
  declaredBump: Bump;
  baseVersion?: string;
  headVersion?: string;
  failOn: Level;
  /** True when the change may not merge. */
  failed: boolean;
  stats: { bytes: number; ms: number };
}

export function kindOf(doc: LoadedDocument): 'openapi' | 'asyncapi' {
  // An unquoted `openapi: 3.1` is a YAML number; it still names the version.
  if (isVersion(doc.root.openapi) || isVersion(doc.root.swagger)) return 'openapi';
  if (isVersion(doc.root.asyncapi)) return 'asyncapi';
  throw new GateError(
    'UNSUPPORTED_DOCUMENT',
    `${doc.file}:1: neither an OpenAPI nor an AsyncAPI document (no \`openapi\` or \`asyncapi\` field)`,
    { file: doc.file, line: 1 },
  );
}

/** `--only breaking` is compatibility alone, as `oasdiff breaking` is; the sunset policy is the full gate's. */
function wants(only: Part | undefined, part: Part): boolean {
  return only === undefined || only === part;
}

function isVersion(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number';
}

export async function runGate(
  basePath: string,
  headPath: string,
  options: GateOptions = {},
): Promise<GateReport> {
  const started = performance.now();
  const only = options.only;
  // Lint reads the head file itself and needs nothing else, so it starts first and runs beside the comparison.
  const lint =
    wants(only, 'lint') &&
    options.lint !== false &&
    options.repoRoot &&
    (only === 'lint' || options.lint === true)
      ? startLint(options.repoRoot, path.resolve(headPath))
      : undefined;
  try {
    return await judge(basePath, headPath, options, lint?.findings, started);
  } finally {
    lint?.cancel();
  }
}

async function judge(
  basePath: string,
  headPath: string,
  options: GateOptions,
  lint: Promise<Finding[]> | undefined,
  started: number,
): Promise<GateReport> {
  const only = options.only;
  const [base, head] = await Promise.all([loadDocument(basePath), loadDocument(headPath)]);
  const kind = kindOf(base);
  if (kindOf(head) !== kind)
    throw new GateError('UNSUPPORTED_DOCUMENT', `${head.file}:1: base is ${kind} but head is not`, {
      file: head.file,
      line: 1,
    });
  const now = options.now ?? new Date();
  const compareOptions: CompareOptions = { ...options, now };

  const compat =
    kind === 'openapi'
      ? compareOpenApi(base, head, compareOptions)
      : compareAsyncApi(base, head, compareOptions);
  const ignoreFile =
    options.ignoreFile ??
    (options.repoRoot ? path.join(options.repoRoot, '.croupier-gate-ignore.yaml') : undefined);
  const ignoreProblems = ignoreFile ? applyIgnores(compat, readIgnoreFile(ignoreFile), now, ignoreFile) : [];

  const findings: Finding[] = [];
  const compatParts = compat.filter((f) =>
    only === 'semver' ? false : only === 'deprecation' ? f.part === 'deprecation' : wants(only, f.part),
  );
  findings.push(...compatParts, ...(only === 'lint' ? [] : ignoreProblems));

  const differs = JSON.stringify(base.root) !== JSON.stringify(head.root);
  const needed = neededBump(
    compat.filter((f) => f.part !== 'semver'),
    differs,
  );
  const baseVersion = versionOf(base);
  const headVersion = versionOf(head);
  const declared = baseVersion && headVersion ? bumpBetween(baseVersion, headVersion) : 'none';
  if (wants(only, 'semver')) {
    findings.push(...compat.filter((f) => f.part === 'semver'));
    findings.push(
      ...semverFindings(
        base,
        head,
        baseVersion,
        headVersion,
        needed,
        declared,
        compat,
        options.majorPrefix ?? /^\/v(\d+)(?=\/|$)/,
      ),
    );
    if (options.repoRoot && options.changeset !== false) {
      const verdict = checkChangeset(options.repoRoot, needed);
      if (verdict.problem)
        findings.push({
          id: verdict.problem.id,
          level: 'error',
          part: 'semver',
          message: verdict.problem.message,
          head: { file: path.join(options.repoRoot, '.changeset'), pointer: '' },
        });
    }
  }
  if (lint) findings.push(...(await lint));
  for (const f of findings) {
    for (const [side, doc] of [
      ['base', base],
      ['head', head],
      ['baseDefinition', base],
      ['headDefinition', head],
    ] as const) {
      const loc = f[side];
      if (loc && loc.line === undefined) {
        const line = doc.lineOf(loc.file, loc.pointer);
        if (line !== undefined) loc.line = line;
      }
    }
  }
  const failOn: Level = options.failOn ?? 'error';
  const failed = findings.some((f) => !f.suppressed && LEVEL_RANK[f.level] >= LEVEL_RANK[failOn]);
  const report: GateReport = {
    base: base.file,
    head: head.file,
    kind,
    findings,
    neededBump: needed,
    declaredBump: declared,
    failOn,
    failed,
    stats: { bytes: base.bytes + head.bytes, ms: performance.now() - started },
  };
  if (baseVersion) report.baseVersion = baseVersion;
  if (headVersion) report.headVersion = headVersion;
  return report;
}

function versionOf(doc: LoadedDocument): string | undefined {
  const v = (doc.root.info as Record<string, unknown> | undefined)?.version;
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function semverFindings(
  base: LoadedDocument,
  head: LoadedDocument,
  bv: string | undefined,
  hv: string | undefined,
  needed: Bump,
  declared: Bump,
  compat: Finding[],
  majorPrefix: RegExp,
): Finding[] {
  const out: Finding[] = [];
  const at = (doc: LoadedDocument) => ({ file: doc.file, pointer: '/info/version' });
  const errors = compat.filter((f) => !f.suppressed && f.level === 'error' && f.part !== 'semver');
  const prefixes = new Map<string, Finding>();
  for (const f of errors) {
    const m = majorPrefix.exec(f.operation?.split(' ')[1] ?? '');
    if (m && !prefixes.has(m[0])) prefixes.set(m[0], f);
  }
  for (const [prefix, example] of prefixes) {
    const next = prefix.replace(/\d+/, (n) => String(Number(n) + 1));
    out.push({
      id: 'semver-breaking-in-major-prefix',
      level: 'error',
      part: 'semver',
      operation: example.operation ?? prefix,
      message: `${prefix}: breaking changes inside a published major (first: ${example.id} on ${example.operation}); keep ${prefix} compatible and ship the change under ${next}`,
      head: at(head),
    });
  }
  if (needed === 'none') return out;
  for (const [v, doc] of [
    [bv, base],
    [hv, head],
  ] as const) {
    if (v !== undefined && !parseSemver(v)) {
      out.push({
        id: 'semver-version-invalid',
        level: 'error',
        part: 'semver',
        message: `info.version ${v} is not MAJOR.MINOR.PATCH`,
        head: at(doc),
      });
      return out;
    }
  }
  if (!bv || !hv) return out;
  if (isDecrease(bv, hv)) {
    out.push({
      id: 'semver-version-decreased',
      level: 'error',
      part: 'semver',
      message: `info.version went down from ${bv} to ${hv}`,
      base: at(base),
      head: at(head),
    });
  } else if (BUMP_RANK[declared] < BUMP_RANK[needed]) {
    out.push({
      id: 'semver-bump-too-small',
      level: 'error',
      part: 'semver',
      message: `info.version ${bv} → ${hv} is a ${declared} bump, but the change needs ${needed}; set info.version to ${suggest(bv, needed)}`,
      base: at(base),
      head: at(head),
    });
  }
  return out;
}

function suggest(v: string, bump: Bump): string {
  const p = parseSemver(v);
  if (!p) return v;
  if (bump === 'major') return `${p[0] + 1}.0.0`;
  if (bump === 'minor') return `${p[0]}.${p[1] + 1}.0`;
  return `${p[0]}.${p[1]}.${p[2] + 1}`;
}
