// `npm run app -- add NAME --role ROLE [--owner CONTACT] [--title TITLE]`,
// `list`, `revoke NAME`: the applications a token's `app` claim may name. A
// token is accepted only for an application registered for the token's role,
// so a database without any (a migrated but unseeded server) refuses every
// token until one is added here.
//
// Registering or revoking one changes who may read customer data: each is
// recorded in the access log (a CHANGE record under the operator's name) in
// the change's own transaction, so there is no change without its record.

import type { Knex } from 'knex';
import { APPLICATION_CACHE_TTL_MS } from '../auth/applications';
import { writeChangeRecord } from '../audit/changeRecord';
import type { AccessContext } from '../audit/accessContext';
import { administrationActor } from './cliActor';
import { ROLES, isOneOf } from '../policy/vocabulary';
import { withCliDatabase } from './cliDatabase';
import { consoleIo, type Io, runCommand } from './io';

const EFFECT = `running servers apply it within ${APPLICATION_CACHE_TTL_MS / 1000} s (how long they keep the list of applications)`;

const USAGE = `usage: npm run app -- add NAME --role ROLE [--owner CONTACT] [--title TITLE]
       npm run app -- list
       npm run app -- revoke NAME

  add     registers application NAME (what tokens put in their "app" claim) for one role:
          ${ROLES.join(', ')}
  list    the registered applications
  revoke  removes one: tokens naming it are refused from then on

Changes reach ${EFFECT.replace('running servers apply it', 'running servers')}.
Each add and revoke is recorded in the access log under PRIVQL_PRINCIPAL (or your user name).
The target is PRIVQL_OWNER_DATABASE_URL or DATABASE_URL (a PostgreSQL server) or PRIVQL_DATA_DIR
(an embedded database kept in that directory, while no server runs on it).`;

// What a token claim and a log column can carry without quoting: no spaces, no control characters.
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

class UsageError extends Error {}

interface AddArgs {
  name: string;
  role: string;
  owner: string;
  title: string;
}

function parseAdd(argv: readonly string[]): AddArgs {
  const [name, ...rest] = argv;
  if (!name || name.startsWith('--')) throw new UsageError('add needs the application NAME first');
  if (!NAME.test(name)) throw new UsageError(`NAME must be 1–63 lowercase letters, digits, '.', '_' or '-' (starting with a letter or digit), got ${JSON.stringify(name)}`);
  const options = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i]!;
    if (!['--role', '--owner', '--title'].includes(flag)) throw new UsageError(`unknown option ${flag}`);
    const value = rest[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    options.set(flag, value);
  }
  const role = options.get('--role');
  if (!isOneOf(ROLES, role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}${role ? `, got ${role}` : ''}`);
  return { name, role, owner: options.get('--owner') ?? '', title: options.get('--title') ?? name };
}

async function add(db: Knex, actor: AccessContext, args: AddArgs, io: Io): Promise<number> {
  const registered = await db.transaction(async (trx) => {
    const inserted = await trx('applications')
      .insert({ id: args.name, name: args.title, role: args.role, owner: args.owner })
      .onConflict('id')
      .ignore()
      .returning('id');
    if (inserted.length > 0) await recordChange(trx, actor, 'registerApplication', args.name, args.role);
    return inserted.length > 0;
  });
  if (!registered) {
    const existing = await db('applications').where({ id: args.name }).first('role');
    io.err(`app: ${args.name} is already registered (role ${existing?.role}); revoke it first to register it again`);
    return 1;
  }
  io.out(`registered ${args.name} for role ${args.role}; ${EFFECT}`);
  return 0;
}

/** The change's record: which application, for which role, and who did it (the record's principal); no owner contact. */
function recordChange(trx: Knex.Transaction, actor: AccessContext, operation: string, application: string, role: string): Promise<void> {
  return writeChangeRecord(trx, actor, { subjectId: null, fields: {}, detail: { operation, application, role } });
}

async function list(db: Knex, io: Io): Promise<number> {
  const rows: { id: string; role: string; owner: string; registered_at: Date | string }[] = await db('applications')
    .orderBy('id')
    .select('id', 'role', 'owner', 'registered_at');
  if (rows.length === 0) {
    io.out('no application is registered: every token is refused (add one with `npm run app -- add NAME --role ROLE`)');
    return 0;
  }
  const table = [['NAME', 'ROLE', 'OWNER', 'REGISTERED'], ...rows.map((r) => [r.id, r.role, r.owner || '-', new Date(r.registered_at).toISOString()])];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const row of table) io.out(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  return 0;
}

async function revoke(db: Knex, actor: AccessContext, name: string, io: Io): Promise<number> {
  const removed = await db.transaction(async (trx) => {
    // The rows themselves, not a count: the embedded driver does not report one reliably.
    const rows: Array<{ role: string }> = await trx('applications').where({ id: name }).del().returning('role');
    if (rows.length > 0) await recordChange(trx, actor, 'revokeApplication', name, rows[0].role);
    return rows;
  });
  if (removed.length === 0) {
    io.err(`app: no application named ${name} is registered (see npm run app -- list)`);
    return 1;
  }
  io.out(`revoked ${name}: tokens naming it are refused; ${EFFECT}`);
  return 0;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  let work: (db: Knex) => Promise<number>;
  try {
    if (command === 'add') {
      const args = parseAdd(rest);
      work = (db) => add(db, administrationActor(env), args, io);
    } else if (command === 'list' && rest.length === 0) {
      work = (db) => list(db, io);
    } else if (command === 'revoke' && rest.length === 1) {
      work = (db) => revoke(db, administrationActor(env), rest[0]!, io);
    } else {
      throw new UsageError(`unknown command: ${argv.join(' ')}`);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`app: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  // Registering is the owner's business: the application's own role may only read the list.
  const target = { ...env, DATABASE_URL: env.PRIVQL_OWNER_DATABASE_URL || env.DATABASE_URL };
  return withCliDatabase('app', target, io, (db) => work(db.knex));
}

if (require.main === module) runCommand((argv) => main(argv));
