/**
 * A PromQL subset, enough to evaluate ops/prometheus/croupier-alerts.yaml over synthetic series
 * where promtool is not installed: selectors with =, !=, =~, !~ matchers and range windows, rate,
 * increase, histogram_quantile, sum/max/min/avg by, arithmetic and comparison with one-to-one
 * matching on identical label sets, and alert rules with `for:`. Anything else is a parse error, so
 * a rule using more PromQL fails its test rather than being silently misread.
 */

export type Labels = Record<string, string>;
export interface Series {
  labels: Labels; // includes __name__
  samples: Array<[number, number]>; // [ms, value], ascending
}
interface Sample {
  labels: Labels;
  value: number;
}
type Value = { kind: 'scalar'; value: number } | { kind: 'vector'; samples: Sample[] };

type Matcher = { name: string; op: '=' | '!=' | '=~' | '!~'; value: string };
type Node =
  | { type: 'number'; value: number }
  | { type: 'selector'; metric: string; matchers: Matcher[]; rangeMs?: number }
  | { type: 'call'; fn: 'rate' | 'increase' | 'histogram_quantile'; args: Node[] }
  | { type: 'aggregate'; op: 'sum' | 'max' | 'min' | 'avg'; by: string[] | undefined; expr: Node }
  | { type: 'binary'; op: string; left: Node; right: Node };

const LOOKBACK_MS = 5 * 60_000;

export function parseDuration(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  const re = /(\d+)(ms|s|m|h|d)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  // biome-ignore lint/suspicious/noAssignInExpressions: scanning loop
  while ((match = re.exec(text))) {
    total += Number(match[1]) * (units[match[2] as string] ?? 0);
    consumed = re.lastIndex;
  }
  if (consumed !== text.length || text.length === 0) throw new Error(`PROMQL_DURATION: "${text}"`);
  return total;
}

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  const re =
    /\s*(?:("(?:[^"\\]|\\.)*")|(\[[0-9a-z]+\])|(>=|<=|==|!=|=~|!~|[-+*/(){},<>=])|([0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?)|([A-Za-z_:][A-Za-z0-9_:]*))/y;
  let pos = 0;
  while (pos < source.length) {
    if (/^\s*$/.test(source.slice(pos))) break;
    re.lastIndex = pos;
    const match = re.exec(source);
    if (!match) throw new Error(`PROMQL_PARSE: cannot read "${source.slice(pos, pos + 20)}"`);
    tokens.push((match[1] ?? match[2] ?? match[3] ?? match[4] ?? match[5]) as string);
    pos = re.lastIndex;
  }
  return tokens;
}

