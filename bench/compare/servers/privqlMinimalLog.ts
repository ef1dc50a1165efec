// privql with privacy on and the least a committed record can be (one small
// row per request: bench/support/minimalLog.ts) instead of the access log, as
// a server process of its own for bench:compare. Measured beside privql
// without privacy and log, it shows what any per-request commit costs before
// the record holds anything; privql's own rows show what its record adds.
// Bench-only; nothing in src/ can start a server like this.

import { loadConfig } from '../../../src/config';
import { openDatabase } from '../../../src/data/database';
import { startPrivqlServer } from '../../../src/server/app';
import { minimalLog } from '../../support/minimalLog';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl });
  const server = await startPrivqlServer({ config, db, accessLog: await minimalLog(db.knex) });
  const stop = () => void server.stop().then(() => db.close()).finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
