import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import type { Contract } from './contract.ts';
import { redactHeaders, redactText } from './redaction.ts';
import type { RequestSigner } from './scenario.ts';

/** One request and its response, as the protocol shows it: what was sent, what came back, when, how long. */
export interface Exchange {
  seq: number;
  scenarioId: string;
  label?: string;
  method: string;
  path: string;
  operationId?: string;
  traceId?: string;
  idempotencyKey?: string;
  startedAt: string;
  startedAtMs: number;
  durationMs: number;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  /** Transport failure (connection refused, timeout) instead of a response. */
  error?: string;
  violations: string[];
}

export interface SendOptions {
  method?: string;
  path: string;
  /** Serialised as JSON unless `rawBody` is given. */
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  /** Header names to leave out of the defaults (missing-header checks). */
  omitHeaders?: string[];
  idempotencyKey?: string;
  traceId?: string;
  label?: string;
  /** Leave the signature off even when a signer is configured (unsigned-request checks). */
  unsigned?: boolean;
  timeoutMs?: number;
  /** Gives up on the answer after this many ms (a lost response, for rollback-chain checks). */
  abortAfterMs?: number;
}

export interface Response {
  status: number;
  headers: Record<string, string>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: a response body is whatever the target answered; scenarios assert its shape
  json: any;
  exchange: Exchange;
}

export interface TargetIdentity {
  brand: string;
  provider: string;
  region: string;
}

/** Keeps bodies readable in reports: a megabyte probe must not become a megabyte of protocol. */
const EVIDENCE_BODY_LIMIT = 4096;

/** Evidence keeps what a reader needs and never a credential: see redaction.ts. */
function clip(raw: string): string {
  const text = redactText(raw);
  return text.length > EVIDENCE_BODY_LIMIT
    ? `${text.slice(0, EVIDENCE_BODY_LIMIT)}… (${text.length} chars in all)`
    : text;
}

let sequence = 0;

/**
 * The only way scenarios talk to the target. Every exchange is recorded as evidence and every response
 * is checked against the contract, so a scenario cannot forget either.
 */
export class CertifyHttp {
  readonly exchanges: Exchange[] = [];
  readonly violations: string[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly scenarioId: string,
    private readonly identity: TargetIdentity,
    private readonly contract: Contract,
    private readonly signer?: RequestSigner,
    private readonly signal?: AbortSignal,
  ) {}

  get target(): string {
    return this.baseUrl;
  }

  async send(options: SendOptions): Promise<Response> {
    const method = (
      options.method ?? (options.body !== undefined || options.rawBody ? 'POST' : 'GET')
    ).toUpperCase();
    const traceId = options.traceId ?? `tr_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    const headers: Record<string, string> = {
      'x-trace-id': traceId,
      'x-brand-id': this.identity.brand,
      'x-provider-id': this.identity.provider,
      'x-region': this.identity.region,
    };
    let payload: string | Buffer | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (method === 'POST') headers['x-idempotency-key'] = options.idempotencyKey ?? `ik_${randomUUID()}`;
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    for (const name of options.omitHeaders ?? []) delete headers[name.toLowerCase()];
    if (this.signer && !options.unsigned) {
      const bodyText = payload === undefined ? '' : payload.toString();
      const signed = await this.signer.sign({ method, path: options.path, body: bodyText, headers });
      for (const [name, value] of Object.entries(signed)) headers[name.toLowerCase()] = value;
    }

    const startedAtMs = Date.now();
    const exchange: Exchange = {
      seq: ++sequence,
      scenarioId: this.scenarioId,
      label: options.label,
      method,
      path: options.path,
      traceId: headers['x-trace-id'],
      idempotencyKey: headers['x-idempotency-key'],
      startedAt: new Date(startedAtMs).toISOString(),
      startedAtMs,
      durationMs: 0,
      requestHeaders: redactHeaders(headers),
      requestBody: payload === undefined ? undefined : clip(payload.toString()),
      violations: [],
    };
    this.exchanges.push(exchange);
    const started = performance.now();
    try {
      const response = await request(new URL(options.path, this.baseUrl), {
        method: method as 'GET',
        headers,
        body: payload,
        signal:
          options.abortAfterMs === undefined
            ? this.signal
            : AbortSignal.any([
                ...(this.signal ? [this.signal] : []),
                AbortSignal.timeout(options.abortAfterMs),
              ]),
        headersTimeout: options.timeoutMs ?? 10_000,
        bodyTimeout: options.timeoutMs ?? 10_000,
      });
      const text = await response.body.text();
      exchange.durationMs = performance.now() - started;
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined)
          responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      exchange.status = response.statusCode;
      exchange.responseHeaders = redactHeaders(responseHeaders);
      exchange.responseBody = clip(text);
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      const verdict = this.contract.checkExchange({
        method,
        path: options.path,
        status: response.statusCode,
        requestHeaders: headers,
        headers: responseHeaders,
        text,
        json,
      });
      exchange.operationId = verdict.operationId;
      exchange.violations = verdict.violations;
      for (const violation of verdict.violations) {
        this.violations.push(`${method} ${options.path} → ${response.statusCode}: ${violation}`);
      }
      return { status: response.statusCode, headers: responseHeaders, text, json, exchange };
    } catch (error) {
      exchange.durationMs = performance.now() - started;
      exchange.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new TransportError(`${method} ${options.path} failed: ${exchange.error}`);
    }
  }

  get(path: string, options: Omit<SendOptions, 'path' | 'method'> = {}): Promise<Response> {
    return this.send({ ...options, method: 'GET', path });
  }

  post(
    path: string,
    body: unknown,
    options: Omit<SendOptions, 'path' | 'method' | 'body'> = {},
  ): Promise<Response> {
    return this.send({ ...options, method: 'POST', path, body });
  }
}

/** The target could not be reached or did not answer in time: not a contract answer at all. */
export class TransportError extends Error {
  readonly code = 'TARGET_UNREACHABLE';
}
