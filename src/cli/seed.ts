// `npm run seed`: loads the deterministic demo data set into a persistent
// database — a PostgreSQL server (DATABASE_URL) or an embedded one kept in a
// directory (PRIVQL_DATA_DIR). It refuses to mix a new data set into existing
// customer data unless asked to replace it with --reset.

import { migrate, openDatabase, type Database } from '../data/database';
import { DEFAULT_SEED } from '../../seeds/generate';
import { isSeeded, seedDatabase } from '../../seeds/seed';
import { consoleIo, errorMessage, type Io, runCommand } from './io';

export interface SeedArgs {
  customers: number;
  seed: number;
  reset: boolean;
  help: boolean;
}

const USAGE = `usage: npm run seed -- [--customers N] [--seed S] [--reset]

  --customers N  number of customers to generate (default 1000)
  --seed S       seed of the generator; the same seed gives the same data (default ${DEFAULT_SEED})
  --reset        delete existing customers, orders and opt-outs first (the access log is kept)

The target is PRIVQL_OWNER_DATABASE_URL or DATABASE_URL (a PostgreSQL server) or PRIVQL_DATA_DIR (an embedded
database kept in that directory).`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): SeedArgs {
  const args: SeedArgs = { customers: 1000, seed: DEFAULT_SEED, reset: false, help: false };
  const integer = (flag: string, value: string | undefined, min: number): number => {
    if (value === undefined || !/^-?\d+$/.test(value)) throw new UsageError(`${flag} needs an integer, got ${value ?? 'nothing'}`);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be an integer ≥ ${min}, got ${value}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // Accept both `--flag value` and `--flag=value`.
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = flag !== arg ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--customers':
        args.customers = integer(flag, value(), 0);
        break;
      case '--seed':
        args.seed = integer(flag, value(), -(2 ** 31));
        break;
      case '--reset':
        args.reset = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new UsageError(`unknown argument: ${arg}`);
    }
  }
  return args;
}


/** Runs the command; resolves to the process exit code (0 ok, 1 refused or failed, 2 usage). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  let args: SeedArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`seed: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  // Seeding writes customer tables, which the application role may not.
  const url = env.PRIVQL_OWNER_DATABASE_URL || env.DATABASE_URL || undefined;
  const dataDir = env.PRIVQL_DATA_DIR || undefined;
  if (!url && !dataDir) {
    io.err(
      'seed: no database to seed. Without DATABASE_URL or PRIVQL_DATA_DIR the embedded database lives in\n' +
        'memory and would vanish when this command exits (`npm start` seeds its own in-memory database).\n' +
        'Set DATABASE_URL=postgres://… for a server, or PRIVQL_DATA_DIR=./data for an embedded one on disk.',
    );
    return 2;
  }

  let db: Database | undefined;
  try {
    db = await openDatabase(url ? { url } : { dataDir: dataDir! });
    await migrate(db);
    if (!args.reset && (await isSeeded(db.knex))) {
      io.err(`seed: ${db.describe()} already holds customer data; nothing was changed.\nRun again with --reset to replace it (the access log is kept).`);
      return 1;
    }
    io.out(`seeding ${db.describe()}: ${args.customers} customers, seed ${args.seed}${args.reset ? ', after reset' : ''}`);
    const started = process.hrtime.bigint();
    const counts = await seedDatabase(db.knex, { customers: args.customers, seed: args.seed, reset: args.reset });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    io.out(
      `inserted ${counts.customers} customers, ${counts.orders} orders, ${counts.optOuts} opt-outs, ` +
        `${counts.history} opt-out history entries in ${seconds.toFixed(1)} s`,
    );
    return 0;
  } catch (e) {
    // Never print the URL (it may hold a password); describe() is safe.
    io.err(`seed: failed${db ? ` on ${db.describe()}` : ''}: ${errorMessage(e)}`);
    return 1;
  } finally {
    await db?.close();
  }
}

if (require.main === module) runCommand(main);
