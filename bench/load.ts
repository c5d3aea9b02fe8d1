import { type ChildProcess, spawn } from 'node:child_process';
import autocannon from 'autocannon';

export interface LoadFigures {
  requests_per_s: number;
  p50_ms: number;
  /** autocannon reports p90 and p97.5, not p95. */
  p90_ms: number;
  p97_5_ms: number;
  p99_ms: number;
  errors: number;
  non_2xx: number;
}

export interface LoadShape {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  durationS?: number;
  /** Builds each request, for bodies that must differ per request (unique bet ids). */
  setupRequest?: (request: autocannon.Request, context: Record<string, unknown>) => autocannon.Request;
  requests?: autocannon.Request[];
}

/** autocannon at fixed concurrency (closed model); the same measuring stick for every HTTP figure. */
export async function measure(shape: LoadShape): Promise<LoadFigures> {
  const result = await autocannon({
    url: shape.url,
    method: shape.method ?? 'GET',
    headers: shape.headers,
    body: shape.body,
    connections: shape.connections ?? 50,
    duration: shape.durationS ?? 8,
    requests: shape.requests,
  });
  return {
    requests_per_s: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p90_ms: result.latency.p90,
    p97_5_ms: result.latency.p97_5,
    p99_ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non_2xx: result.non2xx,
  };
}

/** Starts a child process that prints `listening <port>` on stdout once it serves. */
export async function startServerProcess(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ port: number; child: ChildProcess; stop(): Promise<void> }> {
  // BENCH_CPU_PROF=DIR profiles every server the bench starts (node refuses --cpu-prof in NODE_OPTIONS).
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /listening (\d+)/.exec(buffered);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`server ${args.join(' ')} exited with ${code}`)));
  });
  return {
    port,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function ratio(ours: number, baseline: number): number {
  return baseline === 0 ? 0 : Math.round((ours / baseline) * 1000) / 1000;
}
