export { startMock, freePort, defaultContract, type MockOptions, type RunningMock } from './mock.ts';
