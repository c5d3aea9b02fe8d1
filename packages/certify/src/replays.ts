import type { Exchange } from './evidence.ts';

/**
 * The contract's idempotency rule, judged over every exchange of a scenario instead of in each one:
 * a POST repeated with the same key and the same body must get the answer the first one got, status
 * and body. Scenarios that send a key twice need not remember to compare: the runner does it for them.
 *
 * Answers that are not the key's answer are left out: transport failures, retryable errors (5xx, 429,
 * anything with `retryable: true`, which by the contract changed nothing and may be retried), and 401s
 * (credentials are checked before the key is even read). A 409 that raced another copy of the same
 * request is tolerated too: a platform may refuse a copy while the first is still in flight.
 */
export function replayDifferences(exchanges: readonly Exchange[]): string[] {
  const groups = new Map<string, Exchange[]>();
  for (const exchange of exchanges) {
    if (exchange.method !== 'POST' || !exchange.idempotencyKey || exchange.status === undefined) continue;
    const id = `${exchange.path}\n${exchange.idempotencyKey}\n${exchange.requestBody ?? ''}`;
    groups.set(id, [...(groups.get(id) ?? []), exchange]);
  }
  const differences: string[] = [];
  for (const group of groups.values()) {
    const answers = group.filter((exchange) => isTheKeysAnswer(exchange, group));
    const [first, ...replays] = answers;
    if (!first) continue;
    for (const replay of replays) {
      const difference = compare(first, replay);
      if (difference) {
        differences.push(
          `${replay.label ?? replay.path} key ${replay.idempotencyKey}: ${difference} (trace ${first.traceId}, then ${replay.traceId})`,
        );
        break;
      }
    }
  }
  return differences;
}

function isTheKeysAnswer(exchange: Exchange, group: Exchange[]): boolean {
  const status = exchange.status ?? 0;
  if (status >= 500 || status === 429 || status === 401) return false;
  if (parse(exchange.responseBody)?.retryable === true) return false;
  if (status === 409 && group.some((other) => other !== exchange && overlap(other, exchange))) return false;
  return true;
}

function overlap(a: Exchange, b: Exchange): boolean {
  return a.startedAtMs <= b.startedAtMs + b.durationMs && b.startedAtMs <= a.startedAtMs + a.durationMs;
}

function compare(first: Exchange, replay: Exchange): string | undefined {
  if (first.status !== replay.status) {
    return `first answered ${first.status}, the replay ${replay.status} ${clip(replay.responseBody)}`;
  }
  if ((first.status ?? 0) < 400) {
    return first.responseBody === replay.responseBody
      ? undefined
      : `the replay's body differs: ${clip(first.responseBody)} then ${clip(replay.responseBody)}`;
  }
  // A stored refusal is replayed as stored, but an error's trace_id may name the request that got it.
  const a = withoutTrace(first.responseBody);
  const b = withoutTrace(replay.responseBody);
  return a === b ? undefined : `the replayed refusal differs: ${a} then ${b}`;
}

function withoutTrace(body: string | undefined): string {
  const parsed = parse(body);
  if (!parsed) return body ?? '';
  const { trace_id: _trace, ...rest } = parsed;
  return JSON.stringify(rest);
}

function parse(body: string | undefined): Record<string, unknown> | undefined {
  try {
    const value = body ? JSON.parse(body) : undefined;
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function clip(text: string | undefined): string {
  const value = text ?? '';
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}
