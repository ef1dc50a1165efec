// `npm run audit:verify`: walks the access-log chain; exit 0 with the count,
// 1 naming the first record whose hash, link or checkpoint signature is
// wrong, or what is wrong with the chain head.
// `npm run audit:prune [-- --days N]`: deletes records older than the
// retention (PRIVQL_LOG_RETENTION_DAYS, default 1095 days = 3 years) behind a
// checkpoint record signed with PRIVQL_RETENTION_KEY, so the chain still
// verifies and nobody without the key can license a deletion.
// `npm run audit:keygen [-- --out DIR]`: makes a retention key pair.
// Both database commands connect as the owner of the tables when
// PRIVQL_OWNER_DATABASE_URL is set (pruning deletes, which the application
// role may not), else with DATABASE_URL, else to PRIVQL_DATA_DIR.

import { createPublicKey } from 'node:crypto';
import { loadConfig } from '../config';
import { migrate, openDatabase, type Database } from '../data/database';
import { pruneAccessLog, verifyAccessLog, type VerifyResult } from '../audit/chainAudit';
import { RetentionKeyError, retentionPrivateKey, retentionPublicKeys } from '../audit/retentionKey';
import { consoleIo, errorMessage, type Io } from './io';
import { keygen } from './auditKeygen';

const USAGE = 'usage: audit verify | audit prune [--days N] | audit keygen [--out DIR]';

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'keygen') return keygen(rest, io);
  if (command !== 'verify' && command !== 'prune') {
    io.err(USAGE);
    return 2;
  }
  const url = env.PRIVQL_OWNER_DATABASE_URL || env.DATABASE_URL || undefined;
  if (!url && !env.PRIVQL_DATA_DIR) {
    io.err('set DATABASE_URL, or PRIVQL_DATA_DIR for an embedded database kept in a directory: an in-memory database has no log to check');
    return 2;
  }
  let task: (db: Database) => Promise<number>;
  try {
    task = command === 'verify' ? verifyTask(env, io) : pruneTask(rest, env, io);
  } catch (err) {
    if (!(err instanceof RetentionKeyError || err instanceof UsageError)) throw err;
    io.err(`audit: ${err.message}`);
    return 2;
  }
  let db: Database;
  try {
    db = await openDatabase({ url, dataDir: env.PRIVQL_DATA_DIR || undefined });
  } catch (err) {
    io.err(`audit: ${errorMessage(err)}`);
    return 1;
  }
  try {
    await migrate(db);
    return await task(db);
  } catch (err) {
    // A log the verifier cannot even read (a table dropped, no privilege) is reported, not thrown.
    io.err(`audit: ${command} failed on ${db.describe()}: ${errorMessage(err)}`);
    return 1;
  } finally {
    await db.close();
  }
}

class UsageError extends Error {}

function verifyTask(env: NodeJS.ProcessEnv, io: Io): (db: Database) => Promise<number> {
  const retentionKeys = retentionPublicKeys(env);
  return async (db) => {
    const result = await verifyAccessLog(db.knex, { retentionKeys });
    io[result.ok ? 'out' : 'err'](describeResult(result));
    return result.ok ? 0 : 1;
  };
}

export function describeResult(result: VerifyResult): string {
  const from = result.prunedThrough ? ` (records through ${result.prunedThrough} pruned behind a checkpoint)` : '';
  if (result.ok) return `access log OK: ${result.checked} records verified${from}`;
  const b = result.firstBreak!;
  const where = b.seq ? ` at record ${b.seq}${b.requestId ? ` (request ${b.requestId})` : ''}` : '';
  return `access log BROKEN${where}: ${b.problem}: ${b.message}; ${result.checked} records before it verified${from}`;
}

function pruneTask(args: readonly string[], env: NodeJS.ProcessEnv, io: Io): (db: Database) => Promise<number> {
  const days = retentionDays(args, env);
  const privateKey = retentionPrivateKey(env);
  if (!privateKey) {
    throw new RetentionKeyError(
      'prune needs the retention signing key: set PRIVQL_RETENTION_KEY to an Ed25519 private key in PEM form, or the path of a file holding one ' +
        '(npm run audit:keygen makes a pair). Checkpoints are signed so that audit:verify can tell an authorized deletion from a forged one.',
    );
  }
  const signer = { privateKey, publicKey: createPublicKey(privateKey) };
  return async (db) => {
    const cutoff = new Date(Date.now() - days * 86_400_000);
    const result = await pruneAccessLog(db.knex, cutoff, days, signer);
    io.out(result.pruned === 0 ? `nothing older than ${days} days` : `pruned ${result.pruned} records through ${result.throughSeq} (older than ${days} days); signed checkpoint written`);
    return 0;
  };
}

function retentionDays(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const i = args.indexOf('--days');
  if (i < 0) return loadConfig({ PRIVQL_LOG_RETENTION_DAYS: env.PRIVQL_LOG_RETENTION_DAYS }).logRetentionDays;
  const days = Number(args[i + 1]);
  if (!Number.isFinite(days) || days < 0) throw new UsageError(`--days takes a number of days, got ${args[i + 1]}`);
  return days;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`audit: ${errorMessage(err)}`);
      process.exit(1);
    },
  );
}
