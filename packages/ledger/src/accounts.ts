/**
 * An account is named by (owner, kind, currency). Transfers name the owner and kind;
 * the currency comes from the transfer, so one AccountRef serves every currency.
 */
export interface AccountRef {
  owner: string;
  kind: string;
}

export interface CurrencyAccountRef extends AccountRef {
  currency: string;
}

/** The owner of every house account; `houseAccount('bets')` is the account written `house:bets`. */
export const HOUSE_OWNER = 'house';

export const playerAccount = (
  playerId: string,
  kind: 'cash' | 'bonus' | 'held' | (string & {}),
): AccountRef => ({
  owner: playerId,
  kind,
});

export const houseAccount = (
  name: 'bets' | 'wins' | 'promo' | 'jackpot' | 'float' | (string & {}),
): AccountRef => ({ owner: HOUSE_OWNER, kind: name });

/**
 * Default overdraft rule: house accounts absorb both sides of play and may go negative;
 * every other account (a player's cash, bonus, held) never goes below zero.
 */
export const houseMayGoNegative = (account: CurrencyAccountRef): boolean => account.owner === HOUSE_OWNER;

export const accountLabel = (a: AccountRef & { currency?: string }): string =>
  `${a.owner}:${a.kind}${a.currency ? `:${a.currency}` : ''}`;
