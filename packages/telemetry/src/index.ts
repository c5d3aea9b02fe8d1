export { errorCodeOfPayload } from './fastify/error-code.ts';
export { requestTraceContext, type TracingPluginOptions, tracingPlugin } from './fastify/tracing-plugin.ts';
export {
  fastifyPath,
  type OperationEntry,
  type OperationIdOf,
  type OperationTable,
  operationIdFromTable,
  routePatternOf,
} from './operations.ts';
export {
  activeTraceId,
  currentTraceparent,
  formatTraceparent,
  isW3cTraceId,
  newTraceId,
  parseTraceparent,
  type Traceparent,
  traceContextFor,
  traceIdFor,
} from './trace-id.ts';
export {
  markFailed,
  type StartSpanOptions,
  setupTracing,
  spanNames,
  startSpan,
  type TraceExporterKind,
  type Tracing,
  type TracingOptions,
  tracer,
  tracingActive,
  withSpan,
  X_TRACE_ID_ATTRIBUTE,
} from './tracing.ts';
export { type MetricsPluginOptions, metricsPlugin } from './fastify/metrics-plugin.ts';
export {
  createMetrics,
  LATENCY_BUCKETS_SECONDS,
  type Metrics,
  type MetricsOptions,
  metricNames,
  SETTLE_LAG_BUCKETS_SECONDS,
  UNMATCHED_OPERATION,
} from './metrics.ts';
export {
  type DeprecatedOperation,
  DeprecationRegistry,
  type DeprecationUsage,
  deprecationsFromTable,
  UNKNOWN_PROVIDER,
} from './deprecation.ts';
export { type DeprecationPluginOptions, deprecationPlugin } from './fastify/deprecation-plugin.ts';
export {
  Degradation,
  type DegradationDecision,
  type DegradationMode,
  type DegradationPluginOptions,
  degradationFlags,
  degradationPlugin,
} from './degradation.ts';
export { type DualPublishOptions, dualPublish, migratedEventId, type PublishEvent } from './dual-publish.ts';
export {
  CONTRACT_EVENT_SCHEMAS,
  type EventEnvelope,
  EventSchemaError,
  EventSchemas,
  eventSchemaId,
} from './event-schemas.ts';
export {
  FeatureFlags,
  type FlagDefinition,
  type FlagOverride,
  type FlagScope,
  type FlagStore,
  InMemoryFlagStore,
  type TimeBox,
} from './feature-flags.ts';
