/**
 * Walks two OpenAPI 3.0/3.1 documents side by side: paths and operations (matched by their template with
 * parameter names erased, so a renamed path parameter is the same endpoint), parameters, request bodies,
 * responses, headers, security and components, handing every schema pair to `compareSchema`.
 */
import type { LoadedDocument } from '../load/document.ts';
import type { Finding } from '../model.ts';
import { Comparison, type CompareOptions, type Node, obj, show } from './context.ts';
import { STABILITY_ORDER, judgeDeprecation, judgeRemoval, judgeStability, stabilityOf } from './lifecycle.ts';
import { compareSchema } from './schema-diff.ts';
import { compareSecurity } from './security.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function compareOpenApi(
  base: LoadedDocument,
  head: LoadedDocument,
  options: CompareOptions = {},
): Finding[] {
  const cmp = new Comparison(base, head, options);
  const bPaths = cmp.child('base', cmp.root('base'), 'paths');
  const hPaths = cmp.child('head', cmp.root('head'), 'paths');
  const headOf = matchPaths(Object.keys(obj(bPaths) ?? {}), Object.keys(obj(hPaths) ?? {}));
  const baseOf = new Map([...headOf].map(([b, h]) => [h, b]));
  for (const path of Object.keys(obj(bPaths) ?? {})) {
    const bItem = cmp.child('base', bPaths, path);
    const headPath = headOf.get(path);
    const hItem = headPath === undefined ? undefined : cmp.child('head', hPaths, headPath);
    for (const method of METHODS) {
      const bOp = cmp.child('base', bItem, method);
      if (!bOp) continue;
      const op = `${method.toUpperCase()} ${path}`;
      const hOp = cmp.child('head', hItem, method);
      const bs = obj(bOp) ?? {};
      if (!hOp) {
        if (skippedByStability(cmp, bs)) continue;
        judgeRemoval(cmp, hItem ? 'api' : 'api-path', bs, { op, base: bOp, head: hItem }, op);
        continue;
      }
      compareOperation(cmp, op, path, headPath ?? path, bItem, hItem, bOp, hOp);
    }
    if (hItem && !cmp.options.flattenParams) comparePathParameters(cmp, path, bItem, hItem);
    if (bItem && hItem) compareServers(cmp, path, bItem, hItem);
  }
  for (const path of Object.keys(obj(hPaths) ?? {})) {
    const hItem = cmp.child('head', hPaths, path);
    const basePath = baseOf.get(path);
    const bItem = basePath === undefined ? undefined : cmp.child('base', bPaths, basePath);
    for (const method of METHODS) {
      const hOp = cmp.child('head', hItem, method);
      if (hOp && !cmp.child('base', bItem, method))
        cmp.emit('endpoint-added', `${method.toUpperCase()} ${path}`, 'endpoint added', {
          op: `${method.toUpperCase()} ${path}`,
          head: hOp,
        });
    }
  }
  compareSecurity(cmp, undefined, cmp.root('base'), cmp.root('head'));
  compareServers(cmp, 'document', cmp.root('base'), cmp.root('head'));
  compareSecuritySchemes(cmp);
  compareComponents(cmp);
  compareWebhooks(cmp);
  return cmp.findings;
}

/**
 * Pairs base and head path templates: the same template first, then a template whose parameters were only
 * renamed. So `/pet/{petId2}` added beside `/pet/{petId}` is a new path, not the old one renamed.
 */
function matchPaths(bPaths: string[], hPaths: string[]): Map<string, string> {
  const pairs = new Map<string, string>();
  const free = new Set(hPaths);
  for (const p of bPaths)
    if (free.has(p)) {
      pairs.set(p, p);
      free.delete(p);
    }
  for (const p of bPaths) {
    if (pairs.has(p)) continue;
    const renamed = [...free].find((h) => shapeOf(h) === shapeOf(p));
    if (renamed === undefined) continue;
    pairs.set(p, renamed);
    free.delete(renamed);
  }
  return pairs;
}

/** `/pets/{id}` and `/pets/{petId}` are one endpoint to a client. */
function shapeOf(path: string): string {
  return path.replace(/\{[^}]*\}/g, '{}');
}

