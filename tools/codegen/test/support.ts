import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';

export const run = promisify(execFile);
export const codegenDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(codegenDir, '../..');
export const sharedDir = path.resolve(repoRoot, '../shared');

/** A temp output outside the workspace cannot resolve fastify/ajv/@types/node: link the ones this package has. */
export async function linkDependencies(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'node_modules/@types'), { recursive: true });
  const links: Array<[string, string]> = [
    ['fastify', 'fastify'],
    ['ajv', 'ajv'],
    ['ajv-formats', 'ajv-formats'],
    ['@types/node', '@types/node'],
  ];
  for (const [name, target] of links) {
    const to = path.join(dir, 'node_modules', name);
    if (!existsSync(to)) await symlink(await realpath(path.join(codegenDir, 'node_modules', target)), to);
  }
}

/**
 * Declaration files every generated package reads (the ES and DOM libs, @types/node, fastify's types),
 * parsed once per test file and shared by the programs it type-checks, as an editor's language service
 * shares them: each package is still its own program with its own tsconfig, but a `tsc` process per
 * package parsed the same ~10 MB of declarations again each time (most of a small package's compile).
 */
const declarations = new Map<string, ts.SourceFile>();

/** `tsc --noEmit -p` with the package's own strict tsconfig; resolves with the compiler output on failure. */
export async function typecheck(
  packageDir: string,
  extra: string[] = [],
): Promise<{ ok: boolean; output: string }> {
  const { options: overrides, errors } = ts.parseCommandLine(extra);
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(packageDir, 'tsconfig.json'),
    { ...overrides, noEmit: true },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => errors.push(diagnostic),
    },
  );
  let diagnostics: readonly ts.Diagnostic[] = errors;
  if (config) {
    const compilerHost = ts.createCompilerHost(config.options);
    // As tsc does: JSDoc is parsed only where it can yield a type error.
    compilerHost.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
    const read = compilerHost.getSourceFile.bind(compilerHost);
    const settings = `${config.options.target}|${config.options.module}|${config.options.moduleDetection}`;
    compilerHost.getSourceFile = (fileName, languageVersion, onError, fresh) => {
      if (fresh || !fileName.endsWith('.d.ts') || !fileName.includes(`${path.sep}node_modules${path.sep}`))
        return read(fileName, languageVersion, onError, fresh);
      const format = typeof languageVersion === 'object' ? languageVersion.impliedNodeFormat : undefined;
      const key = `${settings}|${format}|${fileName}`;
      let file = declarations.get(key);
      if (!file) {
        file = read(fileName, languageVersion, onError);
        if (file) declarations.set(key, file);
      }
      return file;
    };
    const program = ts.createProgram({
      rootNames: config.fileNames,
      options: config.options,
      projectReferences: config.projectReferences ?? [],
      host: compilerHost,
      configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
    });
    diagnostics = [...errors, ...ts.getPreEmitDiagnostics(program)];
  }
  if (diagnostics.length === 0) return { ok: true, output: '' };
  const output = ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
  });
  return { ok: false, output: output.slice(0, 4000) };
}
