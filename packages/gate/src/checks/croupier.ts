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
  // AsyncAPI 3 event compatibility (a consumer of the old version must still read new messages).
  c('event-channel-removed', 'error', 'breaking', 'events', 'a channel was removed'),
  c('event-channel-added', 'info', 'breaking', 'events', 'a channel was added'),
  c('event-channel-address-changed', 'error', 'breaking', 'events', 'a channel address changed'),
  c('event-operation-removed', 'error', 'breaking', 'events', 'an operation was removed'),
  c('event-message-removed', 'error', 'breaking', 'events', 'a message was removed from a channel'),
  c('event-message-added', 'info', 'breaking', 'events', 'a message was added to a channel'),
  c('event-field-removed', 'error', 'breaking', 'events', 'a payload field consumers may read was removed'),
  c('event-field-added', 'info', 'breaking', 'events', 'an optional payload field was added'),
  c('event-field-type-changed', 'error', 'breaking', 'events', 'a payload field changed type'),
  c(
    'event-field-became-optional',
    'error',
    'breaking',
    'events',
    'a payload field consumers rely on became optional',
  ),
  c(
    'event-required-field-added',
    'error',
    'breaking',
    'events',
    'a required payload field was added: a producer of the old version cannot send it',
  ),
  c('event-field-became-nullable', 'error', 'breaking', 'events', 'a payload field became nullable'),
  c(
    'event-enum-value-added',
    'error',
    'breaking',
    'events',
    'a payload enum gained a value old consumers cannot read',
  ),
  c(
    'event-enum-narrowed',
    'error',
    'breaking',
    'events',
    'a payload enum lost a value: producers of the old version may still send it',
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
