/** The state one comparison carries: both documents, the options, and the findings raised so far. */
import { catalogue } from '../checks/catalogue.ts';
import type { CheckId } from '../checks/ids.ts';
import { escapeToken, type LoadedDocument } from '../load/document.ts';
import type { Finding, SourceLocation } from '../model.ts';

export type Stability = 'draft' | 'alpha' | 'beta' | 'stable';

export interface CompareOptions {
  /** Today, for sunset dates. Injectable so tests do not depend on the calendar. */
  now?: Date;
  /** Minimum days between deprecation and sunset, per stability level (oasdiff's --deprecation-days-*). */
  minSunsetDays?: Partial<Record<Stability, number>>;
  /** Operations whose x-stability-level is below this are not judged (default beta, as oasdiff). */
  stabilityLevel?: Stability;
  /** Merge path-level parameters into each operation before comparing. */
  flattenParams?: boolean;
  /**
   * `strict` (ours, default): a deprecated item may only go once its x-sunset has passed, so a missing
   * x-sunset blocks removal. `oasdiff`: `deprecated: true` alone allows removal.
   */
  sunsetPolicy?: 'strict' | 'oasdiff';
}

/** A node reached in a document: its value after following `$ref`s, where it lives, and the ref that led there. */
export interface Node {
  v: unknown;
  at: Loc;
  via?: Loc;
}
export interface Loc {
  file: string;
  pointer: string;
}

export class Comparison {
  readonly findings: Finding[] = [];
  readonly options: Required<Omit<CompareOptions, 'minSunsetDays'>> & {
    minSunsetDays: Partial<Record<Stability, number>>;
  };
  constructor(
    readonly base: LoadedDocument,
    readonly head: LoadedDocument,
    options: CompareOptions = {},
  ) {
    this.options = {
      now: options.now ?? new Date(),
      minSunsetDays: options.minSunsetDays ?? {},
      stabilityLevel: options.stabilityLevel ?? 'beta',
      flattenParams: options.flattenParams ?? true,
      sunsetPolicy: options.sunsetPolicy ?? 'strict',
    };
  }

  root(side: 'base' | 'head'): Node {
    const doc = side === 'base' ? this.base : this.head;
    return { v: doc.root, at: { file: doc.file, pointer: '' } };
  }

  /** Child `key` of a node, with `$ref`s followed. */
  child(side: 'base' | 'head', node: Node | undefined, key: string | number): Node | undefined {
    if (!node || node.v === null || typeof node.v !== 'object') return undefined;
    const raw = (node.v as Record<string, unknown>)[key];
    if (raw === undefined) return undefined;
    return this.deref(side, {
      v: raw,
      at: { file: node.at.file, pointer: `${node.at.pointer}/${escapeToken(String(key))}` },
    });
  }

  deref(side: 'base' | 'head', node: Node): Node {
    const doc = side === 'base' ? this.base : this.head;
    let current = node;
    for (let hops = 0; hops < 32; hops++) {
      const ref = refOf(current.v);
      if (ref === undefined) return current;
      const target = doc.resolveRef(ref, current.at.file);
      if (!target) return current;
      current = {
        v: target.value,
        at: { file: target.file, pointer: target.pointer },
        via: node.via ?? node.at,
      };
    }
    return current;
  }

  /** Raises check `id`; `base`/`head` are the nodes judged, so the finding carries both pointers. */
  emit(id: CheckId, subject: string, detail: string, where: { op?: string; base?: Node; head?: Node }): void {
    const check = catalogue.get(id);
    if (!check) throw new Error(`check ${id} is in ids.ts but not in the catalogue; regenerate ids.ts`);
    const finding: Finding = {
      id,
      level: check.level,
      part: check.part,
      message: `${subject}: ${detail}`,
    };
    if (where.op) finding.operation = where.op;
    if (where.base) Object.assign(finding, sides('base', where.base));
    if (where.head) Object.assign(finding, sides('head', where.head));
    this.findings.push(finding);
  }
}

function sides(side: 'base' | 'head', node: Node): Partial<Finding> {
  const use: SourceLocation = node.via ? { ...node.via } : { ...node.at };
  if (!node.via) return { [side]: use };
  return { [side]: use, [`${side}Definition`]: { ...node.at } };
}

export function refOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const ref = (value as Record<string, unknown>).$ref;
    if (typeof ref === 'string') return ref;
  }
  return undefined;
}

export function obj(node: Node | undefined): Record<string, unknown> | undefined {
  const v = node?.v;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
