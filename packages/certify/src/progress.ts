import type { RunResult } from './runner.ts';
import type { ScenarioResult } from './scenario.ts';

export interface ProgressSink {
  start(total: number, target: string): void;
  scenarioDone(result: ScenarioResult): void;
  warn(message: string): void;
  finish(run: RunResult): void;
}

export const silentProgress: ProgressSink = {
  start: () => {},
  scenarioDone: () => {},
  warn: () => {},
  finish: () => {},
};

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

/**
 * One line per finished scenario. On a TTY a spinner line with the counts stays at the bottom; piped
 * output (CI logs) gets plain lines only, so logs never fill with carriage returns.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stdout): ProgressSink {
  const tty = Boolean(stream.isTTY);
  let total = 0;
  const counts = { pass: 0, fail: 0, skip: 0 };
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const status = () =>
    `${SPINNER[frame % SPINNER.length]} ${counts.pass + counts.fail + counts.skip}/${total}  pass ${counts.pass}  fail ${counts.fail}  skip ${counts.skip}`;
  const clearLine = () => {
    if (tty) stream.write('\r\x1b[2K');
  };
  return {
    start(count, target) {
      total = count;
      stream.write(`croupier certify: ${count} scenarios against ${target}\n`);
      if (tty) {
        timer = setInterval(() => {
          frame += 1;
          clearLine();
          stream.write(status());
        }, 100);
        timer.unref();
      }
    },
    scenarioDone(result) {
      counts[result.verdict] += 1;
      clearLine();
      const done = counts.pass + counts.fail + counts.skip;
      const why = result.verdict === 'pass' ? '' : ` — ${result.reason ?? ''}`;
      stream.write(
        `[${String(done).padStart(String(total).length)}/${total}] ${MARK[result.verdict]} ${result.id} (${result.durationMs} ms)${why}\n`,
      );
      if (tty) stream.write(status());
    },
    warn(message) {
      clearLine();
      stream.write(`warning: ${message}\n`);
    },
    finish(run) {
      if (timer) clearInterval(timer);
      clearLine();
      stream.write(
        `${run.counts.total} scenarios: ${run.counts.pass} passed, ${run.counts.fail} failed, ${run.counts.skip} skipped in ${(run.durationMs / 1000).toFixed(1)} s\n`,
      );
    },
  };
}
