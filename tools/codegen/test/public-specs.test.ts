import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serviceOrSkip, shared } from '@croupier/test-services';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFiles } from '../src/files.ts';
import { generate, type GenerateOptions } from '../src/generate.ts';
import { linkDependencies, sharedDir, typecheck } from './support.ts';

const specs = path.join(sharedDir, 'fixtures/public-specs');
const present = await serviceOrSkip(shared('fixtures/public-specs'), 'codegen on public documents');

const temp: string[] = [];
afterAll(async () => {
  for (const dir of temp) await rm(dir, { recursive: true, force: true });
});

/** Generate into a temp dir and compile every package with its own strict tsconfig. */
async function generateAndCompile(options: GenerateOptions, tscExtra: string[] = []) {
  const out = await mkdtemp(path.join(os.tmpdir(), 'codegen-public-'));
  temp.push(out);
  const result = await generate({ ...options, cwd: specs });
  expect(result.files.length).toBeGreaterThan(0);
  await writeFiles(out, result.files, []);
  await linkDependencies(out);
  for (const pkg of result.packages) {
    const compiled = await typecheck(path.join(out, pkg), tscExtra);
    expect(compiled.output, `${pkg}: ${compiled.output}`).toBe('');
  }
  return result;
}

/**
 * Many small documents: each generated into its own subdirectory, then one strict tsc over all of them
 * (one compiler start instead of one per package keeps the suite inside its time budget on 2 cores).
 */
async function generateManyAndCompile(documents: GenerateOptions[]) {
  const out = await mkdtemp(path.join(os.tmpdir(), 'codegen-public-many-'));
  temp.push(out);
  const include: string[] = [];
  const results = [];
  for (const [index, options] of documents.entries()) {
    const result = await generate({ ...options, cwd: specs });
    await writeFiles(path.join(out, `doc${index}`), result.files, []);
    include.push(...result.packages.map((pkg) => `doc${index}/${pkg}/src`));
    results.push(result);
  }
  await linkDependencies(out);
  const tsconfig = JSON.parse(
    await readFile(path.join(out, 'doc0', results[0]!.packages[0]!, 'tsconfig.json'), 'utf8'),
  );
  tsconfig.compilerOptions.lib = ['ES2022', 'DOM'];
  tsconfig.compilerOptions.types = ['node'];
  await writeFile(
    path.join(out, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: tsconfig.compilerOptions, include }),
  );
  const compiled = await typecheck(out);
  expect(compiled.output).toBe('');
  return results;
}

describe.skipIf(!present)('codegen on real public documents', { timeout: 180_000 }, () => {
  it('Twilio 1.7 MB OpenAPI 3.0 (form bodies, ~1,000 nullable): client compiles strictly', async () => {
    const result = await generateAndCompile(
      { openapi: 'openapi-large/twilio-api-v2010-2.4.2.yaml', only: ['client'] },
      ['--skipLibCheck'],
    );
    const client = result.files.find((f) => f.path === 'client/src/client.ts')!.content;
    expect(client).toContain('CreateAccount(request: CreateAccountRequest');
    expect(result.files.find((f) => f.path === 'client/src/operations.ts')!.content).toContain(
      'bodyType: "application/x-www-form-urlencoded"',
    );
  });

  it('DigitalOcean 2,900-file multi-file OpenAPI 3.0 ($ref operations): client and server compile', async () => {
    const result = await generateAndCompile({
      openapi: 'multi-file/digitalocean-2026-08-07/DigitalOcean-public.v2.yaml',
      only: ['client', 'server'],
    });
    const table = result.files.find((f) => f.path === 'server/src/operations.ts')!.content;
    expect(table.match(/operationId: /g)?.length).toBeGreaterThan(600);
  });

  it('small OAI examples, Adyen 3.1 webhooks and the seamless-wallet contract: every package compiles', async () => {
    const documents = [
      'openapi-small/oas3.0-petstore-expanded.yaml',
      'openapi-small/oas3.0-callback-example.yaml',
      'openapi-small/oas3.0-link-example.yaml',
      'openapi-small/oas3.1-webhook-example.yaml',
      'openapi-small/oas3.1-tictactoe.yaml',
      'openapi-small/oas3.1-adyen-transfer-webhooks-v4.json',
      'igaming/beexar-softswiss-wallet-v.2026.03.03.yaml',
    ];
    const results = await generateManyAndCompile(documents.map((openapi) => ({ openapi })));
    expect(results[3]!.notes.join('\n')).toContain('webhooks are typed');
    expect(results.every((r) => r.packages.join() === 'client,server')).toBe(true);
  });

  it('AsyncAPI 3 examples: event types and validators compile', async () => {
    const documents = [
      'asyncapi-3.0/streetlights-mqtt-asyncapi.yml',
      'asyncapi-3.0/streetlights-kafka-asyncapi.yml',
      'asyncapi-3.0/slack-rtm-asyncapi.yml',
      'asyncapi-3.0/gitter-streaming-asyncapi.yml',
      'asyncapi-3.0/adeo-kafka-request-reply-asyncapi.yml',
    ];
    const results = await generateManyAndCompile(documents.map((asyncapi) => ({ asyncapi })));
    for (const result of results) {
      const catalogue = result.files.find((f) => f.path === 'events/src/catalogue.ts')!.content;
      expect(catalogue).toContain('export const eventCatalogue');
    }
    const slack = results[2]!.files.find((f) => f.path === 'events/src/catalogue.ts')!.content;
    expect(slack.match(/validate: /g)?.length).toBeGreaterThan(40);
    expect(results[4]!.notes.join('\n')).toContain('avro');
  });
});
