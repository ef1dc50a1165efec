// `npm start`: open the database, migrate, seed the embedded one when empty,
// and serve. A server database is migrated but never seeded here.

import { ConfigError, loadConfig, type PrivqlConfig } from '../config';
import { openDatabase } from '../data/database';
import { prepareDatabase } from '../data/applicationRole';
import { isSeeded, seedApplications, seedDatabase } from '../../seeds/seed';
import { mintToken } from '../auth/token';
import { applicationWarnings } from '../auth/applications';
import { startPrivqlServer } from '../server/app';
import { buildPrivqlSchema } from '../server/schema';
import { installShutdown } from './shutdown';

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
  // Built once: the privacy views are generated from the same catalog the server guards with.
  const schema = buildPrivqlSchema();
  const views = { catalog: schema.catalog, pseudonymSecret: config.pseudonymSecret };
  for (const warning of await prepareDatabase(db, config.ownerDatabaseUrl, views)) console.warn(`privql: WARNING: ${warning}`);
  if (db.kind === 'embedded') {
    if (!(await isSeeded(db.knex))) {
      const started = Date.now();
      const counts = await seedDatabase(db.knex, { customers: config.seedCustomers });
      console.log(`privql: seeded ${counts.customers} customers and ${counts.orders} orders in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } else {
      await seedApplications(db.knex);
    }
  }
  for (const warning of [...startupWarnings(config), ...(await applicationWarnings(db.knex))]) console.warn(`privql: ${warning}`);
  const server = await startPrivqlServer({ config, db, schema, log: (m) => console.error(`privql: ${m}`) });
  // Before "ready": a supervisor may signal as soon as it reads that line.
  installShutdown(server.httpServer, { stopServer: () => server.stop(), closeDatabase: () => db.close() }, {
    deadlineMs: config.shutdownTimeoutMs,
    log: (m) => console.error(`privql: ${m}`),
  });
  console.log(`privql: ready at ${server.url}${config.demo ? ' (demo mode: open it in a browser for GraphiQL)' : ''}`);
  if (config.usesDevelopmentSecret) {
    const token = await mintToken({ secret: config.jwtSecret, sub: 'agent-1', role: 'AGENT', app: 'crm-console' });
    console.log(`\nTry it:\n  curl -s ${server.url} -H 'content-type: application/json' \\
    -H 'authorization: Bearer ${token}' -H 'x-purpose: CUSTOMER_SERVICE' \\
    -d '{"query":"{ customers(first: 3) { nodes { name email phone religion } } }"}'\n`);
  }
}

function startupWarnings(config: PrivqlConfig): string[] {
  const warnings: string[] = [];
  if (config.demoForced) {
    warnings.push(
      [
        '',
        '#'.repeat(78),
        '# DEMO MODE IS ON (PRIVQL_DEMO=1): POST /demo/token hands ANY caller a token for',
        '# ANY role, the privacy officer included, signed with this server\'s real key.',
        '# Never run it like this on a database that holds real customers.',
        '#'.repeat(78),
      ].join('\n'),
    );
  }
  if (config.usesDevelopmentSecret) warnings.push('WARNING: using the built-in development JWT secret. Anyone can mint tokens. Set JWT_SECRET for anything but a demo.');
  // In memory everything is gone at exit anyway; kept data outlives its pseudonyms.
  if (config.pseudonymSecretIsEphemeral && config.dataDir) {
    warnings.push('no PRIVQL_PSEUDONYM_SECRET: pseudonyms are keyed by a random secret and change at every start; set one to keep them stable.');
  }
  return warnings;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`privql: failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
