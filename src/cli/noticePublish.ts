// `npm run notice:publish`: publishes the privacy notice as the schema's
// annotations and the policy give it now, as the next version, and queues a
// notification for every customer not erased — or says it is unchanged and
// writes nothing. The same as the officer's publishPrivacyNotice, recorded in
// the access log under the operator's name.

import { loadConfig } from '../config';
import { publishNotice } from '../governance/notice/store';
import { buildPrivqlSchema } from '../server/schema';
import { withCliDatabase } from './cliDatabase';
import { administrationActor } from './cliActor';
import { consoleIo, type Io, runCommand } from './io';

const USAGE = `usage: npm run notice:publish

Publishes the privacy notice generated from schema/*.graphql and the policy
as a new version when it differs from the latest one, and queues one
notification per customer. Needs DATABASE_URL or PRIVQL_DATA_DIR;
PRIVQL_OFFICER_CONTACT is the contact printed in it.`;

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  if (argv.length > 0) {
    io.err(`notice:publish: unknown argument: ${argv[0]}\n\n${USAGE}`);
    return 2;
  }
  // Only the contact is needed from the configuration; the rest of it
  // (secrets a server needs) is not asked for.
  const officerContact = loadConfig({ PRIVQL_OFFICER_CONTACT: env.PRIVQL_OFFICER_CONTACT }).officerContact;
  const { catalog } = buildPrivqlSchema();
  return withCliDatabase('notice:publish', env, io, async (db) => {
    const result = await publishNotice(db.knex, { catalog, officerContact }, administrationActor(env));
    if (result.status === 'UNCHANGED') {
      io.out(`unchanged (version ${result.version})`);
      return 0;
    }
    io.out(`published version ${result.version}: ${result.changes.join(' ')}`);
    io.out(`${result.notificationsQueued} notifications queued`);
    return 0;
  });
}

if (require.main === module) runCommand(main);
