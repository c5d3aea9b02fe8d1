import type { Command } from 'commander';

export function registerCerts(program: Command): void {
  program
    .command('certs')
    .description(
      'Create a development CA plus a server and a client certificate for one brand, region and provider (mTLS)',
    )
    .requiredOption('--out <dir>', 'directory for the PEM files and README.txt')
    .requiredOption('--brand <brand>', 'brand (tenant) id, written as O=<brand>')
    .requiredOption('--region <region>', 'region code, written as OU=<region>')
    .requiredOption('--provider <provider>', 'provider id, written as CN=<provider>')
    .option('--host <host...>', 'server certificate host names / IPs', ['localhost', '127.0.0.1', '::1'])
    .option('--days <days>', 'validity of the server and client certificates in days', '365')
    .addHelpText(
      'after',
      `
The client certificate also carries the SAN URI croupier://<brand>/<region>/<provider>; the platform
maps it to the caller and answers 403 FORBIDDEN_TENANT when it names another brand than X-Brand-Id.
Development only: the CA key is written next to the certificates.

Examples:
  $ croupier certs --out ./certs --brand brand-7 --region EU --provider studio-x
  $ croupier certs --out ./certs --brand brand-7 --region EU --provider studio-x --host wallet.local 127.0.0.1
  $ openssl verify -CAfile certs/ca.crt.pem certs/client.brand-7.EU.studio-x.crt.pem   # the client chains to the CA

Serve with certs/server.crt.pem and its key, require client certificates signed by certs/ca.crt.pem, and
call with --cacert certs/ca.crt.pem --cert/--key certs/client.brand-7.EU.studio-x.*.pem. For a running
mTLS platform to try, \`croupier sandbox --secure\` issues its own set (see \`croupier sandbox keys --help\`).`,
    )
    .action(
      async (options: {
        out: string;
        brand: string;
        region: string;
        provider: string;
        host: string[];
        days: string;
      }) => {
        const days = Number(options.days);
        if (!Number.isInteger(days) || days <= 0) {
          process.stderr.write(
            `croupier certs: --days must be a positive whole number, got "${options.days}"\n`,
          );
          process.exitCode = 2;
          return;
        }
        const { writeCertificateSet } = await import('@croupier/security');
        const set = writeCertificateSet({
          out: options.out,
          brand: options.brand,
          region: options.region,
          provider: options.provider,
          hosts: options.host,
          days,
        });
        process.stdout.write(
          [
            `Development certificates for ${options.provider} of ${options.brand} in ${options.region}:`,
            ...Object.entries(set.files).map(([name, file]) => `  ${name.padEnd(10)} ${file}`),
            `  client subject: ${set.client.subject}`,
            '',
            'Use:',
            `  ${set.usage}`,
            '',
          ].join('\n'),
        );
      },
    );
}