function skippedByStability(cmp: Comparison, s: Record<string, unknown>): boolean {
  const level = stabilityOf(s);
  if (level === '' || level === 'invalid') return false;
  return STABILITY_ORDER.indexOf(level) < STABILITY_ORDER.indexOf(cmp.options.stabilityLevel);
}

function compareOperation(
  cmp: Comparison,
  op: string,
  bPath: string,
  hPath: string,
  bItem: Node | undefined,
  hItem: Node | undefined,
  bOp: Node,
  hOp: Node,
): void {
  const bs = obj(bOp) ?? {};
  const hs = obj(hOp) ?? {};
  const where = { op, base: bOp, head: hOp };
  if (stabilityOf(bs) === 'invalid' || stabilityOf(hs) === 'invalid') {
    judgeStability(cmp, 'api', bs, hs, where, op);
    return;
  }
  judgeStability(cmp, 'api', bs, hs, where, op);
  if (skippedByStability(cmp, bs)) return;
  judgeDeprecation(cmp, 'api', bs, hs, where, op);
  if (hs.deprecated === true && bs.deprecated !== true) requireDeprecationHeaders(cmp, op, hOp);
  if (bs.operationId !== hs.operationId) {
    if (bs.operationId !== undefined && hs.operationId !== undefined)
      cmp.emit(
        'api-operation-id-removed',
        op,
        `operationId ${show(bs.operationId)} replaced by ${show(hs.operationId)}`,
        where,
      );
    else if (hs.operationId !== undefined)
      cmp.emit('api-operation-id-added', op, `operationId ${show(hs.operationId)} added`, where);
  }
  const bTags = Array.isArray(bs.tags) ? bs.tags.map(String) : [];
  const hTags = Array.isArray(hs.tags) ? hs.tags.map(String) : [];
  for (const t of bTags) if (!hTags.includes(t)) cmp.emit('api-tag-removed', op, `tag ${t} removed`, where);
  for (const t of hTags) if (!bTags.includes(t)) cmp.emit('api-tag-added', op, `tag ${t} added`, where);
  compareParameters(cmp, op, bPath, hPath, bItem, hItem, bOp, hOp);
  compareRequestBody(cmp, op, bOp, hOp);
  compareResponses(cmp, op, bOp, hOp);
  compareSecurity(cmp, op, bOp, hOp);
  compareServers(cmp, op, bOp, hOp);
  compareCallbacks(cmp, op, bOp, hOp);
}

/**
 * A server URL dropped from a list clients choose from strands the clients configured with it. A level
 * whose head has no `servers` falls back to its parent's list, which that level's own comparison judges.
 */
function compareServers(cmp: Comparison, subject: string, bOwner: Node, hOwner: Node): void {
  const bList = cmp.child('base', bOwner, 'servers');
  const hList = cmp.child('head', hOwner, 'servers');
  if (!Array.isArray(bList?.v) || !Array.isArray(hList?.v)) return;
  const urls = (list: unknown[]) =>
    list.flatMap((s) => {
      const url = (s as Record<string, unknown> | null)?.url;
      return typeof url === 'string' ? [url.replace(/\/+$/, '')] : [];
    });
  const before = urls(bList.v);
  const after = urls(hList.v);
  const op = subject === 'document' ? undefined : subject;
  // Every URL replaced (dev → qa) re-points the description at another deployment; oasdiff and we read that
  // as no contract change. Dropping some URLs while others stay withdraws them from clients that use them.
  if (before.length > 0 && !before.some((url) => after.includes(url))) {
    cmp.emit(
      'api-servers-replaced',
      subject,
      `servers ${before.join(', ')} replaced by ${after.join(', ')}`,
      {
        op,
        base: bList,
        head: hList,
      },
    );
    return;
  }
  for (const url of before)
    if (!after.includes(url))
      cmp.emit('api-server-removed', subject, `server ${url} removed`, { op, base: bList, head: hList });
  for (const url of after)
    if (!before.includes(url))
      cmp.emit('api-server-added', subject, `server ${url} added`, { op, base: bList, head: hList });
}

