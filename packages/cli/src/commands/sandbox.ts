import type { Command } from 'commander';
import { startMock } from '@croupier/sandbox';

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('Serve the sandbox on embedded defaults: the Prism mock of the contract (stateless)')
    .option('--mock-port <port>', 'port of the Prism mock (0 picks a free one)', '4010')
    .option('--mock-only', 'start only the stateless Prism mock')
    .option('--dynamic', 'let Prism generate responses from the schemas instead of the examples')
    .addHelpText(
      'after',
      `
Examples:
  $ croupier sandbox                      # the mock on :4010
  $ croupier sandbox --mock-port 0        # any free port, printed on start
  $ curl -s http://127.0.0.1:4010/health`,
    )
    .action(async (options: { mockPort: string; dynamic?: boolean }) => {
      const mock = await startMock({ port: Number(options.mockPort), dynamic: options.dynamic ?? false });
      process.stdout.write(
        [
          'croupier sandbox is up (security off: no mTLS, tokens or signatures needed for first contact)',
          `  mock (Prism, stateless): ${mock.url}`,
          '',
          'Try:',
          `  curl -s ${mock.url}/health`,
          '',
          'Ctrl-C stops it.',
          '',
        ].join('\n'),
      );
      await waitForStopSignal();
      await mock.close();
    });
}

function waitForStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
