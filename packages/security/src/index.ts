export {
  principalFromCertificate,
  createDevelopmentCa,
  issueClientCertificate,
  issueServerCertificate,
  writeCertificateSet,
  tenancyUri,
  type CertificateSet,
  type DevelopmentCa,
  type IssuedCertificate,
  type PeerCertificateLike,
} from './certificates.ts';
export {
  createOperationMatcher,
  defaultContractPath,
  isPublic,
  loadErrorCatalogue,
  loadOperationSecurity,
  requiredScopes,
  type OperationSecurity,
  type OperationTable,
} from './contract.ts';
export {
  errorBody,
  reject,
  securityErrors,
  SecurityConfigError,
  type Rejection,
  type SecurityErrorCode,
} from './errors.ts';
export {
  croupierSecurity,
  oauthRoutes,
  securityPlugin,
  type CroupierSecurityOptions,
  type OAuthRoutesOptions,
} from './fastify.ts';
export {
  KeyRing,
  type KeyAlgorithm,
  type KeyLookup,
  type KeyPurpose,
  type KeyRecord,
  type KeyRingOptions,
} from './keyring.ts';
export {
  createLogger,
  currentTraceId,
  fastifyTraceOptions,
  maskPlayerId,
  maskRecord,
  maskText,
  withTrace,
  type CreateLoggerOptions,
  type LogDestination,
} from './logging.ts';
export { headerValue, type Principal, type Tenancy } from './principal.ts';
export { RegionRouter, type RegionRouterOptions } from './region.ts';
export { MemoryReplayStore, type ReplayStore } from './replay.ts';
export { tenantIsolationMigration, TENANT_SETTING, withTenant, type QueryableClient } from './rls.ts';
export {
  issueSandboxCredentials,
  type SandboxCredentialOptions,
  type SandboxCredentials,
} from './sandbox-credentials.ts';
export {
  canonicalPath,
  canonicalString,
  decodeSignature,
  createSignatureVerifier,
  createSigner,
  IDEMPOTENCY_HEADER,
  KEY_ID_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  type SignableRequest,
  type SignerOptions,
} from './signatures.ts';
export { SecuritySummaryCollector, type SecuritySummary } from './summary.ts';
export {
  bearerToken,
  ClientRegistry,
  createTokenIssuer,
  createTokenVerifier,
  isOAuthError,
  type OAuthError,
  type TokenClaims,
  type TokenIssuer,
  type TokenResponse,
} from './tokens.ts';
export {
  createRequestVerifier,
  type RequestVerifier,
  type RequestVerifierOptions,
  type VerifiableRequest,
  type Verdict,
} from './verifier.ts';
