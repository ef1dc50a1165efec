// Loads the synthetic data set into a migrated database (PGlite or a server).
// Everything happens in one transaction, so a failed seed leaves nothing
// behind, and every query goes through `trx`: the embedded database has a
// single connection, and a query on the outer knex would wait forever for it.

import type { Knex } from 'knex';
import {
  DEFAULT_SEED,
  DEMO_APPLICATIONS,
  generateCustomers,
  type CustomerBatch,
  type GenerateOptions,
} from './generate';

export interface SeedOptions {
  customers: number;
  seed?: number;
  /** Delete existing customer data first (never the access log). */
  reset?: boolean;
  referenceDate?: Date;
}

export interface SeedCounts {
  customers: number;
  orders: number;
  optOuts: number;
  history: number;
}

/** Thrown when customer data is already present and `reset` was not asked for. */
export class AlreadySeededError extends Error {
  constructor() {
    super('the database already holds customer data; seed with reset to replace it');
    this.name = 'AlreadySeededError';
  }
}

// PostgreSQL's wire protocol counts bind parameters in an unsigned 16-bit
// integer, so a statement may carry at most 65,535 of them.
const MAX_PARAMETERS = 65_535;
const CUSTOMER_DATA_TABLES = ['customers', 'orders', 'opt_outs', 'opt_out_history'];

export async function isSeeded(knex: Knex | Knex.Transaction): Promise<boolean> {
  const row = await knex('customers').select(knex.raw('1 as present')).first();
  return row !== undefined;
}

/** Registers the demo applications; existing rows (maybe edited by an officer) are left alone. */
export async function seedApplications(knex: Knex | Knex.Transaction): Promise<void> {
  await knex('applications')
    .insert(DEMO_APPLICATIONS.map((a) => ({ ...a })))
    .onConflict('id')
    .ignore();
}

export async function seedDatabase(knex: Knex, options: SeedOptions): Promise<SeedCounts> {
  const counts: SeedCounts = { customers: 0, orders: 0, optOuts: 0, history: 0 };
  const generateOptions: GenerateOptions = {
    customers: options.customers,
    seed: options.seed ?? DEFAULT_SEED,
    batchSize: 2000,
    ...(options.referenceDate ? { referenceDate: options.referenceDate } : {}),
  };
  await knex.transaction(async (trx) => {
    await seedApplications(trx);
    if (options.reset) {
      // RESTART IDENTITY: the history ids come out the same on every reseed.
      // access_log holds no foreign key to customers, so CASCADE leaves it be;
      // it takes the self-service requests and history (migration 007) along.
      // The customers' privacy-notice acknowledgements and notifications go
      // with them (they would name customers that no longer exist); the
      // published notices stay, like the log. The append-only trigger guards
      // acknowledgements against the application, not the owner reseeding.
      await trx.raw('ALTER TABLE notice_acknowledgements DISABLE TRIGGER notice_acknowledgements_no_truncate');
      await trx.raw(`TRUNCATE ${CUSTOMER_DATA_TABLES.join(', ')}, erased_orders RESTART IDENTITY CASCADE`);
      await trx.raw('ALTER TABLE notice_acknowledgements ENABLE TRIGGER notice_acknowledgements_no_truncate');
    } else if (await isSeeded(trx)) {
      throw new AlreadySeededError();
    }
    for (const batch of generateCustomers(generateOptions)) {
      await insertBatch(trx, batch);
      counts.customers += batch.customers.length;
      counts.orders += batch.orders.length;
      counts.optOuts += batch.optOuts.length;
      counts.history += batch.history.length;
    }
  });
  // Fresh statistics: without them the planner guesses, and on a freshly
  // loaded table it guesses a sequential scan for the per-customer lookups.
  await knex.raw(`ANALYZE ${CUSTOMER_DATA_TABLES.join(', ')}`);
  return counts;
}

async function insertBatch(trx: Knex.Transaction, batch: CustomerBatch): Promise<void> {
  // Parents before children: orders and opt-outs reference customers.
  await insertRows(trx, 'customers', batch.customers);
  await insertRows(trx, 'orders', batch.orders);
  await insertRows(trx, 'opt_outs', batch.optOuts);
  await insertRows(trx, 'opt_out_history', batch.history);
}

/**
 * Multi-row INSERTs, as many rows per statement as the parameter limit allows.
 * The SQL is written here rather than by knex's insert builder, which is
 * several times slower on statements of tens of thousands of values; every
 * value is still a bind parameter, never spliced into the text.
 */
async function insertRows<Row extends object>(trx: Knex.Transaction, table: string, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!) as (keyof Row & string)[];
  const perStatement = Math.floor(MAX_PARAMETERS / columns.length);
  const tuple = `(${columns.map(() => '?').join(',')})`;
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const bindings: unknown[] = [];
    for (const row of chunk) for (const c of columns) bindings.push(row[c]);
    await trx.raw(head + new Array(chunk.length).fill(tuple).join(','), bindings as Knex.RawBinding[]);
  }
}
