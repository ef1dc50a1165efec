// Times a partner's list (issue 11): a pseudonymized view pages the live
// customers in its application's keyed order (src/plan/recipientOrder.ts).
// `npm run bench:partner-order` seeds BENCH_CUSTOMERS (default 100,000) into
// a schema of its own on DATABASE_URL (or PGlite), starts privql in this
// process and asks `customers(first: 100)` as PARTNER at one connection,
// BENCH_REQUESTS times (default 60) per case: the first page and a later
// one, without and with a filter; with the application's sort index
// (src/data/recipientOrderIndex.ts), with 1,000 customers added since it
// was built (pending, hashed beside it), and with no index, as every page
// was before it. Prints p50 and p90 of the HTTP round trip.

import { timePages, withListBench } from './support/listPages';
import type { Database } from '../src/data/database';

/** Adds `n` customers, copies of existing ones under new ids and emails. */
async function seedMore(db: Database, n: number): Promise<void> {
  await db.knex.raw(
    `INSERT INTO customers (id, account_number, name, email, phone, street, city, postal_code, birth_date, estimated_income, shopping_habits, segment)
     SELECT gen_random_uuid(), 'X' || account_number, name, 'more-' || id || '@example.com', phone, street, city, postal_code, birth_date, estimated_income, shopping_habits, segment
       FROM customers ORDER BY id LIMIT ?`,
    [n],
  );
}

const FILTER = ', filter: { segment: { in: ["premium", "standard"] } }';
// A filter the planner takes for common that matches nobody: an index walk
// would look up every customer before finding the page empty.
const NOBODY: Array<[string, string]> = [['filtered, matches nobody', ', filter: { age: { gte: 200 } }']];

async function main(): Promise<void> {
  await withListBench('bench_partner', { role: 'PARTNER', app: 'partner-portal', purpose: 'THIRD_PARTY_DISCLOSURE' }, 'partner indexes built', async ({ db, server, ask, requests }) => {
    await timePages(ask, requests, 'index', FILTER, NOBODY);
    // Added since the build and not yet indexed: the keeper waits.
    server.recipientOrders.keep = () => undefined;
    await server.recipientOrders.stop();
    await seedMore(db, 1_000);
    await timePages(ask, requests, 'pending', FILTER, NOBODY);
    await db.knex('recipient_order_state').delete();
    await timePages(ask, requests, 'hashing', FILTER, NOBODY);
  });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