export function parse(source: string): Node {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const token = tokens[i++];
    if (token === undefined) throw new Error(`PROMQL_PARSE: unexpected end of "${source}"`);
    return token;
  };
  const expect = (token: string) => {
    const got = next();
    if (got !== token) throw new Error(`PROMQL_PARSE: expected "${token}", got "${got}" in "${source}"`);
  };
  const labelList = () => {
    expect('(');
    const names: string[] = [];
    while (peek() !== ')') {
      names.push(next());
      if (peek() === ',') next();
    }
    expect(')');
    return names;
  };

  const COMPARISON = new Set(['>', '<', '>=', '<=', '==', '!=']);
  const comparison = (): Node => {
    let left = additive();
    while (peek() !== undefined && COMPARISON.has(peek() as string)) {
      const op = next();
      left = { type: 'binary', op, left, right: additive() };
    }
    return left;
  };
  const additive = (): Node => {
    let left = multiplicative();
    while (peek() === '+' || peek() === '-') {
      const op = next();
      left = { type: 'binary', op, left, right: multiplicative() };
    }
    return left;
  };
  const multiplicative = (): Node => {
    let left = primary();
    while (peek() === '*' || peek() === '/') {
      const op = next();
      left = { type: 'binary', op, left, right: primary() };
    }
    return left;
  };
  const primary = (): Node => {
    const token = next();
    if (token === '(') {
      const inner = comparison();
      expect(')');
      return inner;
    }
    if (/^[0-9]/.test(token)) return { type: 'number', value: Number(token) };
    if (token === 'sum' || token === 'max' || token === 'min' || token === 'avg') {
      let by: string[] | undefined;
      if (peek() === 'by') {
        next();
        by = labelList();
      }
      expect('(');
      const expr = comparison();
      expect(')');
      if (peek() === 'by') {
        next();
        by = labelList();
      }
      return { type: 'aggregate', op: token, by, expr };
    }
    if (token === 'rate' || token === 'increase' || token === 'histogram_quantile') {
      expect('(');
      const args = [comparison()];
      while (peek() === ',') {
        next();
        args.push(comparison());
      }
      expect(')');
      return { type: 'call', fn: token, args };
    }
    if (/^[A-Za-z_:]/.test(token)) {
      const matchers: Matcher[] = [];
      if (peek() === '{') {
        next();
        while (peek() !== '}') {
          const name = next();
          const op = next() as Matcher['op'];
          if (!['=', '!=', '=~', '!~'].includes(op)) throw new Error(`PROMQL_PARSE: matcher op "${op}"`);
          matchers.push({ name, op, value: JSON.parse(next()) as string });
          if (peek() === ',') next();
        }
        expect('}');
      }
      const range = peek()?.startsWith('[') ? parseDuration(next().slice(1, -1)) : undefined;
      return {
        type: 'selector',
        metric: token,
        matchers,
        ...(range === undefined ? {} : { rangeMs: range }),
      };
    }
    throw new Error(`PROMQL_PARSE: unsupported "${token}" in "${source}"`);
  };

  const node = comparison();
  if (i !== tokens.length)
    throw new Error(`PROMQL_PARSE: trailing "${tokens.slice(i).join(' ')}" in "${source}"`);
  return node;
}

const key = (labels: Labels) =>
  JSON.stringify(
    Object.entries(labels)
      .filter(([k]) => k !== '__name__')
      .sort(([a], [b]) => a.localeCompare(b)),
  );
const withoutName = ({ __name__: _, ...rest }: Labels): Labels => rest;

function matches(series: Series, metric: string, matchers: Matcher[]): boolean {
  if (series.labels.__name__ !== metric) return false;
  return matchers.every(({ name, op, value }) => {
    const actual = series.labels[name] ?? '';
    if (op === '=') return actual === value;
    if (op === '!=') return actual !== value;
    const full = new RegExp(`^(?:${value})$`).test(actual);
    return op === '=~' ? full : !full;
  });
}

/** Counter increase over the window, reset-corrected and extrapolated to the window as Prometheus does (closely). */
function extrapolatedIncrease(samples: Array<[number, number]>, rangeMs: number): number | undefined {
  if (samples.length < 2) return undefined;
  let delta = 0;
  for (let k = 1; k < samples.length; k++) {
    const [, prev] = samples[k - 1] as [number, number];
    const [, cur] = samples[k] as [number, number];
    delta += cur >= prev ? cur - prev : cur;
  }
  const span = (samples.at(-1) as [number, number])[0] - (samples[0] as [number, number])[0];
  return span > 0 ? (delta * rangeMs) / span : undefined;
}

function quantile(q: number, buckets: Array<{ le: number; count: number }>): number {
  buckets.sort((a, b) => a.le - b.le);
  const last = buckets.at(-1);
  if (!last || last.le !== Number.POSITIVE_INFINITY || buckets.length < 2) return Number.NaN;
  const total = last.count;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let index = buckets.findIndex((b) => b.count >= rank);
  if (index === buckets.length - 1) return (buckets[buckets.length - 2] as { le: number }).le;
  if (index < 0) index = 0;
  const upper = buckets[index] as { le: number; count: number };
  const lowerBound = index === 0 ? 0 : (buckets[index - 1] as { le: number }).le;
  const lowerCount = index === 0 ? 0 : (buckets[index - 1] as { count: number }).count;
  const inBucket = upper.count - lowerCount;
  if (inBucket === 0) return upper.le;
  return lowerBound + (upper.le - lowerBound) * ((rank - lowerCount) / inBucket);
}

