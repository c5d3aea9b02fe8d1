export { NATS_URL, POSTGRES_URL } from '@croupier/test-services';

export const runId = () =>
  `t${process.pid}x${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
