import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type RunningSandbox, type SandboxOptions, startSandbox } from '../src/index.ts';

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** A sandbox in a temp dir, with a tiny client that speaks the contract's headers. */
export class SandboxUnderTest {
  private constructor(
    readonly sandbox: RunningSandbox,
    private readonly dir: string,
  ) {}

  static async start(options: SandboxOptions = {}): Promise<SandboxUnderTest> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'croupier-sandbox-'));
    return new SandboxUnderTest(await startSandbox({ port: 0, dataDir: dir, ...options }), dir);
  }

  get url(): string {
    return this.sandbox.url;
  }

  async stop(): Promise<void> {
    await this.sandbox.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  async call(
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const write = method !== 'GET' && !route.startsWith('/sandbox');
    const response = await fetch(`${this.url}${route}`, {
      method,
      headers: {
        'x-brand-id': 'brand-7',
        'x-provider-id': 'studio-x',
        'x-region': 'EU',
        'x-trace-id': `t_${randomUUID()}`,
        ...(write ? { 'x-idempotency-key': `k_${randomUUID()}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      headers: response.headers,
    };
  }

  /** POST /v1/sessions as the brief's example, whatever the answer. */
  createSession(playerId = 'p_demo_1', currency = 'EUR'): Promise<Answer> {
    return this.call('POST', '/v1/sessions', {
      player_id: playerId,
      game_id: 'studio:slot_forge_02',
      currency,
      locale: 'de-DE',
    });
  }

  async openSession(playerId = 'p_demo_1', currency = 'EUR'): Promise<string> {
    const answer = await this.createSession(playerId, currency);
    if (answer.status !== 201) throw new Error(`session: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.session_id as string;
  }

  authorize(sessionId: string, betId: string, stake = '1.00', headers: Record<string, string> = {}) {
    return this.call(
      'POST',
      '/v1/bets/authorize',
      {
        session_id: sessionId,
        bet_id: betId,
        round_id: `r_${betId}`,
        amount: { amount: stake, currency: 'EUR' },
      },
      headers,
    );
  }

  settle(
    betId: string,
    win = '2.00',
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    return this.call(
      'POST',
      '/v1/bets/settle',
      { bet_id: betId, round_id: `r_${betId}`, win: { amount: win, currency: 'EUR' }, ...extra },
      headers,
    );
  }

  async cash(playerId = 'p_demo_1'): Promise<string> {
    const answer = await this.call('GET', `/v1/players/${playerId}/balance`);
    return (answer.body.balances as Array<{ cash: string }>)[0]?.cash as string;
  }

  async fault(body: Record<string, unknown>): Promise<string> {
    const answer = await this.call('POST', '/sandbox/faults', body);
    if (answer.status !== 201) throw new Error(`fault: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.id as string;
  }

  async clear(id: string): Promise<void> {
    const answer = await this.call('DELETE', `/sandbox/faults/${id}`);
    if (answer.status !== 204) throw new Error(`clear: ${answer.status}`);
  }

  /** Events the tap delivered for one bet, waiting until `count` have arrived (or the deadline). */
  async eventsOfBet(
    betId: string,
    count: number,
    timeoutMs = 5_000,
  ): Promise<Array<Record<string, unknown>>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = this.sandbox.tap
        .recent({ limit: 1_000 })
        .filter((e) => (e.event.payload as { bet_id?: string } | undefined)?.bet_id === betId)
        .map((e) => ({ ...e.event, _duplicate: e.duplicate ?? false, _received_at: e.received_at }));
      if (events.length >= count || Date.now() > deadline) return events;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The request log's entry for a trace id. */
  logged(traceId: string) {
    return this.sandbox.requests.search({ traceId })[0];
  }
}
