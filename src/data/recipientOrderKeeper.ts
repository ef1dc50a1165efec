// Keeps the live customers' sort indexes (recipientOrderIndex.ts) for one
// server process: builds the index of each application that pages in a
// keyed order, adds the customers filed as pending since, and drops the
// indexes of applications no longer registered; at start-up and then
// hourly by the clock it also repairs what the pending list cannot see
// (customers added with the trigger switched off, entries of customers
// deleted outright).
// Off any request's path: a page never waits for it, and pages hash (in the
// same order) until then.
//
// Every round holds recipient_order_state in SHARE ROW EXCLUSIVE mode, which
// rounds take and pages (reading it) do not: two rounds, in this process or
// another, never interleave. That is what keeps a pending customer from being
// lost. A round deletes from the pending list only the customers it has put in
// every index then built; an index built meanwhile by another round would
// miss a customer added after its build read the table but taken off the
// pending list before that index was listed.

import type { Knex } from 'knex';
import type { KeyedOrder } from '../plan/recipientOrder';
import { sortKeyExpression } from './keyedPage';
import { MAX_RECIPIENT_ORDERS, recipientOrderIndexId } from './recipientOrderIndex';

// PostgreSQL's lock_not_available: what LOCK … NOWAIT raises when the lock is held.
const LOCK_NOT_AVAILABLE = '55P03';

/** Pending customers indexed per statement: their ids are one array parameter. */
const PENDING_BATCH = 20_000;

/** How often a server indexes new customers on its own. */
export const RECIPIENT_ORDER_CHECK_MS = 5_000;

/**
 * Pages that found their index not built ask for a round at most this often:
 * an application beyond MAX_RECIPIENT_ORDERS never gets one, and each of its
 * pages asking would keep rounds running back to back.
 */
const PAGE_ROUND_INTERVAL_MS = 1_000;

/**
 * A repair at start-up and then once an hour: by the clock, not by rounds,
 * which pages finding their index missing can make come every second.
 */
const REPAIR_EVERY_MS = 60 * 60 * 1000;

export interface RoundOutcome {
  built: number;
  /** Pending customers added to every built index. */
  indexed: number;
  dropped: number;
}

/**
 * One round over the indexes of `orders` (the first MAX_RECIPIENT_ORDERS of
 * them); 'busy' while another round runs. With `repair`, the round first
 * files again every customer some built index lacks (added while the
 * trigger was switched off, say) and prunes the entries of customers no
 * longer there: a scan of every index, so not on every round.
 */
export async function keepRecipientOrders(db: Knex, orders: readonly KeyedOrder[], options: { repair?: boolean } = {}): Promise<RoundOutcome | 'busy'> {
  const wanted = new Map<string, KeyedOrder>();
  for (const order of orders) if (wanted.size < MAX_RECIPIENT_ORDERS) wanted.set(recipientOrderIndexId(order).toString('hex'), order);
  try {
    return await db.transaction(async (trx) => {
      await trx.raw('LOCK TABLE recipient_order_state IN SHARE ROW EXCLUSIVE MODE NOWAIT');
      const built: string[] = (await trx('recipient_order_state').select('order_id')).map((row: { order_id: Uint8Array }) => Buffer.from(row.order_id).toString('hex'));
      const stale = built.filter((id) => !wanted.has(id));
      if (stale.length > 0) {
        const ids = stale.map((id) => Buffer.from(id, 'hex'));
        await trx('recipient_order').whereIn('order_id', ids).delete();
        await trx('recipient_order_state').whereIn('order_id', ids).delete();
      }
      const kept = built.filter((id) => wanted.has(id));
      if (options.repair && kept.length > 0) await repair(trx);
      const indexed = kept.length > 0 ? await indexPending(trx, kept.map((id) => wanted.get(id)!)) : await dropPending(trx);
      const missing = [...wanted.keys()].filter((id) => !kept.includes(id));
      // A build reads every customer in its statement's snapshot, taken after
      // the pending list was trimmed: whoever is added later is on the list.
      for (const id of missing) {
        await insertSortKeys(trx, wanted.get(id)!, trx.raw('true'));
        await trx('recipient_order_state').insert({ order_id: Buffer.from(id, 'hex') });
      }
      // The page walks the index in sort-key order only when the planner
      // knows an index id stands for every customer (see releaseOrderBuild.ts).
      // A role that does not own the table gets a warning, not an error.
      if (missing.length > 0) await trx.raw('ANALYZE recipient_order');
      return { built: missing.length, indexed, dropped: stale.length };
    });
  } catch (err) {
    if ((err as { code?: string }).code === LOCK_NOT_AVAILABLE) return 'busy';
    throw err;
  }
}

async function repair(trx: Knex.Transaction): Promise<void> {
  await trx.raw(
    `INSERT INTO recipient_order_pending (customer_id)
     SELECT c.id FROM customers c, recipient_order_state s
      WHERE c.erased_at IS NULL AND NOT EXISTS (SELECT 1 FROM recipient_order o WHERE o.order_id = s.order_id AND o.customer_id = c.id)
     ON CONFLICT DO NOTHING`,
  );
  await trx.raw('DELETE FROM recipient_order o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)');
}

