import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { integrationTestFiles } from './tools/test-services/src/projects.ts';
import ClosingLineReporter from './tools/test-summary/reporter.ts';

/** Files that reach a service, a child process or a browser (see tools/test-services/src/projects.ts). */
const integration = integrationTestFiles(import.meta.dirname);
const everyTest = [
  'packages/*/test/**/*.test.ts',
  'generated/*/test/**/*.test.ts',
  'tools/*/test/**/*.test.ts',
];

/**
 * Slowest first (vitest's order), except that of the files taking turns on the sandbox's default ports
 * only the first keeps its place and the others go last: queued early, one would hold a worker idle
 * while it waits for the ports.
 */
class DefaultPortsApart extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const takesTurn = (file: TestSpecification) =>
      readFileSync(file.moduleId, 'utf8').includes("takeTurn('default-ports')");
    const waiting = sorted.filter(takesTurn).slice(1);
    return [...sorted.filter((file) => !waiting.includes(file)), ...waiting];
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
    sequence: { sequencer: DefaultPortsApart },
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
          include: integration,
        },
      },
    ],
  },
});
