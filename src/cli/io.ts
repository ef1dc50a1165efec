/** Where a command-line tool writes; tests pass their own to read what it said. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * What went wrong, fit to print: knex prefixes a database error with the
 * statement and its bound values, which say nothing to the user and may
 * hold data. Only the database's own sentence is kept.
 */
export function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const fromDatabase = typeof (err as { code?: unknown }).code === 'string' && typeof (err as { severity?: unknown }).severity === 'string';
  return fromDatabase ? err.message.slice(err.message.lastIndexOf(' - ') + 3) : err.message;
}

/** Runs a command's main as a process: its return value is the exit code, a throw is a crash. */
export function runCommand(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}

/**
 * Where the user ran the command: `npm run` starts scripts in the project
 * root and keeps the caller's directory in INIT_CWD, against which the
 * paths they typed must be read.
 */
export function invocationDir(): string {
  return process.env.INIT_CWD || process.cwd();
}
