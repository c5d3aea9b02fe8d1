// Compiled by server.test.ts, expecting exactly one error: a Handlers object without authorizeBet.
import type { Handlers } from '../src/index.ts';

type WithoutAuthorize = Omit<Handlers, 'authorizeBet'>;
declare const partial: WithoutAuthorize;

export const handlers: Handlers = { ...partial };
