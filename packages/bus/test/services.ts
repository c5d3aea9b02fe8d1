import { connect } from 'nats';

export const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** Under CI=true a missing service fails the run; elsewhere its tests are skipped with a message. */
export async function serviceAvailable(name: string, probe: () => Promise<void>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (error) {
    if (process.env.CI === 'true') throw new Error(`${name} is required under CI: ${error}`);
    console.warn(`SKIP ${name} tests: not reachable (${error}); start it to run them`);
    return false;
  }
}

export const natsAvailable = () =>
  serviceAvailable(`NATS JetStream at ${NATS_URL}`, async () => {
    const nc = await connect({ servers: NATS_URL, timeout: 2000 });
    try {
      await (await nc.jetstreamManager()).getAccountInfo();
    } finally {
      await nc.close();
    }
  });

export const runId = () =>
  `t${process.pid}x${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
