// CPU time spent by processes during a measurement, from /proc (Linux). On a 2-core box shared with the
// load generator and PostgreSQL, throughput moves with whatever else runs; the CPU one pair costs each
// process moves far less, and says which process to profile next.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ; 100 on Linux). */
const TICKS_PER_S = 100;

function processTicks(pid: number | string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  } catch {
    return 0;
  }
}

/** Every process of this name (PostgreSQL runs one per connection, plus its writers). */
function ticksOfName(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) total += processTicks(entry);
    } catch {
      // gone between readdir and read
    }
  }
  return total;
}

export interface CpuSample {
  /** CPU milliseconds since the sample started: the server process, all `postgres` processes, this process. */
  stop(): { serverMs: number; postgresMs: number; clientMs: number };
}

/** Starts counting CPU time of `serverPid`, of PostgreSQL and of this process (the load generator). */
export function sampleCpu(serverPid: number | undefined): CpuSample {
  const available = process.platform === 'linux';
  const server0 = available && serverPid ? processTicks(serverPid) : 0;
  const postgres0 = available ? ticksOfName('postgres') : 0;
  const client0 = process.cpuUsage();
  return {
    stop() {
      const client = process.cpuUsage(client0);
      const toMs = (ticks: number) => (ticks * 1000) / TICKS_PER_S;
      return {
        serverMs: available && serverPid ? toMs(processTicks(serverPid) - server0) : Number.NaN,
        postgresMs: available ? toMs(ticksOfName('postgres') - postgres0) : Number.NaN,
        clientMs: (client.user + client.system) / 1000,
      };
    },
  };
}