const compare: Record<string, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};
const arithmetic: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
};

export function evaluate(node: Node, series: readonly Series[], atMs: number): Value {
  const vector = (n: Node): Sample[] => {
    const value = evaluate(n, series, atMs);
    if (value.kind !== 'vector') throw new Error('PROMQL_TYPE: expected an instant vector');
    return value.samples;
  };
  switch (node.type) {
    case 'number':
      return { kind: 'scalar', value: node.value };
    case 'selector': {
      if (node.rangeMs !== undefined)
        throw new Error('PROMQL_TYPE: a range vector must be passed to rate/increase');
      const samples: Sample[] = [];
      for (const s of series) {
        if (!matches(s, node.metric, node.matchers)) continue;
        const latest = s.samples.filter(([t]) => t <= atMs && t > atMs - LOOKBACK_MS).at(-1);
        if (latest) samples.push({ labels: s.labels, value: latest[1] });
      }
      return { kind: 'vector', samples };
    }
    case 'call': {
      if (node.fn === 'histogram_quantile') {
        const [qNode, inner] = node.args as [Node, Node];
        const q = evaluate(qNode, series, atMs);
        if (q.kind !== 'scalar') throw new Error('PROMQL_TYPE: histogram_quantile needs a scalar quantile');
        const groups = new Map<string, { labels: Labels; buckets: Array<{ le: number; count: number }> }>();
        for (const sample of vector(inner)) {
          const { le, ...rest } = withoutName(sample.labels);
          if (le === undefined) continue;
          const k = key(rest);
          const group = groups.get(k) ?? { labels: rest, buckets: [] };
          group.buckets.push({
            le: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le),
            count: sample.value,
          });
          groups.set(k, group);
        }
        return {
          kind: 'vector',
          samples: [...groups.values()].map((g) => ({
            labels: g.labels,
            value: quantile(q.value, g.buckets),
          })),
        };
      }
      const range = node.args[0];
      if (range?.type !== 'selector' || range.rangeMs === undefined) {
        throw new Error(`PROMQL_TYPE: ${node.fn} needs a range selector`);
      }
      const samples: Sample[] = [];
      for (const s of series) {
        if (!matches(s, range.metric, range.matchers)) continue;
        const window = s.samples.filter(([t]) => t <= atMs && t > atMs - (range.rangeMs as number));
        const increase = extrapolatedIncrease(window, range.rangeMs);
        if (increase === undefined) continue;
        samples.push({
          labels: withoutName(s.labels),
          value: node.fn === 'rate' ? increase / (range.rangeMs / 1000) : increase,
        });
      }
      return { kind: 'vector', samples };
    }
    case 'aggregate': {
      const groups = new Map<string, { labels: Labels; values: number[] }>();
      for (const sample of vector(node.expr)) {
        const labels: Labels = {};
        for (const name of node.by ?? []) {
          const v = sample.labels[name];
          if (v !== undefined) labels[name] = v;
        }
        const k = key(labels);
        const group = groups.get(k) ?? { labels, values: [] };
        group.values.push(sample.value);
        groups.set(k, group);
      }
      const reduce = {
        sum: (v: number[]) => v.reduce((a, b) => a + b, 0),
        max: (v: number[]) => Math.max(...v),
        min: (v: number[]) => Math.min(...v),
        avg: (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length,
      }[node.op];
      return {
        kind: 'vector',
        samples: [...groups.values()].map((g) => ({ labels: g.labels, value: reduce(g.values) })),
      };
    }
    case 'binary': {
      const left = evaluate(node.left, series, atMs);
      const right = evaluate(node.right, series, atMs);
      const cmp = compare[node.op];
      const op = cmp ? undefined : arithmetic[node.op];
      if (!cmp && !op) throw new Error(`PROMQL_PARSE: operator ${node.op}`);
      const apply = (a: Sample, b: number): Sample | undefined => {
        if (cmp) return cmp(a.value, b) ? a : undefined;
        return { labels: withoutName(a.labels), value: (op as (x: number, y: number) => number)(a.value, b) };
      };
      if (left.kind === 'scalar' && right.kind === 'scalar') {
        return {
          kind: 'scalar',
          value: op ? op(left.value, right.value) : Number(cmp?.(left.value, right.value)),
        };
      }
      if (left.kind === 'vector' && right.kind === 'scalar') {
        return { kind: 'vector', samples: left.samples.flatMap((s) => apply(s, right.value) ?? []) };
      }
      if (left.kind === 'scalar' || right.kind === 'scalar')
        throw new Error('PROMQL_TYPE: scalar on the left of a vector');
      const byKey = new Map(right.samples.map((s) => [key(s.labels), s.value]));
      return {
        kind: 'vector',
        samples: left.samples.flatMap((s) => {
          const other = byKey.get(key(s.labels));
          return other === undefined ? [] : (apply(s, other) ?? []);
        }),
      };
    }
  }
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Labels;
  annotations?: Labels;
}

