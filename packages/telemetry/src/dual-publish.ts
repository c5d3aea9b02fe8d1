import { createHash } from 'node:crypto';
import type { EventEnvelope, EventSchemas } from './event-schemas.ts';
import type { FeatureFlags } from './feature-flags.ts';

export type PublishEvent = (event: EventEnvelope) => Promise<void>;

export interface DualPublishOptions {
  /** `<event_type>@<version>` published today, e.g. `bet.settled@1.2.0`. */
  from: string;
  /** `<event_type>@<version>` consumers migrate to, e.g. `bet.settled@2.0.0`. */
  to: string;
  /** Builds the new version's payload from the old event (the envelope is carried over). */
  transform: (event: EventEnvelope) => Record<string, unknown>;
  /** Flag name: while on (per brand = tenant_id), both versions are published. */
  flag: string;
  flags: FeatureFlags;
  schemas: EventSchemas;
  /** The real publisher (bus / outbox enqueue). */
  publish: PublishEvent;
}

interface EventRef {
  type: string;
  version: string;
}

function parseRef(ref: string): EventRef {
  const at = ref.lastIndexOf('@');
  if (at <= 0 || at === ref.length - 1) {
    throw new Error(
      `DUAL_PUBLISH_REF_INVALID: "${ref}" must read <event_type>@<version>, e.g. bet.settled@1.2.0`,
    );
  }
  return { type: ref.slice(0, at), version: ref.slice(at + 1) };
}

/**
 * The new version's event id: derived from the old one (a name-based UUID, RFC 9562 v8 layout), so
 * a retried publish of the same event dedups in consumers exactly like the original.
 */
export function migratedEventId(eventId: string, to: string): string {
  const hex = createHash('sha256').update(`${eventId}\u0000${to}`).digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Wraps a publisher for a schema migration: each `from` event is published as is and, while the flag
 * is on for its brand, also as `to` with a transformed payload. Each copy is validated against its
 * own schema before anything is published, so a bad transform never leaves half a pair. Other events
 * pass through untouched.
 */
export function dualPublish(options: DualPublishOptions): PublishEvent {
  const from = parseRef(options.from);
  const to = parseRef(options.to);
  for (const ref of [from, to]) {
    if (!options.schemas.has(ref.type, ref.version)) {
      throw new Error(
        `DUAL_PUBLISH_SCHEMA_MISSING: no schema for ${ref.type}@${ref.version}; load its JSON Schema into EventSchemas`,
      );
    }
  }
  return async (event) => {
    if (event.event_type !== from.type || event.schema_version !== from.version)
      return options.publish(event);
    options.schemas.assertValid(event);
    if (!options.flags.isEnabled(options.flag, { brand: event.tenant_id })) return options.publish(event);
    const migrated: EventEnvelope = {
      ...event,
      event_type: to.type,
      schema_version: to.version,
      event_id: migratedEventId(event.event_id, options.to),
      payload: options.transform(event),
    };
    options.schemas.assertValid(migrated);
    await options.publish(event);
    await options.publish(migrated);
  };
}
