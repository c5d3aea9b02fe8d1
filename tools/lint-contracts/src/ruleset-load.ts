/**
 * Builds the Spectral ruleset of a `.spectral.yaml` without the ruleset bundler when the file only uses what
 * ours does (`extends` of Spectral's own rulesets, `functionsDir` + `functions`, `rules`): the bundler migrates
 * the YAML to JavaScript and runs rollup over it and every custom function, ~0.6 s of CPU per process (a
 * quarter of a lint of the 1.5 MB Twilio description once the example rules were fixed), to end with the
 * same definition this file assembles from plain imports. Anything else in the file, and `npx spectral lint`,
 * goes through the bundler as before; `test/ruleset-load.test.ts` holds both loads to the same findings.
 */
import * as fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ruleset, type RulesetDefinition } from '@stoplight/spectral-core';
import * as formats from '@stoplight/spectral-formats';
import * as builtinFunctions from '@stoplight/spectral-functions';
import { asyncapi, oas } from '@stoplight/spectral-rulesets';
import YAML from 'yaml';

const SPECTRAL_RULESETS: Record<string, RulesetDefinition> = {
  'spectral:oas': oas as RulesetDefinition,
  'spectral:asyncapi': asyncapi as RulesetDefinition,
};
const DIRECT_KEYS = new Set(['extends', 'functionsDir', 'functions', 'rules']);
const RULE_KEYS = new Set([
  'description',
  'message',
  'severity',
  'recommended',
  'formats',
  'given',
  'then',
  'resolved',
  'documentationUrl',
]);

type RulesetFunction = (...args: never[]) => unknown;
type Json = Record<string, unknown>;

/**
 * What a project without a `.spectral.yaml` is linted with: Spectral's own OpenAPI and AsyncAPI rulesets.
 * A gate run in such a project lints with them instead of failing on the missing file.
 */
export const SPECTRAL_DEFAULT_RULESET = 'spectral:oas + spectral:asyncapi';

/** The ruleset in `rulesetFile`, built directly when its shape allows, through the bundler otherwise. */
export async function loadRulesetFile(rulesetFile: string): Promise<Ruleset> {
  if (rulesetFile === SPECTRAL_DEFAULT_RULESET) {
    return new Ruleset(
      {
        extends: [SPECTRAL_RULESETS['spectral:oas'], SPECTRAL_RULESETS['spectral:asyncapi']],
      } as RulesetDefinition,
      { severity: 'recommended', source: SPECTRAL_DEFAULT_RULESET },
    );
  }
  const definition = await directDefinition(rulesetFile);
  if (definition === undefined) {
    // Loaded only here: the bundler and rollup cost ~0.2 s of CPU to load, and our ruleset never needs them.
    const { bundleAndLoadRuleset } = await import('@stoplight/spectral-ruleset-bundler/with-loader');
    return bundleAndLoadRuleset(rulesetFile, { fs, fetch });
  }
  return new Ruleset(definition, { severity: 'recommended', source: rulesetFile });
}

/** undefined when the file uses anything beyond the shape below (then the bundler decides what it means). */
export async function directDefinition(rulesetFile: string): Promise<RulesetDefinition | undefined> {
  if (!/\.ya?ml$/i.test(rulesetFile)) return undefined;
  const raw: unknown = YAML.parse(await readFile(rulesetFile, 'utf8'));
  if (!isObject(raw) || Object.keys(raw).some((key) => !DIRECT_KEYS.has(key))) return undefined;

  const extendsList = raw.extends === undefined ? [] : raw.extends;
  if (
    !Array.isArray(extendsList) ||
    !extendsList.every((e) => typeof e === 'string' && e in SPECTRAL_RULESETS)
  )
    return undefined;

  const custom = new Map<string, RulesetFunction>();
  if (raw.functions !== undefined) {
    if (!Array.isArray(raw.functions) || typeof raw.functionsDir !== 'string') return undefined;
    const dir = path.resolve(path.dirname(rulesetFile), raw.functionsDir);
    for (const name of raw.functions) {
      if (typeof name !== 'string') return undefined;
      const module = (await import(pathToFileURL(path.join(dir, `${name}.js`)).href)) as {
        default?: unknown;
      };
      if (typeof module.default !== 'function') return undefined;
      custom.set(name, module.default as RulesetFunction);
    }
  }

  const rules: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(isObject(raw.rules) ? raw.rules : {})) {
    const built = buildRule(rule, custom);
    if (built === undefined) return undefined;
    rules[name] = built;
  }
  return {
    extends: extendsList.map((e) => SPECTRAL_RULESETS[e as string] as RulesetDefinition),
    rules,
  } as RulesetDefinition;
}

function buildRule(rule: unknown, custom: Map<string, RulesetFunction>): unknown {
  // `rule: off` / `rule: false` and the like only change an inherited rule's severity.
  if (!isObject(rule)) return rule;
  if (Object.keys(rule).some((key) => !RULE_KEYS.has(key))) return undefined;
  const built: Json = { ...rule };
  if (rule.formats !== undefined) {
    if (!Array.isArray(rule.formats)) return undefined;
    const list = rule.formats.map((f) => (typeof f === 'string' ? (formats as Json)[f] : undefined));
    if (list.some((f) => typeof f !== 'function')) return undefined;
    built.formats = list;
  }
  if (rule.then !== undefined) {
    const thens = Array.isArray(rule.then) ? rule.then : [rule.then];
    const resolved = thens.map((then) => {
      if (!isObject(then) || typeof then.function !== 'string') return undefined;
      const fn = custom.get(then.function) ?? (builtinFunctions as Json)[then.function];
      return typeof fn === 'function' ? { ...then, function: fn } : undefined;
    });
    if (resolved.some((t) => t === undefined)) return undefined;
    // biome-ignore lint/suspicious/noThenProperty: a Spectral rule names what it runs `then`; never awaited.
    built.then = Array.isArray(rule.then) ? resolved : resolved[0];
  }
  return built;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
