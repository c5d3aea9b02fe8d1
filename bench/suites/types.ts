export interface BenchRow {
  suite: string;
  metric: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** ours ÷ baseline, in the metric's own direction (higher is better for throughput, lower for time). */
  ratio?: number;
  note?: string;
}

export interface BenchSuite {
  id: string;
  title: string;
  run(): Promise<Array<Omit<BenchRow, 'suite'>>>;
}
