// privql as bench:compare also measures it, as a server process of its own
// with the same config, database, HTTP stack and resolvers as `npm start`;
// BENCH_PRIVQL_VARIANT picks what differs:
// - off: the schema of bench/support/unguardedSchema.ts, without the privacy
//   wrapper and the log;
// - minimal-log: privacy on, and in place of the access log the least a
//   committed record can be (bench/support/minimalLog.ts), to tell what any
//   per-request commit costs from what privql's record adds.
// Bench-only; nothing in src/ can start a server like this.

import { loadConfig } from '../../../src/config';
import { openDatabase, type Database } from '../../../src/data/database';
import { startPrivqlServer, type ServerOptions } from '../../../src/server/app';
import { NO_LOG, unguardedSchema } from '../../support/unguardedSchema';
import { minimalLog } from '../../support/minimalLog';

export async function variant(name: string | undefined, db: Database): Promise<Partial<ServerOptions>> {
  if (name === 'off') return { schema: unguardedSchema(), accessLog: NO_LOG };
  if (name === 'minimal-log') return { accessLog: await minimalLog(db.knex) };
  throw new Error(`BENCH_PRIVQL_VARIANT must be off or minimal-log, not ${name}`);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl });
  const server = await startPrivqlServer({ config, db, ...(await variant(process.env.BENCH_PRIVQL_VARIANT, db)) });
  const stop = () => void server.stop().then(() => db.close()).finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
