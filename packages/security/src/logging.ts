import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import pino, { type Logger, type LoggerOptions } from 'pino';

const traces = new AsyncLocalStorage<{ traceId: string }>();

/** Every log line written inside `fn` (across awaits) carries `trace_id`. */
export function withTrace<T>(traceId: string, fn: () => T): T {
  return traces.run({ traceId }, fn);
}

export function currentTraceId(): string | undefined {
  return traces.getStore()?.traceId;
}

export interface MaskingOptions {
  /** Salt of the correlation hash; set one per deployment so hashes cannot be looked up across them. */
  salt?: string;
  /**
   * What a player id looks like in free text (e.g. `/\bp_[A-Za-z0-9_]+/g`). Ids under a `player_id`
   * key, in `/players/<id>` paths and `player_id=` queries are masked without it; opaque ids in prose
   * can only be found with it.
   */
  playerIdPattern?: RegExp;
}

const SECRET_KEY =
  /(token|secret|password|passwd|authorization|cookie|signature|private_?key|api_?key|credential)s?$/i;
const NOT_SECRET_KEY = /(signature_?key_?id|signature_?timestamp|token_?type|expires_?in)$/i;
const PLAYER_KEY = /^(player_?id|player)$/i;

/** `p_demo_1` → `p_d***1~4f2a9c`: readable enough to tell players apart, with a stable hash to correlate lines. */
export function maskPlayerId(id: string, options: MaskingOptions = {}): string {
  const hash = createHash('sha256')
    .update(`${options.salt ?? 'croupier'}:${id}`)
    .digest('hex')
    .slice(0, 6);
  if (id.length <= 4) return `***~${hash}`;
  return `${id.slice(0, 3)}***${id.slice(-1)}~${hash}`;
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const CARD_LIKE = /(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])/g;
const JWT_LIKE = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const SIGNATURE_VALUE = /\b(hmac-sha256|ed25519)=[A-Za-z0-9+/]+=*/g;
const PEM_PRIVATE = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;
const PLAYER_IN_PATH = /(\/players\/)([^/?#\s"]+)/g;
const PLAYER_IN_QUERY = /([?&]player_?id=)([^&#\s"]+)/gi;
const MASKED_PLAYER = /^[^*]{0,3}\*\*\*[^~]?~[0-9a-f]{6}$/;
const SECRET_IN_QUERY = /([?&](?:client_secret|access_token|token)=)([^&#\s"]+)/gi;

/** Masks card-like numbers (Luhn-valid, 13–19 digits), tokens, signatures, keys and player ids inside free text. */
export function maskText(text: string, options: MaskingOptions = {}): string {
  const player = (id: string) =>
    MASKED_PLAYER.test(id) ? id : maskPlayerId(decodeURIComponent(id), options);
  let masked = text
    .replace(PEM_PRIVATE, '[REDACTED PRIVATE KEY]')
    .replace(JWT_LIKE, '[REDACTED JWT]')
    .replace(BEARER, '$1 [REDACTED]')
    .replace(SIGNATURE_VALUE, '$1=[REDACTED]')
    .replace(SECRET_IN_QUERY, '$1[REDACTED]');
  if (options.playerIdPattern) masked = masked.replace(options.playerIdPattern, player);
  return masked
    .replace(PLAYER_IN_PATH, (_, prefix: string, id: string) => `${prefix}${player(id)}`)
    .replace(PLAYER_IN_QUERY, (_, prefix: string, id: string) => `${prefix}${player(id)}`)
    .replace(CARD_LIKE, (match) => {
      const digits = match.replace(/[ -]/g, '');
      if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return match;
      return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
    });
}

/** Deep copy of a log record with every secret, player id and card-like number masked. */
export function maskRecord(value: unknown, options: MaskingOptions = {}, key = ''): unknown {
  if (
    key &&
    SECRET_KEY.test(key) &&
    !NOT_SECRET_KEY.test(key) &&
    value !== undefined &&
    value !== null &&
    value !== ''
  ) {
    return '[REDACTED]';
  }
  if (typeof value === 'string') {
    return PLAYER_KEY.test(key) ? maskPlayerId(value, options) : maskText(value, options);
  }
  if (typeof value === 'number' && key !== 'time' && Number.isInteger(value) && value >= 1e12) {
    const masked = maskText(String(value), options);
    return masked === String(value) ? value : masked;
  }
  if (Array.isArray(value))
    return value.map((item) => maskRecord(item, options, PLAYER_KEY.test(key) ? key : ''));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskRecord(v, options, k);
    return out;
  }
  return value;
}

function globalPattern(pattern: RegExp): RegExp {
  return pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
}

export interface LogDestination {
  write(line: string): unknown;
}

export interface CreateLoggerOptions extends MaskingOptions {
  level?: string;
  name?: string;
  /** Where lines go (default stdout). Every line is masked before it gets there. */
  destination?: LogDestination;
  /** Extra pino options (redact, serializers, …); `mixin` and `hooks` are combined, not replaced. */
  pino?: LoggerOptions;
}

/**
 * A pino logger whose every line is masked on its way out — whatever the call site, child bindings
 * or serializers put in it — and carries the current trace id (`withTrace`).
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const target = options.destination ?? process.stdout;
  const masking: MaskingOptions = {
    ...(options.salt ? { salt: options.salt } : {}),
    ...(options.playerIdPattern ? { playerIdPattern: globalPattern(options.playerIdPattern) } : {}),
  };
  const stream = {
    write(chunk: string) {
      for (const line of chunk.split('\n')) {
        if (!line) continue;
        let masked: string;
        try {
          masked = JSON.stringify(maskRecord(JSON.parse(line), masking));
        } catch {
          masked = maskText(line, masking);
        }
        target.write(`${masked}\n`);
      }
    },
  };
  const extra = options.pino ?? {};
  return pino(
    {
      ...extra,
      level: options.level ?? extra.level ?? 'info',
      ...(options.name ? { name: options.name } : {}),
      mixin(mergeObject, level, logger) {
        const traceId = currentTraceId();
        const fromExtra = extra.mixin ? extra.mixin(mergeObject, level, logger) : {};
        return traceId ? { trace_id: traceId, ...fromExtra } : fromExtra;
      },
    },
    stream,
  );
}

/**
 * Fastify server options that make the request id the trace id: taken from `X-Trace-Id` when the
 * caller sent one, minted otherwise, and logged as `trace_id` on every request line.
 */
export function fastifyTraceOptions() {
  return {
    requestIdHeader: 'x-trace-id',
    requestIdLogLabel: 'trace_id',
    genReqId: () => randomUUID(),
  };
}
