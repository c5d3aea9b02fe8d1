import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** The documents the lint covers by default; the JSON Schemas are reached through their $refs. */
export const CONTRACT_DIRECTORIES = ['contracts/openapi', 'contracts/asyncapi'];

export async function defaultContractFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  for (const directory of CONTRACT_DIRECTORIES) {
    const entries = await readdir(path.join(root, directory)).catch(() => [] as string[]);
    for (const entry of entries.sort()) {
      if (/\.ya?ml$/.test(entry)) files.push(`${directory}/${entry}`);
    }
  }
  return files;
}

/** Decided from the document, not its directory, so fixtures anywhere lint the same way. */
export function isAsyncApiDocument(text: string): boolean {
  return /^["']?asyncapi["']?\s*:/m.test(text);
}

export function displayPath(root: string, file: string): string {
  const relative = path.relative(root, file);
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  return shown.split(path.sep).join('/');
}
