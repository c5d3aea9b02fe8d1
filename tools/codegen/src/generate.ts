import path from 'node:path';
import { generateClient } from './openapi/client.ts';
import { loadOpenApi } from './openapi/load.ts';
import { buildModel } from './openapi/model.ts';
import { generateServer } from './openapi/server.ts';
import { schemaTypes } from './openapi/types.ts';
import { generateEvents } from './events/generate.ts';
import type { GeneratedFile, PackageShape } from './files.ts';

export interface GenerateOptions {
  openapi?: string;
  asyncapi?: string;
  /** Directory of event JSON Schemas: every `event_type`/`schema_version` found there gets a type and validator too. */
  eventSchemas?: string;
  /** npm scope of the generated packages. */
  scope?: string;
  /** Paths in headers are written relative to this directory (default: the working directory). */
  cwd?: string;
  /** Skip the server package (e.g. for a document only a client is wanted for). */
  only?: Array<'client' | 'server' | 'events'>;
  /** How the generated package.json resolves: built dist/ only (default), or sources in this workspace. */
  shape?: PackageShape;
}

export interface Generated {
  files: GeneratedFile[];
  /** Top-level directories the generator owns in the output. */
  packages: string[];
  notes: string[];
}

function relative(cwd: string, file: string): string {
  return path.relative(cwd, path.resolve(cwd, file)).split(path.sep).join('/');
}

export async function generate(options: GenerateOptions): Promise<Generated> {
  const cwd = options.cwd ?? process.cwd();
  const scope = options.scope ?? '@croupier';
  const wanted = new Set(options.only ?? ['client', 'server', 'events']);
  const files: GeneratedFile[] = [];
  const packages: string[] = [];
  const notes: string[] = [];
  if (options.openapi) {
    const loaded = await loadOpenApi(path.resolve(cwd, options.openapi));
    const model = buildModel(loaded);
    notes.push(...model.notes);
    const provenance = {
      source: relative(cwd, options.openapi),
      version: model.version,
      ...(options.shape ? { shape: options.shape } : {}),
    };
    if (wanted.has('client')) {
      const requestView = await schemaTypes(loaded.document, model, 'request');
      files.push(...(await generateClient(model, requestView, provenance, `${scope}/client`)));
      packages.push('client');
    }
    if (wanted.has('server')) {
      const schemaTs = await schemaTypes(loaded.document, model, 'received');
      files.push(...(await generateServer(model, loaded.document, schemaTs, provenance, `${scope}/server`)));
      packages.push('server');
    }
  }
  if (options.asyncapi && wanted.has('events')) {
    const events = await generateEvents(
      path.resolve(cwd, options.asyncapi),
      relative(cwd, options.asyncapi),
      `${scope}/events`,
      undefined,
      options.shape,
    );
    files.push(...events.files);
    notes.push(...events.notes);
    packages.push('events');
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, packages, notes };
}
