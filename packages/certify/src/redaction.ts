/**
 * Reports, logs and protocols outlive the run and get mailed around: no token, client secret, private
 * key or signature value may reach them. A secret is shown as a short SHA-256 fingerprint instead, which
 * still lets a reader tell two values apart and match one against the credentials they hold.
 */
import { createHash } from 'node:crypto';

/** `sha256:` and the first 8 hex digits of the value's SHA-256. */
export function fingerprint(value: string): string {
  return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 8)}`;
}

/** Headers whose whole value is a credential or a proof of one. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'x-signature',
  'cookie',
  'set-cookie',
  // A secure croupier sandbox's admin token (sandbox-admin.ts).
  'x-croupier-admin-token',
]);

/** JSON fields that carry a credential in a request or response body. */
const SECRET_FIELDS =
  /"(access_token|refresh_token|id_token|client_secret|private_key|privateKeyPem|clientKey|password|secret)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;

const PEM_BLOCK = /-----BEGIN ([A-Z ]*PRIVATE KEY)-----[\s\S]*?-----END \1-----/g;

function redactHeaderValue(name: string, value: string): string {
  if (name === 'authorization' || name === 'proxy-authorization') {
    // Keep the scheme (Bearer, Basic): which kind of credential was sent is evidence, the credential is not.
    const space = value.indexOf(' ');
    return space > 0 ? `${value.slice(0, space)} ${fingerprint(value.slice(space + 1))}` : fingerprint(value);
  }
  return fingerprint(value);
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const redacted: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    redacted[name] = SECRET_HEADERS.has(name.toLowerCase())
      ? redactHeaderValue(name.toLowerCase(), value)
      : value;
  }
  return redacted;
}

/** Replaces credential fields of a JSON body and any private key PEM in any text by fingerprints. */
export function redactText(text: string): string {
  return text
    .replace(
      SECRET_FIELDS,
      (_match, field: string, colon: string, value: string) => `"${field}"${colon}"${fingerprint(value)}"`,
    )
    .replace(PEM_BLOCK, (block, kind: string) => `[${kind.toLowerCase()} ${fingerprint(block)}]`);
}
