// Tests that cut the database's connections under a running server: the
// server tells its operator once per dropped connection, in one line
// ("privql: database: Connection Error: …"). Those lines are expected there,
// so the test collects them instead of letting them into jest's output, and
// fails on any other warning — a real problem still shows.

// `s`: a dropped query's warning carries its SQL text, which spans lines.
const DROPPED = /^privql: database: .*(Connection ended unexpectedly|terminating connection|Connection terminated|ECONNRESET|ECONNREFUSED)/s;

export interface DroppedConnectionWarnings {
  /** Stops collecting and returns the warnings that were not about a dropped connection. */
  others(): string[];
}

export function collectDroppedConnectionWarnings(): DroppedConnectionWarnings {
  const warned: string[] = [];
  const spy = jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warned.push(args.map(String).join(' ')));
  return {
    others() {
      spy.mockRestore();
      return warned.filter((line) => !DROPPED.test(line));
    },
  };
}
