import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { integrationTestFiles } from './tools/test-services/src/projects.ts';
import ClosingLineReporter from './tools/test-summary/reporter.ts';

/** Files that reach a service, a child process or a browser (see tools/test-services/src/projects.ts). */
const integration = integrationTestFiles(import.meta.dirname);
/**
 * The wallet's and the ledger's integration files keep a fresh module graph each: their packages are
 * being reworked, and a file there must not pass or fail because of what another file left loaded.
 */
const ownWorker = integration.filter((file) => /^packages\/(wallet|ledger)\//.test(file));
const sharedWorker = integration.filter((file) => !ownWorker.includes(file));
const everyTest = [
  'packages/*/test/**/*.test.ts',
  'generated/*/test/**/*.test.ts',
  'tools/*/test/**/*.test.ts',
];

/**
 * Slowest first across both integration projects (vitest's own order runs one project after the
 * other), then the unit files, slowest first. Of the files taking turns on the sandbox's default ports
 * only the first keeps its place; the others go after the other integration files: queued early, one
 * would hold a worker idle while it waits for the ports, queued at the very end it runs alone.
 */
class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const seconds = (file: TestSpecification) =>
      this.ctx.cache.getFileTestResults(
        `${file.project.name}:${path.relative(this.ctx.config.root, file.moduleId)}`,
      )?.duration ?? 0;
    const takesTurn = (file: TestSpecification) =>
      readFileSync(file.moduleId, 'utf8').includes("takeTurn('default-ports')");
    const waiting = sorted.filter(takesTurn).slice(1);
    const of = (project: string) =>
      sorted.filter((file) => file.project.name === project && !waiting.includes(file));
    const shared = of('integration');
    const own = of('integration-own-worker');
    // The own-worker files stay together: a worker leaving the shared project's module cache for one of
    // them and coming back loads that cache again.
    const at = shared.findIndex((file) => seconds(file) < seconds(own[0] ?? file));
    const integrationOrder =
      at === -1 ? [...shared, ...own] : [...shared.slice(0, at), ...own, ...shared.slice(at)];
    const rest = sorted.filter((file) => !integrationOrder.includes(file) && !waiting.includes(file));
    return [...integrationOrder, ...waiting, ...rest];
  }
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', new ClosingLineReporter()],
    // vitest's default is one worker fewer than the cores: one worker on a 2-core box, idle while a
    // test waits on the processes and servers it started. Both projects share the workers.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: SlowestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: everyTest,
          // Unit files share a worker's module cache instead of importing the packages afresh each.
          isolate: false,
          exclude: [...integration, '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: sharedWorker,
          // As for the unit files: one worker's module cache serves file after file instead of each
          // integration file starting a process and importing the sandbox, certify and the gate again.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration-own-worker',
          include: ownWorker,
        },
      },
    ],
  },
});