function compareCallbacks(cmp: Comparison, op: string, bOp: Node, hOp: Node): void {
  const bCallbacks = cmp.child('base', bOp, 'callbacks');
  const hCallbacks = cmp.child('head', hOp, 'callbacks');
  const bNames = Object.keys(obj(bCallbacks) ?? {});
  const hNames = Object.keys(obj(hCallbacks) ?? {});
  for (const name of bNames)
    if (!hNames.includes(name))
      cmp.emit('api-callback-removed', `${op} callback ${name}`, 'removed; subscribers stop receiving it', {
        op,
        base: cmp.child('base', bCallbacks, name),
        head: hOp,
      });
  for (const name of hNames)
    if (!bNames.includes(name))
      cmp.emit('api-callback-added', `${op} callback ${name}`, 'added', {
        op,
        base: bOp,
        head: cmp.child('head', hCallbacks, name),
      });
}

/** What a client must present: the scheme's kind, where an API key travels, the HTTP scheme, the token URLs. */
function compareSecuritySchemes(cmp: Comparison): void {
  const bSchemes = cmp.child('base', cmp.child('base', cmp.root('base'), 'components'), 'securitySchemes');
  const hSchemes = cmp.child('head', cmp.child('head', cmp.root('head'), 'components'), 'securitySchemes');
  const bNames = Object.keys(obj(bSchemes) ?? {});
  const hNames = Object.keys(obj(hSchemes) ?? {});
  for (const name of bNames) {
    const b = cmp.child('base', bSchemes, name);
    const h = cmp.child('head', hSchemes, name);
    const subject = `security scheme ${name}`;
    if (!h) {
      cmp.emit('api-security-component-removed', subject, 'removed', { base: b, head: hSchemes });
      continue;
    }
    const bs = obj(b) ?? {};
    const hs = obj(h) ?? {};
    const where = { base: b, head: h };
    if (bs.type !== hs.type) {
      cmp.emit(
        'api-security-component-type-changed',
        subject,
        `type changed from ${show(bs.type)} to ${show(hs.type)}`,
        where,
      );
      continue;
    }
    if (bs.type === 'apiKey' && (bs.in !== hs.in || bs.name !== hs.name))
      cmp.emit(
        'api-security-component-api-key-location-changed',
        subject,
        `API key moved from ${show(bs.in)} \`${show(bs.name)}\` to ${show(hs.in)} \`${show(hs.name)}\``,
        where,
      );
    if (bs.type === 'http' && String(bs.scheme).toLowerCase() !== String(hs.scheme).toLowerCase())
      cmp.emit(
        'api-security-component-http-scheme-changed',
        subject,
        `HTTP scheme changed from ${show(bs.scheme)} to ${show(hs.scheme)}`,
        where,
      );
    if (bs.type === 'openIdConnect' && bs.openIdConnectUrl !== hs.openIdConnectUrl)
      cmp.emit(
        'api-security-component-open-id-connect-url-changed',
        subject,
        `openIdConnectUrl changed from ${show(bs.openIdConnectUrl)} to ${show(hs.openIdConnectUrl)}`,
        where,
      );
    if (bs.type === 'oauth2') compareOAuthFlows(cmp, subject, b as Node, h);
  }
  for (const name of hNames)
    if (!bNames.includes(name))
      cmp.emit('api-security-component-added', `security scheme ${name}`, 'added', {
        base: bSchemes,
        head: cmp.child('head', hSchemes, name),
      });
}

