import type { Command } from 'commander';

interface CodegenFlags {
  openapi?: string;
  asyncapi?: string;
  eventSchemas?: string;
  out: string;
  only?: string;
  scope: string;
  check?: boolean;
}

export function registerCodegen(program: Command): void {
  program
    .command('codegen')
    .description(
      'Generate a typed client, a Fastify server skeleton and event types from any OpenAPI 3.0/3.1 and AsyncAPI 3 document',
    )
    .option('--openapi <file>', 'OpenAPI 3.0/3.1 document (multi-file $refs are bundled)')
    .option('--asyncapi <file>', 'AsyncAPI 3 document for the events package')
    .option(
      '--event-schemas <dir>',
      'directory of event JSON Schemas to type as well (every event_type/schema_version found)',
    )
    .option(
      '--out <dir>',
      'output directory; packages go to <dir>/client, <dir>/server, <dir>/events',
      'generated',
    )
    .option('--only <packages>', 'comma-separated subset of client,server,events')
    .option('--scope <scope>', 'npm scope of the generated package names', '@croupier')
    .option('--check', 'write nothing; exit 1 listing every drifted, missing or extra file')
    .addHelpText(
      'after',
      `
Examples:
  $ croupier codegen --openapi contracts/openapi/provider-platform.yaml --asyncapi contracts/asyncapi/events.yaml --out generated
  $ croupier codegen --openapi contracts/openapi/provider-platform.yaml --out client --only client
  $ croupier codegen --openapi contracts/openapi/provider-platform.yaml --asyncapi contracts/asyncapi/events.yaml --out generated --check   # CI: fail when stale

For this repository's own contracts use \`pnpm codegen\` (and \`pnpm codegen --check\`).`,
    )
    .action(async (flags: CodegenFlags) => {
      if (!flags.openapi && !flags.asyncapi) {
        throw new Error('give --openapi FILE and/or --asyncapi FILE (see --help)');
      }
      const only = flags.only?.split(',').map((s) => s.trim()) as
        | Array<'client' | 'server' | 'events'>
        | undefined;
      const { describeDrift, runCodegen } = await import('@croupier/codegen');
      const result = await runCodegen({
        openapi: flags.openapi,
        asyncapi: flags.asyncapi,
        eventSchemas: flags.eventSchemas,
        out: flags.out,
        only,
        scope: flags.scope,
        check: flags.check,
      });
      for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
      const lines = describeDrift(result.report, flags.out);
      if (flags.check && !result.clean) {
        process.stderr.write(
          `${lines.map((l) => `  ${l}`).join('\n')}\n${lines.length} file(s) out of date\n`,
        );
        process.exitCode = 1;
        return;
      }
      process.stdout.write(
        flags.check
          ? `${result.files} files up to date in ${flags.out}\n`
          : `${result.files} files in ${flags.out} (${lines.length} changed)\n`,
      );
    });
}
