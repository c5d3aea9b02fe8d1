import { baselineHttp } from './baseline-http.ts';
import type { BenchSuite } from './types.ts';

/** In the order they run; each suite measures its own baseline in the same run. */
export const suites: BenchSuite[] = [baselineHttp];
