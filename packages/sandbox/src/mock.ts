import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openapiContract } from '@croupier/contracts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const defaultContract = openapiContract;

export interface MockOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  contract?: string;
  /** Prism's `--dynamic`: every response generated from the schema instead of the examples. */
  dynamic?: boolean;
  readyTimeoutMs?: number;
}

export interface RunningMock {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the contract with Prism, the stateless mock. Prism runs as a child process rather than
 * in-process because its CLI owns request logging and hot reload, and a crash in it must not take the
 * stateful sandbox down with it.
 */
export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ? options.port : await freePort(host);
  const contract = options.contract ?? defaultContract;
  const args = [prismCli(), 'mock', contract, '-h', host, '-p', String(port), '-v', 'error'];
  if (options.dynamic) args.push('--dynamic');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = `http://${host}:${port}`;
  try {
    await waitUntilServing(url, child, options.readyTimeoutMs ?? 30_000, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { url, port, close: () => stop(child) };
}

function prismCli(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('@stoplight/prism-cli/dist/index.js');
}

async function waitUntilServing(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`MOCK_START_FAILED: Prism exited with code ${child.exitCode}: ${stderr().trim()}`);
    }
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`MOCK_START_TIMEOUT: Prism did not answer on ${url} within ${timeoutMs} ms`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
