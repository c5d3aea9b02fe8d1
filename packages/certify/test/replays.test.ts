import { describe, expect, it } from 'vitest';
import type { Exchange } from '../src/evidence.ts';
import { replayDifferences } from '../src/replays.ts';

let seq = 0;
/** One recorded POST: same path, key and body unless told otherwise, 10 ms apart. */
function exchange(status: number, body: unknown, extra: Partial<Exchange> = {}): Exchange {
  seq += 1;
  return {
    seq,
    scenarioId: 's',
    label: 'settleBet',
    method: 'POST',
    path: '/v1/bets/settle',
    traceId: `tr_${seq}`,
    idempotencyKey: 'k1',
    startedAt: new Date(seq * 10).toISOString(),
    startedAtMs: seq * 10,
    durationMs: 5,
    requestHeaders: {},
    requestBody: '{"bet_id":"b1"}',
    status,
    responseBody: JSON.stringify(body),
    violations: [],
    ...extra,
  };
}

describe('replays: the same key and body must get the same answer', () => {
  it('accepts byte-identical replays', () => {
    const ok = { status: 'credited', settlement_id: 'st_1' };
    expect(replayDifferences([exchange(200, ok), exchange(200, ok), exchange(200, ok)])).toEqual([]);
  });

  it('names a replay whose body differs, with both trace ids', () => {
    const found = replayDifferences([
      exchange(200, { status: 'credited', settlement_id: 'st_1' }),
      exchange(200, { status: 'credited', settlement_id: 'st_2' }),
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/settleBet key k1: the replay's body differs.*st_1.*st_2/);
  });

  it('names a replay whose status differs', () => {
    expect(replayDifferences([exchange(200, { ok: 1 }), exchange(409, { code: 'DUPLICATE' })])[0]).toMatch(
      /first answered 200, the replay 409/,
    );
  });

  it('ignores retryable answers, 401s and transport failures: they are not the key’s answer', () => {
    const ok = { status: 'credited', settlement_id: 'st_1' };
    expect(
      replayDifferences([
        exchange(503, { code: 'PLATFORM_DEGRADED', retryable: true }),
        exchange(500, { code: 'INTERNAL_ERROR', retryable: true }),
        exchange(429, { code: 'RATE_LIMITED', retryable: true }),
        exchange(401, { code: 'REPLAY_DETECTED', retryable: false }),
        exchange(200, ok),
        { ...exchange(200, ok), status: undefined, responseBody: undefined, error: 'aborted' },
        exchange(200, ok),
      ]),
    ).toEqual([]);
  });

  it('compares a replayed refusal without its trace_id', () => {
    const refusal = (trace: string) => ({
      code: 'INSUFFICIENT_FUNDS',
      message: 'no',
      retryable: false,
      trace_id: trace,
    });
    expect(replayDifferences([exchange(402, refusal('tr_a')), exchange(402, refusal('tr_b'))])).toEqual([]);
    const other = { code: 'RG_BLOCKED', message: 'no', retryable: false, trace_id: 'tr_c' };
    expect(replayDifferences([exchange(402, refusal('tr_a')), exchange(402, other)])).toHaveLength(1);
  });

  it('tolerates a 409 that raced another copy, not one sent after the first answer', () => {
    const ok = { status: 'authorized' };
    const first = exchange(200, ok, { startedAtMs: 100, durationMs: 50 });
    const racing = exchange(409, { code: 'DUPLICATE' }, { startedAtMs: 120, durationMs: 5 });
    expect(replayDifferences([first, racing])).toEqual([]);
    const late = exchange(409, { code: 'DUPLICATE' }, { startedAtMs: 400, durationMs: 5 });
    expect(replayDifferences([first, late])).toHaveLength(1);
  });

  it('keeps keys, paths and bodies apart: another body under the same key is not a replay', () => {
    expect(
      replayDifferences([
        exchange(200, { a: 1 }),
        exchange(409, { code: 'IDEMPOTENCY_MISMATCH' }, { requestBody: '{"bet_id":"b2"}' }),
        exchange(200, { b: 2 }, { path: '/v1/bets/authorize' }),
        exchange(200, { c: 3 }, { idempotencyKey: 'k2' }),
      ]),
    ).toEqual([]);
  });
});
