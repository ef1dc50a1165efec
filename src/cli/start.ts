// `npm start`: open the database, migrate, seed the embedded one when empty,
// and serve. A server database is migrated but never seeded here.

import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../data/database';
import { prepareDatabase } from '../data/applicationRole';
import { isSeeded, seedApplications, seedDatabase } from '../../seeds/seed';
import { mintToken } from '../auth/token';
import { startPrivqlServer } from '../server/app';

export async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`privql: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  console.log(`privql: database: ${db.describe()}`);
  for (const warning of await prepareDatabase(db, config.ownerDatabaseUrl)) console.warn(`privql: WARNING: ${warning}`);
  if (db.kind === 'embedded') {
    if (!(await isSeeded(db.knex))) {
      const started = Date.now();
      const counts = await seedDatabase(db.knex, { customers: config.seedCustomers });
      console.log(`privql: seeded ${counts.customers} customers and ${counts.orders} orders in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } else {
      await seedApplications(db.knex);
    }
  }
  if (config.usesDevelopmentSecret) {
    console.warn('privql: WARNING: using the built-in development JWT secret. Anyone can mint tokens. Set JWT_SECRET for anything but a demo.');
  }
  const server = await startPrivqlServer({ config, db, log: (m) => console.error(`privql: ${m}`) });
  console.log(`privql: ready at ${server.url}${config.demo ? ' (open it in a browser for GraphiQL)' : ''}`);
  if (config.usesDevelopmentSecret) {
    const token = await mintToken({ secret: config.jwtSecret, sub: 'agent-1', role: 'AGENT', app: 'crm-console' });
    console.log(`\nTry it:\n  curl -s ${server.url} -H 'content-type: application/json' \\
    -H 'authorization: Bearer ${token}' -H 'x-purpose: CUSTOMER_SERVICE' \\
    -d '{"query":"{ customers(first: 3) { nodes { name email phone religion } } }"}'\n`);
  }
  const shutdown = async () => {
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`privql: failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
