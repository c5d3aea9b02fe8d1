import { type AccountRef, accountLabel, type CurrencyAccountRef } from './accounts.ts';
import { LedgerError } from './errors.ts';
import { fromJson, toJson } from './json.ts';
import {
  type Dialect,
  PipelineAbandoned,
  type Row,
  type SqlSession,
  type SqlValue,
} from './storage/driver.ts';
import type {
  AccountBalance,
  CreatePendingInput,
  OutboxEvent,
  PendingTransfer,
  PostPendingInput,
  Transfer,
  TransferInput,
  VoidPendingInput,
} from './types.ts';

interface AccountInfo {
  id: bigint;
  mayGoNegative: boolean;
}

/** One transfer of a set, with the hold it belongs to (if any). */
interface Leg {
  t: TransferInput;
  pendingId: string | null;
}

interface PendingChange {
  pending: PendingTransfer;
  next: PendingTransfer;
}

/** What a LedgerTx shares with its Ledger: the overdraft rule and the committed account cache. */
export interface LedgerContext {
  mayGoNegative: (account: CurrencyAccountRef) => boolean;
  accounts: Map<string, AccountInfo>;
  /** Largest amount of one transfer, in minor units (the same on both stores). */
  maxAmount: bigint;
  /** Largest balance an account that may not go negative may reach; see `Ledger.limitBalances`. */
  maxBalance: bigint;
}

