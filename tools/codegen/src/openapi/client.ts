import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GeneratedFile, header, jsonFile, type Provenance } from '../files.ts';
import { type ApiModel, isJsonContentType, type OperationModel, pascal } from './model.ts';
import { errorCatalogueCode, isSuccess, operationType, operationsTableCode, statusType } from './tables.ts';

const RUNTIME_DIR = fileURLToPath(new URL('../../runtime/', import.meta.url));
const q = (value: string) => JSON.stringify(value);

/** Headers the client fills in itself (tenant defaults, keys, traces, signatures): optional for the caller. */
export const MANAGED_HEADERS = [
  'x-brand-id',
  'x-provider-id',
  'x-region',
  'x-idempotency-key',
  'x-trace-id',
  'x-signature',
  'x-signature-timestamp',
  'x-signature-key-id',
];

/** The runtime is hand-written TS copied in, so a generated package depends on nothing in `tools/`. */
export async function runtimeFiles(
  kind: 'client' | 'server' | 'events',
  provenance: Provenance,
  into: string,
) {
  const dir = path.join(RUNTIME_DIR, kind);
  const names = (await readdir(dir)).filter((n) => n.endsWith('.ts')).sort();
  const files: GeneratedFile[] = [];
  for (const name of names) {
    const source = await readFile(path.join(dir, name), 'utf8');
    files.push({
      path: `${into}/${name}`,
      content: `${header(provenance)}// Copied from tools/codegen/runtime/${kind}/${name}.\n\n${source}`,
    });
  }
  return files;
}

function has(op: OperationModel, where: 'path' | 'query' | 'header'): boolean {
  return op.parameters.some((p) => p.in === where);
}

function required(op: OperationModel, where: 'path' | 'query' | 'header', ignore: string[] = []): boolean {
  return op.parameters.some((p) => p.in === where && p.required && !ignore.includes(p.name.toLowerCase()));
}

export function bodyType(op: OperationModel): string {
  if (!op.body) return 'never';
  return `${operationType(op)}['requestBody'] extends infer B ? B extends { content: infer C } ? C[${q(op.body.contentType)} & keyof C] : never : never`;
}

export function responseBodyType(op: OperationModel, status: string): string {
  const response = op.responses.find((r) => r.status === status);
  if (!response?.contentType) return 'undefined';
  return `${operationType(op)}['responses'][${q(status)}]['content'][${q(response.contentType)}]`;
}

function requestInterface(op: OperationModel, name: string): string {
  const t = operationType(op);
  const lines = [`export interface ${name}Request {`];
  if (has(op, 'path')) lines.push(`  path: NonNullable<${t}['parameters']['path']>;`);
  if (has(op, 'query')) {
    lines.push(`  query${required(op, 'query') ? '' : '?'}: NonNullable<${t}['parameters']['query']>;`);
  }
  if (has(op, 'header')) {
    const optional = required(op, 'header', MANAGED_HEADERS) ? '' : '?';
    lines.push(`  headers${optional}: CallerHeaders<NonNullable<${t}['parameters']['header']>>;`);
  }
  if (op.body) lines.push(`  body${op.body.required ? '' : '?'}: ${name}RequestBody;`);
  lines.push('}');
  return lines.join('\n');
}

function requestIsOptional(op: OperationModel): boolean {
  return (
    !has(op, 'path') &&
    !required(op, 'query') &&
    !required(op, 'header', MANAGED_HEADERS) &&
    !op.body?.required
  );
}

function operationTypes(op: OperationModel): string {
  const name = pascal(op.operationId);
  const successes = op.responses.filter((r) => isSuccess(r.status));
  const failures = op.responses.filter((r) => !isSuccess(r.status));
  const success = successes.length
    ? successes
        .map((r) => `ApiResponse<${statusType(r.status)}, ${responseBodyType(op, r.status)}>`)
        .join(' | ')
    : 'ApiResponse<number, unknown>';
  const errorBodies = failures
    .filter((r) => isJsonContentType(r.contentType))
    .map((r) => responseBodyType(op, r.status));
  const lines = [`/** ${op.method.toUpperCase()} ${op.path} */`];
  if (op.body) lines.push(`export type ${name}RequestBody = ${bodyType(op)};`);
  lines.push(requestInterface(op, name));
  lines.push(`export type ${name}Response = ${success};`);
  lines.push(
    `export type ${name}ErrorBody = ${errorBodies.length ? [...new Set(errorBodies)].join(' | ') : 'unknown'};`,
  );
  lines.push(`export type ${name}Error = ApiError<ErrorCode | ClientErrorCode, ${name}ErrorBody>;`);
  return lines.join('\n');
}

