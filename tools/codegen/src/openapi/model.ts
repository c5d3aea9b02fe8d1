import type { JsonObject, LoadedOpenApi } from './load.ts';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface ParameterModel {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: unknown;
}

export interface BodyModel {
  required: boolean;
  contentType: string;
  schema: unknown;
}

export interface ResponseModel {
  /** `200`, `4XX` or `default`, as written in the document. */
  status: string;
  contentType: string | undefined;
  schema: unknown;
  headers: Array<{ name: string; required: boolean; schema: unknown }>;
}

export interface OperationModel {
  operationId: string;
  /** What the document said, when the generator had to change it. */
  declaredOperationId: string | undefined;
  method: HttpMethod;
  path: string;
  tags: string[];
  summary: string | undefined;
  deprecated: boolean;
  sunset: string | undefined;
  security: Array<Record<string, string[]>>;
  scopes: string[];
  parameters: ParameterModel[];
  body: BodyModel | undefined;
  responses: ResponseModel[];
}

export interface ErrorCatalogueEntry {
  status: number;
  retryable: boolean;
  description: string;
}

export interface ApiModel {
  title: string;
  version: string;
  dialect: '3.0' | '3.1';
  operations: OperationModel[];
  errorCodes: string[];
  errorCatalogue: Record<string, ErrorCatalogueEntry>;
  notes: string[];
}

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await constructor'
  ).split(' '),
);

/** The value at a JSON pointer fragment (`#/a/b`, `/a/b` or empty for the root); the one pointer walk of codegen. */
export function atPointer(root: unknown, fragment: string): unknown {
  let target = root;
  for (const raw of fragment
    .replace(/^#?\/?/, '')
    .split('/')
    .filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    target = target && typeof target === 'object' ? (target as JsonObject)[key] : undefined;
  }
  return target;
}

export function resolveRef<T = unknown>(document: JsonObject, node: unknown, depth = 0): T {
  if (!node || typeof node !== 'object' || depth > 20) return node as T;
  const ref = (node as JsonObject).$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return node as T;
  return resolveRef<T>(document, atPointer(document, ref), depth + 1);
}

function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

function camel(parts: string[]): string {
  return parts
    .map((w, i) =>
      i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1),
    )
    .join('');
}

export function pascal(text: string): string {
  const name = camel(words(text));
  const upper = name.charAt(0).toUpperCase() + name.slice(1);
  return /^[0-9]/.test(upper) ? `_${upper}` : upper || 'Unnamed';
}

/** `GET /v1/players/{player_id}/balance` → `getV1PlayersByPlayerIdBalance`: stable, readable, unique per path. */
function derivedOperationId(method: string, path: string): string {
  const parts = path
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      return param ? ['by', ...words(param[1]!)] : words(segment);
    });
  return camel([method, ...parts]);
}

