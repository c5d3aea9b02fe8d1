import { request } from 'undici';

/** The sandbox's fault buttons, as certify drives them. */
export type Fault =
  | { kind: 'duplicate_delivery' }
  | { kind: 'outbox_delay'; delay_ms: number }
  | { kind: 'wallet_outage' }
  | { kind: 'clock_skew'; skew_ms: number }
  | { kind: 'out_of_order' }
  | { kind: 'region_outage'; region: string }
  | { kind: 'error_rate'; rate: number; code: string }
  | { kind: 'no_new_sessions' };

export interface FaultControl {
  /** Turns a fault on; resolves with its id for `clear`. */
  set(fault: Fault): Promise<string>;
  clear(id: string): Promise<void>;
}

export const SANDBOX_FAULTS_PATH = '/sandbox/faults';

/**
 * The client side of the sandbox's admin API: `GET /sandbox/faults` (200 = available),
 * `POST /sandbox/faults {kind, ...}` → 201 `{id}`, `DELETE /sandbox/faults/{id}` → 204.
 */
export class HttpFaultControl implements FaultControl {
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  static async probe(
    baseUrl: string,
    headers: Record<string, string> = {},
  ): Promise<HttpFaultControl | undefined> {
    try {
      const response = await request(new URL(SANDBOX_FAULTS_PATH, baseUrl), {
        headers,
        headersTimeout: 3000,
      });
      await response.body.dump();
      return response.statusCode === 200 ? new HttpFaultControl(baseUrl, headers) : undefined;
    } catch {
      return undefined;
    }
  }

  async set(fault: Fault): Promise<string> {
    const response = await request(new URL(SANDBOX_FAULTS_PATH, this.baseUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-idempotency-key': `fault_${Date.now()}`,
        ...this.headers,
      },
      body: JSON.stringify(fault),
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) {
      throw Object.assign(new Error(`fault ${fault.kind} refused: ${response.statusCode} ${text}`), {
        code: 'FAULT_REFUSED',
      });
    }
    return String((JSON.parse(text) as { id: string }).id);
  }

  async clear(id: string): Promise<void> {
    const response = await request(
      new URL(`${SANDBOX_FAULTS_PATH}/${encodeURIComponent(id)}`, this.baseUrl),
      {
        method: 'DELETE',
        headers: this.headers,
      },
    );
    await response.body.dump();
  }
}