function method(op: OperationModel): string {
  const name = pascal(op.operationId);
  const doc = [
    op.summary ? op.summary.replace(/\*\//g, '*\\/').split('\n')[0] : `${op.method.toUpperCase()} ${op.path}`,
    '',
    `\`${op.method.toUpperCase()} ${op.path}\`. Rejects with {@link ${name}Error}.`,
  ];
  if (op.deprecated) doc.push(`@deprecated${op.sunset ? ` sunset ${op.sunset}` : ''}`);
  const param = requestIsOptional(op) ? `request: ${name}Request = {}` : `request: ${name}Request`;
  return [
    `  /**\n${doc.map((l) => `   *${l ? ` ${l}` : ''}`).join('\n')}\n   */`,
    `  ${op.operationId}(${param}, options?: CallOptions): Promise<${name}Response> {`,
    `    return this.runtime.call<${name}Response>(operations.${op.operationId}, request as OperationRequest, options);`,
    '  }',
  ].join('\n');
}

export async function generateClient(
  model: ApiModel,
  schemaTs: string,
  provenance: Provenance,
  packageName: string,
): Promise<GeneratedFile[]> {
  const h = header(provenance);
  const files: GeneratedFile[] = [];
  const dir = 'client';
  files.push({ path: `${dir}/src/schema.ts`, content: `${h}\n${schemaTs}` });
  files.push({
    path: `${dir}/src/operations.ts`,
    content: `${h}\n${operationsTableCode(model)}\n${errorCatalogueCode(model)}`,
  });
  files.push(...(await runtimeFiles('client', provenance, `${dir}/src/runtime`)));
  files.push({
    path: `${dir}/src/types.ts`,
    content: [
      h,
      "import type { ApiError, ClientErrorCode } from './runtime/errors.ts';",
      "import type { ApiResponse } from './runtime/http.ts';",
      "import type { ErrorCode } from './operations.ts';",
      "import type { paths } from './schema.ts';",
      '',
      `type ManagedHeader = ${MANAGED_HEADERS.map(q).join(' | ')};`,
      '/** The client sets tenant, idempotency, trace and signature headers itself, so the caller may omit them. */',
      'export type CallerHeaders<H> = {',
      '  [K in keyof H as Lowercase<K & string> extends ManagedHeader ? never : K]: H[K];',
      '} & {',
      '  [K in keyof H as Lowercase<K & string> extends ManagedHeader ? K : never]?: H[K];',
      '};',
      '',
      ...model.operations.map((op) => `${operationTypes(op)}\n`),
    ].join('\n'),
  });
  const typeNames = model.operations.flatMap((op) => {
    const name = pascal(op.operationId);
    return [
      ...(op.body ? [`${name}RequestBody`] : []),
      `${name}Request`,
      `${name}Response`,
      `${name}ErrorBody`,
      `${name}Error`,
    ];
  });
  files.push({
    path: `${dir}/src/client.ts`,
    content: [
      h,
      "import { HttpRuntime, type CallOptions, type ClientOptions, type OperationRequest } from './runtime/http.ts';",
      "import { operations } from './operations.ts';",
      typeNames.length
        ? `import type {\n${typeNames.map((n) => `  ${n},`).join('\n')}\n} from './types.ts';`
        : '',
      '',
      `/** Typed client for ${model.title.replace(/\*\//g, '')} ${model.version}: one method per operation. */`,
      'export class ApiClient {',
      '  readonly runtime: HttpRuntime;',
      '',
      '  constructor(options: ClientOptions) {',
      '    this.runtime = new HttpRuntime(options);',
      '  }',
      '',
      model.operations.map(method).join('\n\n'),
      '}',
      '',
      'export function createClient(options: ClientOptions): ApiClient {',
      '  return new ApiClient(options);',
      '}',
      '',
    ].join('\n'),
  });
  files.push({
    path: `${dir}/src/index.ts`,
    content: [
      h,
      "export { ApiClient, createClient } from './client.ts';",
      "export { ApiError, isApiError, type ClientErrorCode } from './runtime/errors.ts';",
      "export { CredentialsError, type ClientCredentials, type SignatureAlgorithm } from './runtime/credentials.ts';",
      "export { HttpRuntime, type ApiResponse, type CallOptions, type ClientOptions, type RetryOptions, type SignHook, type SignableRequest } from './runtime/http.ts';",
      "export { RetryBudget, backoffDelay, type BackoffPolicy, type RetryBudgetOptions } from './runtime/retry.ts';",
      "export { errorCatalogue, operations, type ErrorCatalogueEntry, type ErrorCode, type OperationId, type OperationInfo } from './operations.ts';",
      "export type * from './types.ts';",
      "export type { components, paths } from './schema.ts';",
      '',
    ].join('\n'),
  });
  files.push(
    ...packageFiles(
      dir,
      packageName,
      `Typed client for ${model.title} ${model.version}`,
      provenance,
      {},
      true,
    ),
  );
  return files;
}

export function packageFiles(
  dir: string,
  packageName: string,
  description: string,
  provenance: Provenance,
  dependencies: Record<string, string>,
  browser: boolean,
  /** Files tsc does not emit (hand-written JS beside its .d.ts), copied into dist/ after it. */
  copied: string[] = [],
): GeneratedFile[] {
  const built = (stem: string) => ({ types: `./dist/${stem}.d.ts`, default: `./dist/${stem}.js` });
  const copy = copied.length
    ? ` && node -e "for (const f of ${JSON.stringify(copied).replaceAll('"', "'")}) require('node:fs').copyFileSync('src/' + f, 'dist/' + f)"`
    : '';
  const workspace = provenance.shape === 'workspace';
  const manifest: Record<string, unknown> = {
    name: packageName,
    version: '0.1.0',
    ...(workspace ? {} : { private: true }),
    description,
    ...(workspace ? { license: 'Apache-2.0' } : {}),
    type: 'module',
    // In this workspace the sources are the development path and the croupier-dist condition lets a
    // dependent's build read the built types; what is published (and a standalone package) is dist/ only.
    exports: workspace
      ? { '.': { 'croupier-dist': built('index'), default: './src/index.ts' } }
      : { '.': built('index') },
    types: './dist/index.d.ts',
    files: workspace ? ['dist', 'CHANGELOG.md'] : ['dist'],
    engines: { node: '>=20.10' },
    scripts: { build: `tsc -p tsconfig.build.json${copy}`, typecheck: 'tsc -p tsconfig.json' },
  };
  if (Object.keys(dependencies).length) manifest.dependencies = dependencies;
  // Standalone, the package brings its own compiler; in the workspace the root's is used.
  if (!workspace) {
    manifest.devDependencies = { '@types/node': '^20.19.0', typescript: '~5.9.3' };
  }
  if (workspace) manifest.publishConfig = { access: 'public', exports: { '.': built('index') } };
  // Self-contained compiler options (not `extends`): `--out` may point anywhere, and strictness must not depend on the host repo.
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
    noEmit: true,
    lib: browser ? ['ES2022', 'DOM'] : ['ES2022'],
    // The client runs in browsers too; its credentials support (used only with credentials) needs Node.
    types: ['node'],
  };
  const tsconfig = { compilerOptions, include: ['src'] };
  // The build emits what Node runs: `./x.ts` imports rewritten to `./x.js`, with .d.ts and source maps.
  const { allowImportingTsExtensions: _, noEmit: __, ...emitting } = compilerOptions;
  const tsconfigBuild = {
    compilerOptions: {
      ...emitting,
      rewriteRelativeImportExtensions: true,
      declaration: true,
      declarationMap: true,
      sourceMap: true,
      // dist/ is all that ships: the maps carry the TypeScript they point at.
      inlineSources: true,
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
  };
  return [
    { path: `${dir}/package.json`, content: jsonFile(provenance, manifest) },
    { path: `${dir}/tsconfig.json`, content: jsonFile(provenance, tsconfig) },
    { path: `${dir}/tsconfig.build.json`, content: jsonFile(provenance, tsconfigBuild) },
  ];
}
