/**
 * Benchmark: our codegen (`generate`, client + server from one OpenAPI document) beside
 * openapi-typescript alone (`openapiTS` + `astToString`) on the same file. openapi-typescript is the
 * piece our generator builds its schema types with, so the ratio is what everything else costs.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createConfig } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';
import { generate } from './generate.ts';

export interface CodegenComparison {
  file: string;
  bytes: number;
  ours: { ms: number; files: number; chars: number };
  openapiTypescript: { ms: number; chars: number };
}

/** Best of `runs` for each, alternating so both see the same machine state. */
export async function benchCodegen(
  file: string,
  options: { runs?: number; onProgress?: (line: string) => void } = {},
): Promise<CodegenComparison> {
  const runs = options.runs ?? 2;
  const absolute = path.resolve(file);
  const { size } = await stat(absolute);
  let oursBest = Number.POSITIVE_INFINITY;
  let theirsBest = Number.POSITIVE_INFINITY;
  let files = 0;
  let oursChars = 0;
  let theirsChars = 0;
  for (let i = 0; i < runs; i++) {
    let started = performance.now();
    const result = await generate({
      openapi: absolute,
      only: ['client', 'server'],
      cwd: path.dirname(absolute),
    });
    const oursMs = performance.now() - started;
    oursBest = Math.min(oursBest, oursMs);
    files = result.files.length;
    oursChars = result.files.reduce((sum, f) => sum + f.content.length, 0);
    options.onProgress?.(`codegen run ${i + 1}/${runs}: ours ${Math.round(oursMs)} ms`);

    started = performance.now();
    // The same Redocly config our generator hands it (no lint rules), so both do the same parsing work.
    const redocly = await createConfig({ rules: {} }, {});
    const ast = await openapiTS(pathToFileURL(absolute), { silent: true, redocly });
    theirsChars = astToString(ast).length;
    const theirsMs = performance.now() - started;
    theirsBest = Math.min(theirsBest, theirsMs);
    options.onProgress?.(`codegen run ${i + 1}/${runs}: openapi-typescript ${Math.round(theirsMs)} ms`);
  }
  return {
    file: absolute,
    bytes: size,
    ours: { ms: Math.round(oursBest), files, chars: oursChars },
    openapiTypescript: { ms: Math.round(theirsBest), chars: theirsChars },
  };
}
