/**
 * The JSON body parser the contract plugin installs. It refuses, before any handler, what would
 * otherwise reach a store or a recursive walk and fail there as a 500:
 * - nesting deeper than `MAX_JSON_DEPTH` (an unknown field holding thousands of nested arrays
 *   overflows any recursive canonicaliser, hasher or serialiser further down);
 * - strings (values or keys) that are not well-formed Unicode (lone UTF-16 surrogates: PostgreSQL
 *   rejects them, SQLite silently stores replacement bytes so two ids collide) or that hold U+0000
 *   (PostgreSQL text cannot store it).
 * The walk is iterative, so the check itself cannot overflow the stack.
 */

/** Deepest nesting of arrays and objects a request body may have; the contract's own bodies need 3. */
export const MAX_JSON_DEPTH = 32;

export class JsonBodyRefusal extends Error {
  readonly code = 'VALIDATION_FAILED';
  constructor(
    /** JSON Pointer to the offending value (`''` for the whole body). */
    readonly path: string,
    readonly rule: string,
  ) {
    super(`request body ${path || '/'} ${rule}`);
    this.name = 'JsonBodyRefusal';
  }
}

const pointer = (parts: readonly (string | number)[]) =>
  parts.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

// Under the `u` flag a lone surrogate is one code point of category Cs; a proper pair is not.
const LONE_SURROGATE = /\p{Cs}/u;

/** Why `text` may not enter the books, or undefined when it may. */
export function unstorableText(text: string): string | undefined {
  if (LONE_SURROGATE.test(text)) return 'holds a lone UTF-16 surrogate; send well-formed Unicode';
  if (text.includes('\u0000')) return 'holds a NUL character (U+0000), which no store accepts';
  return undefined;
}

/** Throws `JsonBodyRefusal` when `value` nests too deep or holds a string no store can keep. */
export function assertStorableJson(value: unknown, maxDepth = MAX_JSON_DEPTH): void {
  const stack: Array<{ value: unknown; path: (string | number)[] }> = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      const why = unstorableText(current);
      if (why) throw new JsonBodyRefusal(pointer(path), why);
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (path.length >= maxDepth) {
      throw new JsonBodyRefusal(
        pointer(path),
        `nests deeper than ${maxDepth} levels of arrays and objects; flatten it`,
      );
    }
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) stack.push({ value: current[i], path: [...path, i] });
      continue;
    }
    for (const [key, child] of Object.entries(current)) {
      const why = unstorableText(key);
      if (why) throw new JsonBodyRefusal(pointer([...path, key]), `has a key that ${why}`);
      stack.push({ value: child, path: [...path, key] });
    }
  }
}

/**
 * `JSON.parse` plus the checks above. V8's parser is iterative, so deep input parses; the depth
 * check then refuses it before anything recursive sees it.
 */
export function parseJsonBody(text: string): unknown {
  const value: unknown = JSON.parse(text);
  assertStorableJson(value);
  return value;
}
