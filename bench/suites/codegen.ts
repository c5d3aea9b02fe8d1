import path from 'node:path';
import { benchCodegen } from '../../tools/codegen/src/bench.ts';
import { ratio } from '../load.ts';
import { progress, round, sharedDir, sharedPresent } from '../shared.ts';
import type { BenchSuite } from './types.ts';

const twilio = path.join(sharedDir, 'fixtures/public-specs/openapi-large/twilio-api-v2010-2.4.2.yaml');

/** Our codegen (client + server) beside openapi-typescript alone, which it builds its schema types with. */
export const codegen: BenchSuite = {
  id: 'codegen',
  title: 'codegen (client + server) vs openapi-typescript alone on Twilio 2.4.2 (1.7 MB YAML), best of 3',
  async run() {
    if (!sharedPresent) {
      return [{ metric: 'codegen skipped: ../shared fixtures not found', value: 0, unit: '' }];
    }
    const result = await benchCodegen(twilio, { runs: 3, onProgress: progress });
    const baseline = {
      name: 'openapi-typescript 7.13 (openapiTS + astToString)',
      value: result.openapiTypescript.ms,
    };
    return [
      {
        metric: `codegen Twilio 2.4.2 → ${result.ours.files} files`,
        value: result.ours.ms,
        unit: 'ms',
        baseline,
        ratio: ratio(result.ours.ms, result.openapiTypescript.ms),
      },
      {
        metric: 'codegen throughput',
        value: round(result.bytes / 1e6 / (result.ours.ms / 1000)),
        unit: 'MB/s',
        baseline: {
          name: baseline.name,
          value: round(result.bytes / 1e6 / (result.openapiTypescript.ms / 1000)),
        },
        ratio: ratio(result.openapiTypescript.ms, result.ours.ms),
      },
    ];
  },
};
