// privql without the privacy wrapper and the log, as a server process of its
// own for bench:compare: the same config, database, HTTP stack and resolvers
// as `npm start`, but the schema of bench/support/unguardedSchema.ts.
// Bench-only; nothing in src/ can start a server like this.

import { loadConfig } from '../../../src/config';
import { openDatabase } from '../../../src/data/database';
import { startPrivqlServer } from '../../../src/server/app';
import { unguardedSchema } from '../../support/unguardedSchema';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl });
  const server = await startPrivqlServer({ config, db, schema: unguardedSchema() });
  const stop = () => void server.stop().then(() => db.close()).finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
