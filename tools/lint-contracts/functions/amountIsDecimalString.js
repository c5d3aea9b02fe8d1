import { isPlainObject } from './shared/openapi-operations.js';
import { schemaTypes } from './shared/schema-shape.js';

const DEFAULT_MONEY_WORDS = [
  'amount',
  'amounts',
  'balance',
  'balances',
  'cash',
  'bonus',
  'stake',
  'stakes',
  'win',
  'wins',
  'winnings',
  'bet',
  'bets',
  'payout',
  'deposit',
  'withdrawal',
  'debit',
  'credit',
  'jackpot',
  'loss',
  'money',
  'fee',
  'price',
];
// A trailing word like these makes the property a count, an identifier or a ratio, not an amount
// (`bonus_count`, `bet_id`, `win_type`, `contribution_percent`).
const DEFAULT_NON_AMOUNT_SUFFIXES = [
  'id',
  'ids',
  'type',
  'types',
  'state',
  'status',
  'count',
  'number',
  'index',
  'seq',
  'sequence',
  'version',
  'percent',
  'pct',
  'ratio',
  'rate',
  'multiplier',
  'left',
  'at',
  'ms',
  'seconds',
  'minutes',
  'hours',
  'days',
  'code',
  'key',
  'reason',
  'currency',
  'kind',
  'name',
  'url',
];
const DEFAULT_SCHEMA_NAMES = ['Money', 'DecimalAmount'];
// Keys whose values are instances (examples, defaults), never schemas, unless they are themselves a property name.
const INSTANCE_KEYS = new Set(['example', 'examples', 'default', 'const', 'enum']);
const SCHEMA_MAP_KEYS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'schemas']);

function words(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/**
 * Given the document root (resolved, so payloads `$ref`ed into the event JSON Schemas are included):
 * amounts travel as decimal strings (`"2.00"`), never JSON numbers, because a binary float cannot hold
 * 0.10 exactly and a wallet must not lose a cent. Flags any amount-named property or Money/DecimalAmount
 * schema typed number/integer, and any amount-named string without a `pattern`.
 */
export default function amountIsDecimalString(root, options, context) {
  const moneyWords = new Set(options?.moneyWords ?? DEFAULT_MONEY_WORDS);
  const nonAmountSuffixes = new Set(options?.nonAmountSuffixes ?? DEFAULT_NON_AMOUNT_SUFFIXES);
  const schemaNames = new Set(options?.schemaNames ?? DEFAULT_SCHEMA_NAMES);
  const results = [];
  const reported = new Set();
  const visited = new Set();

  function report(path, message) {
    const key = path.join('\u0000');
    if (reported.has(key)) return;
    reported.add(key);
    results.push({ message, path });
  }

  function amountLike(name) {
    const parts = words(name);
    const last = parts[parts.length - 1];
    if (last === undefined || nonAmountSuffixes.has(last)) return { numeric: false, string: false };
    return { numeric: parts.some((w) => moneyWords.has(w)), string: moneyWords.has(last) };
  }

  /** Checks the schema of a property/parameter called `name`, through arrays and combinators. */
  function checkAmount(schema, name, path, depth = 0) {
    if (!isPlainObject(schema) || depth > 8) return;
    const kind = amountLike(name);
    const types = schemaTypes(schema);
    if (kind.numeric && types.some((t) => t === 'number' || t === 'integer')) {
      report(
        path,
        `\`${name}\` is an amount typed \`${types.join('|')}\`: make it \`type: string\` with a decimal \`pattern\` (e.g. \`^(0|[1-9][0-9]*)(\\.[0-9]{1,18})?$\`) or \`$ref: '#/components/schemas/Money'\`; JSON numbers lose cents.`,
      );
    } else if (
      kind.string &&
      types.includes('string') &&
      schema.pattern === undefined &&
      schema.enum === undefined &&
      schema.const === undefined
    ) {
      report(
        path,
        `\`${name}\` is an amount string without a \`pattern\`: add the decimal pattern \`^(0|[1-9][0-9]*)(\\.[0-9]{1,18})?$\` so \`1e3\` or \`-0\` cannot pass validation.`,
      );
    }
    if (types.includes('array') || isPlainObject(schema.items))
      checkAmount(schema.items, name, [...path, 'items'], depth + 1);
    for (const combinator of ['oneOf', 'anyOf', 'allOf']) {
      if (!Array.isArray(schema[combinator])) continue;
      schema[combinator].forEach((member, i) => {
        checkAmount(member, name, [...path, combinator, i], depth + 1);
      });
    }
  }

  function checkNamedMoneySchema(schema, name, path) {
    const types = schemaTypes(schema);
    if (types.some((t) => t === 'number' || t === 'integer')) {
      report(
        path,
        `Schema \`${name}\` is money but typed \`${types.join('|')}\`: money is \`{amount: <decimal string with pattern>, currency}\` or a decimal string with a \`pattern\`, never a JSON number.`,
      );
    }
  }

  function walk(node, path, parentKey) {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        walk(item, [...path, i], parentKey);
      });
      return;
    }
    if (!isPlainObject(node) || visited.has(node)) return;
    visited.add(node);

    if (typeof node.title === 'string' && schemaNames.has(node.title))
      checkNamedMoneySchema(node, node.title, path);
    if (isPlainObject(node.properties)) {
      for (const [name, schema] of Object.entries(node.properties)) {
        checkAmount(schema, name, [...path, 'properties', name]);
      }
    }
    // An OpenAPI parameter (`in: query, name: amount`) is an amount as much as a body property is.
    if (typeof node.name === 'string' && typeof node.in === 'string' && isPlainObject(node.schema)) {
      checkAmount(node.schema, node.name, [...path, 'schema']);
    }

    for (const [key, value] of Object.entries(node)) {
      if (typeof value !== 'object' || value === null) continue;
      const inSchemaMap = parentKey !== undefined && SCHEMA_MAP_KEYS.has(parentKey);
      if (!inSchemaMap && INSTANCE_KEYS.has(key)) continue;
      if (inSchemaMap && schemaNames.has(key)) checkNamedMoneySchema(value, key, [...path, key]);
      walk(value, [...path, key], key);
    }
  }

  walk(root, [...context.path], undefined);
  return results;
}