function toIdentifier(raw: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(raw) && !RESERVED.has(raw)) return raw;
  let name = camel(words(raw));
  if (!name || /^[0-9]/.test(name)) name = `op${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  return RESERVED.has(name) ? `${name}Operation` : name;
}

function parameterModel(document: JsonObject, raw: unknown): ParameterModel | undefined {
  const p = resolveRef<JsonObject>(document, raw);
  if (!p || typeof p.name !== 'string' || typeof p.in !== 'string') return undefined;
  if (!['path', 'query', 'header', 'cookie'].includes(p.in)) return undefined;
  let schema = p.schema;
  if (!schema && p.content && typeof p.content === 'object') {
    schema = (Object.values(p.content as JsonObject)[0] as JsonObject | undefined)?.schema;
  }
  return {
    name: p.name,
    in: p.in as ParameterModel['in'],
    required: p.in === 'path' ? true : p.required === true,
    schema: schema ?? {},
  };
}

/** JSON first, then any `+json`, then whatever comes first: the generated code speaks JSON where it can. */
export function preferredContentType(content: unknown): string | undefined {
  if (!content || typeof content !== 'object') return undefined;
  const types = Object.keys(content);
  return (
    types.find((t) => t === 'application/json') ??
    types.find((t) => /^application\/[^;]*\+json/.test(t) || t.startsWith('application/json')) ??
    types[0]
  );
}

export function isJsonContentType(contentType: string | undefined): boolean {
  return !!contentType && /^application\/(.+\+)?json(;|$)/.test(contentType);
}

function securityOf(document: JsonObject, operation: JsonObject): Array<Record<string, string[]>> {
  const security = (operation.security ?? document.security ?? []) as Array<Record<string, string[]>>;
  return Array.isArray(security) ? security.map((r) => ({ ...r })) : [];
}

export function buildModel(loaded: LoadedOpenApi): ApiModel {
  const { document } = loaded;
  const notes = [...loaded.notes];
  const operations: OperationModel[] = [];
  const paths = (document.paths ?? {}) as JsonObject;
  const used = new Map<string, number>();
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = resolveRef<JsonObject>(document, rawItem) ?? {};
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of HTTP_METHODS) {
      const operation = resolveRef<JsonObject | undefined>(document, item[method]);
      if (!operation || typeof operation !== 'object') continue;
      const declared = typeof operation.operationId === 'string' ? operation.operationId : undefined;
      let operationId = declared ? toIdentifier(declared) : derivedOperationId(method, path);
      const seen = used.get(operationId) ?? 0;
      used.set(operationId, seen + 1);
      if (seen > 0) operationId = `${operationId}${seen + 1}`;
      if (!declared) notes.push(`${method.toUpperCase()} ${path}: no operationId, named ${operationId}`);
      else if (declared !== operationId) {
        notes.push(`${method.toUpperCase()} ${path}: operationId "${declared}" renamed ${operationId}`);
      }
      const byKey = new Map<string, ParameterModel>();
      for (const raw of [...shared, ...(Array.isArray(operation.parameters) ? operation.parameters : [])]) {
        const parameter = parameterModel(document, raw);
        if (parameter) byKey.set(`${parameter.in}:${parameter.name}`, parameter);
      }
      const requestBody = resolveRef<JsonObject | undefined>(document, operation.requestBody);
      const bodyType = preferredContentType(requestBody?.content);
      const body: BodyModel | undefined =
        requestBody && bodyType
          ? {
              required: requestBody.required === true,
              contentType: bodyType,
              schema: ((requestBody.content as JsonObject)[bodyType] as JsonObject | undefined)?.schema ?? {},
            }
          : undefined;
      const responses: ResponseModel[] = [];
      for (const [status, rawResponse] of Object.entries((operation.responses ?? {}) as JsonObject)) {
        const response = resolveRef<JsonObject>(document, rawResponse) ?? {};
        const contentType = preferredContentType(response.content);
        const headers = Object.entries((response.headers ?? {}) as JsonObject).map(([name, rawHeader]) => {
          const header = resolveRef<JsonObject>(document, rawHeader) ?? {};
          return { name, required: header.required === true, schema: header.schema ?? {} };
        });
        responses.push({
          status,
          contentType,
          schema: contentType
            ? (((response.content as JsonObject)[contentType] as JsonObject)?.schema ?? {})
            : undefined,
          headers,
        });
      }
      const security = securityOf(document, operation);
      const scopes = [...new Set(security.flatMap((r) => Object.values(r).flat()))].sort();
      operations.push({
        operationId,
        declaredOperationId: declared,
        method,
        path,
        tags: Array.isArray(operation.tags) ? operation.tags.map(String) : [],
        summary: typeof operation.summary === 'string' ? operation.summary : undefined,
        deprecated: operation.deprecated === true,
        sunset: typeof operation['x-sunset'] === 'string' ? operation['x-sunset'] : undefined,
        security,
        scopes,
        parameters: [...byKey.values()],
        body,
        responses,
      });
    }
  }
  if (document.webhooks) notes.push('webhooks are typed in schema.ts but get no client method or route');
  const errorCatalogue: Record<string, ErrorCatalogueEntry> = {};
  const rawCatalogue = (document['x-error-catalogue'] ?? {}) as JsonObject;
  for (const code of Object.keys(rawCatalogue).sort()) {
    const entry = (rawCatalogue[code] ?? {}) as JsonObject;
    errorCatalogue[code] = {
      status: Number(entry.status ?? 500),
      retryable: entry.retryable === true,
      description: String(entry.description ?? ''),
    };
  }
  const enumSchema = resolveRef<JsonObject | undefined>(
    document,
    ((document.components as JsonObject | undefined)?.schemas as JsonObject | undefined)?.ErrorCode,
  );
  const enumCodes = Array.isArray(enumSchema?.enum) ? enumSchema.enum.map(String) : [];
  const errorCodes = [...new Set([...enumCodes, ...Object.keys(errorCatalogue)])].sort();
  const info = (document.info ?? {}) as JsonObject;
  return {
    title: String(info.title ?? 'API'),
    version: loaded.version,
    dialect: loaded.dialect,
    operations,
    errorCodes,
    errorCatalogue,
    notes,
  };
}
