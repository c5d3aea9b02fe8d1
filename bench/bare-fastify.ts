// The baseline: the fastest honest HTTP endpoint on this box, Fastify with an ajv-validated body,
// answering the same JSON the wallet answers. Every HTTP figure in the bench is read against it.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
const body = {
  type: 'object',
  required: ['session_id', 'bet_id', 'round_id', 'amount'],
  properties: {
    session_id: { type: 'string' },
    bet_id: { type: 'string' },
    round_id: { type: 'string' },
    amount: {
      type: 'object',
      required: ['amount', 'currency'],
      properties: {
        amount: { type: 'string', pattern: '^(0|[1-9][0-9]*)(\\.[0-9]{1,18})?$' },
        currency: { type: 'string' },
      },
    },
  },
};
app.post('/v1/bets/authorize', { schema: { body } }, async () => ({
  status: 'authorized',
  hold_id: 'h_zz1',
}));
app.post('/v1/bets/settle', async () => ({ status: 'credited', settlement_id: 'st_77' }));
app.get('/health', async () => ({ status: 'ok', version: '1.0.0', time: new Date().toISOString() }));
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening ${new URL(address).port}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