const now = () => new Date().toISOString();
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const isUniqueViolation = (error: unknown) => {
  const e = error as { code?: string; message?: string };
  return (
    e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
};

const PENDING_COLUMNS = `p.id, p.state, p.currency, p.amount, p.posted, p.voided, p.posts, p.metadata,
  p.created_at, p.updated_at, p.source_account_id, p.held_account_id, p.destination_account_id,
  s.owner AS source_owner, s.kind AS source_kind, h.owner AS held_owner, h.kind AS held_kind,
  d.owner AS destination_owner, d.kind AS destination_kind`;

/**
 * One database transaction: the ledger operations plus raw SQL for the caller's own tables.
 * Each ledger operation is atomic on its own (it runs inside a savepoint), so a caller may catch
 * a LedgerError such as INSUFFICIENT_FUNDS, record the refusal in its own tables and still commit:
 * the refused operation has written nothing.
 */
export class LedgerTx {
  /** Accounts created in this transaction; they join the ledger's cache only after commit. */
  readonly createdAccounts = new Map<string, AccountInfo>();
  enqueuedEvents = 0;
  private savepoints = 0;
  /**
   * Maintained balances this transaction has read or written, by account id, and each player owner's
   * listing. Nothing else can change them before commit (SQLite: the write lock from BEGIN IMMEDIATE;
   * PostgreSQL: they were read under row locks), so a debit that follows a balance read needs no second
   * read, nor does the balance after it.
   */
  private readonly knownBalances = new Map<bigint, bigint>();
  private readonly ownerListings = new Map<string, Array<{ id: bigint; ref: CurrencyAccountRef }>>();
  /** Balances of owners read but not listed (see listOwners), for the `balances` call that read them. */
  private readonly unlistedBalances = new Map<string, AccountBalance[]>();
  /** Holds read under lock (see lockPendings) or written by this transaction, by id. */
  private readonly knownPendings = new Map<string, PendingTransfer>();

  constructor(
    private readonly session: SqlSession,
    private readonly context: LedgerContext,
  ) {}

  get dialect(): Dialect {
    return this.session.dialect;
  }

  /** Runs one statement of your own (`?` placeholders on both stores) and returns its rows. */
  async query<T extends object = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    try {
      return await this.session.query<T>(sql, params);
    } catch (error) {
      throw translateDbError(error);
    }
  }

  /**
   * True when this transaction's writes are sent without waiting for their answers (PostgreSQL, first
   * attempt): a write that fails then fails the whole transaction, which runs again with every statement
   * waited for. Branch on a write's outcome (a unique key refusing a row) only when this is false.
   */
  get pipelined(): boolean {
    return this.session.pipelined;
  }

  /**
   * Runs one write of your own whose outcome you do not branch on; see `pipelined`. Where nobody waits,
   * it costs no round trip of its own: it leaves with the next read or the COMMIT.
   */
  async write(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    try {
      await this.session.write(sql, params);
    } catch (error) {
      throw translateDbError(error);
    }
  }

  /**
   * Names rows this transaction locked in your own tables (`bet:brand/provider/id`), so a commit group
   * never holds two transactions that change one row; see SqlSession.claim.
   */
  claim(...keys: string[]): void {
    this.session.claim?.(keys);
  }

  /**
   * Rolls the transaction back and has it run again with every statement waited for: for a pipelined
   * read that shows the uncommon case, whose handling relies on seeing each refusal. No-op otherwise.
   */
  waitForEachStatement(reason: string): void {
    if (this.pipelined) throw new PipelineAbandoned(reason);
  }

  /** Runs one statement of your own and returns how many rows it changed. */
  async exec(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    try {
      return await this.session.exec(sql, params);
    } catch (error) {
      throw translateDbError(error);
    }
  }

  /**
   * Runs `work` so that, if it throws, its writes are undone but the transaction stays usable
   * (on PostgreSQL a failed statement otherwise poisons the whole transaction).
   */
  async savepoint<T>(work: () => Promise<T>): Promise<T> {
    this.savepoints += 1;
    const name = `ledger_sp_${this.savepoints}`;
    const accountsBefore = new Set(this.createdAccounts.keys());
    await this.session.write(`SAVEPOINT ${name}`);
    try {
      const result = await work();
      await this.session.write(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await this.session.exec(`ROLLBACK TO SAVEPOINT ${name}`);
      await this.session.exec(`RELEASE SAVEPOINT ${name}`);
      // Accounts opened inside the savepoint are gone with it: they must not reach the ledger's
      // cache at commit, or the next transfer names an account id that does not exist (a 500).
      for (const label of [...this.createdAccounts.keys()]) {
        if (!accountsBefore.has(label)) this.createdAccounts.delete(label);
      }
      // Balances written inside the savepoint are undone with it.
      this.knownBalances.clear();
      this.ownerListings.clear();
      this.knownPendings.clear();
      throw translateDbError(error);
    }
  }

  /**
   * How each ledger operation is made all-or-nothing. On SQLite every check (funds, limits, the hold's
   * state) runs before the first write, the first write is the only one a duplicate id can refuse, and a
   * refused statement undoes itself: a savepoint would add two statements to every operation for
   * nothing. On PostgreSQL a refused statement poisons the transaction, so the savepoint stays.
   */
  private atomic<T>(work: () => Promise<T>): Promise<T> {
    return this.dialect === 'postgres' && !this.pipelined ? this.savepoint(work) : work();
  }

  /**
   * Opens an account now with an explicit overdraft flag (otherwise accounts open on first use
   * with the ledger's rule: house accounts may go negative, others not). No-op when it exists.
   */
  async openAccount(account: CurrencyAccountRef, options: { mayGoNegative?: boolean } = {}): Promise<void> {
    await this.resolveAccount(account, options.mayGoNegative);
  }

  /**
   * Current balance in minor units; 0n for an account never used. `forUpdate` locks a maintained
   * balance until commit (PostgreSQL), so a decision taken on it holds; house accounts have no row to lock.
   */
  async balance(account: CurrencyAccountRef, options: { forUpdate?: boolean } = {}): Promise<bigint> {
    const params = [account.owner, account.kind, account.currency];
    if (options.forUpdate && this.dialect === 'postgres') {
      const locked = await this.session.query<{ account_id: bigint; balance: bigint }>(
        `SELECT b.account_id, b.balance FROM ledger_balances b JOIN ledger_accounts a ON a.id = b.account_id
         WHERE a.owner = ? AND a.kind = ? AND a.currency = ? FOR UPDATE OF b`,
        params,
      );
      if (locked[0]) {
        this.session.claim?.([`balance:${locked[0].account_id}`]);
        return locked[0].balance;
      }
    }
    const rows = await this.session.query<{ balance: bigint | null }>(
      `SELECT ${this.balanceExpression()} AS balance FROM ledger_accounts a
       LEFT JOIN ledger_balances b ON b.account_id = a.id
       WHERE a.owner = ? AND a.kind = ? AND a.currency = ?`,
      params,
    );
    return BigInt(rows[0]?.balance ?? 0n);
  }

  /**
   * Every account of one owner (e.g. a player's cash, bonus and held in each currency). `forUpdate`
   * locks the owner's maintained balances until commit (PostgreSQL), so a decision taken on them holds
   * and the transaction's own writes keep them known: `balance_after` then needs no read.
   */
  async balances(owner: string, options: { forUpdate?: boolean } = {}): Promise<AccountBalance[]> {
    if (!this.ownerListings.has(owner)) await this.listOwners([owner], options.forUpdate === true);
    const listed = this.ownerListings.get(owner);
    if (listed) {
      return listed.map(({ id, ref }) => ({ ...ref, balance: this.knownBalances.get(id) as bigint }));
    }
    return this.unlistedBalances.get(owner) ?? [];
  }

  /**
   * Reads every account of these owners in one statement. An owner whose every account keeps a
   * maintained balance (a player) is listed, and its balances stay known for the rest of the
   * transaction: on SQLite because the transaction holds the write lock from BEGIN IMMEDIATE, on
   * PostgreSQL only when read `forUpdate` (rows locked in account-id order, as every locking read
   * here takes them, so two transactions never wait on each other crosswise). A house account's
   * balance is a sum of entries other transactions change: its owner is never listed.
   */
  private async listOwners(owners: readonly string[], forUpdate: boolean): Promise<void> {
    const lock = forUpdate && this.dialect === 'postgres';
    const ownerList = placeholders(owners.length);
    const rows = await this.session.query<AccountBalance & { id: bigint; maintained: bigint | null }>(
      lock
        ? `WITH locked AS (
             SELECT b.account_id, b.balance FROM ledger_balances b JOIN ledger_accounts la ON la.id = b.account_id
             WHERE la.owner IN (${ownerList}) ORDER BY b.account_id FOR UPDATE OF b)
           SELECT a.id, a.owner, a.kind, a.currency, l.balance AS maintained,
             COALESCE(l.balance, (SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e WHERE e.account_id = a.id)) AS balance
           FROM ledger_accounts a LEFT JOIN locked l ON l.account_id = a.id WHERE a.owner IN (${ownerList})
           ORDER BY a.owner, a.currency, a.kind`
        : `SELECT a.id, a.owner, a.kind, a.currency, b.balance AS maintained, ${this.balanceExpression()} AS balance
           FROM ledger_accounts a LEFT JOIN ledger_balances b ON b.account_id = a.id WHERE a.owner IN (${ownerList})
           ORDER BY a.owner, a.currency, a.kind`,
      lock ? [...owners, ...owners] : owners,
    );
    if (lock) this.session.claim?.(rows.filter((r) => r.maintained !== null).map((r) => `balance:${r.id}`));
    const keepsKnown = this.dialect === 'sqlite' || lock;
    for (const owner of owners) {
      const own = rows.filter((r) => r.owner === owner);
      if (keepsKnown && own.every((r) => r.maintained !== null)) {
        for (const r of own) this.knownBalances.set(r.id, BigInt(r.balance));
        this.ownerListings.set(
          owner,
          own.map((r) => ({ id: r.id, ref: { owner: r.owner, kind: r.kind, currency: r.currency } })),
        );
        this.unlistedBalances.delete(owner);
      } else {
        // A house account's sum past 64 bits arrives as a decimal string from SQLite; see exactSum.
        this.unlistedBalances.set(
          owner,
          own.map((r) => ({
            owner: r.owner,
            kind: r.kind,
            currency: r.currency,
            balance: BigInt(r.balance),
          })),
        );
      }
    }
  }

  /** Maintained balance where there is one; otherwise (house accounts) the sum of the entries. */
  private balanceExpression(): string {
    return `COALESCE(b.balance, (SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e WHERE e.account_id = a.id))`;
  }

  /**
   * Posts a set of transfers atomically: all or none. Balances are checked on the net effect of
   * the whole set; an account that may not go negative is refused with INSUFFICIENT_FUNDS
   * (details: account, balance, required) and nothing of the set is written.
   * A reused id is refused with DUPLICATE_TRANSFER (it is not an idempotent replay: idempotency
   * belongs to the caller, who knows what a replay should answer).
   */
  async postTransfers(transfers: readonly TransferInput[]): Promise<Transfer[]> {
    return (await this.postBatch({ transfers })).transfers;
  }

  /**
   * Transfers, posts and voids of holds as one set, the way TigerBeetle links transfers: checked on
   * their net effect, written all or none, in one statement per table. A settle is a win and the
   * post of the bet's hold; writing them as one set costs the statements of one.
   */
  async postBatch(batch: {
    transfers?: readonly TransferInput[];
    posts?: readonly PostPendingInput[];
    voids?: readonly VoidPendingInput[];
  }): Promise<{ transfers: Transfer[]; pendings: PendingTransfer[] }> {
    return this.atomic(async () => {
      const posts = batch.posts ?? [];
      const voids = batch.voids ?? [];
      const pendingRead = this.lockOpenPendings([...posts.map((p) => p.id), ...voids.map((v) => v.id)]);
      // The balances the transfers check are read (and locked) in the same round trip, after the holds.
      const listing = this.listCheckedOwners(batch.transfers ?? []);
      const [locked] = await Promise.all([pendingRead, listing]);
      const legs: Leg[] = (batch.transfers ?? []).map((t) => ({ t, pendingId: null }));
      const at = now();
      const changes: PendingChange[] = [];
      for (const input of posts) {
        const pending = locked.get(input.id) as PendingTransfer;
        const post = this.postLegs(pending, input, at);
        legs.push(...post.legs);
        changes.push(post.change);
      }
      for (const input of voids) {
        const pending = locked.get(input.id) as PendingTransfer;
        legs.push({
          t: {
            id: input.transferId ?? `${input.id}:void`,
            debit: pending.held,
            credit: pending.source,
            amount: pending.remaining,
            currency: pending.currency,
            kind: input.kind ?? 'void',
            metadata: input.metadata,
          },
          pendingId: input.id,
        });
        changes.push({
          pending,
          next: {
            ...pending,
            voided: pending.voided + pending.remaining,
            remaining: 0n,
            state: 'voided',
            updatedAt: at,
          },
        });
      }
      const transfers = await this.writeTransfers(legs);
      for (const { next } of changes) {
        await this.session.write(
          `UPDATE ledger_pending SET posted = ?, voided = ?, posts = ?, state = ?, updated_at = ? WHERE id = ?`,
          [next.posted, next.voided, next.posts, next.state, at, next.id],
        );
        this.knownPendings.set(next.id, next);
      }
      return { transfers, pendings: changes.map((c) => c.next) };
    });
  }

  /**
   * Lists (and on PostgreSQL locks) the owners of the accounts these transfers must check and this
   * transaction does not know yet, so the check needs no read of its own.
   */
  private async listCheckedOwners(transfers: readonly TransferInput[]): Promise<void> {
    const owners = new Set<string>();
    for (const t of transfers) {
      for (const side of [t.debit, t.credit]) {
        const ref = { ...side, currency: t.currency };
        if (this.context.mayGoNegative(ref) || this.ownerListings.has(ref.owner)) continue;
        owners.add(ref.owner);
      }
    }
    if (owners.size > 0) await this.listOwners([...owners], true);
  }

  /** Two-phase step 1: moves `amount` from source to held and records the hold. */
  async createPending(input: CreatePendingInput): Promise<PendingTransfer> {
    return this.atomic(async () => {
      const held = input.held ?? { owner: input.source.owner, kind: 'held' };
      await this.writeTransfers([
        {
          t: {
            id: input.id,
            debit: input.source,
            credit: held,
            amount: input.amount,
            currency: input.currency,
            kind: input.kind ?? 'hold',
            metadata: input.metadata,
          },
          pendingId: input.id,
        },
      ]);
      const currency = input.currency;
      const source = await this.resolveAccount({ ...input.source, currency });
      const heldAccount = await this.resolveAccount({ ...held, currency });
      const destination = input.destination
        ? await this.resolveAccount({ ...input.destination, currency })
        : null;
      const at = now();
      const metadata = input.metadata ? toJson(input.metadata) : null;
      await this.session.write(
        `INSERT INTO ledger_pending (id, source_account_id, held_account_id, destination_account_id, currency,
           amount, posted, voided, posts, state, metadata, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 'pending', ?, ?, ?)`,
        [
          input.id,
          source.id,
          heldAccount.id,
          destination?.id ?? null,
          currency,
          input.amount,
          metadata,
          at,
          at,
        ],
      );
      // What getPending would read back, without reading it.
      const created: PendingTransfer = {
        id: input.id,
        state: 'pending',
        source: { owner: input.source.owner, kind: input.source.kind, currency },
        held: { owner: held.owner, kind: held.kind, currency },
        destination: input.destination
          ? { owner: input.destination.owner, kind: input.destination.kind, currency }
          : null,
        currency,
        amount: input.amount,
        posted: 0n,
        voided: 0n,
        remaining: input.amount,
        posts: 0,
        metadata: fromJson(metadata),
        createdAt: at,
        updatedAt: at,
      };
      this.knownPendings.set(created.id, created);
      return created;
    });
  }

  /**
   * Two-phase step 2: moves held → destination. Partial settlement: post with `final: false`
   * any number of times, then once with `final: true` (the default), which returns whatever is
   * still held to the source. After the final post or a void, further posts are refused.
   */
  async postPending(input: PostPendingInput): Promise<PendingTransfer> {
    return (await this.postBatch({ posts: [input] })).pendings[0] as PendingTransfer;
  }

  /** Two-phase step 2': returns everything still held to the source and closes the hold. */
  async voidPending(input: VoidPendingInput): Promise<PendingTransfer> {
    return (await this.postBatch({ voids: [input] })).pendings[0] as PendingTransfer;
  }

  /** The legs of one post and the hold after it; refuses an amount the hold does not cover. */
  private postLegs(
    pending: PendingTransfer,
    input: PostPendingInput,
    at: string,
  ): { legs: Leg[]; change: PendingChange } {
    const amount = input.amount ?? pending.remaining;
    if (typeof amount !== 'bigint' || amount < 0n) {
      throw new LedgerError('INVALID_AMOUNT', `post of hold ${input.id}: amount must be a bigint >= 0n`, {
        id: input.id,
      });
    }
    if (amount > pending.remaining) {
      throw new LedgerError(
        'AMOUNT_EXCEEDS_PENDING',
        `post of ${amount} exceeds the ${pending.remaining} still held by ${input.id}`,
        { id: input.id, amount, remaining: pending.remaining },
      );
    }
    const destination = input.destination ?? pending.destination;
    if (!destination) {
      throw new LedgerError(
        'INVALID_TRANSFER',
        `hold ${input.id} has no default destination: pass one to postPending`,
        { id: input.id },
      );
    }
    const final = input.final ?? true;
    const rest = final ? pending.remaining - amount : 0n;
    const posts = pending.posts + 1;
    const legs: Leg[] = [
      {
        t: {
          id: input.transferId ?? `${input.id}:post:${posts}`,
          debit: pending.held,
          credit: destination,
          amount,
          currency: pending.currency,
          kind: input.kind ?? 'post',
          metadata: input.metadata,
        },
        pendingId: input.id,
      },
    ];
    if (rest > 0n) {
      legs.push({
        t: {
          id: `${input.id}:void`,
          debit: pending.held,
          credit: pending.source,
          amount: rest,
          currency: pending.currency,
          kind: 'void',
        },
        pendingId: input.id,
      });
    }
    const next: PendingTransfer = {
      ...pending,
      posted: pending.posted + amount,
      voided: pending.voided + rest,
      remaining: pending.remaining - amount - rest,
      posts,
      state: final ? 'posted' : 'pending',
      updatedAt: at,
    };
    return { legs, change: { pending, next } };
  }

  /** The hold with this id, or null. */
  async getPending(id: string): Promise<PendingTransfer | null> {
    const rows = await this.session.query(
      `SELECT ${PENDING_COLUMNS} FROM ledger_pending p
       JOIN ledger_accounts s ON s.id = p.source_account_id
       JOIN ledger_accounts h ON h.id = p.held_account_id
       LEFT JOIN ledger_accounts d ON d.id = p.destination_account_id
       WHERE p.id = ?`,
      [id],
    );
    return rows[0] ? pendingFromRow(rows[0]) : null;
  }

  /** A transfer by id, or null. */
  async getTransfer(id: string): Promise<Transfer | null> {
    const rows = await this.session.query(
      `SELECT t.id, t.amount, t.currency, t.kind, t.pending_id, t.metadata, t.created_at,
         d.owner AS debit_owner, d.kind AS debit_kind, c.owner AS credit_owner, c.kind AS credit_kind
       FROM ledger_transfers t JOIN ledger_accounts d ON d.id = t.debit_account_id
       JOIN ledger_accounts c ON c.id = t.credit_account_id WHERE t.id = ?`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    const currency = String(r.currency);
    return {
      id: String(r.id),
      debit: { owner: String(r.debit_owner), kind: String(r.debit_kind), currency },
      credit: { owner: String(r.credit_owner), kind: String(r.credit_kind), currency },
      amount: r.amount as bigint,
      currency,
      kind: String(r.kind),
      pendingId: (r.pending_id as string | null) ?? null,
      metadata: fromJson(r.metadata),
      createdAt: String(r.created_at),
    };
  }

  /**
   * Adds an event to the outbox in this transaction: it exists exactly when the ledger change
   * commits. Returns its sequence number (monotonic). A reused event_id → DUPLICATE_EVENT.
   */
  async enqueueEvent(event: OutboxEvent): Promise<bigint> {
    return (await this.enqueueEvents([event]))[0] as bigint;
  }

  /**
   * Writes outbox rows in one statement, in order (their seqs ascend as given). One duplicate
   * event id refuses them all with DUPLICATE_EVENT and writes none.
   */
  async enqueueEvents(events: readonly OutboxEvent[]): Promise<bigint[]> {
    if (events.length === 0) return [];
    const at = now();
    const write = async () => {
      let rows: { seq: bigint }[];
      try {
        const insert = outboxInsert(events, at);
        rows = await this.session.query<{ seq: bigint }>(`${insert.sql} RETURNING seq`, insert.values);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new LedgerError('DUPLICATE_EVENT', `an event of this set is already in the outbox`, {
            eventIds: events.map((e) => e.event_id),
          });
        }
        throw error;
      }
      this.enqueuedEvents += events.length;
      return rows.map((r) => r.seq).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    };
    // SQLite undoes a failed statement by itself; PostgreSQL needs a savepoint to stay usable.
    return this.dialect === 'postgres' ? this.savepoint(write) : write();
  }

  /**
   * `enqueueEvents` for a caller that does not need the sequence numbers: where the transaction is
   * pipelined, the rows leave with the COMMIT instead of costing a round trip of their own.
   */
  async appendEvents(events: readonly OutboxEvent[]): Promise<void> {
    if (!this.pipelined) {
      await this.enqueueEvents(events);
      return;
    }
    if (events.length === 0) return;
    const insert = outboxInsert(events, now());
    await this.write(insert.sql, insert.values);
    this.enqueuedEvents += events.length;
  }

  /**
   * Reads and locks these holds now (PostgreSQL, in id order), ahead of the post or void that needs
   * them, so the read can share a round trip with the caller's own: a settle reads its bet and the
   * bet's holds together. An id with no hold is ignored here; the post or void refuses it.
   */
  async lockPendings(ids: readonly string[]): Promise<void> {
    const missing = ids.filter((id) => !this.knownPendings.has(id));
    if (missing.length === 0) return;
    const lock = this.dialect === 'postgres' ? ' ORDER BY p.id FOR UPDATE OF p' : '';
    const rows = await this.session.query(
      `SELECT ${PENDING_COLUMNS} FROM ledger_pending p
       JOIN ledger_accounts s ON s.id = p.source_account_id
       JOIN ledger_accounts h ON h.id = p.held_account_id
       LEFT JOIN ledger_accounts d ON d.id = p.destination_account_id
       WHERE p.id IN (${placeholders(missing.length)})${lock}`,
      missing,
    );
    for (const row of rows) {
      const pending = pendingFromRow(row);
      this.knownPendings.set(pending.id, pending);
    }
    this.session.claim?.(missing.map((id) => `pending:${id}`));
  }

  /** The open holds with these ids, locked, in one read at most; refuses a closed or unknown one. */
  private async lockOpenPendings(ids: readonly string[]): Promise<Map<string, PendingTransfer>> {
    const found = new Map<string, PendingTransfer>();
    if (ids.length === 0) return found;
    await this.lockPendings(ids);
    for (const id of ids) {
      const pending = this.knownPendings.get(id);
      if (!pending) throw new LedgerError('PENDING_NOT_FOUND', `no hold with id ${id}`, { id });
      if (pending.state === 'posted') {
        throw new LedgerError('PENDING_ALREADY_POSTED', `hold ${id} was already posted`, { id, pending });
      }
      if (pending.state === 'voided') {
        throw new LedgerError('PENDING_ALREADY_VOIDED', `hold ${id} was already voided`, { id, pending });
      }
      found.set(id, pending);
    }
    return found;
  }

  private validate(t: TransferInput): void {
    if (typeof t.amount !== 'bigint' || t.amount < 0n || t.amount > this.context.maxAmount) {
      throw new LedgerError(
        'INVALID_AMOUNT',
        `transfer ${t.id}: amount must be a bigint between 0n and ${this.context.maxAmount} minor units`,
        { id: t.id },
      );
    }
    if (!t.id || !t.currency || !t.debit?.owner || !t.debit.kind || !t.credit?.owner || !t.credit.kind) {
      throw new LedgerError(
        'INVALID_TRANSFER',
        `transfer ${t.id}: id, currency, debit and credit are required`,
        {
          id: t.id,
        },
      );
    }
    if (t.debit.owner === t.credit.owner && t.debit.kind === t.credit.kind) {
      throw new LedgerError('INVALID_TRANSFER', `transfer ${t.id}: debit and credit are the same account`, {
        id: t.id,
      });
    }
  }

  private async writeTransfers(set: readonly Leg[]): Promise<Transfer[]> {
    if (set.length === 0) return [];
    const ids = new Set<string>();
    for (const { t } of set) {
      this.validate(t);
      if (ids.has(t.id))
        throw new LedgerError('DUPLICATE_TRANSFER', `transfer id ${t.id} appears twice`, { id: t.id });
      ids.add(t.id);
    }
    // No read for already-used ids: the transfers insert below is the first write, and its primary
    // key refuses a used id (DUPLICATE_TRANSFER) before anything of the set is written.
    const legs = set.map(({ t, pendingId }) => ({
      t,
      pendingId,
      debit: { ...t.debit, currency: t.currency },
      credit: { ...t.credit, currency: t.currency },
    }));
    const info = new Map<string, AccountInfo & { ref: CurrencyAccountRef }>();
    for (const leg of legs) {
      for (const ref of [leg.debit, leg.credit]) {
        const label = accountLabel(ref);
        if (!info.has(label)) info.set(label, { ...(await this.resolveAccount(ref)), ref });
      }
    }

    // Net effect per account. Only accounts that may not go negative keep a maintained, locked
    // balance row; house accounts are summed from their entries on read, so no transaction ever
    // waits on a hot `house:bets` row. Locking in id order keeps transactions from deadlocking.
    const delta = new Map<bigint, bigint>();
    for (const { t, debit, credit } of legs) {
      const d = (info.get(accountLabel(debit)) as AccountInfo).id;
      const c = (info.get(accountLabel(credit)) as AccountInfo).id;
      delta.set(d, (delta.get(d) ?? 0n) - t.amount);
      delta.set(c, (delta.get(c) ?? 0n) + t.amount);
    }
    const checked = [...info.values()].filter((a) => !a.mayGoNegative);
    const current = await this.lockBalances(checked);
    const next = new Map<bigint, bigint>();
    for (const a of checked) {
      const before = current.get(a.id) ?? 0n;
      const after = before + (delta.get(a.id) ?? 0n);
      if (after < 0n) {
        throw new LedgerError(
          'INSUFFICIENT_FUNDS',
          `${accountLabel(a.ref)} holds ${before} minor units; the transfer set needs ${before - after}`,
          { account: a.ref, balance: before, required: before - after },
        );
      }
      if (after > this.context.maxBalance) {
        throw new LedgerError(
          'BALANCE_LIMIT',
          `${accountLabel(a.ref)} holds ${before} minor units; the transfer set would take it past the largest balance ${this.context.maxBalance}`,
          { account: a.ref, balance: before, limit: this.context.maxBalance },
        );
      }
      if (after !== before) next.set(a.id, after);
    }

    const at = now();
    const written: Transfer[] = [];
    const transferValues: SqlValue[] = [];
    const entryValues: SqlValue[] = [];
    for (const { t, pendingId, debit, credit } of legs) {
      const d = info.get(accountLabel(debit)) as AccountInfo;
      const c = info.get(accountLabel(credit)) as AccountInfo;
      const metadata = t.metadata ? toJson(t.metadata) : null;
      const kind = t.kind ?? 'transfer';
      transferValues.push(t.id, d.id, c.id, t.amount, t.currency, kind, pendingId, metadata, at);
      entryValues.push(t.id, d.id, -t.amount, t.currency, at, t.id, c.id, t.amount, t.currency, at);
      written.push({
        id: t.id,
        debit,
        credit,
        amount: t.amount,
        currency: t.currency,
        kind,
        pendingId,
        metadata: t.metadata ?? null,
        createdAt: at,
      });
    }
    try {
      await this.session.write(
        `INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount, currency, kind, pending_id, metadata, created_at)
         VALUES ${legs.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        transferValues,
      );
    } catch (error) {
      // A concurrent transaction committed the same id between our check and our insert.
      if (isUniqueViolation(error)) {
        throw new LedgerError('DUPLICATE_TRANSFER', `a transfer id of this set was already processed`, {
          ids: [...ids],
        });
      }
      throw error;
    }
    await this.session.write(
      `INSERT INTO ledger_entries (transfer_id, account_id, amount, currency, created_at)
       VALUES ${legs.map(() => '(?, ?, ?, ?, ?), (?, ?, ?, ?, ?)').join(', ')}`,
      entryValues,
    );
    await this.writeBalances(next);
    return written;
  }

  /**
   * Current maintained balances of these accounts, locked until commit on PostgreSQL. A balance this
   * transaction already knows is not read again, and a read takes every account of the owners
   * concerned, so the balances the caller asks for after the write (a player's `balance_after`) need
   * no read either.
   */
  private async lockBalances(
    accounts: ReadonlyArray<{ id: bigint; ref: CurrencyAccountRef }>,
  ): Promise<Map<bigint, bigint>> {
    const current = new Map<bigint, bigint>();
    const owners = [
      ...new Set(accounts.filter((a) => !this.knownBalances.has(a.id)).map((a) => a.ref.owner)),
    ];
    if (owners.length > 0) await this.listOwners(owners, true);
    // An owner with an account that keeps no maintained balance is not listed: read its rows by id.
    const unlisted = accounts
      .filter((a) => !this.knownBalances.has(a.id))
      .map((a) => a.id)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (unlisted.length > 0) {
      const lock = this.dialect === 'postgres' ? ' ORDER BY account_id FOR UPDATE' : '';
      const rows = await this.session.query<{ account_id: bigint; balance: bigint }>(
        `SELECT account_id, balance FROM ledger_balances WHERE account_id IN (${placeholders(unlisted.length)})${lock}`,
        unlisted,
      );
      for (const r of rows) this.knownBalances.set(r.account_id, r.balance);
      this.session.claim?.(rows.map((r) => `balance:${r.account_id}`));
    }
    for (const a of accounts) {
      const known = this.knownBalances.get(a.id);
      if (known !== undefined) current.set(a.id, known);
    }
    return current;
  }

  /** New maintained balances, in one statement however many accounts the set touched. */
  private async writeBalances(next: ReadonlyMap<bigint, bigint>): Promise<void> {
    if (next.size === 0) return;
    const entries = [...next];
    if (entries.length === 1) {
      const [accountId, balance] = entries[0] as [bigint, bigint];
      await this.session.write(`UPDATE ledger_balances SET balance = ? WHERE account_id = ?`, [
        balance,
        accountId,
      ]);
    } else {
      // PostgreSQL would type an untyped CASE branch as text; the column is NUMERIC.
      const value = this.dialect === 'postgres' ? 'CAST(? AS NUMERIC)' : '?';
      await this.session.write(
        `UPDATE ledger_balances SET balance = CASE account_id ${entries.map(() => `WHEN ? THEN ${value}`).join(' ')} END
         WHERE account_id IN (${placeholders(entries.length)})`,
        [...entries.flat(), ...entries.map(([id]) => id)],
      );
    }
    for (const [id, balance] of entries) this.knownBalances.set(id, balance);
  }

  private async resolveAccount(ref: CurrencyAccountRef, mayGoNegative?: boolean): Promise<AccountInfo> {
    const label = accountLabel(ref);
    const known = this.context.accounts.get(label) ?? this.createdAccounts.get(label);
    if (known) return known;
    const flag = mayGoNegative ?? this.context.mayGoNegative(ref);
    // The owner may have gained an account: its listing is read afresh next time.
    this.ownerListings.delete(ref.owner);
    await this.session.exec(
      `INSERT INTO ledger_accounts (owner, kind, currency, may_go_negative, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (owner, kind, currency) DO NOTHING`,
      [ref.owner, ref.kind, ref.currency, this.dialect === 'postgres' ? flag : flag ? 1 : 0, now()],
    );
    const rows = await this.session.query<{ id: bigint; may_go_negative: unknown }>(
      `SELECT id, may_go_negative FROM ledger_accounts WHERE owner = ? AND kind = ? AND currency = ?`,
      [ref.owner, ref.kind, ref.currency],
    );
    const row = rows[0] as { id: bigint; may_go_negative: unknown };
    const account = { id: row.id, mayGoNegative: row.may_go_negative === true || row.may_go_negative === 1n };
    if (!account.mayGoNegative) {
      await this.session.exec(
        `INSERT INTO ledger_balances (account_id, balance) VALUES (?, 0) ON CONFLICT (account_id) DO NOTHING`,
        [row.id],
      );
    }
    this.createdAccounts.set(label, account);
    return account;
  }
}

/** One INSERT of outbox rows, in the order given (their seqs ascend so). */
function outboxInsert(events: readonly OutboxEvent[], at: string): { sql: string; values: SqlValue[] } {
  return {
    sql: `INSERT INTO ledger_outbox (event_id, subject, partition_key, payload, headers, created_at)
       VALUES ${events.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
    values: events.flatMap((event) => [
      event.event_id,
      event.subject,
      event.partition_key,
      event.payload,
      JSON.stringify(event.headers ?? {}),
      at,
    ]),
  };
}

function refFrom(row: Row, prefix: string, currency: string): CurrencyAccountRef {
  return { owner: String(row[`${prefix}_owner`]), kind: String(row[`${prefix}_kind`]), currency };
}

function pendingFromRow(row: Row): PendingTransfer {
  const currency = String(row.currency);
  const amount = row.amount as bigint;
  const posted = row.posted as bigint;
  const voided = row.voided as bigint;
  return {
    id: String(row.id),
    state: row.state as PendingTransfer['state'],
    source: refFrom(row, 'source', currency),
    held: refFrom(row, 'held', currency),
    destination: row.destination_owner == null ? null : refFrom(row, 'destination', currency),
    currency,
    amount,
    posted,
    voided,
    remaining: amount - posted - voided,
    posts: Number(row.posts),
    metadata: fromJson(row.metadata),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

export function translateDbError(error: unknown): unknown {
  if (error instanceof LedgerError) return error;
  const message = (error as { message?: string }).message ?? '';
  if (message.includes('APPEND_ONLY')) {
    return new LedgerError(
      'APPEND_ONLY',
      'ledger entries and transfers are append-only: post a correcting transfer',
      {
        cause: message,
      },
    );
  }
  return error;
}

export type { AccountRef };
