export { adminRoutes, type AdminApiOptions } from './admin-api.ts';
export { EventTap, type TappedEvent } from './event-tap.ts';
export {
  FAULT_DESCRIPTIONS,
  FAULT_KINDS,
  type Fault,
  FaultBoard,
  FaultError,
  type FaultInput,
  type FaultKind,
  parseFault,
} from './faults.ts';
export { jackpotPools, triggerJackpot } from './jackpot.ts';
export { defaultContract, freePort, type MockOptions, type RunningMock, startMock } from './mock.ts';
export { type LoggedRequest, RequestLog } from './request-log.ts';
export { type RunningSandbox, type SandboxOptions, startSandbox } from './sandbox.ts';
export { loadSchemaRegistry, type RegisteredSchema } from './schema-registry.ts';
export type { SandboxSecurity } from './security.ts';
export { RG_TEST_PROFILES, TEST_PLAYERS, type TestPlayer } from './test-players.ts';