function compareOAuthFlows(cmp: Comparison, subject: string, b: Node, h: Node): void {
  const bFlows = cmp.child('base', b, 'flows');
  const hFlows = cmp.child('head', h, 'flows');
  for (const flow of Object.keys(obj(bFlows) ?? {})) {
    const bf = cmp.child('base', bFlows, flow);
    const hf = cmp.child('head', hFlows, flow);
    if (!hf) continue;
    const bs = obj(bf) ?? {};
    const hs = obj(hf) ?? {};
    const where = { base: bf, head: hf };
    for (const key of ['authorizationUrl', 'refreshUrl'] as const)
      if (bs[key] !== hs[key])
        cmp.emit(
          'api-security-component-oauth-url-changed',
          `${subject} ${flow} flow`,
          `${key} changed from ${show(bs[key] ?? 'none')} to ${show(hs[key] ?? 'none')}`,
          where,
        );
    if (bs.tokenUrl !== hs.tokenUrl)
      cmp.emit(
        'api-security-component-oauth-token-url-changed',
        `${subject} ${flow} flow`,
        `tokenUrl changed from ${show(bs.tokenUrl)} to ${show(hs.tokenUrl)}`,
        where,
      );
    const bScopes = Object.keys((bs.scopes ?? {}) as object);
    const hScopes = Object.keys((hs.scopes ?? {}) as object);
    for (const sc of hScopes)
      if (!bScopes.includes(sc))
        cmp.emit(
          'api-security-component-oauth-scope-added',
          `${subject} ${flow} flow`,
          `scope ${sc} added`,
          where,
        );
    for (const sc of bScopes)
      if (!hScopes.includes(sc))
        cmp.emit(
          'api-security-component-oauth-scope-removed',
          `${subject} ${flow} flow`,
          `scope ${sc} removed`,
          where,
        );
  }
}

/** RFC 8594: clients learn about a deprecation at run time only through these headers. */
function requireDeprecationHeaders(cmp: Comparison, op: string, hOp: Node): void {
  if (cmp.options.sunsetPolicy !== 'strict') return;
  const responses = cmp.child('head', hOp, 'responses');
  const names = new Set<string>();
  for (const status of Object.keys(obj(responses) ?? {})) {
    for (const h of Object.keys(
      obj(cmp.child('head', cmp.child('head', responses, status), 'headers')) ?? {},
    ))
      names.add(h.toLowerCase());
  }
  if (!names.has('deprecation') || !names.has('sunset')) {
    cmp.emit(
      'deprecated-operation-headers-missing',
      op,
      'deprecated, but its responses do not document the `Deprecation` and `Sunset` headers (RFC 8594)',
      { op, head: hOp },
    );
  }
}

interface Param {
  node: Node;
  in: string;
  name: string;
  pathLevel: boolean;
}

function paramsOf(
  cmp: Comparison,
  side: 'base' | 'head',
  item: Node | undefined,
  opNode: Node,
  path: string,
): Param[] {
  const collect = (owner: Node | undefined, pathLevel: boolean): Param[] => {
    const list = cmp.child(side, owner, 'parameters');
    if (!Array.isArray(list?.v)) return [];
    return (list.v as unknown[]).flatMap((_, i) => {
      const node = cmp.child(side, list, i);
      const p = obj(node);
      if (!node || !p || typeof p.name !== 'string' || typeof p.in !== 'string') return [];
      return [{ node, in: p.in, name: p.name, pathLevel }];
    });
  };
  const own = collect(opNode, false);
  // Unflattened (oasdiff's default), path-level parameters are judged once per path, not per operation.
  const inherited = (cmp.options.flattenParams ? collect(item, true) : []).filter(
    (p) => !own.some((o) => o.in === p.in && o.name === p.name),
  );
  const all = [...own, ...inherited];
  // Path parameters are matched by their position in the template, so a rename is not a removal.
  const order = [...path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
  return all.map((p) =>
    p.in === 'path' ? { ...p, name: `{${order.indexOf(p.name)}}`, realName: p.name } : p,
  ) as Param[];
}

function paramKey(p: Param): string {
  return `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
}

function compareParameters(
  cmp: Comparison,
  op: string,
  bPath: string,
  hPath: string,
  bItem: Node | undefined,
  hItem: Node | undefined,
  bOp: Node,
  hOp: Node,
): void {
  const bList = paramsOf(cmp, 'base', bItem, bOp, bPath);
  const hList = paramsOf(cmp, 'head', hItem, hOp, hPath);
  const hByKey = new Map(hList.map((p) => [paramKey(p), p]));
  const bKeys = new Set(bList.map(paramKey));
  const realName = (p: Param) => (p as Param & { realName?: string }).realName ?? p.name;
  for (const bp of bList) {
    const hp = hByKey.get(paramKey(bp));
    const bs = obj(bp.node) ?? {};
    const subject = `${op} ${bp.in} parameter \`${realName(bp)}\``;
    if (!hp) {
      judgeRemoval(cmp, 'request-parameter', bs, { op, base: bp.node, head: hOp }, subject);
      continue;
    }
    const hs = obj(hp.node) ?? {};
    const where = { op, base: bp.node, head: hp.node };
    if (realName(bp) !== realName(hp))
      cmp.emit('request-path-parameter-renamed', subject, `renamed to \`${realName(hp)}\``, where);
    if (bs.required !== true && hs.required === true)
      cmp.emit(
        'request-parameter-became-required',
        subject,
        'became required; clients that omit it are rejected',
        where,
      );
    if (bs.allowEmptyValue === true && hs.allowEmptyValue !== true)
      cmp.emit(
        'request-parameter-allow-empty-value-removed',
        subject,
        'no longer allows an empty value; clients sending it empty are rejected',
        where,
      );
    if (bs.required === true && hs.required !== true && bp.in !== 'path')
      cmp.emit('request-parameter-became-optional', subject, 'became optional', where);
    judgeDeprecation(cmp, 'request-parameter', bs, hs, where, subject);
    const bSchema = paramSchema(cmp, 'base', bp.node);
    const hSchema = paramSchema(cmp, 'head', hp.node);
    compareSchema(cmp, bSchema, hSchema, {
      dir: 'request',
      kind: 'parameter',
      paramIn: bp.in,
      // A form-style query parameter is exploded unless it says otherwise: `?a=1&a=2`.
      formExploded: bp.in === 'query' && (hs.style ?? 'form') === 'form' && hs.explode !== false,
      prop: [],
      op,
      where: `${bp.in} parameter \`${realName(bp)}\``,
    });
  }
  for (const hp of hList) {
    if (bKeys.has(paramKey(hp))) continue;
    const hs = obj(hp.node) ?? {};
    const subject = `${op} ${hp.in} parameter \`${realName(hp)}\``;
    const where = { op, base: bOp, head: hp.node };
    if (hp.in === 'path') cmp.emit('new-request-path-parameter', subject, 'added as a path parameter', where);
    else if (hs.required === true)
      cmp.emit(
        'new-required-request-parameter',
        subject,
        'added as required; existing clients do not send it',
        where,
      );
    else cmp.emit('new-optional-request-parameter', subject, 'added as optional', where);
  }
}

