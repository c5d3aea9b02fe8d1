/**
 * How the sandbox turns security on (`croupier sandbox --secure`): TLS material for the listener, a
 * hook that installs `@croupier/security` before the contract routes, and credentials per provider.
 */
import type { SandboxCredentials, SecuritySummaryCollector } from '@croupier/security';
import type { FastifyInstance } from 'fastify';

/** What a provider receives: the file `croupier certify --credentials` reads. */
export interface ProviderCredentials extends Omit<SandboxCredentials, 'certs'> {
  /** Path of the token endpoint, relative to the sandbox URL. */
  token_url: string;
  /** Absolute paths of the PEM files. */
  certs: { caCert: string; clientCert: string; clientKey: string };
  /** Where this JSON was written. */
  file: string;
}

export interface SandboxSecurity {
  /** Server certificate, key and the CA that client certificates must chain to. */
  tls?: { key: string; cert: string; ca: string };
  caFile?: string;
  collector?: SecuritySummaryCollector;
  issueCredentials?(tenancy: { brand?: string; region?: string; provider: string }): ProviderCredentials;
  install(app: FastifyInstance): Promise<void>;
  /**
   * The platform's admin credential: with it set, `/sandbox/*` and the console answer only to this
   * token (see admin-guard.ts). `tokenFile` is where it was written for the operator's tools.
   */
  admin?: { token: string; tokenFile: string };
}
