/**
 * Loads an OpenAPI/AsyncAPI description with every file its `$ref`s reach. json-schema-ref-parser finds and
 * reads the files (relative paths, `../` chains, spaces in names); `@stoplight/yaml` parses each once, keeping
 * the pointer-to-position map every finding uses to name a line. Refs are followed lazily by the walkers,
 * which is what lets a finding carry both the pointer where a schema is used and the pointer where it is
 * defined.
 *
 * Why @stoplight/yaml and not `yaml`'s Document API: on the 1.7 MB Twilio description `yaml` took 2.7 s per
 * file (parseDocument + LineCounter + toJS), @stoplight/yaml 0.7 s with positions (the parser Spectral itself
 * uses), so the loader stopped being the larger half of a run.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import { getLocationForJsonPath, parseWithPointers, type YamlParserResult } from '@stoplight/yaml';
import { GateError } from '../errors.ts';
import type { SourceLocation } from '../model.ts';

/** A value found in a document, with where it lives. */
export interface Located<T = unknown> {
  value: T;
  file: string;
  pointer: string;
}

export interface LoadedDocument {
  /** Absolute path of the entry file. */
  file: string;
  root: Record<string, unknown>;
  /** Follows a `$ref` written in `fromFile`; undefined when it does not resolve. */
  resolveRef(ref: string, fromFile: string): Located | undefined;
  /** 1-based line of a pointer in a loaded file, computed on first use. */
  lineOf(file: string, pointer: string): number | undefined;
  /** Total bytes read, for throughput figures. */
  bytes: number;
}

interface ParsedFile {
  parsed: YamlParserResult<unknown>;
  value: unknown;
}

export async function loadDocument(entry: string): Promise<LoadedDocument> {
  const file = path.resolve(entry);
  const parsed = new Map<string, ParsedFile>();
  let bytes = 0;
  // json-schema-ref-parser wraps parser errors; keep ours to rethrow with its file and line.
  let parseError: GateError | undefined;
  const yamlParser = {
    order: 1,
    canParse: /\.(ya?ml|json)$/i,
    allowEmpty: false,
    parse(input: { url: string; data: Buffer | string }) {
      const text = typeof input.data === 'string' ? input.data : input.data.toString('utf8');
      bytes += Buffer.byteLength(text);
      const fsPath = toFsPath(input.url);
      const result = parseWithPointers<unknown>(text, { ignoreDuplicateKeys: true, mergeKeys: true });
      const error = result.diagnostics.find((d) => d.severity === 0);
      if (error) {
        const line = error.range.start.line + 1;
        parseError = new GateError('PARSE_ERROR', `${fsPath}:${line}: ${error.message.split('\n')[0]}`, {
          file: fsPath,
          line,
        });
        throw parseError;
      }
      const value = result.data;
      parsed.set(fsPath, { parsed: result, value });
      return value;
    },
  };
  try {
    await $RefParser.resolve(file, {
      parse: { yaml: yamlParser, json: false, text: false, binary: false },
      resolve: { http: false, external: true },
      continueOnError: false,
    } as never);
  } catch (error) {
    if (parseError) throw parseError;
    if (error instanceof GateError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const located = /Error (?:opening|resolving|reading) file "?([^"\s]+)/.exec(message);
    throw new GateError('LOAD_ERROR', `cannot load ${entry}: ${message.split('\n')[0]}`, {
      file: located?.[1] ?? file,
      line: 1,
    });
  }
  const rootValue = parsed.get(file)?.value;
  if (!rootValue || typeof rootValue !== 'object' || Array.isArray(rootValue)) {
    throw new GateError('PARSE_ERROR', `${file}:1: the document is not a mapping`, { file, line: 1 });
  }
  return {
    file,
    root: rootValue as Record<string, unknown>,
    bytes,
    resolveRef(ref, fromFile) {
      const hash = ref.indexOf('#');
      const filePart = hash === -1 ? ref : ref.slice(0, hash);
      const pointer = hash === -1 ? '' : ref.slice(hash + 1);
      const target =
        filePart === '' ? fromFile : path.resolve(path.dirname(fromFile), decodeURIComponent(filePart));
      const entryValue = parsed.get(target)?.value;
      if (entryValue === undefined) return undefined;
      const value = getPointer(entryValue, pointer);
      return value === undefined ? undefined : { value, file: target, pointer: normalisePointer(pointer) };
    },
    lineOf(fileName, pointer) {
      const entryFile = parsed.get(fileName);
      if (!entryFile) return undefined;
      // The closest node that exists: a pointer into something head removed still names its parent's line.
      const location = getLocationForJsonPath(entryFile.parsed, splitPointer(pointer), true);
      return location === undefined ? undefined : location.range.start.line + 1;
    },
  };
}

export function locate(doc: LoadedDocument, at: { file: string; pointer: string }): SourceLocation {
  const line = doc.lineOf(at.file, at.pointer);
  return line === undefined
    ? { file: at.file, pointer: at.pointer }
    : { file: at.file, pointer: at.pointer, line };
}

function toFsPath(url: string): string {
  return url.startsWith('file:') ? fileURLToPath(url) : path.resolve(url);
}

export function splitPointer(pointer: string): string[] {
  const p = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (p === '' || p === '/') return [];
  return p
    .slice(1)
    .split('/')
    .map((t) => decodeURIComponent(t).replaceAll('~1', '/').replaceAll('~0', '~'));
}

function normalisePointer(pointer: string): string {
  const tokens = splitPointer(pointer);
  return tokens.length === 0 ? '' : `/${tokens.map(escapeToken).join('/')}`;
}

export function escapeToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

export function getPointer(root: unknown, pointer: string): unknown {
  let node = root;
  for (const token of splitPointer(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

export { pathToFileURL };