/** Parameters added at path level reach every operation of the path at once. */
function comparePathParameters(cmp: Comparison, path: string, bItem: Node | undefined, hItem: Node): void {
  const list = (side: 'base' | 'head', item: Node | undefined) => {
    const params = cmp.child(side, item, 'parameters');
    return Array.isArray(params?.v)
      ? (params.v as unknown[]).map((_, i) => cmp.child(side, params, i)).filter((n): n is Node => !!obj(n))
      : [];
  };
  const bKeys = new Set(list('base', bItem).map((n) => `${obj(n)?.in}:${obj(n)?.name}`));
  for (const hp of list('head', hItem)) {
    const p = obj(hp) ?? {};
    if (p.in === 'path' || bKeys.has(`${p.in}:${p.name}`)) continue;
    const required = p.required === true;
    cmp.emit(
      required
        ? 'new-required-request-default-parameter-to-existing-path'
        : 'new-optional-request-default-parameter-to-existing-path',
      `${path} ${String(p.in)} parameter \`${String(p.name)}\``,
      `added to every operation of the path as ${required ? 'required' : 'optional'}`,
      { op: path, base: bItem, head: hp },
    );
  }
}

function paramSchema(cmp: Comparison, side: 'base' | 'head', param: Node): Node | undefined {
  const direct = cmp.child(side, param, 'schema');
  if (direct) return direct;
  const content = cmp.child(side, param, 'content');
  const first = Object.keys(obj(content) ?? {})[0];
  return first === undefined ? undefined : cmp.child(side, cmp.child(side, content, first), 'schema');
}

