/**
 * Security requirements are alternatives (OR) of scheme sets (AND). oasdiff reports each added/removed
 * requirement and scope as information; on top of that we fail when a client that satisfied some base
 * alternative satisfies no head alternative (a scheme or scope it cannot provide is now needed).
 */
import type { Comparison, Node } from './context.ts';

type Requirement = Record<string, string[]>;

function requirementsOf(node: Node | undefined): Requirement[] | undefined {
  const v = (node?.v as Record<string, unknown> | undefined)?.security;
  if (!Array.isArray(v)) return undefined;
  return v.map((r) =>
    Object.fromEntries(
      Object.entries((r ?? {}) as Record<string, unknown>).map(([k, s]) => [
        k,
        Array.isArray(s) ? s.map(String) : [],
      ]),
    ),
  );
}

const keyOf = (r: Requirement) => Object.keys(r).sort().join(' AND ');

/** `op` undefined compares the document-level (global) requirements. */
export function compareSecurity(cmp: Comparison, op: string | undefined, bNode: Node, hNode: Node): void {
  const b = requirementsOf(bNode);
  const h = requirementsOf(hNode);
  if (op !== undefined) judgeEffective(cmp, op, bNode, hNode);
  const global = op === undefined;
  const prefix = global ? 'api-global-security' : 'api-security';
  const subject = op ?? 'document';
  const where = { op, base: bNode, head: hNode };
  const bl = b ?? [];
  const hl = h ?? [];
  const hKeys = new Map(hl.map((r) => [keyOf(r), r]));
  const bKeys = new Map(bl.map((r) => [keyOf(r), r]));
  for (const [k, r] of bKeys) {
    const hr = hKeys.get(k);
    if (!hr) {
      if (k !== '') cmp.emit(`${prefix}-removed`, subject, `security requirement ${k} removed`, where);
      continue;
    }
    for (const scheme of Object.keys(r)) {
      const before = r[scheme] ?? [];
      const after = hr[scheme] ?? [];
      for (const s of after)
        if (!before.includes(s))
          cmp.emit(`${prefix}-scope-added`, subject, `scope ${s} added to ${scheme}`, where);
      for (const s of before)
        if (!after.includes(s))
          cmp.emit(`${prefix}-scope-removed`, subject, `scope ${s} removed from ${scheme}`, where);
    }
  }
  for (const k of hKeys.keys())
    if (!bKeys.has(k) && k !== '')
      cmp.emit(`${prefix}-added`, subject, `security requirement ${k} added`, where);
}

/**
 * What an operation really requires: its own `security`, else the document's; none means anonymous.
 * A client satisfying base alternative r still passes if some head alternative needs no more than r.
 */
function judgeEffective(cmp: Comparison, op: string, bNode: Node, hNode: Node): void {
  const effective = (side: 'base' | 'head', node: Node) => {
    const list = requirementsOf(node) ?? requirementsOf(cmp.root(side)) ?? [];
    return list.length === 0 ? [{}] : list;
  };
  const bl = effective('base', bNode);
  const hl = effective('head', hNode);
  const covers = (need: Requirement, have: Requirement) =>
    Object.entries(need).every(
      ([s, scopes]) => have[s] !== undefined && scopes.every((x) => (have[s] ?? []).includes(x)),
    );
  const stranded = bl.filter((r) => !hl.some((n) => covers(n, r)));
  if (stranded.length > 0) {
    cmp.emit(
      'api-security-requirement-tightened',
      op,
      `clients authenticated with ${stranded.map((r) => keyOf(r) || 'no credentials').join(' or ')} no longer satisfy any security requirement`,
      { op, base: bNode, head: hNode },
    );
  }
}
