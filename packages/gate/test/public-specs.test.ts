import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runGate } from '../src/gate.ts';
import { serviceOrSkip, shared } from '@croupier/test-services';
import { sharedDir } from './shared.ts';

const hasShared = await serviceOrSkip(shared('fixtures'), 'the gate over public API descriptions');

const specs = path.join(sharedDir, 'fixtures/public-specs');

describe.skipIf(!hasShared)('public API descriptions', () => {
  it('Twilio 2.4.2 → 2.5.0: reports the removed enum schemas and the widened responses, parameters and form body', async () => {
    const report = await runGate(
      path.join(specs, 'openapi-large/twilio-api-v2010-2.4.2.yaml'),
      path.join(specs, 'openapi-large/twilio-api-v2010-2.5.0.yaml'),
      { only: 'breaking', now: new Date('2026-06-01T00:00:00Z') },
    );
    const of = (id: string) => report.findings.filter((f) => f.id === id);
    const removed = of('api-schema-removed').map((f) => f.message);
    expect(removed).toHaveLength(11);
    expect(removed.some((m) => m.includes('usage_trigger_enum_usage_category'))).toBe(true);
    // Response `category`/`usage_category`: from an enum $ref to a nullable plain string.
    expect(of('response-property-enum-removed').length).toBeGreaterThanOrEqual(10);
    expect(of('response-property-became-nullable').length).toBeGreaterThanOrEqual(10);
    const widened = of('response-property-enum-removed')[0];
    expect(widened?.baseDefinition?.pointer).toMatch(
      /^\/components\/schemas\/usage_\w+_enum_(usage_)?category$/,
    );
    // Query parameters Category/UsageCategory and the form body of POST /Usage/Triggers.json widen (not breaking).
    const params = of('request-parameter-enum-removed');
    expect(params).toHaveLength(10);
    expect(params.every((f) => f.level === 'info')).toBe(true);
    expect(of('request-property-enum-removed').map((f) => f.operation)).toEqual([
      'POST /2010-04-01/Accounts/{AccountSid}/Usage/Triggers.json',
    ]);
    expect(widened?.head?.line).toBeGreaterThan(0);
  });

  it('DigitalOcean multi-file description diffed against itself: no findings, no error', async () => {
    const entry = path.join(specs, 'multi-file/digitalocean-2026-08-07/DigitalOcean-public.v2.yaml');
    const report = await runGate(entry, entry, { only: 'breaking' });
    expect(report.findings).toEqual([]);
    expect(report.failed).toBe(false);
    expect(report.neededBump).toBe('none');
  });

  it('AsyncAPI 3 Streetlights (Kafka): no findings against itself; a moved server and a flipped action are breaking', async () => {
    const entry = path.join(specs, 'asyncapi-3.0/streetlights-kafka-asyncapi.yml');
    const same = await runGate(entry, entry, { only: 'breaking' });
    expect(same.findings).toEqual([]);
    const doc = parse(readFileSync(entry, 'utf8')) as {
      servers: Record<string, { host: string }>;
      operations: Record<string, { action: string }>;
    };
    const [server] = Object.keys(doc.servers);
    const [operation] = Object.keys(doc.operations);
    if (!server || !operation) throw new Error('Streetlights has servers and operations');
    (doc.servers[server] as { host: string }).host = 'kafka.example.org:9092';
    const op = doc.operations[operation] as { action: string };
    op.action = op.action === 'send' ? 'receive' : 'send';
    const head = path.join(mkdtempSync(path.join(tmpdir(), 'gate-streetlights-')), 'head.yml');
    writeFileSync(head, stringify(doc));
    const report = await runGate(entry, head, { only: 'breaking' });
    expect(report.failed).toBe(true);
    expect(report.findings.map((f) => f.id).sort()).toEqual([
      'event-operation-action-changed',
      'event-server-address-changed',
    ]);
  });
});
