/**
 * @croupier/reporting — reporting off the OLTP database: a consumer reads the event stream into
 * DuckDB, the daily per-brand report and the AML rules query DuckDB, never the wallet's database.
 */
export {
  type AmlFlag,
  type AmlRule,
  type AmlWindow,
  type CurrencyThresholds,
  defaultAmlRules,
  type EvidenceEvent,
  type LargeWinConfig,
  largeWinRule,
  type RapidCycleConfig,
  rapidCycleRule,
  runAmlRules,
  type StakeVelocityConfig,
  stakeVelocityRule,
} from './aml/rules.ts';
export {
  draftSuspiciousActivityReports,
  type SarDraft,
  type SarFinding,
  sarJson,
  sarMarkdown,
  writeSarDrafts,
} from './aml/suspicious-activity-report.ts';
export { EventStreamConsumer, type EventStreamConsumerOptions, type RejectedEvent } from './consumer.ts';
export {
  type BrandDayRow,
  type DailyBrandReport,
  dailyBrandReport,
  dailyBrandReportJson,
  dailyBrandReportMarkdown,
} from './daily-report.ts';
export { type EventEnvelope, type Fact, type FactTable, factOf } from './facts.ts';
export { formatLag, type LagSummary, lagSummary, REPORT_LAG_BUDGET_MS } from './lag.ts';
export { FACT_TABLES, type RecordOutcome, ReportingStore, type ReportingStoreOptions } from './store.ts';