function compareRequestBody(cmp: Comparison, op: string, bOp: Node, hOp: Node): void {
  const bBody = cmp.child('base', bOp, 'requestBody');
  const hBody = cmp.child('head', hOp, 'requestBody');
  if (!bBody && !hBody) return;
  const subject = `${op} request body`;
  if (!bBody && hBody) {
    const required = obj(hBody)?.required === true;
    cmp.emit(
      required ? 'request-body-added-required' : 'request-body-added-optional',
      subject,
      required ? 'added as required' : 'added as optional',
      { op, base: bOp, head: hBody },
    );
    return;
  }
  if (bBody && !hBody) {
    cmp.emit('request-body-removed', subject, 'removed', { op, base: bBody, head: hOp });
    return;
  }
  if (!bBody || !hBody) return;
  const where = { op, base: bBody, head: hBody };
  const bReq = obj(bBody)?.required === true;
  const hReq = obj(hBody)?.required === true;
  if (!bReq && hReq) cmp.emit('request-body-became-required', subject, 'became required', where);
  if (bReq && !hReq) cmp.emit('request-body-became-optional', subject, 'became optional', where);
  const bContent = cmp.child('base', bBody, 'content');
  const hContent = cmp.child('head', hBody, 'content');
  const bTypes = Object.keys(obj(bContent) ?? {});
  const hTypes = Object.keys(obj(hContent) ?? {});
  for (const media of bTypes) {
    const bMedia = cmp.child('base', bContent, media);
    if (!hTypes.includes(media)) {
      cmp.emit(
        'request-body-media-type-removed',
        `${subject} ${media}`,
        'media type removed; clients sending it are rejected',
        { op, base: bMedia, head: hContent },
      );
      continue;
    }
    const hMedia = cmp.child('head', hContent, media);
    const bSchema = cmp.child('base', bMedia, 'schema');
    const hSchema = cmp.child('head', hMedia, 'schema');
    if (!bSchema && hSchema)
      cmp.emit('request-body-media-type-schema-added', `${subject} ${media}`, 'schema added', {
        op,
        base: bMedia,
        head: hSchema,
      });
    if (bSchema && !hSchema)
      cmp.emit('request-body-media-type-schema-removed', `${subject} ${media}`, 'schema removed', {
        op,
        base: bSchema,
        head: hMedia,
      });
    compareSchema(cmp, bSchema, hSchema, { dir: 'request', kind: 'body', prop: [], op, where: media, media });
  }
  for (const media of hTypes) {
    if (!bTypes.includes(media))
      cmp.emit('request-body-media-type-added', `${subject} ${media}`, 'media type added', {
        op,
        base: bContent,
        head: cmp.child('head', hContent, media),
      });
  }
}

function isSuccess(status: string): boolean {
  return /^2(\d\d|XX)$/i.test(status);
}

function compareResponses(cmp: Comparison, op: string, bOp: Node, hOp: Node): void {
  const bResponses = cmp.child('base', bOp, 'responses');
  const hResponses = cmp.child('head', hOp, 'responses');
  const bCodes = Object.keys(obj(bResponses) ?? {});
  const hCodes = Object.keys(obj(hResponses) ?? {});
  for (const status of bCodes) {
    const bResp = cmp.child('base', bResponses, status);
    const subject = `${op} response ${status}`;
    if (!hCodes.includes(status)) {
      cmp.emit(
        isSuccess(status) ? 'response-success-status-removed' : 'response-non-success-status-removed',
        subject,
        'status removed',
        { op, base: bResp, head: hResponses },
      );
      continue;
    }
    const hResp = cmp.child('head', hResponses, status);
    compareHeaders(cmp, op, status, bResp, hResp);
    const bContent = cmp.child('base', bResp, 'content');
    const hContent = cmp.child('head', hResp, 'content');
    const bTypes = Object.keys(obj(bContent) ?? {});
    const hTypes = Object.keys(obj(hContent) ?? {});
    for (const media of bTypes) {
      const bMedia = cmp.child('base', bContent, media);
      if (!hTypes.includes(media)) {
        cmp.emit(
          'response-media-type-removed',
          `${subject} ${media}`,
          'media type removed; clients asking for it break',
          { op, base: bMedia, head: hContent ?? hResp },
        );
        continue;
      }
      const hMedia = cmp.child('head', hContent, media);
      const bSchema = cmp.child('base', bMedia, 'schema');
      const hSchema = cmp.child('head', hMedia, 'schema');
      if (!bSchema && hSchema)
        cmp.emit('response-body-media-type-schema-added', `${subject} ${media}`, 'schema added', {
          op,
          base: bMedia,
          head: hSchema,
        });
      if (bSchema && !hSchema)
        cmp.emit('response-body-media-type-schema-removed', `${subject} ${media}`, 'schema removed', {
          op,
          base: bSchema,
          head: hMedia,
        });
      compareSchema(cmp, bSchema, hSchema, {
        dir: 'response',
        kind: 'body',
        prop: [],
        op,
        where: `status ${status} ${media}`,
        media,
      });
    }
    for (const media of hTypes) {
      if (!bTypes.includes(media))
        cmp.emit('response-media-type-added', `${subject} ${media}`, 'media type added', {
          op,
          base: bContent ?? bResp,
          head: cmp.child('head', hContent, media),
        });
    }
  }
  for (const status of hCodes) {
    if (bCodes.includes(status)) continue;
    cmp.emit(
      isSuccess(status) ? 'response-success-status-added' : 'response-non-success-status-added',
      `${op} response ${status}`,
      'status added',
      { op, base: bResponses, head: cmp.child('head', hResponses, status) },
    );
  }
}

