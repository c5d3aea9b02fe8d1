import { randomUUID } from 'node:crypto';
import { currentTraceparent } from '@croupier/telemetry';
import { type EventEnvelope, type EventType, eventCatalogue, validateEvent } from '@croupier/events';
import type { LedgerTx, OutboxEvent } from '@croupier/ledger';

/** An event the domain wants published; the envelope is added by `enqueueEvents`. */
export interface WalletEvent {
  type: EventType;
  playerId: string;
  payload: Record<string, unknown>;
}

/** Where an event comes from: the request (or admin call) that caused it. */
export interface EventOrigin {
  brand: string;
  region: string;
  traceId: string;
  /** null when no request caused the event (admin calls, sweeps). */
  idempotencyKey: string | null;
}

/** The contract's envelope, generated once in `@croupier/events`; re-exported for the wallet's callers. */
export type { EventEnvelope };

const compareSemver = (a: string, b: string) => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
};

/** The newest schema version the events contract defines for `type`; the wallet always emits it. */
export function currentVersion(type: EventType): string {
  const versions = Object.keys(eventCatalogue[type] ?? {}).sort(compareSemver);
  const latest = versions.at(-1);
  if (!latest) throw new Error(`EVENT_UNKNOWN_TYPE: the events contract defines no version of ${type}`);
  return latest;
}

export function subjectOf(envelope: EventEnvelope): string {
  const entry = eventCatalogue[envelope.event_type]?.[envelope.schema_version];
  const template = entry?.subject ?? `croupier.events.${envelope.event_type}.{tenant_id}.{player_id}`;
  return template.replace('{tenant_id}', envelope.tenant_id).replace('{player_id}', envelope.player_id);
}

/**
 * Wraps each event in the contract's envelope, validates it with the generated validators and
 * inserts it in the outbox inside `tx`: it is published exactly when the change that caused it commits.
 */
export async function enqueueEvents(
  tx: LedgerTx,
  origin: EventOrigin,
  now: Date,
  events: readonly WalletEvent[],
  regionOf: (playerId: string) => string = () => origin.region,
): Promise<EventEnvelope[]> {
  const written: EventEnvelope[] = [];
  const rows: OutboxEvent[] = [];
  const traceparent = currentTraceparent();
  for (const event of events) {
    const envelope: EventEnvelope = {
      event_type: event.type,
      schema_version: currentVersion(event.type),
      event_id: randomUUID(),
      occurred_at: now.toISOString(),
      tenant_id: origin.brand,
      region: regionOf(event.playerId),
      player_id: event.playerId,
      trace_id: origin.traceId,
      payload: event.payload,
      idempotency_key: origin.idempotencyKey,
    };
    validateEvent(eventCatalogue, envelope.event_type, envelope.schema_version, envelope);
    rows.push({
      event_id: envelope.event_id,
      subject: subjectOf(envelope),
      partition_key: `${envelope.tenant_id}.${envelope.player_id}`,
      payload: JSON.stringify(envelope),
      // The request's trace travels with the row, so the relay's spans join it (W3C traceparent).
      headers: {
        'Nats-Msg-Id': envelope.event_id,
        'content-type': 'application/json',
        'x-trace-id': origin.traceId,
        ...(traceparent ? { traceparent } : {}),
      },
    });
    written.push(envelope);
  }
  // One statement for all of a request's events.
  await tx.appendEvents(rows);
  return written;
}
