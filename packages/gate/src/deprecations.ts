/** `croupier gate --deprecations`: what is deprecated in a document and how many days remain to its sunset. */
import { escapeToken, type LoadedDocument } from './load/document.ts';
import { daysUntil, parseSunset } from './openapi/lifecycle.ts';

export interface DeprecatedItem {
  kind: 'operation' | 'parameter' | 'property';
  name: string;
  sunset?: string;
  /** Negative once the sunset has passed (the item may then be removed). */
  daysToSunset?: number;
  file: string;
  pointer: string;
  line?: number;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function listDeprecations(doc: LoadedDocument, now: Date = new Date()): DeprecatedItem[] {
  const items: DeprecatedItem[] = [];
  const seen = new Set<unknown>();
  const add = (
    kind: DeprecatedItem['kind'],
    name: string,
    node: Record<string, unknown>,
    file: string,
    pointer: string,
  ) => {
    const item: DeprecatedItem = { kind, name, file, pointer };
    const sunset = node['x-sunset'];
    if (sunset !== undefined) {
      item.sunset = String(sunset);
      const date = parseSunset(sunset);
      if (date) item.daysToSunset = daysUntil(date, now);
    }
    const line = doc.lineOf(file, pointer);
    if (line !== undefined) item.line = line;
    items.push(item);
  };
  const deref = (
    value: unknown,
    file: string,
    pointer: string,
  ): { v: Record<string, unknown>; file: string; pointer: string } | undefined => {
    let v = value;
    let f = file;
    let p = pointer;
    for (
      let i = 0;
      i < 16 && v && typeof v === 'object' && typeof (v as Record<string, unknown>).$ref === 'string';
      i++
    ) {
      const t = doc.resolveRef((v as Record<string, string>).$ref as string, f);
      if (!t) return undefined;
      v = t.value;
      f = t.file;
      p = t.pointer;
    }
    return v && typeof v === 'object' && !Array.isArray(v)
      ? { v: v as Record<string, unknown>, file: f, pointer: p }
      : undefined;
  };
  const walkSchema = (value: unknown, file: string, pointer: string, name: string, depth: number) => {
    const s = deref(value, file, pointer);
    if (!s || depth > 12 || seen.has(s.v)) return;
    seen.add(s.v);
    const props = s.v.properties as Record<string, unknown> | undefined;
    for (const [prop, raw] of Object.entries(props ?? {})) {
      const child = deref(raw, s.file, `${s.pointer}/properties/${escapeToken(prop)}`);
      if (!child) continue;
      if (child.v.deprecated === true) add('property', `${name}.${prop}`, child.v, child.file, child.pointer);
      walkSchema(raw, s.file, `${s.pointer}/properties/${escapeToken(prop)}`, `${name}.${prop}`, depth + 1);
    }
    for (const k of ['items', 'allOf', 'oneOf', 'anyOf']) {
      const sub = s.v[k];
      if (Array.isArray(sub))
        sub.forEach((x, i) => {
          walkSchema(x, s.file, `${s.pointer}/${k}/${i}`, name, depth + 1);
        });
      else if (sub) walkSchema(sub, s.file, `${s.pointer}/${k}`, name, depth + 1);
    }
  };
  const paths = (doc.root.paths ?? {}) as Record<string, unknown>;
  for (const [p, rawItem] of Object.entries(paths)) {
    const item = deref(rawItem, doc.file, `/paths/${escapeToken(p)}`);
    if (!item) continue;
    for (const m of METHODS) {
      const op = deref(item.v[m], item.file, `${item.pointer}/${m}`);
      if (!op) continue;
      const opName = `${m.toUpperCase()} ${p}`;
      if (op.v.deprecated === true) add('operation', opName, op.v, op.file, op.pointer);
      const params = Array.isArray(op.v.parameters) ? op.v.parameters : [];
      params.forEach((raw, i) => {
        const prm = deref(raw, op.file, `${op.pointer}/parameters/${i}`);
        if (prm?.v.deprecated === true)
          add(
            'parameter',
            `${opName} ${String(prm.v.in)} ${String(prm.v.name)}`,
            prm.v,
            prm.file,
            prm.pointer,
          );
      });
      const body = deref(op.v.requestBody, op.file, `${op.pointer}/requestBody`);
      for (const [media, mt] of Object.entries(
        (body?.v.content ?? {}) as Record<string, { schema?: unknown }>,
      )) {
        walkSchema(
          mt.schema,
          body?.file ?? op.file,
          `${body?.pointer}/content/${escapeToken(media)}/schema`,
          `${opName} request`,
          0,
        );
      }
      for (const [status, rawResp] of Object.entries((op.v.responses ?? {}) as Record<string, unknown>)) {
        const resp = deref(rawResp, op.file, `${op.pointer}/responses/${escapeToken(status)}`);
        for (const [media, mt] of Object.entries(
          (resp?.v.content ?? {}) as Record<string, { schema?: unknown }>,
        )) {
          walkSchema(
            mt.schema,
            resp?.file ?? op.file,
            `${resp?.pointer}/content/${escapeToken(media)}/schema`,
            `${opName} ${status}`,
            0,
          );
        }
      }
    }
  }
  return items;
}
