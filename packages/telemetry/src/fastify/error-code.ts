/** Largest body parsed to read an error code; error bodies are small, anything bigger is not one. */
const MAX_ERROR_BODY = 16 * 1024;

/**
 * The `code` of an error body (`{code, message, retryable, trace_id}`) as it leaves in `onSend`,
 * where Fastify has already serialized it to a string.
 */
export function errorCodeOfPayload(payload: unknown): string | undefined {
  let text: string | undefined;
  if (typeof payload === 'string') text = payload;
  else if (Buffer.isBuffer(payload))
    text = payload.length <= MAX_ERROR_BODY ? payload.toString('utf8') : undefined;
  else if (payload && typeof payload === 'object' && 'code' in payload) {
    const code = (payload as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  if (!text || text.length > MAX_ERROR_BODY || text.trimStart()[0] !== '{') return undefined;
  try {
    const code = (JSON.parse(text) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
