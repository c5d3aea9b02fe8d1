import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { openapiContract } from '@croupier/contracts';

// ajv-formats ships CJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export const DEFAULT_CONTRACT_PATH = openapiContract;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface HeaderParameter {
  name: string;
  required: boolean;
  schema?: Record<string, unknown>;
}

export interface Operation {
  operationId: string;
  method: string;
  pathTemplate: string;
  pattern: RegExp;
  tags: string[];
  headerParameters: HeaderParameter[];
  pathParameters: string[];
  /** Pointer (into the root document) of the JSON request body schema, when the operation takes one. */
  requestSchemaPointer?: string;
  requestBodyRequired: boolean;
  requestExample?: unknown;
  /** Status key ("200", "4XX", "default") → documented response. */
  responses: Map<string, DocumentedResponse>;
  scopes: string[];
  secured: boolean;
}

export interface DocumentedResponse {
  headers: HeaderParameter[];
  schemaPointer?: string;
}

export interface ExchangeToCheck {
  method: string;
  path: string;
  status: number;
  requestHeaders: Record<string, string>;
  headers: Record<string, string>;
  text: string;
  json: unknown;
}

type Json = Record<string, unknown>;
/** What certify uses of json-schema-ref-parser's `$Refs`: every file the contract's refs reach. */
interface ResolvedFiles {
  values(): Record<string, unknown>;
  get(path: string): unknown;
}

