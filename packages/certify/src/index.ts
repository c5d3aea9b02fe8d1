export {
  HttpFaultControl,
  SANDBOX_FAULTS_PATH,
  type Fault,
  type FaultControl,
} from './chaos/fault-control.ts';
export {
  type CredentialsFile,
  credentialSigner,
  loadCredentials,
  type TargetCredentials,
} from './credentials.ts';
export { Contract, DEFAULT_CONTRACT_PATH } from './contract.ts';
export {
  type Coverage,
  coverage,
  coverageTable,
  RULES,
  type Rule,
  scenarioListing,
  uncovered,
} from './coverage.ts';
export { CertifyHttp, type Exchange, TransportError } from './evidence.ts';
export { EventSchemas } from './events/catalogue.ts';
export type { EventFeed, ReceivedEvent } from './events/feed.ts';
export { NatsEventFeed } from './events/nats.ts';
export { SANDBOX_EVENT_STREAM_PATH, SseEventFeed } from './events/sse.ts';
export { isLoopback, type LoadSummary, runLoad } from './load/generator.ts';
export { Platform } from './platform.ts';
export { fingerprint, redactHeaders, redactText } from './redaction.ts';
export { adminHeaders, SANDBOX_ADMIN_TOKEN_HEADER } from './sandbox-admin.ts';
export { DEFAULT_PROFILE, loadProfile, type Profile, type TestPlayer } from './profile.ts';
export { type ProgressSink, silentProgress, terminalProgress } from './progress.ts';
export { renderHtml } from './reports/html.ts';
export { renderJson } from './reports/json.ts';
export { renderJunit } from './reports/junit.ts';
export { renderMarkdown } from './reports/markdown.ts';
export type { SecuritySummary } from './reports/security-summary.ts';
export { defaultRunFolder, REPORT_FORMATS, type ReportFormat, writeReports } from './reports/write.ts';
export {
  BEHAVIOUR_RUN,
  type CertifyOptions,
  DEFAULT_CLOCK_SKEW_TOLERANCE_MS,
  type RunResult,
  runCertification,
  selectScenarios,
  type Verdict,
  verdictLines,
  verdictOf,
} from './runner.ts';
export {
  CATEGORIES,
  type Category,
  type RequestSigner,
  type Scenario,
  type ScenarioContext,
  type ScenarioResult,
} from './scenario.ts';
export { allScenarios } from './scenarios/index.ts';
