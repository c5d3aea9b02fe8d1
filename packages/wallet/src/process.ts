import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WalletProcessOptions {
  port?: number;
  databaseUrl?: string;
  file?: string;
  natsUrl?: string;
  seed?: boolean;
  /** Extra environment for the child. */
  env?: Record<string, string>;
  /** How long to wait for "listening <port>" (default 30 s). */
  startTimeoutMs?: number;
}

export interface WalletProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code once it exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Starts `croupier wallet serve` as a separate OS process and resolves once it printed
 * `listening <port>`: for crash tests (`stop('SIGKILL')`), scale-out and benchmarks.
 */
export function startWalletProcess(options: WalletProcessOptions = {}): Promise<WalletProcess> {
  const tsx = pathToFileURL(createRequire(`${repoRoot}/package.json`).resolve('tsx')).href;
  const args = [
    '--import',
    tsx,
    `${repoRoot}packages/cli/src/bin.ts`,
    'wallet',
    'serve',
    '--port',
    String(options.port ?? 0),
  ];
  if (options.databaseUrl) args.push('--database-url', options.databaseUrl);
  if (options.file) args.push('--file', options.file);
  if (options.natsUrl) args.push('--nats-url', options.natsUrl);
  if (options.seed) args.push('--seed');
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`WALLET_START_TIMEOUT: no "listening <port>" within the timeout; output:\n${output}`));
    }, options.startTimeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^listening (\d+)$/m.exec(output);
      if (!match) return;
      clearTimeout(timer);
      const port = Number(match[1]);
      resolve({
        child,
        pid: child.pid as number,
        port,
        url: `http://127.0.0.1:${port}`,
        output: () => output,
        async stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new Error(`WALLET_EXITED: the wallet process exited (${code}) before listening; output:\n${output}`),
      );
    });
  });
}
