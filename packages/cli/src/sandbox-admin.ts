/**
 * How the CLI reaches a running sandbox's admin API (`/sandbox/*`). A plain sandbox needs nothing; a
 * `--secure` one is reached over TLS with its CA and answers only to the platform's admin token, both
 * written by `croupier sandbox --secure` under `.croupier/sandbox/certs/`. Every admin command reads
 * them from there unless told otherwise, and never prints the token.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Dispatcher } from 'undici';

export const DEFAULT_CA_FILE = '.croupier/sandbox/certs/ca.crt.pem';
export const DEFAULT_ADMIN_TOKEN_FILE = '.croupier/sandbox/certs/admin.token';
/** Where a secure sandbox reads the admin token (the sandbox's admin-guard.ts). */
export const ADMIN_TOKEN_HEADER = 'x-croupier-admin-token';

export interface AdminFlags {
  url: string;
  ca?: string;
  adminTokenFile?: string;
}

/** The two flags every command that calls the admin API takes. */
export function adminOptions(command: Command): Command {
  return command
    .option('--ca <file>', `with an https:// --url: the sandbox CA to trust (default ${DEFAULT_CA_FILE})`)
    .option(
      '--admin-token-file <file>',
      `with an https:// --url: the secure sandbox's admin token (default ${DEFAULT_ADMIN_TOKEN_FILE})`,
    );
}

/** Reads the admin token a secure sandbox wrote; the error says where it comes from. */
export function readAdminToken(file: string): string {
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch {
    throw new Error(
      `ADMIN_TOKEN_MISSING: no admin token at ${file}; \`croupier sandbox --secure\` writes it to ${DEFAULT_ADMIN_TOKEN_FILE} in the directory it runs in, or pass --admin-token-file`,
    );
  }
  if (!token) throw new Error(`ADMIN_TOKEN_MISSING: ${file} is empty`);
  return token;
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new Error(`CA_MISSING: no CA at ${file}; start the sandbox with --secure first, or pass --ca`);
  }
}

export interface AdminClient {
  call(method: string, path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * A client for the admin API at `flags.url`. Over https it trusts the given (or default) CA and sends the
 * admin token; over http it sends a token only when one was named explicitly.
 */
export async function adminClient(flags: AdminFlags): Promise<AdminClient> {
  const secure = flags.url.startsWith('https:');
  const tokenFile = flags.adminTokenFile ?? (secure ? DEFAULT_ADMIN_TOKEN_FILE : undefined);
  const token = tokenFile ? readAdminToken(tokenFile) : undefined;
  let dispatcher: Dispatcher | undefined;
  if (secure) {
    const ca = readCa(flags.ca ?? DEFAULT_CA_FILE);
    const { Agent } = await import('undici');
    dispatcher = new Agent({ connect: { ca } });
  }
  const headers: Record<string, string> = token ? { [ADMIN_TOKEN_HEADER]: token } : {};
  return {
    call: (method, path, body) => adminCall(flags.url, method, path, body, headers, dispatcher),
    close: async () => dispatcher?.close(),
  };
}

/** One call of the admin API, closing its connection after: what each admin command does once. */
export async function callAdmin(
  flags: AdminFlags,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const client = await adminClient(flags);
  try {
    return await client.call(method, path, body);
  } finally {
    await client.close();
  }
}

async function adminCall(
  base: string,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
  dispatcher: Dispatcher | undefined,
): Promise<unknown> {
  const { fetch } = await import('undici');
  let response: Awaited<ReturnType<typeof fetch>>;
  try {
    response = await fetch(new URL(path, base), {
      method,
      ...(dispatcher ? { dispatcher } : {}),
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    throw new Error(
      `SANDBOX_UNREACHABLE: no sandbox answers at ${base} (${cause?.message ?? (error as Error).message}); start one with \`croupier sandbox\` or pass --url`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      const parsed = JSON.parse(text) as { code?: string; message?: string };
      message = `${parsed.code}: ${parsed.message}`;
    } catch {}
    throw new Error(`${method} ${path} → ${response.status} ${message}`);
  }
  return text ? JSON.parse(text) : undefined;
}
