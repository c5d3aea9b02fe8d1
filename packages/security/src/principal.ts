/** Who is calling: the tenant (brand), where its data lives (region), and which provider. */
export interface Principal {
  brand: string;
  region: string;
  provider: string;
  /** OAuth2 scopes granted by the token; empty when no token was presented. */
  scopes: string[];
  /** The body-signature key id, when the request was signed. */
  keyId?: string;
  /** How the principal was established, in the order checked. */
  via: Array<'mtls' | 'oauth2' | 'signature'>;
}

export interface Tenancy {
  brand: string;
  region: string;
  provider: string;
}

/** Header names are matched case-insensitively, as HTTP does. */
export function headerValue(headers: Record<string, unknown>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  }
  return undefined;
}
