/**
 * The sandbox's admin API (players, fault buttons, event stream, expire-session hook) is not part of the
 * contract. A secure croupier sandbox guards it with the platform's admin token, which certify carries in
 * its own header, beside the provider's credentials, only on those calls.
 */
import { request } from 'undici';

/** The header a secure croupier sandbox reads its admin token from. */
export const SANDBOX_ADMIN_TOKEN_HEADER = 'x-croupier-admin-token';

/** Headers for a call to the sandbox's admin API: the tenant headers, plus the admin token when given. */
export function adminHeaders(base: Record<string, string>, adminToken?: string): Record<string, string> {
  return adminToken ? { ...base, [SANDBOX_ADMIN_TOKEN_HEADER]: adminToken } : { ...base };
}

/**
 * The status when the target has a sandbox admin API that refuses these headers (401/403), so the run
 * can say why chaos, events and its own players are missing; undefined when it answers or is absent.
 */
export async function adminRefusal(
  target: string,
  headers: Record<string, string>,
): Promise<number | undefined> {
  try {
    const response = await request(new URL('/sandbox/faults', target), {
      headers,
      headersTimeout: 3000,
      bodyTimeout: 3000,
    });
    await response.body.dump();
    return response.statusCode === 401 || response.statusCode === 403 ? response.statusCode : undefined;
  } catch {
    return undefined;
  }
}
