/**
 * JSON Schemas of the admin API's routes, as every contract route has: Fastify validates params,
 * query and body against them before a handler runs, and a mismatch is a 400 VALIDATION_FAILED in the
 * error schema naming the field and the rule. Handlers keep only what a schema cannot say (an amount
 * checked against its currency's exponent, a fault kind's required combination of fields).
 */
import { FAULT_KINDS } from './fault-kinds.ts';

/** What the contract's `Identifier` refuses, refused here too: control characters. */
const identifier = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]+$',
};
const decimal = { type: 'string', pattern: '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$' };
const currency = { type: 'string', pattern: '^[A-Z]{3}$' };
const region = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$' };
const wholeNumber = { type: 'string', pattern: '^[0-9]{1,9}$' };
const kyc = { enum: ['verified', 'pending', 'denied'] };
/** A named test profile, or a profile object the wallet validates. */
const rgProfile = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'object' }] };

const brandQuery = {
  type: 'object',
  properties: { brand: identifier },
};

const idParams = (name: string) => ({
  type: 'object',
  required: [name],
  properties: { [name]: identifier },
});

export const adminSchemas = {
  listPlayers: { querystring: brandQuery },
  createPlayer: {
    querystring: brandQuery,
    body: {
      type: 'object',
      additionalProperties: false,
      properties: {
        player_id: identifier,
        currency,
        cash: decimal,
        balances: {
          type: 'object',
          minProperties: 1,
          propertyNames: currency,
          additionalProperties: decimal,
        },
        kyc,
        region,
        rg: rgProfile,
        bonus: {
          type: 'object',
          additionalProperties: false,
          required: ['amount'],
          properties: {
            amount: decimal,
            max_bet: decimal,
            wagering_multiplier: { type: 'integer', minimum: 0 },
            expires_at: { type: 'string', minLength: 1 },
          },
        },
      },
    },
  },
  setKyc: {
    params: idParams('id'),
    querystring: brandQuery,
    body: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: kyc } },
  },
  setRg: {
    params: idParams('id'),
    querystring: brandQuery,
    body: {
      type: 'object',
      required: ['profile'],
      additionalProperties: false,
      properties: { profile: rgProfile },
    },
  },
  expireSession: { params: idParams('id'), querystring: brandQuery },
  addFault: {
    body: {
      type: 'object',
      required: ['kind'],
      additionalProperties: false,
      properties: {
        kind: { enum: [...FAULT_KINDS] },
        brand: { type: 'string', minLength: 1, maxLength: 128 },
        provider: { type: 'string', minLength: 1, maxLength: 128 },
        region: { type: 'string', minLength: 1, maxLength: 128 },
        code: { type: 'string', minLength: 1, maxLength: 128 },
        duration_s: { type: 'integer' },
        delay_ms: { type: 'integer' },
        min_ms: { type: 'integer' },
        max_ms: { type: 'integer' },
        mean_ms: { type: 'integer' },
        stddev_ms: { type: 'integer' },
        rate: { type: 'number' },
        window: { type: 'integer' },
        skew_ms: { type: 'integer' },
      },
    },
  },
  removeFault: { params: idParams('id') },
  recentEvents: {
    querystring: {
      type: 'object',
      properties: {
        topic: { type: 'string' },
        trace_id: { type: 'string' },
        player_id: { type: 'string' },
        after: wholeNumber,
        limit: wholeNumber,
      },
    },
  },
  publishTest: { params: idParams('topic'), body: { type: 'object' } },
  issueCredentials: {
    body: {
      type: 'object',
      required: ['provider'],
      additionalProperties: false,
      properties: {
        provider: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
        brand: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
        region: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
      },
    },
  },
  betLedger: { params: idParams('bet_id'), querystring: brandQuery },
  searchRequests: {
    querystring: { type: 'object', properties: { trace_id: { type: 'string' }, limit: wholeNumber } },
  },
  setWalletDelay: {
    body: {
      type: 'object',
      required: ['delay_ms'],
      additionalProperties: false,
      properties: { delay_ms: { type: 'integer', minimum: 0, maximum: 60_000 } },
    },
  },
  jackpotPools: { querystring: brandQuery },
  setJackpot: {
    querystring: brandQuery,
    body: {
      type: 'object',
      required: ['percent'],
      additionalProperties: false,
      properties: { percent: decimal, game_id: identifier },
    },
  },
  triggerJackpot: {
    querystring: brandQuery,
    body: {
      type: 'object',
      required: ['player_id'],
      additionalProperties: false,
      properties: { player_id: identifier },
    },
  },
} as const;
