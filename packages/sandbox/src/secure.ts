/**
 * `croupier sandbox --secure`: the brief's handshake, switched on in the sandbox. A development CA
 * signs the server certificate and each provider's client certificate; OAuth2 client credentials
 * give short-lived EdDSA tokens; request bodies are signed (Ed25519 or HMAC). The admin API and the
 * console are not contract operations: they need no client certificate but the platform's admin token,
 * written beside the CA (see admin-guard.ts), which `croupier sandbox keys|fault|reset|…` read.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ClientRegistry,
  createDevelopmentCa,
  createTokenIssuer,
  croupierSecurity,
  type DevelopmentCa,
  issueSandboxCredentials,
  issueServerCertificate,
  KeyRing,
  oauthRoutes,
  SecuritySummaryCollector,
} from '@croupier/security';
import { operations } from '@croupier/server';
import { SANDBOX_BRAND, SANDBOX_PROVIDER, SANDBOX_REGION } from '@croupier/wallet';
import type { FastifyInstance } from 'fastify';
import { newAdminToken, tokenFingerprint } from './admin-guard.ts';
import type { ProviderCredentials, SandboxSecurity } from './security.ts';

/** Every scope an operation of the contract needs, plus publishing events: a sandbox provider may do it all. */
export const ALL_SCOPES = [
  ...new Set([...Object.values(operations).flatMap((op) => op.scopes), 'events:publish']),
].sort();

export interface SecureSandboxOptions {
  certsDir: string;
  hosts?: string[];
}

export async function createSandboxSecurity(options: SecureSandboxOptions): Promise<{
  security: SandboxSecurity;
  summary: string;
  credentialsFile: string;
  /** The admin token's file (mode 0600): what the CLI's --admin-token-file and certify read. */
  adminTokenFile: string;
}> {
  const certsDir = path.resolve(options.certsDir);
  mkdirSync(certsDir, { recursive: true });
  const ca: DevelopmentCa = createDevelopmentCa('croupier sandbox CA');
  const server = issueServerCertificate(ca, {
    brand: SANDBOX_BRAND,
    region: SANDBOX_REGION,
    hosts: options.hosts ?? ['localhost', '127.0.0.1', '::1'],
  });
  const caFile = path.join(certsDir, 'ca.crt.pem');
  writeFileSync(caFile, ca.certPem);
  writeFileSync(path.join(certsDir, 'ca.key.pem'), ca.keyPem, { mode: 0o600 });

  // A new admin token each start, like the CA: a token from an earlier run opens nothing.
  const adminToken = newAdminToken();
  const adminTokenFile = path.join(certsDir, 'admin.token');
  writeFileSync(adminTokenFile, `${adminToken}\n`, { mode: 0o600 });
  chmodSync(adminTokenFile, 0o600); // a file left by an earlier run keeps its mode otherwise

  const collector = new SecuritySummaryCollector();
  const keyRing = new KeyRing({ collector });
  const clients = new ClientRegistry();
  const issuer = createTokenIssuer({ keyRing, clients, collector });

  const issueCredentials = (tenancy: {
    brand?: string;
    region?: string;
    provider: string;
  }): ProviderCredentials => {
    const brand = tenancy.brand ?? SANDBOX_BRAND;
    const region = tenancy.region ?? SANDBOX_REGION;
    const dir = path.join(certsDir, `${brand}.${region}.${tenancy.provider}`);
    const issued = issueSandboxCredentials({
      brand,
      region,
      provider: tenancy.provider,
      scopes: ALL_SCOPES,
      clients,
      keyRing,
      certsDir: dir,
      ca,
    });
    const credentials: ProviderCredentials = {
      ...issued,
      token_url: '/oauth/token',
      certs: {
        caCert: caFile,
        clientCert: path.resolve(issued.certs?.clientCert ?? ''),
        clientKey: path.resolve(issued.certs?.clientKey ?? ''),
      },
      file: path.join(dir, 'credentials.json'),
    };
    writeFileSync(credentials.file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    return credentials;
  };

  const first = issueCredentials({ provider: SANDBOX_PROVIDER });
  const security: SandboxSecurity = {
    tls: { key: server.keyPem, cert: server.certPem, ca: ca.certPem },
    caFile,
    collector,
    issueCredentials,
    admin: { token: adminToken, tokenFile: adminTokenFile },
    async install(app: FastifyInstance) {
      await app.register(oauthRoutes, { issuer, keyRing });
      await app.register(croupierSecurity, {
        enabled: true,
        operations,
        mtls: true,
        oauth2: { keyRing },
        signatures: { keyRing },
        collector,
      });
    },
  };
  const summary = [
    'Credentials of studio-x (brand-7, EU): client id and secret, Ed25519 and HMAC signing keys, client certificate:',
    `  ${first.file}`,
    `  CA to trust: ${caFile}`,
    `Admin side (/sandbox/*, console): only with the admin token in ${adminTokenFile} (${tokenFingerprint(adminToken)})`,
    '  croupier sandbox fault|faults|clear|reset|player add|keys read it from .croupier/sandbox/certs/ by default',
    '  (elsewhere: --admin-token-file), certify takes --admin-token-file;',
    '  the console asks for it once at /console/login',
    '  more providers: croupier sandbox keys --provider <id>',
    `  certify it:  croupier certify --target https://127.0.0.1:<port> --credentials ${first.file} --admin-token-file ${adminTokenFile}`,
  ].join('\n');
  return { security, summary, credentialsFile: first.file, adminTokenFile };
}
