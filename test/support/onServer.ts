// Tests that need a PostgreSQL server (roles, a connection to lose, a server
// to be unreachable) run with DATABASE_URL set, as CI's second run does; on
// the embedded PGlite they are listed as skipped, the title saying why.

export const onServer = Boolean(process.env.DATABASE_URL);

export function describeOnServer(title: string, body: () => void): void {
  (onServer ? describe : describe.skip)(title, body);
}
