import {
  ClientRegistry,
  createDevelopmentCa,
  createSigner,
  createTokenIssuer,
  issueClientCertificate,
  issueServerCertificate,
  KeyRing,
  SecuritySummaryCollector,
  type TokenResponse,
} from '../src/index.ts';

const ca = createDevelopmentCa('fixture CA');
const otherCa = createDevelopmentCa('rogue CA');

/** Certificates are slow-ish to make (RSA keys): one set per test file. */
export const certificates = {
  ca,
  server: issueServerCertificate(ca, { brand: 'brand-7', region: 'EU' }),
  brand7: issueClientCertificate(ca, { brand: 'brand-7', region: 'EU', provider: 'studio-x' }),
  brand8: issueClientCertificate(ca, { brand: 'brand-8', region: 'EU', provider: 'studio-x' }),
  rogue: issueClientCertificate(otherCa, { brand: 'brand-7', region: 'EU', provider: 'studio-x' }),
};

export const tenantHeaders = { 'X-Brand-Id': 'brand-7', 'X-Region': 'EU', 'X-Provider-Id': 'studio-x' };

export const authorizeBody = JSON.stringify({
  session_id: 's_456',
  bet_id: 'b_001',
  round_id: 'r_8c12',
  amount: { amount: '2.00', currency: 'EUR' },
});

/** A platform with one provider on two brands, a fake clock, and helpers to sign and fetch tokens. */
export function platform() {
  const clock = { now: Date.now() };
  const now = () => clock.now;
  const collector = new SecuritySummaryCollector();
  const keyRing = new KeyRing({ now, collector });
  const clients = new ClientRegistry();
  const issuer = createTokenIssuer({ keyRing, clients, now, collector });
  const studio7 = clients.register({
    provider: 'studio-x',
    brand: 'brand-7',
    region: 'EU',
    scopes: ['bets:write', 'sessions:write', 'balances:read'],
  });
  const studio7ReadOnly = clients.register({
    provider: 'studio-x',
    brand: 'brand-7',
    region: 'EU',
    scopes: ['balances:read'],
  });
  const studio8 = clients.register({
    provider: 'studio-x',
    brand: 'brand-8',
    region: 'EU',
    scopes: ['bets:write'],
  });
  const key7 = keyRing.generate({
    brand: 'brand-7',
    region: 'EU',
    provider: 'studio-x',
    purpose: 'signature',
    algorithm: 'ed25519',
  });
  const key8 = keyRing.generate({
    brand: 'brand-8',
    region: 'EU',
    provider: 'studio-x',
    purpose: 'signature',
    algorithm: 'hmac-sha256',
  });
  const token = async (client: { client_id: string; client_secret: string }, scope?: string) =>
    (
      (await issuer.issueToken({
        grant_type: 'client_credentials',
        ...client,
        ...(scope ? { scope } : {}),
      })) as TokenResponse
    ).access_token;
  const signer7 = createSigner({ keyId: key7.id, algorithm: 'ed25519', key: key7.privateKey!, now });
  const signer8 = createSigner({ keyId: key8.id, algorithm: 'hmac-sha256', key: key8.secret!, now });
  return {
    clock,
    now,
    collector,
    keyRing,
    clients,
    issuer,
    studio7,
    studio7ReadOnly,
    studio8,
    key7,
    key8,
    token,
    signer7,
    signer8,
  };
}
