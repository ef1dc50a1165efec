// `npm run audit:verify`: walks the access-log chain; exit 0 with the count,
// 1 naming the first record whose hash or link is wrong.
// `npm run audit:prune [-- --days N]`: deletes records older than the
// retention (PRIVQL_LOG_RETENTION_DAYS, default 1095 days = 3 years) behind a
// checkpoint record, so the chain still verifies.

import { loadConfig } from '../config';
import { migrate, openDatabase } from '../data/database';
import { pruneAccessLog, verifyAccessLog } from '../audit/chainAudit';
import { consoleIo, type Io } from './io';


export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'verify' && command !== 'prune') {
    io.err('usage: audit verify | audit prune [--days N]');
    return 2;
  }
  const url = env.DATABASE_URL || undefined;
  if (!url && !env.PRIVQL_DATA_DIR) {
    io.err('set DATABASE_URL, or PRIVQL_DATA_DIR for an embedded database kept in a directory: an in-memory database has no log to check');
    return 2;
  }
  const db = await openDatabase({ url, dataDir: env.PRIVQL_DATA_DIR || undefined });
  try {
    await migrate(db);
    if (command === 'verify') {
      const result = await verifyAccessLog(db.knex);
      const from = result.prunedThrough ? ` (records through ${result.prunedThrough} pruned behind a checkpoint)` : '';
      if (result.ok) {
        io.out(`access log OK: ${result.checked} records verified${from}`);
        return 0;
      }
      const b = result.firstBreak!;
      io.err(`access log BROKEN at record ${b.seq} (request ${b.requestId}): ${b.problem}: ${b.message}; ${result.checked} records before it verified${from}`);
      return 1;
    }
    const days = retentionDays(rest, env);
    const cutoff = new Date(Date.now() - days * 86_400_000);
    const result = await pruneAccessLog(db.knex, cutoff, days);
    io.out(result.pruned === 0 ? `nothing older than ${days} days` : `pruned ${result.pruned} records through ${result.throughSeq} (older than ${days} days); checkpoint written`);
    return 0;
  } finally {
    await db.close();
  }
}

function retentionDays(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const i = args.indexOf('--days');
  if (i < 0) return loadConfig({ PRIVQL_LOG_RETENTION_DAYS: env.PRIVQL_LOG_RETENTION_DAYS }).logRetentionDays;
  const days = Number(args[i + 1]);
  if (!Number.isFinite(days) || days < 0) throw new Error(`--days takes a number of days, got ${args[i + 1]}`);
  return days;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`audit: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