function escapePointer(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * The contract as certify reads it: straight from the OpenAPI YAML (any version of it), its schemas
 * compiled with ajv 2020. Generated code is not used on purpose, so certify judges any spec the target claims.
 */
export class Contract {
  readonly operations: Operation[] = [];
  readonly errorCatalogue = new Map<string, { status: number; retryable: boolean }>();
  readonly version: string;
  private readonly ajv: Ajv2020;
  private readonly rootId: string;
  private readonly compiled = new Map<string, ValidateFunction>();

  /** Use `Contract.load` or `Contract.resolve`: they read every file the contract's `$ref`s reach first. */
  constructor(
    readonly file: string,
    private readonly root: Json,
    private readonly refs: ResolvedFiles,
  ) {
    this.rootId = pathToFileURL(path.resolve(file)).href;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) {
      this.ajv.addFormat(format, true);
    }
    this.ajv.addSchema({ ...root, $id: this.rootId });
    // Every other file the refs reach becomes an ajv schema keyed by its file URL, so refs resolve as URIs.
    for (const [file, document] of Object.entries(refs.values() as Record<string, Json>)) {
      const id = pathToFileURL(file).href;
      if (id !== this.rootId) this.ajv.addSchema({ ...document, $id: id });
    }
    this.version = String((root.info as Json | undefined)?.version ?? 'unknown');
    this.readCatalogue();
    this.readOperations();
  }

  static async load(file: string = DEFAULT_CONTRACT_PATH): Promise<Contract> {
    if (!existsSync(file)) {
      throw Object.assign(new Error(`contract not found at ${file}: pass --contract FILE`), {
        code: 'CONTRACT_NOT_FOUND',
      });
    }
    return Contract.resolve(file, parse(readFileSync(file, 'utf8')) as Json);
  }

  /**
   * The contract `root` as if read from `file`: json-schema-ref-parser reads every file its `$ref`s reach
   * (parsed with `yaml`, like the root, and never over the network).
   */
  static async resolve(file: string, root: Json): Promise<Contract> {
    const yamlFiles = {
      order: 1,
      canParse: /\.(ya?ml|json)$/i,
      parse: (input: { data: Buffer | string }) => parse(String(input.data)) as Json,
    };
    const options = {
      parse: { yaml: yamlFiles, json: false, text: false, binary: false },
      resolve: { http: false, external: true },
    };
    // `as never` because the plugin's own types do not admit a custom parser; the overload then returns void.
    const refs = (await $RefParser.resolve(path.resolve(file), root, options as never)) as unknown;
    return new Contract(file, root, refs as ResolvedFiles);
  }

  /** Follows OpenAPI `$ref`s on non-schema objects (parameters, responses, request bodies). */
  private deref(node: unknown, baseId: string): { value: Json; baseId: string; pointer: string } {
    const ref = (node as Json | undefined)?.$ref;
    if (typeof ref !== 'string') return { value: (node as Json | undefined) ?? {}, baseId, pointer: '' };
    const target = new URL(ref, baseId);
    const pointer = target.hash.slice(1);
    target.hash = '';
    let value: unknown;
    try {
      // The resolver follows the rest of a chain of refs itself.
      value = this.refs.get(`${fileURLToPath(target)}#${pointer}`);
    } catch {
      throw new Error(`unresolvable $ref ${ref}`);
    }
    return { value: (value as Json | undefined) ?? {}, baseId: target.href, pointer };
  }

  private readCatalogue(): void {
    const catalogue = (this.root['x-error-catalogue'] ?? {}) as Record<string, Json>;
    for (const [code, entry] of Object.entries(catalogue)) {
      this.errorCatalogue.set(code, { status: Number(entry.status), retryable: Boolean(entry.retryable) });
    }
  }

  private readOperations(): void {
    const paths = (this.root.paths ?? {}) as Record<string, Json>;
    for (const [pathTemplate, rawItem] of Object.entries(paths)) {
      const item = this.deref(rawItem, this.rootId).value;
      const shared = (item.parameters ?? []) as unknown[];
      for (const method of METHODS) {
        const op = item[method] as Json | undefined;
        if (!op) continue;
        const parameters = [...shared, ...((op.parameters ?? []) as unknown[])].map(
          (parameter) => this.deref(parameter, this.rootId).value,
        );
        const basePointer = `#/paths/${escapePointer(pathTemplate)}/${method}`;
        let requestSchemaPointer: string | undefined;
        let requestExample: unknown;
        let requestBodyRequired = false;
        if (op.requestBody) {
          const body = this.deref(op.requestBody, this.rootId);
          requestBodyRequired = Boolean(body.value.required);
          const media = (body.value.content as Json | undefined)?.['application/json'] as Json | undefined;
          if (media?.schema) {
            requestSchemaPointer = body.pointer
              ? `${body.baseId}#${body.pointer}/content/application~1json/schema`
              : `${this.rootId}${basePointer}/requestBody/content/application~1json/schema`;
            requestExample =
              media.example ?? Object.values((media.examples ?? {}) as Record<string, Json>)[0]?.value;
          }
        }
        const responses = new Map<string, DocumentedResponse>();
        for (const [status, rawResponse] of Object.entries((op.responses ?? {}) as Json)) {
          const response = this.deref(rawResponse, this.rootId);
          const pointer = response.pointer
            ? `${response.baseId}#${response.pointer}`
            : `${this.rootId}${basePointer}/responses/${escapePointer(status)}`;
          const media = (response.value.content as Json | undefined)?.['application/json'] as
            | Json
            | undefined;
          const headers = Object.entries((response.value.headers ?? {}) as Json).map(([name, header]) => {
            const resolved = this.deref(header, response.baseId).value;
            return {
              name: name.toLowerCase(),
              required: Boolean(resolved.required),
              schema: resolved.schema as Json | undefined,
            };
          });
          responses.set(status, {
            headers,
            schemaPointer: media?.schema ? `${pointer}/content/application~1json/schema` : undefined,
          });
        }
        const security = (op.security ?? this.root.security ?? []) as Array<Record<string, string[]>>;
        const scopes = [...new Set(security.flatMap((requirement) => Object.values(requirement).flat()))];
        const pattern = new RegExp(
          `^${pathTemplate.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
        );
        this.operations.push({
          operationId: String(op.operationId ?? `${method} ${pathTemplate}`),
          method: method.toUpperCase(),
          pathTemplate,
          pattern,
          tags: (op.tags ?? []) as string[],
          headerParameters: parameters
            .filter((parameter) => parameter.in === 'header')
            .map((parameter) => ({
              name: String(parameter.name).toLowerCase(),
              required: Boolean(parameter.required),
              schema: parameter.schema as Json | undefined,
            })),
          pathParameters: parameters.filter((p) => p.in === 'path').map((p) => String(p.name)),
          requestSchemaPointer,
          requestBodyRequired,
          requestExample,
          responses,
          scopes,
          secured: security.some((requirement) => Object.keys(requirement).length > 0),
        });
      }
    }
  }

  operation(operationId: string): Operation | undefined {
    return this.operations.find((op) => op.operationId === operationId);
  }

  findOperation(method: string, requestPath: string): Operation | undefined {
    const pathname = requestPath.split('?')[0] ?? requestPath;
    return this.operations.find((op) => op.method === method.toUpperCase() && op.pattern.test(pathname));
  }

  /** Methods the contract defines for a concrete path: what a 405's `Allow` must list. */
  methodsFor(requestPath: string): string[] {
    const pathname = requestPath.split('?')[0] ?? requestPath;
    return this.operations.filter((op) => op.pattern.test(pathname)).map((op) => op.method);
  }

  /** The resolved schema at a pointer, for generating inputs. */
  schemaAt(pointer: string): Json {
    const [base = this.rootId, fragment = ''] = pointer.split('#');
    return this.deref({ $ref: `#${fragment}` }, base).value;
  }

  resolveSchema(schema: Json, baseId?: string): Json {
    return this.deref(schema, baseId ?? this.rootId).value;
  }

  validator(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: pointer });
      this.compiled.set(pointer, validate);
    }
    return validate;
  }

  errorSchemaPointer(): string {
    return `${this.rootId}#/components/schemas/Error`;
  }

  validate(pointer: string, value: unknown): string[] {
    const validate = this.validator(pointer);
    if (validate(value)) return [];
    return (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
  }

  /** Judges one response against the contract: documented status, required headers, body schema, error catalogue. */
  checkExchange(exchange: ExchangeToCheck): { operationId?: string; violations: string[] } {
    const violations: string[] = [];
    const op = this.findOperation(exchange.method, exchange.path);
    const contentType = exchange.headers['content-type'] ?? '';
    const isJson = contentType.includes('json');
    if (!exchange.headers['x-trace-id']) violations.push('response has no X-Trace-Id header');
    else if (
      // An invalid trace id (empty, over 128 characters) may be replaced by a minted one.
      (exchange.requestHeaders['x-trace-id']?.length ?? 0) <= 128 &&
      exchange.requestHeaders['x-trace-id'] &&
      exchange.headers['x-trace-id'] !== exchange.requestHeaders['x-trace-id']
    ) {
      violations.push(
        `X-Trace-Id not echoed (sent ${exchange.requestHeaders['x-trace-id']}, got ${exchange.headers['x-trace-id']})`,
      );
    }
    if (exchange.status >= 400) violations.push(...this.checkError(exchange, isJson));
    if (!op) return { violations };

    const documented =
      op.responses.get(String(exchange.status)) ??
      op.responses.get(`${String(exchange.status)[0]}XX`) ??
      op.responses.get('default');
    if (!documented) {
      // An error the catalogue defines is documented once for all operations; anything else is not.
      const catalogued = [...this.errorCatalogue.values()].some((entry) => entry.status === exchange.status);
      if (!catalogued) violations.push(`status ${exchange.status} is not documented for ${op.operationId}`);
      return { operationId: op.operationId, violations };
    }
    for (const header of documented.headers) {
      if (header.name === 'content-type') continue;
      if (header.required && exchange.headers[header.name] === undefined) {
        violations.push(`required response header ${header.name} missing`);
      }
    }
    if (documented.schemaPointer && exchange.status < 400) {
      if (!isJson) violations.push(`content-type ${contentType || '(none)'} is not JSON`);
      else violations.push(...this.validate(documented.schemaPointer, exchange.json).map((m) => `body ${m}`));
    }
    return { operationId: op.operationId, violations };
  }

  private checkError(exchange: ExchangeToCheck, isJson: boolean): string[] {
    if (!isJson)
      return [`error response is not JSON (content-type ${exchange.headers['content-type'] ?? 'none'})`];
    const violations = this.validate(this.errorSchemaPointer(), exchange.json).map((m) => `error body ${m}`);
    const code = (exchange.json as Json | undefined)?.code;
    const entry = typeof code === 'string' ? this.errorCatalogue.get(code) : undefined;
    if (entry && entry.status !== exchange.status) {
      violations.push(
        `error ${code} must be status ${entry.status} by the catalogue, got ${exchange.status}`,
      );
    }
    if (entry && (exchange.json as Json).retryable !== entry.retryable) {
      violations.push(`error ${code} must have retryable=${entry.retryable}`);
    }
    if (exchange.status === 429 && !exchange.headers['retry-after'])
      violations.push('429 without Retry-After');
    return violations;
  }
}
