export async function generateEvents(
  ..._a: unknown[]
): Promise<{ files: import('../files.ts').GeneratedFile[]; notes: string[] }> {
  return { files: [], notes: [] };
}
