import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AmlFlag, AmlWindow, EvidenceEvent } from './rules.ts';

export interface SarFinding {
  ruleId: string;
  ruleName: string;
  currency: string;
  reason: string;
  evidence: EvidenceEvent[];
}

/**
 * A suspicious-activity report draft for one player of one brand: every rule that flagged the
 * player in the window, with the events behind each finding. A draft, for a compliance officer
 * to review and file; nothing here is sent anywhere.
 */
export interface SarDraft {
  id: string;
  status: 'draft';
  preparedAt: string;
  window: AmlWindow;
  brand: string;
  playerId: string;
  findings: SarFinding[];
  /** Every trace id in the evidence, to pull the requests from the logs and traces. */
  traceIds: string[];
}

const fileSafe = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_');

/** One draft per (brand, player), findings in rule order. */
export function draftSuspiciousActivityReports(
  flags: readonly AmlFlag[],
  options: { window: AmlWindow; preparedAt?: Date },
): SarDraft[] {
  const preparedAt = (options.preparedAt ?? new Date()).toISOString();
  const drafts = new Map<string, SarDraft>();
  for (const flag of flags) {
    const key = `${flag.brand}\u0000${flag.playerId}`;
    let draft = drafts.get(key);
    if (!draft) {
      draft = {
        id: `SAR-${options.window.from.slice(0, 10)}-${fileSafe(flag.brand)}-${fileSafe(flag.playerId)}`,
        status: 'draft',
        preparedAt,
        window: options.window,
        brand: flag.brand,
        playerId: flag.playerId,
        findings: [],
        traceIds: [],
      };
      drafts.set(key, draft);
    }
    draft.findings.push({
      ruleId: flag.ruleId,
      ruleName: flag.ruleName,
      currency: flag.currency,
      reason: flag.reason,
      evidence: flag.evidence,
    });
    for (const e of flag.evidence) if (!draft.traceIds.includes(e.traceId)) draft.traceIds.push(e.traceId);
  }
  return [...drafts.values()];
}

export function sarJson(draft: SarDraft): string {
  return `${JSON.stringify(draft, null, 2)}\n`;
}

export function sarMarkdown(draft: SarDraft): string {
  const lines = [
    `# Suspicious activity report — DRAFT ${draft.id}`,
    '',
    `- **Brand:** ${draft.brand}`,
    `- **Player:** ${draft.playerId}`,
    `- **Period reviewed:** ${draft.window.from} to ${draft.window.to}`,
    `- **Prepared:** ${draft.preparedAt} (automated draft; review before filing)`,
    `- **Rules triggered:** ${draft.findings.map((f) => f.ruleId).join(', ')}`,
    `- **Trace ids:** ${draft.traceIds.join(', ')}`,
  ];
  for (const finding of draft.findings) {
    lines.push(
      '',
      `## ${finding.ruleId} ${finding.ruleName}`,
      '',
      `Reason: ${finding.reason}.`,
      '',
      '| Occurred (UTC) | Event | Amount | Currency | Detail | Trace id | Event id |',
      '| --- | --- | ---: | --- | --- | --- | --- |',
      ...finding.evidence.map(
        (e) =>
          `| ${e.occurredAt} | ${e.eventType} | ${e.amount} | ${e.currency} | ${e.detail} | ${e.traceId} | ${e.eventId} |`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `<id>.json` and `<id>.md` per draft into `dir`; returns the paths written. */
export async function writeSarDrafts(drafts: readonly SarDraft[], dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const draft of drafts) {
    const base = path.join(dir, draft.id);
    await writeFile(`${base}.json`, sarJson(draft));
    await writeFile(`${base}.md`, sarMarkdown(draft));
    written.push(`${base}.json`, `${base}.md`);
  }
  return written;
}
