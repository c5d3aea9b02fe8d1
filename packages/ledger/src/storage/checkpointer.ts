import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Moves SQLite's WAL checkpoints off the thread that answers requests. A checkpoint copies the WAL's
 * pages back into the database file and syncs both; SQLite runs it inside whichever COMMIT crosses
 * `wal_autocheckpoint`, blocking the event loop for the copy and the fsyncs. Measured on the wallet
 * (50 workers authorizing and settling in process, SQLite): 770-790 pairs/s with SQLite's own
 * checkpoints, 1,090-1,170 with this worker; the CPU per pair stays about the same, it just no
 * longer stops the thread that answers.
 *
 * The owning connection sets `wal_autocheckpoint = 0` and calls `committed()` after each COMMIT. Once
 * the WAL passes `startBytes` (a store that stays small never pays for a thread), a worker with a
 * connection of its own runs PASSIVE checkpoints, which never wait for the writer. If the WAL still
 * passes `inlineBytes` (readers pinning it, a worker that fell behind), `committed()` answers true and
 * the owner checkpoints inline, as SQLite would have.
 */
export interface Checkpointer {
  /** After a COMMIT: true when the owner should checkpoint inline now. */
  committed(): boolean;
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  file: string;
  /** WAL size that starts the worker (default 4 MiB, about SQLite's own 1,000-page threshold). */
  startBytes?: number;
  /** WAL size past which the owner checkpoints inline (default 256 MiB). */
  inlineBytes?: number;
  /** How often the worker checkpoints, in ms (default 50). */
  intervalMs?: number;
}

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next round retries */ }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); try { db.close(); } catch {} parentPort.postMessage('closed'); });
`;

/** How often (in commits) the owner looks at the WAL's size: a stat is a system call. */
const LOOK_EVERY = 256;

export function startCheckpointer(options: CheckpointerOptions): Checkpointer {
  const wal = `${options.file}-wal`;
  const startBytes = options.startBytes ?? 4 * 1024 * 1024;
  const inlineBytes = options.inlineBytes ?? 256 * 1024 * 1024;
  let commits = 0;
  let worker: Worker | undefined;
  const walBytes = () => {
    try {
      return statSync(wal).size;
    } catch {
      return 0;
    }
  };
  return {
    committed() {
      commits += 1;
      if (commits % LOOK_EVERY !== 0) return false;
      const size = walBytes();
      if (!worker && size >= startBytes) {
        worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: {
            driver: createRequire(import.meta.url).resolve('better-sqlite3'),
            file: options.file,
            intervalMs: options.intervalMs ?? 50,
          },
        });
        // The process must be able to exit while the checkpointer idles.
        worker.unref();
        worker.on('error', () => undefined);
      }
      return size >= inlineBytes;
    },
    async close() {
      const running = worker;
      worker = undefined;
      if (!running) return;
      await new Promise<void>((resolve) => {
        running.once('message', () => resolve());
        running.once('exit', () => resolve());
        running.postMessage('close');
      });
      await running.terminate();
    },
  };
}
