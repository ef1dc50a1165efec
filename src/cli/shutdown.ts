// What SIGTERM and SIGINT do to a running server: stop accepting connections,
// let the requests in flight finish (each one's access record is committed
// before its response, so they are not cut short), close the database, exit 0.
// A shutdown that cannot finish — a request stuck on a database that no longer
// answers — must not keep the process alive: past the deadline it exits 1,
// saying how many requests were left.

import type http from 'node:http';

export interface ShutdownSteps {
  /** Stops accepting connections and waits for the requests in flight. */
  stopServer(): Promise<void>;
  closeDatabase(): Promise<void>;
}

export interface ShutdownOptions {
  deadlineMs: number;
  log(message: string): void;
  exit(code: number): void;
  /** How many requests are still running (for the messages). */
  inFlight(): number;
}

/** The signal handler: the first signal shuts down; a second one exits at once. */
export function shutdownHandler(steps: ShutdownSteps, options: ShutdownOptions): (signal: string) => void {
  let started = false;
  const seconds = `${options.deadlineMs / 1000} s`;
  return (signal) => {
    if (started) {
      options.log(`${signal} again: exiting now with ${requests(options.inFlight())} unfinished`);
      options.exit(1);
      return;
    }
    started = true;
    options.log(`${signal}: no new connections; finishing ${requests(options.inFlight())} in flight (at most ${seconds})`);
    // Not unref'd: this timer is what guarantees the process ends.
    const deadline = setTimeout(() => {
      options.log(`shutdown did not finish within ${seconds} (${requests(options.inFlight())} still running): exiting`);
      options.exit(1);
    }, options.deadlineMs);
    const finish = (code: number, message: string) => {
      clearTimeout(deadline);
      options.log(message);
      options.exit(code);
    };
    steps
      .stopServer()
      .then(() => steps.closeDatabase())
      .then(
        () => finish(0, 'stopped'),
        (err: unknown) => finish(1, `shutdown failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`),
      );
  };
}

/** Counts requests whose response has not been sent (or whose connection has not closed). */
export function countInFlight(server: http.Server): () => number {
  let running = 0;
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    running++;
    res.once('close', () => running--);
  });
  return () => running;
}

export function installShutdown(server: http.Server, steps: ShutdownSteps, options: { deadlineMs: number; log(message: string): void }): void {
  const handler = shutdownHandler(steps, { ...options, inFlight: countInFlight(server), exit: (code) => process.exit(code) });
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

const requests = (n: number) => `${n} request${n === 1 ? '' : 's'}`;