export interface FiringAlert {
  alertname: string;
  labels: Labels;
  annotations: Labels;
}

const render = (template: string, labels: Labels) =>
  template.replace(
    /\{\{\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g,
    (_, name: string) => labels[name] ?? '',
  );

/**
 * Evaluates each rule every `intervalMs` from 0 to `untilMs`, as the rule manager does, and returns
 * the alerts firing at `untilMs`: an alert fires once its expression has returned the same series at
 * every evaluation for at least `for`.
 */
export function firingAlerts(
  rules: readonly AlertRule[],
  series: readonly Series[],
  untilMs: number,
  intervalMs: number,
): FiringAlert[] {
  const firing: FiringAlert[] = [];
  for (const rule of rules) {
    const node = parse(rule.expr);
    const holdMs = rule.for ? parseDuration(rule.for) : 0;
    let activeSince = new Map<string, { since: number; labels: Labels }>();
    for (let t = 0; t <= untilMs; t += intervalMs) {
      const value = evaluate(node, series, t);
      const samples = value.kind === 'vector' ? value.samples : [];
      const next = new Map<string, { since: number; labels: Labels }>();
      for (const s of samples) {
        const k = key(s.labels);
        next.set(k, { since: activeSince.get(k)?.since ?? t, labels: withoutName(s.labels) });
      }
      activeSince = next;
    }
    for (const { since, labels } of activeSince.values()) {
      if (untilMs - since < holdMs) continue;
      const all = { ...labels, ...(rule.labels ?? {}) };
      const annotations = Object.fromEntries(
        Object.entries(rule.annotations ?? {}).map(([k, v]) => [
          k,
          render(v, { ...all, alertname: rule.alert }),
        ]),
      );
      firing.push({ alertname: rule.alert, labels: all, annotations });
    }
  }
  return firing;
}

/** Expands promtool's series notation (`0+60x30`, `5`, `1x3`, `_`) into samples every `intervalMs`. */
export function expandValues(notation: string, intervalMs: number): Array<[number, number]> {
  const samples: Array<[number, number]> = [];
  let step = 0;
  for (const part of notation.trim().split(/\s+/)) {
    const match = part.match(/^(-?[0-9.]+|_)(?:([-+][0-9.]+)?x([0-9]+))?$/);
    if (!match) throw new Error(`PROMQL_SERIES: cannot read "${part}"`);
    const [, startText, incText, timesText] = match;
    const times = timesText === undefined ? 0 : Number(timesText);
    const start = startText === '_' ? undefined : Number(startText);
    const inc = incText === undefined ? 0 : Number(incText);
    for (let k = 0; k <= times; k++, step++) {
      if (start !== undefined) samples.push([step * intervalMs, start + inc * k]);
    }
  }
  return samples;
}

/** `name{a="b",c="d"}` into labels with `__name__`. */
export function parseSeriesName(text: string): Labels {
  const match = text.match(/^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?$/);
  if (!match) throw new Error(`PROMQL_SERIES: cannot read "${text}"`);
  const labels: Labels = { __name__: match[1] as string };
  for (const pair of (match[2] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) {
    labels[pair[1] as string] = pair[2] as string;
  }
  return labels;
}
