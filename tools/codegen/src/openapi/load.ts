import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundle, createConfig } from '@redocly/openapi-core';

export type JsonObject = Record<string, unknown>;

export interface LoadedOpenApi {
  /** One document with only internal `#/...` refs, whatever the number of files it came from. */
  document: JsonObject;
  /** `3.0` or `3.1`: decides how schemas are translated for ajv. */
  dialect: '3.0' | '3.1';
  version: string;
  /** What the generator changed or tolerated, in a stable order, for the report and the README. */
  notes: string[];
}

export class CodegenError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CodegenError';
  }
}

/**
 * Bundles with Redocly rather than a generic JSON-Schema ref parser because it knows where OpenAPI allows
 * a `$ref` (and tolerates the places real documents put one anyway, such as DigitalOcean's
 * `get: {$ref: ...}`), and it lifts external schemas into `components` so names survive.
 */
export async function loadOpenApi(file: string): Promise<LoadedOpenApi> {
  const config = await createConfig({ rules: {} }, {});
  const absolute = path.resolve(file);
  let result: Awaited<ReturnType<typeof bundle>>;
  try {
    result = await bundle({ ref: absolute, config, dereference: false });
  } catch (error) {
    throw new CodegenError(
      'OPENAPI_UNREADABLE',
      `cannot read ${file}: ${(error as Error).message}. Check the path and that the file is YAML or JSON.`,
    );
  }
  const document = result.bundle.parsed as JsonObject | undefined;
  if (!document || typeof document !== 'object') {
    throw new CodegenError('OPENAPI_UNREADABLE', `${file} is empty or not an object`);
  }
  const openapi = String(document.openapi ?? '');
  if (!/^3\.[01]\./.test(openapi)) {
    throw new CodegenError(
      'OPENAPI_VERSION_UNSUPPORTED',
      `${file} declares openapi "${openapi || (document.swagger ? `swagger ${document.swagger}` : 'nothing')}"; only OpenAPI 3.0 and 3.1 are supported (convert Swagger 2 first).`,
    );
  }
  const notes: string[] = [];
  const unresolved = result.problems.filter(
    (p) => p.ruleId === 'no-unresolved-refs' || /resolve/i.test(p.message),
  );
  for (const problem of unresolved) notes.push(`unresolved $ref left as unknown: ${problem.message}`);
  const info = (document.info ?? {}) as JsonObject;
  return {
    document,
    dialect: openapi.startsWith('3.0') ? '3.0' : '3.1',
    version: String(info.version ?? '0.0.0'),
    notes,
  };
}

export function fileUrl(file: string): URL {
  return pathToFileURL(path.resolve(file));
}
