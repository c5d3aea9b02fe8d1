/**
 * Checks that are ours, not oasdiff's: stricter sunset policy, response enum widening, closed request
 * schemas, security tightening, AsyncAPI event compatibility, SemVer and changesets, ignore-file hygiene, lint.
 */
import type { CheckDefinition } from '../model.ts';

const c = (
  id: string,
  level: CheckDefinition['level'],
  part: CheckDefinition['part'],
  area: string,
  doc: string,
): CheckDefinition => ({ id, level, part, area, message: doc, doc, origin: 'croupier' });

export const croupierChecks: CheckDefinition[] = [
  // Sunset policy: removal needs a passed x-sunset, not only `deprecated: true`.
  c(
    'api-path-removed-without-sunset',
    'error',
    'deprecation',
    'paths',
    'a deprecated path was removed but base gave it no x-sunset date',
  ),
  c(
    'api-removed-without-sunset',
    'error',
    'deprecation',
    'paths',
    'a deprecated operation was removed but base gave it no x-sunset date',
  ),
  c(
    'request-parameter-removed-without-sunset',
    'error',
    'deprecation',
    'parameters',
    'a deprecated request parameter was removed but base gave it no x-sunset date',
  ),
  c(
    'deprecated-operation-headers-missing',
    'warning',
    'deprecation',
    'paths',
    'a deprecated operation documents no Deprecation and Sunset response headers',
  ),
  c(
    'api-sunset-below-stability-period',
    'error',
    'deprecation',
    'paths',
    'an operation was removed before the minimum deprecation period of its stability level',
  ),
  // Client-visible changes oasdiff does not name.
  c(
    'request-path-parameter-renamed',
    'info',
    'breaking',
    'parameters',
    'a path parameter was renamed; the URL clients build is unchanged',
  ),
  c(
    'response-property-enum-removed',
    'warning',
    'breaking',
    'schema',
    'a response property lost its enum: generated clients widen the type and switch statements lose exhaustiveness',
  ),
  c('response-body-enum-removed', 'warning', 'breaking', 'schema', 'a response body lost its enum'),
  c(
    'request-parameter-enum-removed',
    'info',
    'breaking',
    'parameters',
    'a request parameter lost its enum: any value is now accepted',
  ),
  c(
    'request-property-enum-removed',
    'info',
    'breaking',
    'schema',
    'a request property lost its enum: any value is now accepted',
  ),
  c(
    'request-property-removed-from-closed-schema',
    'error',
    'breaking',
    'schema',
    'a request property was removed from a schema with additionalProperties: false, so clients that still send it are rejected',
  ),
  c(
    'request-body-additional-properties-closed',
    'error',
    'breaking',
    'schema',
    'a request schema now forbids additional properties',
  ),
  c(
    'api-security-requirement-tightened',
    'error',
    'breaking',
    'security',
    'a client that met a base security requirement no longer meets any head requirement',
  ),
  // AsyncAPI 2.x/3 event compatibility. Payloads and headers are judged by the OpenAPI schema checks, with
  // `receive` read as a response and `send` as a request.
  c(
    'event-server-removed',
    'error',
    'breaking',
    'events',
    'a server was removed; clients configured with it cannot connect',
  ),
  c('event-server-added', 'info', 'breaking', 'events', 'a server was added'),
  c('event-server-address-changed', 'error', 'breaking', 'events', 'a server host, pathname or url changed'),
  c('event-server-protocol-changed', 'error', 'breaking', 'events', 'a server protocol changed'),
  c(
    'event-server-protocol-version-changed',
    'error',
    'breaking',
    'events',
    'a server protocolVersion changed',
  ),
  c(
    'event-server-variable-narrowed',
    'error',
    'breaking',
    'events',
    'a server variable was removed, lost enum values or changed its default',
  ),
  c(
    'event-server-security-changed',
    'error',
    'breaking',
    'events',
    'a server requires security clients of base do not present',
  ),
  c('event-channel-removed', 'error', 'breaking', 'events', 'a channel was removed'),
  c('event-channel-added', 'info', 'breaking', 'events', 'a channel was added'),
  c('event-channel-address-changed', 'error', 'breaking', 'events', 'a channel address changed'),
  c('event-operation-removed', 'error', 'breaking', 'events', 'an operation was removed'),
  c('event-operation-added', 'info', 'breaking', 'events', 'an operation was added'),
  c(
    'event-operation-action-changed',
    'error',
    'breaking',
    'events',
    'an operation switched between send and receive',
  ),
  c(
    'event-operation-channel-changed',
    'error',
    'breaking',
    'events',
    'an operation moved to another channel',
  ),
  c(
    'event-operation-message-removed',
    'error',
    'breaking',
    'events',
    'a message was dropped from an operation',
  ),
  c(
    'event-operation-security-changed',
    'error',
    'breaking',
    'events',
    'an operation requires security clients of base do not present',
  ),
  c(
    'event-operation-reply-removed',
    'error',
    'breaking',
    'events',
    'a request/reply operation no longer replies',
  ),
  c('event-operation-reply-added', 'info', 'breaking', 'events', 'an operation now replies'),
  c(
    'event-operation-reply-changed',
    'error',
    'breaking',
    'events',
    'a reply moved to another address or channel, or lost a message',
  ),
  c('event-message-removed', 'error', 'breaking', 'events', 'a message was removed from a channel'),
  c('event-message-added', 'info', 'breaking', 'events', 'a message was added to a channel'),
  c(
    'event-message-content-type-changed',
    'error',
    'breaking',
    'events',
    'a message contentType (or the defaultContentType it used) changed',
  ),
  c(
    'event-message-correlation-id-removed',
    'error',
    'breaking',
    'events',
    'a message lost its correlationId',
  ),
  c(
    'event-message-correlation-id-changed',
    'error',
    'breaking',
    'events',
    'a message correlationId moved to another location',
  ),
  c(
    'event-schema-version-not-bumped',
    'error',
    'breaking',
    'events',
    'an event schema changed without the matching schema_version bump',
  ),
  // SemVer and changesets.
  c(
    'semver-bump-too-small',
    'error',
    'semver',
    'info',
    'the declared info.version bump is lower than the change needs',
  ),
  c('semver-version-decreased', 'error', 'semver', 'info', 'info.version decreased'),
  c('semver-version-invalid', 'error', 'semver', 'info', 'info.version is not SemVer'),
  c(
    'semver-breaking-in-major-prefix',
    'error',
    'semver',
    'paths',
    'a breaking change inside a versioned path prefix (/v1): majors go through a new prefix (/v2)',
  ),
  c('changeset-missing', 'error', 'semver', 'info', 'a contract change has no .changeset/*.md entry'),
  c(
    'changeset-level-too-low',
    'error',
    'semver',
    'info',
    'the changeset declares a lower bump than the contract change needs',
  ),
  // OpenAPI changes other tools' test suites catch and oasdiff's catalogue does not name.
  c(
    'api-server-removed',
    'error',
    'breaking',
    'servers',
    'a server URL was removed; clients configured with it lose the API',
  ),
  c(
    'api-servers-replaced',
    'info',
    'breaking',
    'servers',
    'every server URL was replaced: the description now points at another deployment',
  ),
  c('api-server-added', 'info', 'breaking', 'servers', 'a server URL was added'),
  c(
    'api-callback-removed',
    'error',
    'breaking',
    'callbacks',
    'a callback was removed; subscribers stop receiving it',
  ),
  c('api-callback-added', 'info', 'breaking', 'callbacks', 'a callback was added'),
  c(
    'api-security-component-api-key-location-changed',
    'error',
    'breaking',
    'security',
    'an apiKey security scheme moved (header, query, cookie) or changed its name; clients send the key where it is no longer read',
  ),
  c(
    'api-security-component-http-scheme-changed',
    'error',
    'breaking',
    'security',
    'an http security scheme changed its scheme (basic, bearer, ...); clients send other credentials',
  ),
  c(
    'api-security-component-open-id-connect-url-changed',
    'error',
    'breaking',
    'security',
    'an openIdConnect security scheme changed its discovery URL',
  ),
  c(
    'request-parameter-allow-empty-value-removed',
    'error',
    'breaking',
    'parameters',
    'a query parameter stopped allowing an empty value; clients sending `?name=` are rejected',
  ),
  ...(['request-body', 'request-property', 'request-parameter'] as const).flatMap((site) => [
    c(
      `${site}-max-became-exclusive`,
      'error',
      'breaking',
      'schema',
      `${site}: an OpenAPI 3.0 \`exclusiveMaximum: true\` now excludes the maximum clients may send`,
    ),
    c(
      `${site}-min-became-exclusive`,
      'error',
      'breaking',
      'schema',
      `${site}: an OpenAPI 3.0 \`exclusiveMinimum: true\` now excludes the minimum clients may send`,
    ),
    c(
      `${site}-min-properties-set`,
      'error',
      'breaking',
      'schema',
      `${site}: minProperties set; clients sending fewer entries are rejected`,
    ),
    c(`${site}-min-properties-increased`, 'error', 'breaking', 'schema', `${site}: minProperties increased`),
    c(`${site}-min-properties-decreased`, 'info', 'breaking', 'schema', `${site}: minProperties decreased`),
    c(`${site}-min-properties-unset`, 'info', 'breaking', 'schema', `${site}: minProperties removed`),
    c(
      `${site}-max-properties-set`,
      'error',
      'breaking',
      'schema',
      `${site}: maxProperties set; clients sending more entries are rejected`,
    ),
    c(`${site}-max-properties-decreased`, 'error', 'breaking', 'schema', `${site}: maxProperties decreased`),
    c(`${site}-max-properties-increased`, 'info', 'breaking', 'schema', `${site}: maxProperties increased`),
    c(`${site}-max-properties-unset`, 'info', 'breaking', 'schema', `${site}: maxProperties removed`),
    c(
      `${site}-type-specialized`,
      'error',
      'breaking',
      'schema',
      `${site}: the format narrowed (int64 → int32, double → float); values clients send may no longer fit`,
    ),
  ]),
  ...(['response-body', 'response-property'] as const).flatMap((site) => [
    c(
      `${site}-max-unset`,
      'error',
      'breaking',
      'schema',
      `${site}: maximum removed; clients may receive larger values`,
    ),
    c(
      `${site}-min-unset`,
      'error',
      'breaking',
      'schema',
      `${site}: minimum removed; clients may receive smaller values`,
    ),
    c(
      `${site}-max-became-inclusive`,
      'error',
      'breaking',
      'schema',
      `${site}: an OpenAPI 3.0 \`exclusiveMaximum: true\` was dropped; clients may receive the maximum itself`,
    ),
    c(
      `${site}-min-became-inclusive`,
      'error',
      'breaking',
      'schema',
      `${site}: an OpenAPI 3.0 \`exclusiveMinimum: true\` was dropped; clients may receive the minimum itself`,
    ),
  ]),
  // Suppression hygiene.
  c(
    'ignore-entry-expired',
    'warning',
    'breaking',
    'ignore',
    'an ignore entry is past its expiry date and no longer suppresses',
  ),
  c(
    'ignore-entry-invalid',
    'error',
    'breaking',
    'ignore',
    'an ignore entry lacks an id, path, reason or valid expiry date',
  ),
  // Lint (Spectral through @croupier/lint-contracts).
  c('lint-error', 'error', 'lint', 'lint', 'a lint rule at error severity failed'),
  c('lint-warning', 'warning', 'lint', 'lint', 'a lint rule at warning severity failed'),
];