/** Puts every pending customer in each of `orders`' indexes and takes them off the list, a batch at a time. */
async function indexPending(trx: Knex.Transaction, orders: readonly KeyedOrder[]): Promise<number> {
  let indexed = 0;
  for (;;) {
    const pending: string[] = await trx('recipient_order_pending').orderBy('customer_id').limit(PENDING_BATCH).pluck('customer_id');
    if (pending.length === 0) return indexed;
    const ids = `{${pending.join(',')}}`;
    for (const order of orders) await insertSortKeys(trx, order, trx.raw('c.id = ANY(?::uuid[])', [ids]));
    // Only those read above: one added meanwhile is not in the indexes yet.
    await trx.raw('DELETE FROM recipient_order_pending WHERE customer_id = ANY(?::uuid[])', [ids]);
    indexed += pending.length;
    if (pending.length < PENDING_BATCH) return indexed;
  }
}

/** No index is built yet: nothing needs the list (a build reads the customers themselves). */
async function dropPending(trx: Knex.Transaction): Promise<number> {
  await trx('recipient_order_pending').delete();
  return 0;
}

/** The sort keys of the customers `which` selects (over `c`), as the page computes them: the same expression, so the same bytes. */
async function insertSortKeys(trx: Knex.Transaction, order: KeyedOrder, which: Knex.Raw): Promise<void> {
  const sortKey = sortKeyExpression(trx, order, trx.raw('c.id'));
  await trx.raw(
    `INSERT INTO recipient_order (order_id, sort_key, customer_id)
     SELECT ?, ?, c.id FROM customers c WHERE c.erased_at IS NULL AND ? ON CONFLICT DO NOTHING`,
    [recipientOrderIndexId(order), sortKey, which],
  );
}

/**
 * An erased customer leaves every index (pages skip them anyway). A build
 * still open when the erasure commits may have read them before it: that
 * entry stays until the index is dropped, and the page's scope skips it.
 */
export async function forgetCustomerInRecipientOrders(trx: Knex.Transaction, customerId: string): Promise<void> {
  await trx.raw('DELETE FROM recipient_order WHERE order_id = ANY(ARRAY(SELECT order_id FROM recipient_order_state)) AND customer_id = ?', [customerId]);
  await trx('recipient_order_pending').where({ customer_id: customerId }).delete();
}

/** Whether the trigger that files new customers is on as migration 015 left it (ENABLE ALWAYS). */
export async function pendingTriggerOn(db: Knex): Promise<boolean> {
  const { rows } = await db.raw(`SELECT t.tgenabled FROM pg_trigger t WHERE t.tgrelid = 'customers'::regclass AND t.tgname = 'customers_recipient_order_pending'`);
  return rows[0]?.tgenabled === 'A';
}

export class RecipientOrderKeeper {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private reportedFull = false;
  /** When the next round repairs (keepRecipientOrders' `repair`). */
  private repairAt = 0;
  /** The last round found the trigger off: customers added meanwhile are on no list. */
  private triggerWasOff = false;
  /** When a page last asked for a round (`pageHashed`). */
  private pageAskedAt = -Infinity;

  constructor(
    private readonly db: Knex,
    /** The keyed orders of the registered applications that page the live customers. */
    private readonly orders: () => Promise<KeyedOrder[]>,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /** A round before the server takes requests, with a repair: the first pages need no hashing. */
  async prepare(): Promise<void> {
    this.repairAt = 0;
    this.keep();
    await this.kept();
  }

  /** Runs a round in the background, or one more after the round under way. */
  keep(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.keep();
      }
    });
  }

  /** A page was served by hashing because its index is not built: a round, unless a page asked for one within the last second. */
  pageHashed(): void {
    const now = Date.now();
    if (now - this.pageAskedAt < PAGE_ROUND_INTERVAL_MS) return;
    this.pageAskedAt = now;
    this.keep();
  }

  /** Resolves when no round is under way or asked for (tests, and stop). */
  async kept(): Promise<void> {
    while (this.running) await this.running;
  }

  /** A round every `intervalMs` in the background, until `stop`: new customers are indexed within it. */
  watch(intervalMs = RECIPIENT_ORDER_CHECK_MS): void {
    this.timer ??= setInterval(() => this.keep(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.again = false;
    await this.kept();
  }

  private async round(): Promise<void> {
    try {
      const orders = await this.orders();
      // Said once, not on every round.
      if (orders.length > MAX_RECIPIENT_ORDERS && !this.reportedFull) {
        this.reportedFull = true;
        this.log(`${orders.length - MAX_RECIPIENT_ORDERS} applications page the customers without a sort index: the most indexes kept are built`);
      }
      // A bulk load often runs with triggers off: the customers it adds are
      // on no pending list, so the first round that finds the trigger back
      // on repairs, instead of leaving them out of partners' pages for up to
      // an hour.
      const triggerOn = await pendingTriggerOn(this.db);
      if (!triggerOn && !this.triggerWasOff) {
        this.log("the trigger that files new customers for the partners' sort indexes is off: customers added meanwhile are indexed by the first round after it is back on (ENABLE ALWAYS TRIGGER customers_recipient_order_pending)");
      }
      this.triggerWasOff ||= !triggerOn;
      const repair = Date.now() >= this.repairAt || (triggerOn && this.triggerWasOff);
      const outcome = await keepRecipientOrders(this.db, orders, { repair });
      if (repair && outcome !== 'busy') {
        this.repairAt = Date.now() + REPAIR_EVERY_MS;
        this.triggerWasOff = !triggerOn;
      }
    } catch {
      this.log('the customers\' sort indexes could not be kept up to date; pages hash until they are');
    }
  }
}
