/** SemVer arithmetic the gate needs: which bump a set of findings requires, and which one was declared. */
import type { Finding } from '../model.ts';

export type Bump = 'none' | 'patch' | 'minor' | 'major';
export const BUMP_RANK: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };

export function parseSemver(v: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** The bump from `from` to `to`; `none` when equal or lower (a decrease is reported separately). */
export function bumpBetween(from: string, to: string): Bump {
  const a = parseSemver(from);
  const b = parseSemver(to);
  if (!a || !b) return 'none';
  if (b[0] > a[0]) return 'major';
  if (b[0] < a[0]) return 'none';
  if (b[1] > a[1]) return 'minor';
  if (b[1] < a[1]) return 'none';
  return b[2] > a[2] ? 'patch' : 'none';
}

export function isDecrease(from: string, to: string): boolean {
  const a = parseSemver(from);
  const b = parseSemver(to);
  if (!a || !b) return false;
  for (let i = 0; i < 3; i++) if ((b[i] ?? 0) !== (a[i] ?? 0)) return (b[i] ?? 0) < (a[i] ?? 0);
  return false;
}

/**
 * major: anything breaking; minor: anything added or changed that clients can ignore; patch: the documents
 * differ but no check fired (descriptions, examples); none: identical.
 *
 * Of the deprecation findings only a removal (before its sunset, or never deprecated) breaks a client: a
 * deprecation without a sunset date is an error of policy, which the release fixes by adding the date,
 * not by a major version.
 */
export function neededBump(compatibility: Finding[], documentsDiffer: boolean): Bump {
  const relevant = compatibility.filter(
    (f) => !f.suppressed && (f.part === 'breaking' || f.part === 'deprecation'),
  );
  const breaks = (f: Finding) => f.part === 'breaking' || f.id.includes('-removed-');
  if (relevant.some((f) => f.level === 'error' && breaks(f))) return 'major';
  if (relevant.length > 0) return 'minor';
  return documentsDiffer ? 'patch' : 'none';
}
