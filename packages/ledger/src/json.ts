/** JSON for metadata columns: bigints become decimal strings instead of throwing. */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));

export const fromJson = <T>(text: unknown): T | null =>
  typeof text === 'string' ? (JSON.parse(text) as T) : null;
