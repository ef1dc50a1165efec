// `npm run export:anonymous -- --out FILE.csv|FILE.jsonl [--force]`: writes
// the k-anonymous release (refreshed first if stale) to a file, with no
// customer id and no pseudonym, and records the export in the access log.

import { existsSync } from 'node:fs';
import { exportRelease } from '../anonymity/exportRelease';
import { formatOf } from '../anonymity/exportFormat';
import { withCliDatabase } from './cliDatabase';
import { cliPrincipal } from './cliActor';
import { consoleIo, type Io, runCommand } from './io';

const USAGE = `usage: npm run export:anonymous -- --out FILE.csv|FILE.jsonl [--force]

  --out FILE  where to write; the extension chooses CSV or JSON Lines
  --force     replace FILE if it exists`;

export interface ExportIo extends Io {
  /** Whether stderr is a terminal: a progress bar then, one final line otherwise. */
  isTTY?: boolean;
  progress?(text: string): void;
}

const ttyIo: ExportIo = { ...consoleIo, isTTY: Boolean(process.stderr.isTTY), progress: (t) => process.stderr.write(t) };

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: ExportIo = ttyIo): Promise<number> {
  let out: string | undefined;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--out') out = argv[++i];
    else if (arg.startsWith('--out=')) out = arg.slice(6);
    else if (arg === '--force') force = true;
    else if (arg === '--help' || arg === '-h') {
      io.out(USAGE);
      return 0;
    } else {
      io.err(`export:anonymous: unknown argument: ${arg}\n\n${USAGE}`);
      return 2;
    }
  }
  const format = out ? formatOf(out) : null;
  if (!out || !format) {
    io.err(`export:anonymous: --out FILE.csv or FILE.jsonl is required\n\n${USAGE}`);
    return 2;
  }
  if (existsSync(out) && !force) {
    io.err(`export:anonymous: ${out} exists; nothing was written (use --force to replace it)`);
    return 1;
  }
  return withCliDatabase('export:anonymous', env, io, async (db) => {
    const started = Date.now();
    const result = await exportRelease(db.knex, out, {
      format,
      principal: cliPrincipal(env),
      onProgress: io.isTTY && io.progress ? (done, total) => io.progress!(`\r${bar(done, total)}`) : undefined,
    });
    if (io.isTTY && io.progress) io.progress('\n');
    const s = result.summary;
    io.err(`exported ${result.rows} rows to ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s${result.refreshed ? ' (release refreshed first)' : ''}`);
    io.out(`k ${s.k}, achieved k ${s.achievedK ?? '-'}; ${s.released} released, ${s.suppressed} suppressed`);
    for (const [dimension, level] of Object.entries(s.levels)) io.out(`  ${dimension.padEnd(15)} ${level}`);
    return 0;
  });
}

function bar(done: number, total: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * 30);
  return `[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${done}/${total} rows`;
}

if (require.main === module) runCommand(main);
