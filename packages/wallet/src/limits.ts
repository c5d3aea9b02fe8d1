/**
 * The wallet's money limits, in minor units and the same for every currency and both stores.
 *
 * - One amount (a stake, a win, a debit, a credit, a rollback's amount, a bonus) is at most
 *   `MAX_AMOUNT_MINOR`: 999,999,999,999,999.99 EUR, past 2^53 minor units on purpose so a wallet
 *   that rounds through a float is caught. Beyond it: `400 VALIDATION_FAILED`.
 * - A player's balance (and a seeded balance) is at most `MAX_BALANCE_MINOR`:
 *   9,999,999,999,999,999.99 EUR. A win or credit that would pass it is refused with
 *   `400 VALIDATION_FAILED` and moves nothing.
 *
 * Both fit 2^63 − 1, what SQLite's INTEGER and PostgreSQL's BIGINT hold. House accounts may go
 * negative and are summed from their entries: exact past 64 bits on both stores (NUMERIC on
 * PostgreSQL, the ledger's exact SUM on SQLite).
 */
export const MAX_AMOUNT_MINOR = 10n ** 17n - 1n;
export const MAX_BALANCE_MINOR = 10n ** 18n - 1n;
