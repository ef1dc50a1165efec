// `npm run release:refresh`: recomputes the anonymous release now, whether or
// not it is stale, and prints how it was cut.

import { refreshRelease } from '../anonymity/refresh';
import { withCliDatabase } from './cliDatabase';
import { consoleIo, type Io, runCommand } from './io';

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out('usage: npm run release:refresh\n\nRecomputes the k-anonymous release the ANONYMOUS view and export:anonymous serve.');
    return 0;
  }
  if (argv.length > 0) {
    io.err(`release:refresh: unknown argument: ${argv[0]}`);
    return 2;
  }
  return withCliDatabase('release:refresh', env, io, async (db) => {
    const { summary: s, ms, candidatesEvaluated } = await refreshRelease(db.knex);
    io.out(`anonymous release of ${db.describe()} refreshed in ${(ms / 1000).toFixed(2)} s (${candidatesEvaluated} candidate levels evaluated)`);
    for (const [dimension, level] of Object.entries(s.levels)) io.out(`  ${dimension.padEnd(15)} ${level}`);
    io.out(`k ${s.k}, achieved k ${s.achievedK ?? '- (nothing released)'}; ${s.released} released, ${s.suppressed} suppressed`);
    return 0;
  });
}

if (require.main === module) runCommand(main);
