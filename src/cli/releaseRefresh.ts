// `npm run release:refresh`: recomputes the anonymous release now, whether or
// not it is stale, and prints how it was cut.

import { refreshRelease } from '../anonymity/refresh';
import type { Database } from '../data/database';
import { NO_DATABASE, openCliDatabase } from './cliDatabase';
import { consoleIo, errorMessage, type Io } from './io';

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out('usage: npm run release:refresh\n\nRecomputes the k-anonymous release the ANONYMOUS view and export:anonymous serve.');
    return 0;
  }
  if (argv.length > 0) {
    io.err(`release:refresh: unknown argument: ${argv[0]}`);
    return 2;
  }
  let db: Database | null = null;
  try {
    db = await openCliDatabase(env);
    if (!db) {
      io.err(`release:refresh: ${NO_DATABASE}`);
      return 2;
    }
    const { summary: s, ms, candidatesEvaluated } = await refreshRelease(db.knex);
    io.out(`anonymous release of ${db.describe()} refreshed in ${(ms / 1000).toFixed(2)} s (${candidatesEvaluated} candidate levels evaluated)`);
    for (const [dimension, level] of Object.entries(s.levels)) io.out(`  ${dimension.padEnd(15)} ${level}`);
    io.out(`k ${s.k}, achieved k ${s.achievedK ?? '- (nothing released)'}; ${s.released} released, ${s.suppressed} suppressed`);
    return 0;
  } catch (e) {
    io.err(`release:refresh: failed${db ? ` on ${db.describe()}` : ''}: ${errorMessage(e)}`);
    return 1;
  } finally {
    await db?.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
