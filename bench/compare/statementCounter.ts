// Counts the SQL statements a server process sends, by wrapping
// node-postgres's Client.prototype.query: every driver above it (knex,
// PostGraphile, a plain Pool) ends there, so one count fits all servers.
// preloadCounter.ts installs it in each server child. BEGIN and COMMIT count:
// each is a round trip to PostgreSQL like any other statement.

export interface StatementCount {
  total: number;
  /** By first keyword (select, insert, begin, ...). */
  byKind: Record<string, number>;
}

type Query = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps `pg.Client.prototype.query`; returns a reader and a way to undo it. */
export function installStatementCounter(pg: { Client: { prototype: { query: Query } } }): { read(): StatementCount; uninstall(): void } {
  const proto = pg.Client.prototype;
  const original = proto.query;
  const count: StatementCount = { total: 0, byKind: {} };
  proto.query = function counted(this: unknown, ...args: unknown[]) {
    const config = args[0] as string | { text?: string } | undefined;
    const text = typeof config === 'string' ? config : config?.text ?? '';
    const kind = /^\s*([a-z]+)/i.exec(text)?.[1].toLowerCase() ?? '?';
    count.total++;
    count.byKind[kind] = (count.byKind[kind] ?? 0) + 1;
    return original.apply(this, args);
  };
  return {
    read: () => ({ total: count.total, byKind: { ...count.byKind } }),
    uninstall: () => void (proto.query = original),
  };
}
