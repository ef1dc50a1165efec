import { shutdownHandler, type ShutdownSteps } from './shutdown';

function harness(steps: Partial<ShutdownSteps>, inFlight = 0) {
  const events: string[] = [];
  let exited: (code: number) => void = () => undefined;
  const exit = new Promise<number>((resolve) => (exited = resolve));
  const handler = shutdownHandler(
    {
      stopServer: steps.stopServer ?? (async () => void events.push('server stopped')),
      closeDatabase: steps.closeDatabase ?? (async () => void events.push('database closed')),
    },
    {
      deadlineMs: 200,
      log: (m) => events.push(`log: ${m}`),
      exit: (code) => {
        events.push(`exit ${code}`);
        exited(code);
      },
      inFlight: () => inFlight,
    },
  );
  return { handler, events, exit };
}

test('a signal stops the server, then closes the database, then exits 0', async () => {
  const h = harness({}, 2);
  h.handler('SIGTERM');
  expect(await h.exit).toBe(0);
  expect(h.events).toEqual([
    'log: SIGTERM: no new connections; finishing 2 requests in flight (at most 0.2 s)',
    'server stopped',
    'database closed',
    'log: stopped',
    'exit 0',
  ]);
});

test('a shutdown that hangs exits 1 at the deadline, saying what was left', async () => {
  const started = Date.now();
  const h = harness({ stopServer: () => new Promise<void>(() => undefined) }, 1);
  h.handler('SIGTERM');
  expect(await h.exit).toBe(1);
  expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  expect(h.events).toContain('log: shutdown did not finish within 0.2 s (1 request still running): exiting');
  expect(h.events).not.toContain('database closed');
});

test('a database that fails to close exits 1 with one line', async () => {
  const h = harness({ closeDatabase: async () => Promise.reject(new Error('connection lost\n    at Socket.x (net.js:1:1)')) });
  h.handler('SIGINT');
  expect(await h.exit).toBe(1);
  expect(h.events.filter((e) => e.startsWith('log: shutdown failed'))).toEqual(['log: shutdown failed: connection lost']);
});

test('a second signal during shutdown exits at once', async () => {
  const h = harness({ stopServer: () => new Promise<void>(() => undefined) }, 3);
  h.handler('SIGINT');
  h.handler('SIGINT');
  expect(await h.exit).toBe(1);
  expect(h.events).toEqual([
    'log: SIGINT: no new connections; finishing 3 requests in flight (at most 0.2 s)',
    'log: SIGINT again: exiting now with 3 requests unfinished',
    'exit 1',
  ]);
});