function compareHeaders(
  cmp: Comparison,
  op: string,
  status: string,
  bResp: Node | undefined,
  hResp: Node | undefined,
): void {
  const bHeaders = cmp.child('base', bResp, 'headers');
  const hHeaders = cmp.child('head', hResp, 'headers');
  const bNames = Object.keys(obj(bHeaders) ?? {});
  const hNames = Object.keys(obj(hHeaders) ?? {});
  const find = (names: string[], name: string) => names.find((n) => n.toLowerCase() === name.toLowerCase());
  for (const name of bNames) {
    const bh = cmp.child('base', bHeaders, name);
    const subject = `${op} response ${status} header \`${name}\``;
    const match = find(hNames, name);
    if (match === undefined) {
      const required = obj(bh)?.required === true;
      cmp.emit(
        required ? 'required-response-header-removed' : 'optional-response-header-removed',
        subject,
        'removed',
        { op, base: bh, head: hResp },
      );
      continue;
    }
    const hh = cmp.child('head', hHeaders, match);
    if (obj(bh)?.required === true && obj(hh)?.required !== true)
      cmp.emit('response-header-became-optional', subject, 'became optional; clients relying on it break', {
        op,
        base: bh,
        head: hh,
      });
    compareSchema(cmp, paramSchema(cmp, 'base', bh as Node), paramSchema(cmp, 'head', hh as Node), {
      dir: 'response',
      kind: 'header',
      prop: [],
      op,
      where: `status ${status} header \`${name}\``,
    });
  }
  for (const name of hNames) {
    if (find(bNames, name) === undefined)
      cmp.emit('response-header-added', `${op} response ${status} header \`${name}\``, 'added', {
        op,
        base: bResp,
        head: cmp.child('head', hHeaders, name),
      });
  }
}

function compareComponents(cmp: Comparison): void {
  const bSchemas = cmp.child('base', cmp.child('base', cmp.root('base'), 'components'), 'schemas');
  const hSchemas = cmp.child('head', cmp.child('head', cmp.root('head'), 'components'), 'schemas');
  const hNames = new Set(Object.keys(obj(hSchemas) ?? {}));
  for (const name of Object.keys(obj(bSchemas) ?? {})) {
    if (!hNames.has(name))
      cmp.emit('api-schema-removed', `components/schemas/${name}`, 'schema removed from components', {
        base: cmp.child('base', bSchemas, name),
        head: hSchemas,
      });
  }
}

function compareWebhooks(cmp: Comparison): void {
  const bHooks = cmp.child('base', cmp.root('base'), 'webhooks');
  const hHooks = cmp.child('head', cmp.root('head'), 'webhooks');
  const bNames = Object.keys(obj(bHooks) ?? {});
  const hNames = Object.keys(obj(hHooks) ?? {});
  for (const n of bNames)
    if (!hNames.includes(n))
      cmp.emit('webhook-removed', `webhook ${n}`, 'removed', { base: cmp.child('base', bHooks, n) });
  for (const n of hNames)
    if (!bNames.includes(n))
      cmp.emit('webhook-added', `webhook ${n}`, 'added', { head: cmp.child('head', hHooks, n) });
}
