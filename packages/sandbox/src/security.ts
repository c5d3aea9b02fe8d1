/**
 * How the sandbox turns security on (`croupier sandbox --secure`): TLS material for the listener and
 * a hook that installs `@croupier/security` before the contract routes.
 */
import type { FastifyInstance } from 'fastify';

export interface SandboxSecurity {
  /** Server certificate, key and the CA that client certificates must chain to. */
  tls?: { key: string; cert: string; ca: string };
  install(app: FastifyInstance): Promise<void>;
}