/**
 * Where croupier judges an oasdiff check more strictly than oasdiff's registry does, with the reason. The
 * catalogue applies these over the generated oasdiff levels, so the generated files stay as imported.
 */
export const levelOverrides: Record<string, { level: CheckDefinition['level']; why: string }> = {
  'request-body-min-set': {
    level: 'error',
    why: 'a request minimum added rejects the smaller values clients sent',
  },
  'request-property-min-set': {
    level: 'error',
    why: 'a request minimum added rejects the smaller values clients sent',
  },
  'request-parameter-min-set': {
    level: 'error',
    why: 'a request minimum added rejects the smaller values clients sent',
  },
  'request-body-max-set': {
    level: 'error',
    why: 'a request maximum added rejects the larger values clients sent',
  },
  'request-property-max-set': {
    level: 'error',
    why: 'a request maximum added rejects the larger values clients sent',
  },
  'request-parameter-max-set': {
    level: 'error',
    why: 'a request maximum added rejects the larger values clients sent',
  },
  'request-required-property-became-not-read-only': {
    level: 'error',
    why: 'a required property that was readOnly is now one clients must send',
  },
  ...Object.fromEntries(
    ['request-body', 'request-property', 'response-body', 'response-property'].map((site) => [
      `${site}-discriminator-property-name-changed`,
      {
        level: 'error' as const,
        why: 'clients write (requests) or dispatch on (responses) the old discriminator property',
      },
    ]),
  ),
  'api-security-component-type-changed': { level: 'error', why: 'clients send another kind of credentials' },
  'api-security-component-oauth-url-changed': {
    level: 'error',
    why: 'clients get or refresh tokens at the old URL',
  },
  'api-security-component-oauth-token-url-changed': {
    level: 'error',
    why: 'clients get tokens at the old URL',
  },
};
