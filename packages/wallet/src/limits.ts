/**
 * The wallet's money limits, in minor units and the same for every currency and both stores.
 *
 * - One amount (a stake, a win, a debit, a credit, a rollback's amount, a seeded balance) is at
 *   most `MAX_AMOUNT_MINOR`: 9,999,999,999,999.99 EUR. Beyond it: `400 VALIDATION_FAILED`.
 * - A player's balance is at most `MAX_BALANCE_MINOR`: 999,999,999,999,999.99 EUR. A win or
 *   credit that would pass it is refused with `400 VALIDATION_FAILED` and moves nothing.
 *
 * Both sit far below 2^63 − 1 (what SQLite's INTEGER and PostgreSQL's BIGINT hold), so house
 * accounts, summed from their entries, stay exact for at least 9,223 transfers of the largest
 * amount in one currency before their sums reach the store's range.
 */
export const MAX_AMOUNT_MINOR = 10n ** 15n - 1n;
export const MAX_BALANCE_MINOR = 10n ** 17n - 1n;
